// must_change_password enforced by a real tf-gateway: a session whose user must change the
// password may only read /api/auth/me, change the password and sign out; everything else is
// 403 password_change_required until it has. API tokens have no password and are not held back.
#include "gatewayauthfixture.h"

#include <QTest>

using namespace tf;

namespace {

QString errorCode(const test::HttpResult &result)
{
    return result.json().value(QStringLiteral("code")).toString();
}

} // namespace

class TestGatewayPasswordChange final : public QObject
{
    Q_OBJECT

private:
    test::AuthGateway m_gateway;
    QByteArray m_admin;

    // A user created by the admin; mustChange as given. Returns its id (0 when refused).
    qint64 createUser(const QString &username, const QString &role, const QString &password,
                      bool mustChange)
    {
        const test::HttpResult created
            = m_gateway.call("POST", QStringLiteral("/api/users"),
                             QJsonObject { { QStringLiteral("username"), username },
                                           { QStringLiteral("password"), password },
                                           { QStringLiteral("role"), role },
                                           { QStringLiteral("must_change_password"), mustChange } },
                             m_admin);
        return created.status == 201 ? created.json().value(QStringLiteral("id")).toInteger() : 0;
    }

    test::HttpResult changePassword(const QByteArray &session, const QString &current,
                                    const QString &fresh) const
    {
        return m_gateway.call("POST", QStringLiteral("/api/auth/password"),
                              QJsonObject { { QStringLiteral("current_password"), current },
                                            { QStringLiteral("new_password"), fresh } },
                              session);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_gateway.start(
            { { QStringLiteral("TF_RATE_LIMIT__PER_ADDRESS_RPS"), QStringLiteral("0") },
              { QStringLiteral("TF_RATE_LIMIT__PER_TOKEN_RPS"), QStringLiteral("0") } }));
    }

    void firstAdminMustChangeBeforeAnythingElse()
    {
        const test::HttpResult login
            = m_gateway.loginResult(QStringLiteral("admin"), m_gateway.initialAdminPassword());
        QCOMPARE(login.status, 200);
        QVERIFY(login.json().value(QStringLiteral("must_change_password")).toBool());
        const QByteArray session
            = "Bearer " + login.json().value(QStringLiteral("token")).toString().toUtf8();

        // Refused: reads and writes alike, whatever the role allows, under /api/v1 too.
        for (const auto &[method, path] :
             { std::pair<QByteArray, QString> { "GET", QStringLiteral("/api/users") },
               { "GET", QStringLiteral("/api/v1/users") },
               { "GET", QStringLiteral("/api/tokens") },
               { "GET", QStringLiteral("/api/audit") },
               { "POST", QStringLiteral("/api/tokens") } }) {
            const test::HttpResult refused = m_gateway.call(
                method, path,
                method == "POST"
                    ? QJsonObject { { QStringLiteral("name"), QStringLiteral("x") },
                                    { QStringLiteral("role"), QStringLiteral("viewer") } }
                    : QJsonObject {},
                session);
            QVERIFY2(refused.status == 403, qPrintable(path));
            QCOMPARE(errorCode(refused), QStringLiteral("password_change_required"));
            QVERIFY2(refused.json()
                         .value(QStringLiteral("detail"))
                         .toString()
                         .contains(QStringLiteral("/api/auth/password")),
                     refused.body.constData());
        }
        // Allowed: who am I (it says why), health without a token.
        const test::HttpResult me
            = m_gateway.call("GET", QStringLiteral("/api/auth/me"), {}, session);
        QCOMPARE(me.status, 200);
        QVERIFY(me.json().value(QStringLiteral("must_change_password")).toBool());
        QCOMPARE(m_gateway.call("GET", QStringLiteral("/health")).status, 200);

        // The change clears the flag and the same session works at once.
        QVERIFY(m_gateway.changeAdminPassword(session));
        QCOMPARE(m_gateway.call("GET", QStringLiteral("/api/users"), {}, session).status, 200);
        QVERIFY(!m_gateway.call("GET", QStringLiteral("/api/auth/me"), {}, session)
                     .json()
                     .value(QStringLiteral("must_change_password"))
                     .toBool());
        m_admin = session;
    }

    void flaggedSessionMaySignOut()
    {
        QVERIFY(createUser(QStringLiteral("lena"), QStringLiteral("viewer"),
                           QStringLiteral("lena-password-123"), true)
                > 0);
        const QByteArray session
            = m_gateway.login(QStringLiteral("lena"), QStringLiteral("lena-password-123"));
        QVERIFY(!session.isEmpty());
        QCOMPARE(errorCode(m_gateway.call("GET", QStringLiteral("/api/sync-pairs"), {}, session)),
                 QStringLiteral("password_change_required"));
        QCOMPARE(m_gateway.call("POST", QStringLiteral("/api/auth/logout"), {}, session).status,
                 200);
        QCOMPARE(m_gateway.call("GET", QStringLiteral("/api/auth/me"), {}, session).status, 401);
    }

    void newUserChangesThenWorks()
    {
        QVERIFY(createUser(QStringLiteral("nora"), QStringLiteral("auditor"),
                           QStringLiteral("nora-password-123"), true)
                > 0);
        const QByteArray session
            = m_gateway.login(QStringLiteral("nora"), QStringLiteral("nora-password-123"));
        QVERIFY(!session.isEmpty());
        const test::HttpResult refused
            = m_gateway.call("GET", QStringLiteral("/api/audit"), {}, session);
        QCOMPARE(refused.status, 403);
        QCOMPARE(errorCode(refused), QStringLiteral("password_change_required"));

        // A wrong current password changes nothing.
        QCOMPARE(changePassword(session, QStringLiteral("not-her-password"),
                                QStringLiteral("nora-new-password-1"))
                     .status,
                 422);
        QCOMPARE(m_gateway.call("GET", QStringLiteral("/api/audit"), {}, session).status, 403);

        QCOMPARE(changePassword(session, QStringLiteral("nora-password-123"),
                                QStringLiteral("nora-new-password-1"))
                     .status,
                 200);
        QCOMPARE(m_gateway.call("GET", QStringLiteral("/api/audit"), {}, session).status, 200);
        // The role still decides the rest: an auditor may not write users.
        const test::HttpResult forbidden = m_gateway.call(
            "POST", QStringLiteral("/api/users"),
            QJsonObject { { QStringLiteral("username"), QStringLiteral("x1") },
                          { QStringLiteral("password"), QStringLiteral("x1-password-123") },
                          { QStringLiteral("role"), QStringLiteral("viewer") } },
            session);
        QCOMPARE(forbidden.status, 403);
        QCOMPARE(errorCode(forbidden), QStringLiteral("forbidden"));
    }

    void adminResetFlagsTheSessionButNotApiTokens()
    {
        const qint64 id = createUser(QStringLiteral("tina"), QStringLiteral("admin"),
                                     QStringLiteral("tina-password-123"), false);
        QVERIFY(id > 0);
        const QByteArray session
            = m_gateway.login(QStringLiteral("tina"), QStringLiteral("tina-password-123"));
        QCOMPARE(m_gateway.call("GET", QStringLiteral("/api/users"), {}, session).status, 200);
        const test::HttpResult created = m_gateway.call(
            "POST", QStringLiteral("/api/tokens"),
            QJsonObject { { QStringLiteral("name"), QStringLiteral("tina's script") },
                          { QStringLiteral("role"), QStringLiteral("admin") } },
            session);
        QCOMPARE(created.status, 201);
        const QByteArray token
            = "Bearer " + created.json().value(QStringLiteral("token")).toString().toUtf8();

        // The reset (must change by default) ends tina's sessions; the new one is held back...
        QCOMPARE(m_gateway
                     .call("POST", QStringLiteral("/api/users/%1/password").arg(id),
                           QJsonObject { { QStringLiteral("password"),
                                           QStringLiteral("tina-reset-password-9") } },
                           m_admin)
                     .status,
                 200);
        const QByteArray fresh
            = m_gateway.login(QStringLiteral("tina"), QStringLiteral("tina-reset-password-9"));
        QVERIFY(!fresh.isEmpty());
        QCOMPARE(errorCode(m_gateway.call("GET", QStringLiteral("/api/users"), {}, fresh)),
                 QStringLiteral("password_change_required"));
        // ...and the token she made is not: it has no password to change.
        QCOMPARE(m_gateway.call("GET", QStringLiteral("/api/users"), {}, token).status, 200);
        const test::HttpResult tokenMe
            = m_gateway.call("GET", QStringLiteral("/api/auth/me"), {}, token);
        QCOMPARE(tokenMe.json().value(QStringLiteral("credential")).toString(),
                 QStringLiteral("api_token"));

        QCOMPARE(changePassword(fresh, QStringLiteral("tina-reset-password-9"),
                                QStringLiteral("tina-own-password-2"))
                     .status,
                 200);
        QCOMPARE(m_gateway.call("GET", QStringLiteral("/api/users"), {}, fresh).status, 200);
    }
};

QTEST_GUILESS_MAIN(TestGatewayPasswordChange)
#include "tst_gatewaypasswordchange.moc"
