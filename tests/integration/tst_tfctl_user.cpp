// tfctl user against a real gateway sharing its data directory: the way back in when every
// administrator password is lost, new users who can sign in, the last administrator kept,
// bad input (exit 2, one line), and every change audited by the operating-system account.
#include "gatewayauthfixture.h"
#include "toolrun.h"

#include <QHostInfo>
#include <QJsonArray>
#include <QRegularExpression>
#include <QTest>
#include <QUrl>

#include <pwd.h>
#include <unistd.h>

using namespace tf;

namespace {

using Run = test::ToolRun;

QString osAccount()
{
    const passwd *entry = ::getpwuid(::geteuid());
    return entry ? QString::fromLocal8Bit(entry->pw_name) : QString();
}

// The password a command printed once ("password of NAME: ...").
QString printedPassword(const Run &run, const QString &username)
{
    const QRegularExpression line(QStringLiteral("password of %1: (\\S+)").arg(QRegularExpression::escape(username)));
    return line.match(QString::fromUtf8(run.out)).captured(1);
}

} // namespace

class TestTfctlUser final : public QObject
{
    Q_OBJECT

private:
    test::AuthGateway m_gateway;

    Run tfctl(const QStringList &arguments) const
    {
        test::ToolOptions options;
        options.environment.insert(QStringLiteral("TF_AUTH__PBKDF2_ITERATIONS"), QStringLiteral("1000"));
        return test::runTool(QStringLiteral("tfctl"),
                             arguments + QStringList { QStringLiteral("--data-dir"), m_gateway.dataDir() }, options);
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_gateway.start()); }

    void resetPasswordGetsAnAdministratorBackIn()
    {
        const QString lost = m_gateway.adminPassword();
        const QByteArray oldSession = m_gateway.loginAdmin();
        QVERIFY(!oldSession.isEmpty());

        const Run reset = tfctl({ QStringLiteral("user"), QStringLiteral("reset-password"), QStringLiteral("admin") });
        QVERIFY2(reset.exitCode == 0, qPrintable(reset.describe()));
        const QString fresh = printedPassword(reset, QStringLiteral("admin"));
        QCOMPARE(fresh.size(), 24);
        QCOMPARE(m_gateway.loginResult(QStringLiteral("admin"), lost).status, 401);
        const QByteArray session = m_gateway.login(QStringLiteral("admin"), fresh);
        QVERIFY(!session.isEmpty());
        const test::HttpResult me = m_gateway.call("GET", QStringLiteral("/api/auth/me"), {}, session);
        QCOMPARE(me.status, 200);
        QVERIFY(me.json().value(QStringLiteral("must_change_password")).toBool());
        // The session from before the reset ended (the gateway's token cache holds it for at most 5 s).
        QTRY_COMPARE_WITH_TIMEOUT(m_gateway.call("GET", QStringLiteral("/api/auth/me"), {}, oldSession).status, 401, 8000);
    }

    void addedUserSignsInWithItsRole()
    {
        const Run added = tfctl({ QStringLiteral("user"), QStringLiteral("add"), QStringLiteral("carol"),
                                  QStringLiteral("--role"), QStringLiteral("auditor") });
        QVERIFY2(added.exitCode == 0, qPrintable(added.describe()));
        const QByteArray session = m_gateway.login(QStringLiteral("carol"), printedPassword(added, QStringLiteral("carol")));
        QVERIFY(!session.isEmpty());
        QCOMPARE(m_gateway.call("GET", QStringLiteral("/api/auth/me"), {}, session).json().value(QStringLiteral("role")).toString(),
                 QStringLiteral("auditor"));

        const Run promoted = tfctl({ QStringLiteral("user"), QStringLiteral("set-role"), QStringLiteral("carol"), QStringLiteral("operator") });
        QVERIFY2(promoted.exitCode == 0, qPrintable(promoted.describe()));
        const Run disabled = tfctl({ QStringLiteral("user"), QStringLiteral("disable"), QStringLiteral("carol") });
        QVERIFY2(disabled.exitCode == 0, qPrintable(disabled.describe()));
        QCOMPARE(m_gateway.loginResult(QStringLiteral("carol"), printedPassword(added, QStringLiteral("carol"))).status, 401);

        const Run listed = tfctl({ QStringLiteral("user"), QStringLiteral("list"), QStringLiteral("--json") });
        QVERIFY2(listed.exitCode == 0, qPrintable(listed.describe()));
        bool found = false;
        for (const QJsonValue &value : QJsonDocument::fromJson(listed.out).array()) {
            const QJsonObject user = value.toObject();
            QVERIFY(!user.contains(QStringLiteral("password_hash")));
            if (user.value(QStringLiteral("username")).toString() == QLatin1String("carol")) {
                found = true;
                QCOMPARE(user.value(QStringLiteral("role")).toString(), QStringLiteral("operator"));
                QVERIFY(user.value(QStringLiteral("disabled")).toBool());
            }
        }
        QVERIFY(found);
    }

    void badInputExitsTwo_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("expected");
        QTest::newRow("last admin disabled") << QStringList { QStringLiteral("disable"), QStringLiteral("admin") } << QStringLiteral("last enabled administrator");
        QTest::newRow("last admin demoted") << QStringList { QStringLiteral("set-role"), QStringLiteral("admin"), QStringLiteral("viewer") } << QStringLiteral("last enabled administrator");
        QTest::newRow("unknown role") << QStringList { QStringLiteral("set-role"), QStringLiteral("admin"), QStringLiteral("boss") } << QStringLiteral("role must be one of");
        QTest::newRow("unknown user") << QStringList { QStringLiteral("reset-password"), QStringLiteral("nobody") } << QStringLiteral("no user named 'nobody'");
        QTest::newRow("taken name") << QStringList { QStringLiteral("add"), QStringLiteral("admin"), QStringLiteral("--role"), QStringLiteral("viewer") } << QStringLiteral("admin");
        QTest::newRow("bad name") << QStringList { QStringLiteral("add"), QStringLiteral("a b"), QStringLiteral("--role"), QStringLiteral("viewer") } << QStringLiteral("username");
        QTest::newRow("no role") << QStringList { QStringLiteral("add"), QStringLiteral("dave") } << QStringLiteral("--role");
        QTest::newRow("unknown command") << QStringList { QStringLiteral("promote"), QStringLiteral("dave") } << QStringLiteral("use: list");
        QTest::newRow("short password file") << QStringList { QStringLiteral("add"), QStringLiteral("erin"), QStringLiteral("--role"), QStringLiteral("viewer"),
                                                               QStringLiteral("--password-file"), QStringLiteral("/dev/null") } << QStringLiteral("--password-file");
    }

    void badInputExitsTwo()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, expected);
        const Run run = tfctl(QStringList { QStringLiteral("user") } + arguments);
        QVERIFY2(run.exitCode == 2, qPrintable(run.describe()));
        QCOMPARE(run.err.count('\n'), 1);
        QVERIFY2(run.err.contains(expected.toUtf8()), run.err.constData());
    }

    // Every change above is audited by the kernel's account, and the chain holds.
    void changesAreAudited()
    {
        const QByteArray admin = [&] {
            const Run reset = tfctl({ QStringLiteral("user"), QStringLiteral("reset-password"), QStringLiteral("admin") });
            const QString printed = printedPassword(reset, QStringLiteral("admin"));
            const QByteArray session = m_gateway.login(QStringLiteral("admin"), printed);
            // A reset password must be changed before the gateway answers anything else.
            const test::HttpResult changed = m_gateway.call(
                "POST", QStringLiteral("/api/auth/password"),
                QJsonObject { { QStringLiteral("current_password"), printed },
                              { QStringLiteral("new_password"), QString(printed + QStringLiteral("-own")) } },
                session);
            return changed.status == 200 ? session : QByteArray();
        }();
        QVERIFY(!admin.isEmpty());
        const QString actor = QStringLiteral("tfctl:%1@%2").arg(osAccount(), QHostInfo::localHostName());
        const test::HttpResult entries = m_gateway.call("GET", QStringLiteral("/api/audit?username=%1&limit=100").arg(QString::fromUtf8(QUrl::toPercentEncoding(actor))), {}, admin);
        QCOMPARE(entries.status, 200);
        QStringList events;
        for (const QJsonValue &value : entries.json().value(QStringLiteral("items")).toArray())
            events << value.toObject().value(QStringLiteral("event_type")).toString();
        for (const char *expected : { "user.password_reset", "user.created", "user.updated", "user.disabled" })
            QVERIFY2(events.contains(QLatin1String(expected)), qPrintable(events.join(QLatin1Char(','))));
        const test::HttpResult verify = m_gateway.call("GET", QStringLiteral("/api/audit/verify"), {}, admin);
        QCOMPARE(verify.status, 200);
        QVERIFY(verify.json().value(QStringLiteral("intact")).toBool());
    }
};

QTEST_GUILESS_MAIN(TestTfctlUser)
#include "tst_tfctl_user.moc"
