// "Remember me" against a real tf-gateway and a real Secret Service. ctest runs this binary
// twice: under tests/console/with-secret-service.sh (a private D-Bus session with an unlocked
// gnome-keyring; TF_EXPECT_KEYCHAIN=1) and with no session bus at all (TF_EXPECT_KEYCHAIN=0).
// With the keychain: a ticked sign-in stores the token (read back through QtKeychain) and
// never writes it (nor the password) to the QSettings file; a new session signs in with it
// silently; a token the gateway refuses is deleted; Sign Out deletes it. Without one: the
// sign-in dialog's checkbox is disabled and its tooltip says why.
#include "client/gatewayclient.h"
#include "dialogs/logindialog.h"
#include "gatewayfixture.h"
#include "mainwindow.h"
#include "models/session.h"
#include "screenshots.h"
#include "settings/tokenkeychain.h"
#include "startsignin.h"

#include <QApplication>
#include <QCheckBox>
#include <QFile>
#include <QLabel>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

using namespace tf;
using namespace tf::console;

// QSKIP returns from the function it is written in: a macro, so the test itself ends.
#define REQUIRE_KEYCHAIN()                                                                        \
    do {                                                                                          \
        if (!keychainExpected())                                                                  \
            QSKIP("runs under with-secret-service.sh (tst_rememberme_keychain)");                 \
    } while (false)

namespace {
bool keychainExpected()
{
    return qEnvironmentVariable("TF_EXPECT_KEYCHAIN") == QLatin1String("1");
}

// The token kept for (gateway, user), read through QtKeychain; the error when it failed.
std::pair<QByteArray, QString> readBack(const QString &gateway, const QString &user)
{
    TokenKeychain keychain;
    std::pair<QByteArray, QString> answer;
    bool done = false;
    keychain.read(gateway, user, [&](const QByteArray &token, const QString &error) {
        answer = { token, error };
        done = true;
    });
    if (!QTest::qWaitFor([&] { return done; }, 10000))
        answer.second = QStringLiteral("the keychain did not answer within 10 s");
    return answer;
}

QByteArray settingsFileText()
{
    QSettings().sync();
    QFile file(QSettings().fileName());
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}
} // namespace

