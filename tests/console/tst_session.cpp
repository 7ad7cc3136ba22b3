// The console's sign-in (Session) against a real tf-gateway process: the bootstrap admin's
// password signs in and /api/auth/me names the user and role; a wrong password and a bogus
// program token are refused with the gateway's message; signing out revokes the token at the
// gateway, so the old token no longer works.
#include "client/gatewayclient.h"
#include "models/session.h"
#include "testsupport.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace tf;

class TestSession final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY(m_data.isValid());
        m_port = test::freePort();
        QProcessEnvironment env = test::ServiceProcess::cleanEnvironment();
        env.insert(QStringLiteral("TF_AUTH__PBKDF2_ITERATIONS"), QStringLiteral("1000"));
        m_gateway = std::make_unique<test::ServiceProcess>(
                test::binary(QStringLiteral("tf-gateway")),
                QStringList { QStringLiteral("--port"), QString::number(m_port), QStringLiteral("--data-dir"), m_data.path(),
                              QStringLiteral("--no-supervise-sync"), QStringLiteral("--sync-url"),
                              QStringLiteral("http://127.0.0.1:%1").arg(test::freePort()) },
                env);
        QVERIFY(m_gateway->start());
        QVERIFY2(m_gateway->waitHealthy(base() + QStringLiteral("/health/ready")), m_gateway->output().constData());
        // The answer must be our gateway's (a port taken by another test's process between
        // freePort() and the bind makes ours exit), and the password file may follow it.
        QVERIFY2(m_gateway->process().state() == QProcess::Running, m_gateway->output().constData());
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(m_data.filePath(QStringLiteral("initial-admin-password"))), 10000);
        QFile file(m_data.filePath(QStringLiteral("initial-admin-password")));
        QVERIFY2(file.open(QIODevice::ReadOnly), "the gateway wrote no initial-admin-password");
        m_password = QString::fromUtf8(file.readAll()).trimmed();
        QVERIFY(!m_password.isEmpty());
    }

    void wrongPasswordIsRefused()
    {
        console::GatewayClient client { QUrl(base()) };
        console::Session session(&client);
        QSignalSpy failed(&session, &console::Session::signInFailed);
        session.signIn(QStringLiteral("admin"), QStringLiteral("not-the-password"));
        QVERIFY(failed.wait(10000));
        QVERIFY(!session.isSignedIn());
        QVERIFY2(!failed.at(0).at(0).toString().isEmpty(), "the refusal has no message");
        QVERIFY(!session.isBusy());
    }

    void emptyFieldsAreRefusedLocally()
    {
        console::GatewayClient client { QUrl(base()) };
        console::Session session(&client);
        QSignalSpy failed(&session, &console::Session::signInFailed);
        session.signIn(QStringLiteral("  "), QStringLiteral("x"));
        QCOMPARE(failed.size(), 1);
        QVERIFY(!session.isBusy());
    }

    void signInThenOutRevokesTheToken()
    {
        console::GatewayClient client { QUrl(base()) };
        console::Session session(&client);
        QSignalSpy signedIn(&session, &console::Session::signedIn);
        QSignalSpy failed(&session, &console::Session::signInFailed);
        session.signIn(QStringLiteral("admin"), m_password);
        QVERIFY(signedIn.wait(10000) || !failed.isEmpty());
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.at(0).at(0).toString()));
        QCOMPARE(session.username(), QStringLiteral("admin"));
        QCOMPARE(session.role(), QStringLiteral("admin"));
        QVERIFY(session.mustChangePassword()); // the bootstrap password must be changed

        // The token works for the console's calls...
        const QByteArray token = client.bearerToken();
        QVERIFY(!token.isEmpty());
        QCOMPARE(test::http("GET", base() + QStringLiteral("/api/auth/me"), {},
                            test::authorizationHeaders("Bearer " + token)).status, 200);
        QCOMPARE(session.me().value(QStringLiteral("role")).toString(), QStringLiteral("admin"));

        QSignalSpy signedOut(&session, &console::Session::signedOut);
        session.signOut();
        QCOMPARE(signedOut.size(), 1);
        QVERIFY(!session.isSignedIn());
        // ...and not after signing out: the gateway revoked it (poll: the logout is async).
        QDeadlineTimer deadline(5000);
        int code = 0;
        while (!deadline.hasExpired()) {
            code = test::http("GET", base() + QStringLiteral("/api/auth/me"), {},
                              test::authorizationHeaders("Bearer " + token)).status;
            if (code == 401)
                break;
            QTest::qWait(50);
        }
        QCOMPARE(code, 401);
    }

    void bogusProgramTokenIsRefused()
    {
        console::GatewayClient client { QUrl(base()) };
        console::Session session(&client);
        QSignalSpy failed(&session, &console::Session::signInFailed);
        session.useToken("tfk_this-is-not-a-token");
        QVERIFY(failed.wait(10000));
        QVERIFY(!session.isSignedIn());
    }

private:
    QString base() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_port); }
    QTemporaryDir m_data;
    quint16 m_port = 0;
    QString m_password;
    std::unique_ptr<test::ServiceProcess> m_gateway;
};

QTEST_GUILESS_MAIN(TestSession)
#include "tst_session.moc"