class TestRememberMe final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // QSettings under a test directory
        QCoreApplication::setOrganizationName(QStringLiteral("TerraFusionTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_rememberme"));
        QSettings().clear();
        QVERIFY(TokenKeychain::isBuiltIn()); // install-deps.sh installs QtKeychain: CI builds it
        QVERIFY2(m_gateway.start(), m_gateway.output().constData());
        QVERIFY(!m_gateway.userToken(QStringLiteral("remy"), QStringLiteral("viewer")).isEmpty());
    }

    void keychainAnswersAsExpected()
    {
        TokenKeychain keychain;
        QCOMPARE(keychain.availability(), TokenKeychain::Availability::Unknown);
        keychain.probe();
        QTRY_VERIFY_WITH_TIMEOUT(keychain.availability() != TokenKeychain::Availability::Unknown, 10000);
        if (keychainExpected()) {
            QVERIFY2(keychain.availability() == TokenKeychain::Availability::Available,
                     qPrintable(keychain.unavailableReason()));
        } else {
            QCOMPARE(keychain.availability(), TokenKeychain::Availability::Unavailable);
            QVERIFY(!keychain.unavailableReason().isEmpty());
        }
    }

    void checkboxSaysWhetherTheKeychainWorks()
    {
        GatewayClient client { QUrl(m_gateway.base()) };
        Session session(&client);
        LoginDialog dialog(&session, m_gateway.base(), QString());
        dialog.setUsername(user());
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        auto *remember = dialog.findChild<QCheckBox *>(QStringLiteral("rememberMe"));
        QVERIFY(remember);
        QVERIFY(remember->isVisible());
        QTRY_VERIFY_WITH_TIMEOUT(session.keychain()->availability() != TokenKeychain::Availability::Unknown, 10000);
        if (keychainExpected()) {
            QVERIFY(remember->isEnabled());
            QVERIFY(remember->toolTip().contains(QStringLiteral("keychain")));
            remember->setChecked(true);
            QVERIFY(test::saveScreenshots(&dialog, QStringLiteral("login-remember-me")));
        } else {
            QVERIFY(!remember->isEnabled());
            QVERIFY2(remember->toolTip().contains(session.keychain()->unavailableReason()), qPrintable(remember->toolTip()));
            QVERIFY(test::saveScreenshots(&dialog, QStringLiteral("login-no-keychain")));
        }
    }

    void tickedSignInKeepsTheTokenInTheKeychainOnly()
    {
        REQUIRE_KEYCHAIN();
        GatewayClient client { QUrl(m_gateway.base()) };
        Session session(&client);
        QVERIFY(signInRemembered(session));
        const QByteArray token = client.bearerToken();
        QVERIFY(!token.isEmpty());

        const auto [kept, error] = readBack(session.gateway(), user());
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(kept, token);
        const QByteArray ini = settingsFileText();
        QVERIFY2(ini.contains("remembered_user=remy"), ini.constData()); // the name, so the next start knows whom
        QVERIFY2(!ini.contains(token), "the token is in the QSettings file");
        QVERIFY2(!ini.contains(password()), "the password is in the QSettings file");
        QVERIFY(session.hasRememberedSignIn());
    }

    void nextStartSignsInSilently()
    {
        REQUIRE_KEYCHAIN();
        GatewayClient client { QUrl(m_gateway.base()) };
        Session session(&client);
        QVERIFY(session.remember()); // the last choice
        QVERIFY(session.hasRememberedSignIn());
        QCOMPARE(session.rememberedUser(), user());
        QSignalSpy signedIn(&session, &Session::signedIn);
        QSignalSpy failed(&session, &Session::rememberedSignInFailed);
        session.resumeRememberedSignIn();
        QVERIFY(signedIn.wait(10000) || !failed.isEmpty());
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.at(0).at(0).toString()));
        QCOMPARE(session.username(), user());
        QCOMPARE(session.role(), QStringLiteral("viewer"));
    }

    void windowStartsSignedInWithoutTheDialog()
    {
        REQUIRE_KEYCHAIN();
        MainWindow window { QUrl(m_gateway.base()) };
        window.show();
        QSignalSpy signedIn(window.session(), &Session::signedIn);
        startSignIn(window, QString(), QByteArray()); // what tf-console does at start
        QVERIFY(signedIn.wait(10000));
        QCOMPARE(window.session()->username(), user());
        QVERIFY2(!window.findChild<LoginDialog *>(), "the sign-in dialog opened although a token was remembered");
        // Another --user than the remembered one: the dialog, not the remembered token.
        MainWindow other { QUrl(m_gateway.base()) };
        startSignIn(other, QStringLiteral("someone-else"), QByteArray());
        QVERIFY(other.findChild<LoginDialog *>());
        QVERIFY(!other.session()->isBusy());
    }

    void signOutDeletesTheToken()
    {
        REQUIRE_KEYCHAIN();
        GatewayClient client { QUrl(m_gateway.base()) };
        Session session(&client);
        QSignalSpy signedIn(&session, &Session::signedIn);
        session.resumeRememberedSignIn();
        QVERIFY(signedIn.wait(10000));
        QSignalSpy updated(&session, &Session::keychainUpdated);
        session.signOut();
        QVERIFY(updated.wait(10000));
        QVERIFY2(updated.at(0).at(0).toBool(), qPrintable(updated.at(0).at(1).toString()));
        const auto [kept, error] = readBack(session.gateway(), user());
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY2(kept.isEmpty(), "the token is still in the keychain after signing out");
        QVERIFY(!session.hasRememberedSignIn());
        QVERIFY(!settingsFileText().contains("remembered_user=remy"));
    }

    void refusedTokenIsDeleted()
    {
        REQUIRE_KEYCHAIN();
        GatewayClient client { QUrl(m_gateway.base()) };
        Session session(&client);
        QVERIFY(signInRemembered(session));
        // Revoke the remembered token at the gateway, as an expiry would.
        const test::HttpResult revoked = test::http("POST", m_gateway.base() + QStringLiteral("/api/auth/logout"), "{}",
                                                    { { "Authorization", "Bearer " + client.bearerToken() },
                                                      { "Content-Type", "application/json" } });
        QVERIFY2(revoked.status / 100 == 2, revoked.body.constData());

        GatewayClient nextClient { QUrl(m_gateway.base()) };
        Session next(&nextClient);
        QSignalSpy failed(&next, &Session::rememberedSignInFailed);
        QSignalSpy updated(&next, &Session::keychainUpdated);
        next.resumeRememberedSignIn();
        QVERIFY(failed.wait(10000));
        QVERIFY(!next.isSignedIn());
        QVERIFY(!failed.at(0).at(0).toString().isEmpty()); // the dialog says why
        QTRY_COMPARE_WITH_TIMEOUT(updated.size(), 1, 10000);
        QVERIFY(updated.at(0).at(0).toBool());
        QVERIFY(readBack(next.gateway(), user()).first.isEmpty());
        QVERIFY(!next.hasRememberedSignIn());
    }

    void windowWithARefusedTokenShowsTheDialogWithTheReason()
    {
        REQUIRE_KEYCHAIN();
        {
            GatewayClient client { QUrl(m_gateway.base()) };
            Session session(&client);
            QVERIFY(signInRemembered(session));
            const test::HttpResult revoked = test::http("POST", m_gateway.base() + QStringLiteral("/api/auth/logout"), "{}",
                                                        { { "Authorization", "Bearer " + client.bearerToken() },
                                                          { "Content-Type", "application/json" } });
            QVERIFY2(revoked.status / 100 == 2, revoked.body.constData());
        }
        MainWindow window { QUrl(m_gateway.base()) };
        window.show();
        QSignalSpy updated(window.session(), &Session::keychainUpdated);
        startSignIn(window, QString(), QByteArray());
        QTRY_VERIFY_WITH_TIMEOUT(window.findChild<LoginDialog *>(), 10000);
        auto *message = window.findChild<LoginDialog *>()->findChild<QLabel *>(QStringLiteral("message"));
        QVERIFY(message);
        QVERIFY(!message->isHidden());
        QVERIFY2(message->text().contains(QStringLiteral("sign in again")), qPrintable(message->text()));
        QVERIFY(!window.session()->isSignedIn());
        QTRY_COMPARE_WITH_TIMEOUT(updated.size(), 1, 10000);
        QVERIFY(readBack(window.session()->gateway(), user()).first.isEmpty());
    }

    void untickedSignInForgetsTheToken()
    {
        REQUIRE_KEYCHAIN();
        GatewayClient client { QUrl(m_gateway.base()) };
        Session session(&client);
        QVERIFY(signInRemembered(session));
        QVERIFY(!readBack(session.gateway(), user()).first.isEmpty());
        session.setRemember(false);
        QSignalSpy updated(&session, &Session::keychainUpdated);
        QSignalSpy signedIn(&session, &Session::signedIn);
        session.signIn(user(), QString::fromUtf8(password()));
        QVERIFY(signedIn.wait(10000));
        QTRY_COMPARE_WITH_TIMEOUT(updated.size(), 1, 10000);
        QVERIFY(readBack(session.gateway(), user()).first.isEmpty());
        QVERIFY(!session.hasRememberedSignIn());
    }

private:
    static QString user() { return QStringLiteral("remy"); }
    static QByteArray password() { return "Pw-remy-correct-horse-9"; } // GatewayFixture::userToken's

    bool signInRemembered(Session &session)
    {
        session.keychain()->probe();
        if (!QTest::qWaitFor([&] { return session.keychain()->availability() == TokenKeychain::Availability::Available; }, 10000))
            return false;
        session.setRemember(true);
        QSignalSpy signedIn(&session, &Session::signedIn);
        QSignalSpy updated(&session, &Session::keychainUpdated);
        session.signIn(user(), QString::fromUtf8(password()));
        if (!signedIn.wait(10000))
            return false;
        if (updated.isEmpty() && !updated.wait(10000))
            return false;
        return updated.at(0).at(0).toBool();
    }

    test::GatewayFixture m_gateway;
};

QTEST_MAIN(TestRememberMe)
#include "tst_rememberme.moc"
