// The Users and Tokens page against a real tf-gateway supervising tf-syncd: an admin creates
// a user, changes the role, resets the password, disables and deletes them; deleting the last
// admin shows the gateway's 409; a new API token's secret is shown once (Copy puts it on the
// clipboard), never listed, and revoking it ends it. A user who must change the password gets
// the dialog right after signing in, is refused everything else until done, then the pages
// load. A viewer finds every write disabled. Screenshots (light and dark) of the page and
// each dialog go to <build>/console-screenshots/.
#include "client/changepoller.h"
#include "client/gatewayclient.h"
#include "client/permissions.h"
#include "dialogs/changepassworddialog.h"
#include "dialogs/createtokendialog.h"
#include "dialogs/createuserdialog.h"
#include "dialogs/resetpassworddialog.h"
#include "dialogs/tokensecretdialog.h"
#include "integration/tst_gatewayproxy_fixture.h"
#include "mainwindow.h"
#include "models/session.h"
#include "models/tokensmodel.h"
#include "models/usersmodel.h"
#include "pages/userspage.h"
#include "screenshots.h"
#include "settings/displaysettings.h"
#include "widgets/rolecombo.h"
#include "widgets/tokenspanel.h"
#include "widgets/userspanel.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

using namespace tf;
using console::DisplaySettings;
using console::MainWindow;
using console::UsersPage;

namespace {

QString passwordOf(const QString &username)
{
    return QStringLiteral("Pw-") + username + QStringLiteral("-correct-horse-9");
}

// The visible top-level widget of this type and objectName, or null.
template<typename T> T *shown(const QString &name)
{
    for (QWidget *widget : QApplication::topLevelWidgets()) {
        if (auto *match = qobject_cast<T *>(widget);
            match && match->isVisible() && widget->objectName() == name)
            return match;
    }
    return nullptr;
}

void setText(QWidget *dialog, const QString &name, const QString &text)
{
    auto *edit = dialog->findChild<QLineEdit *>(name);
    QVERIFY2(edit, qPrintable(name));
    edit->setText(text);
}

// Every cell of the model and every stored item, as one text: what a search for a secret reads.
QString everything(const console::ResourceTableModel *model)
{
    QString all;
    for (int row = 0; row < model->rowCount(); ++row) {
        all += QString::fromUtf8(QJsonDocument(model->itemAt(row)).toJson());
        for (int column = 0; column < model->columnCount(); ++column)
            all += model->data(model->index(row, column)).toString()
                + model->data(model->index(row, column), Qt::ToolTipRole).toString();
    }
    return all;
}

} // namespace

class TestUsersPage final : public QObject, private test::GatewayProxyFixture
{
    Q_OBJECT

private:
    std::unique_ptr<MainWindow> m_window;
    UsersPage *m_page = nullptr;

    console::UsersPanel *users() const { return m_page->users(); }
    console::TokensPanel *tokens() const { return m_page->tokens(); }

    int rowOf(const console::ResourceTableModel *model, const QString &field,
              const QString &value) const
    {
        for (int row = 0; row < model->rowCount(); ++row) {
            if (model->itemAt(row).value(field).toString() == value)
                return row;
        }
        return -1;
    }
    QJsonObject userNamed(const QString &username) const
    {
        const int row = rowOf(users()->model(), QStringLiteral("username"), username);
        return row < 0 ? QJsonObject() : users()->model()->itemAt(row);
    }

    // Clicks the confirm button of the question that a destructive action opens.
    static bool confirmShown()
    {
        QMessageBox *box = nullptr;
        QDeadlineTimer deadline(5000);
        while (!(box = shown<QMessageBox>(QStringLiteral("confirmation")))
               && !deadline.hasExpired())
            QTest::qWait(20);
        if (!box)
            return false;
        auto *yes = box->findChild<QPushButton *>(QStringLiteral("confirmButton"));
        if (!yes)
            return false;
        yes->click();
        return true;
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("TerraFusionTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_userspage"));
        QSettings().clear();
        DisplaySettings::instance()->setTheme(DisplaySettings::Theme::Light);
        QVERIFY(m_dir.isValid());
        QProcessEnvironment env = test::ServiceProcess::cleanEnvironment();
        env.insert(QStringLiteral("TF_RATE_LIMIT__PER_TOKEN_RPS"), QStringLiteral("0"));
        env.insert(QStringLiteral("TF_RATE_LIMIT__PER_ADDRESS_RPS"), QStringLiteral("0"));
        env.insert(QStringLiteral("TF_AUTH__PBKDF2_ITERATIONS"), QStringLiteral("1000"));
        QVERIFY(startGateway(env));
        QVERIFY(!m_authorization.isEmpty());

        m_window = std::make_unique<MainWindow>(QUrl(base()));
        m_window->resize(1100, 700);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        m_page = m_window->findChild<UsersPage *>();
        QVERIFY(m_page);
        new QAbstractItemModelTester(users()->model(),
                                     QAbstractItemModelTester::FailureReportingMode::QtTest, this);
        new QAbstractItemModelTester(tokens()->model(),
                                     QAbstractItemModelTester::FailureReportingMode::QtTest, this);
        m_window->useToken(m_authorization.mid(int(qstrlen("Bearer "))));
        QTRY_VERIFY_WITH_TIMEOUT(m_window->session()->isSignedIn(), 10000);
        m_window->showPage(QStringLiteral("users"));
        QTRY_VERIFY_WITH_TIMEOUT(!userNamed(QStringLiteral("admin")).isEmpty(), 10000);
    }

    void pageIsInTheNavigation()
    {
        QCOMPARE(m_window->currentPageId(), QStringLiteral("users"));
        QVERIFY(m_page->changePasswordAction()->isEnabled()); // an admin session has a password
        QVERIFY(users()->createAction()->isEnabled());
        QVERIFY(tokens()->createAction()->isEnabled());
        QVERIFY(!users()->deleteAction()->isEnabled()); // nothing selected yet
    }

    void userLifecycle()
    {
        QSignalSpy finished(users(), &console::UsersPanel::actionFinished);
        users()->createAction()->trigger();
        QPointer<console::CreateUserDialog> create
            = m_page->findChild<console::CreateUserDialog *>();
        QVERIFY(create);
        QTRY_VERIFY(create->isVisible());
        QVERIFY(!create->okButton()->isEnabled());
        setText(create, QStringLiteral("username"), QStringLiteral("maria"));
        setText(create, QStringLiteral("newPassword"), passwordOf(QStringLiteral("maria")));
        setText(create, QStringLiteral("confirmPassword"),
                passwordOf(QStringLiteral("maria")) + QStringLiteral("x"));
        QVERIFY(!create->okButton()->isEnabled()); // the two differ
        setText(create, QStringLiteral("confirmPassword"), passwordOf(QStringLiteral("maria")));
        create->findChild<console::RoleCombo *>(QStringLiteral("role"))
            ->setRole(QStringLiteral("operator"));
        create->findChild<QCheckBox *>(QStringLiteral("mustChange"))->setChecked(false);
        QVERIFY(create->okButton()->isEnabled());
        QVERIFY(test::saveScreenshots(create, QStringLiteral("users-create-user-dialog")));
        create->okButton()->click();
        QVERIFY(finished.wait(10000));
        QVERIFY(finished.last().at(0).toBool());
        QTRY_VERIFY(create.isNull()); // closed on success (and deleted)
        QJsonObject maria = userNamed(QStringLiteral("maria"));
        QCOMPARE(maria.value(QStringLiteral("role")).toString(), QStringLiteral("operator"));
        const qint64 id = maria.value(QStringLiteral("id")).toInteger();
        QCOMPARE(users()->model()->resetCount(), 0);

        // Change the role.
        QVERIFY(users()->select(id));
        QVERIFY(users()->roleAction()->isEnabled());
        users()->roleAction()->trigger();
        QInputDialog *role = nullptr;
        QTRY_VERIFY((role = users()->findChild<QInputDialog *>(QStringLiteral("roleDialog")))
                    && role->isVisible());
        role->setTextValue(QStringLiteral("viewer"));
        role->accept();
        QVERIFY(finished.wait(10000));
        QVERIFY2(finished.last().at(0).toBool(), qPrintable(users()->message()->text()));
        QCOMPARE(userNamed(QStringLiteral("maria")).value(QStringLiteral("role")).toString(),
                 QStringLiteral("viewer"));
        QCOMPARE(api("GET", QStringLiteral("/api/users/%1").arg(id))
                     .json()
                     .value(QStringLiteral("role"))
                     .toString(),
                 QStringLiteral("viewer"));

        // Reset the password: the new one signs in and must be changed.
        users()->resetAction()->trigger();
        QPointer<console::ResetPasswordDialog> reset
            = m_page->findChild<console::ResetPasswordDialog *>();
        QVERIFY(reset);
        QTRY_VERIFY(reset->isVisible());
        setText(reset, QStringLiteral("newPassword"), QStringLiteral("maria-reset-password-1"));
        setText(reset, QStringLiteral("confirmPassword"), QStringLiteral("maria-reset-password-1"));
        QVERIFY(test::saveScreenshots(reset, QStringLiteral("users-reset-password-dialog")));
        reset->okButton()->click();
        QVERIFY(finished.wait(10000));
        QVERIFY2(finished.last().at(0).toBool(), qPrintable(users()->message()->text()));
        QTRY_VERIFY(reset.isNull());
        const test::HttpResult login
            = test::http("POST", base() + QStringLiteral("/api/auth/login"),
                         test::compact({ { QStringLiteral("username"), QStringLiteral("maria") },
                                         { QStringLiteral("password"),
                                           QStringLiteral("maria-reset-password-1") } }));
        QCOMPARE(login.status, 200);
        QVERIFY(login.json().value(QStringLiteral("must_change_password")).toBool());
        QTRY_VERIFY(userNamed(QStringLiteral("maria"))
                        .value(QStringLiteral("must_change_password"))
                        .toBool());

        // Disable (after a confirmation), then enable.
        QVERIFY(users()->select(id));
        QCOMPARE(users()->disableAction()->text(), tr("&Disable"));
        users()->disableAction()->trigger();
        QVERIFY(confirmShown());
        QVERIFY(finished.wait(10000));
        QVERIFY2(finished.last().at(0).toBool(), qPrintable(users()->message()->text()));
        QVERIFY(userNamed(QStringLiteral("maria")).value(QStringLiteral("disabled")).toBool());
        QVERIFY(api("GET", QStringLiteral("/api/users/%1").arg(id))
                    .json()
                    .value(QStringLiteral("disabled"))
                    .toBool());
        QCOMPARE(users()->disableAction()->text(), tr("&Enable"));
        users()->disableAction()->trigger(); // enabling asks nothing
        QVERIFY(finished.wait(10000));
        QVERIFY(!userNamed(QStringLiteral("maria")).value(QStringLiteral("disabled")).toBool());

        // Delete, after a confirmation.
        QVERIFY(users()->select(id));
        users()->deleteAction()->trigger();
        QVERIFY(confirmShown());
        QVERIFY(finished.wait(10000));
        QVERIFY2(finished.last().at(0).toBool(), qPrintable(users()->message()->text()));
        QVERIFY(userNamed(QStringLiteral("maria")).isEmpty());
        QCOMPARE(api("GET", QStringLiteral("/api/users/%1").arg(id)).status, 404);
    }

    void deletingTheLastAdminShowsTheGatewaysRefusal()
    {
        QSignalSpy finished(users(), &console::UsersPanel::actionFinished);
        const qint64 admin
            = userNamed(QStringLiteral("admin")).value(QStringLiteral("id")).toInteger();
        QVERIFY(users()->select(admin));
        users()->deleteAction()->trigger();
        QVERIFY(confirmShown());
        QVERIFY(finished.wait(10000));
        QVERIFY(!finished.last().at(0).toBool());
        QVERIFY2(users()->message()->text().contains(QStringLiteral("last enabled admin")),
                 qPrintable(users()->message()->text()));
        QVERIFY(!userNamed(QStringLiteral("admin")).isEmpty());
    }

    void tokenSecretIsShownOnce()
    {
        QSignalSpy finished(tokens(), &console::TokensPanel::actionFinished);
        tokens()->createAction()->trigger();
        QPointer<console::CreateTokenDialog> create
            = tokens()->findChild<console::CreateTokenDialog *>();
        QVERIFY(create);
        QTRY_VERIFY(create->isVisible());
        setText(create, QStringLiteral("tokenName"), QStringLiteral("nightly export"));
        create->findChild<console::RoleCombo *>(QStringLiteral("role"))
            ->setRole(QStringLiteral("viewer"));
        QVERIFY(test::saveScreenshots(create, QStringLiteral("users-create-token-dialog")));
        create->okButton()->click();
        QVERIFY(finished.wait(10000));
        QVERIFY2(finished.last().at(0).toBool(), qPrintable(tokens()->message()->text()));

        console::TokenSecretDialog *secretDialog = nullptr;
        QTRY_VERIFY((secretDialog = tokens()->findChild<console::TokenSecretDialog *>())
                    && secretDialog->isVisible());
        const QString secret
            = secretDialog->findChild<QLineEdit *>(QStringLiteral("secret"))->text();
        QVERIFY2(secret.startsWith(QStringLiteral("tfk_")), qPrintable(secret.left(4)));
        QVERIFY(secretDialog->findChild<QLabel *>(QStringLiteral("warning"))
                    ->text()
                    .contains(QStringLiteral("only time")));
        QVERIFY(test::saveScreenshots(secretDialog, QStringLiteral("users-token-secret-dialog")));
        QApplication::clipboard()->clear();
        secretDialog->copyButton()->click();
        QCOMPARE(QApplication::clipboard()->text(), secret);
        // The secret works, and the list never holds it.
        const test::HttpResult me
            = test::http("GET", base() + QStringLiteral("/api/auth/me"), {},
                         { { "Authorization", "Bearer " + secret.toUtf8() } });
        QCOMPARE(me.status, 200);
        QCOMPARE(me.json().value(QStringLiteral("role")).toString(), QStringLiteral("viewer"));
        const int row
            = rowOf(tokens()->model(), QStringLiteral("name"), QStringLiteral("nightly export"));
        QVERIFY(row >= 0);
        QVERIFY(!tokens()->model()->itemAt(row).contains(QStringLiteral("token")));
        QVERIFY(!everything(tokens()->model()).contains(secret));
        secretDialog->reject(); // closing forgets it
        QTRY_VERIFY(tokens()->findChild<console::TokenSecretDialog *>() == nullptr);
        QSignalSpy refreshed(tokens(), &console::TokensPanel::refreshed);
        tokens()->refresh();
        QVERIFY(refreshed.wait(10000));
        QVERIFY(rowOf(tokens()->model(), QStringLiteral("name"), QStringLiteral("nightly export"))
                >= 0);
        QVERIFY(!everything(tokens()->model()).contains(secret));
        QVERIFY(test::saveScreenshots(m_page, QStringLiteral("users-page")));

        // Revoke, after a confirmation: the secret stops working.
        const qint64 id = tokens()->model()->idAt(
            rowOf(tokens()->model(), QStringLiteral("name"), QStringLiteral("nightly export")));
        QVERIFY(tokens()->select(id));
        QVERIFY(tokens()->revokeAction()->isEnabled());
        tokens()->revokeAction()->trigger();
        QVERIFY(confirmShown());
        QVERIFY(finished.wait(10000));
        QVERIFY2(finished.last().at(0).toBool(), qPrintable(tokens()->message()->text()));
        QCOMPARE(tokens()->model()->rowOf(id), -1);
        QTRY_COMPARE_WITH_TIMEOUT(test::http("GET", base() + QStringLiteral("/api/auth/me"), {},
                                             { { "Authorization", "Bearer " + secret.toUtf8() } })
                                      .status,
                                  401, 8000);
    }

    void forcedPasswordChangeComesFirst()
    {
        QCOMPARE(
            api("POST", QStringLiteral("/api/users"),
                QJsonObject { { QStringLiteral("username"), QStringLiteral("pat") },
                              { QStringLiteral("password"), passwordOf(QStringLiteral("pat")) },
                              { QStringLiteral("role"), QStringLiteral("admin") },
                              { QStringLiteral("must_change_password"), true } })
                .status,
            201);
        MainWindow window { QUrl(base()) };
        window.resize(1000, 640);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto *page = window.findChild<UsersPage *>();
        QVERIFY(page);
        window.session()->signIn(QStringLiteral("pat"), passwordOf(QStringLiteral("pat")));
        QTRY_VERIFY_WITH_TIMEOUT(page->passwordDialog() && page->passwordDialog()->isVisible(),
                                 10000);
        console::ChangePasswordDialog *dialog = page->passwordDialog();
        QVERIFY(dialog->findChild<QLabel *>(QStringLiteral("intro"))
                    ->text()
                    .contains(QStringLiteral("before anything else")));

        // Until changed: the gateway refuses the rest and the page lists nothing.
        const QList<QPair<QByteArray, QByteArray>> bearer {
            { "Authorization", "Bearer " + window.client()->bearerToken() }
        };
        const test::HttpResult refused
            = test::http("GET", base() + QStringLiteral("/api/users"), {}, bearer);
        QCOMPARE(refused.status, 403);
        QCOMPARE(refused.json().value(QStringLiteral("code")).toString(),
                 QStringLiteral("password_change_required"));
        QCOMPARE(page->users()->model()->rowCount(), 0);
        QCOMPARE(page->tokens()->model()->rowCount(), 0);
        QVERIFY(!window.poller()->isRunning()); // no "gateway unreachable" from its refusals

        // A wrong current password: the gateway's words, the dialog stays.
        setText(dialog, QStringLiteral("currentPassword"), QStringLiteral("not-the-password"));
        setText(dialog, QStringLiteral("newPassword"), QStringLiteral("pat-own-password-2"));
        setText(dialog, QStringLiteral("confirmPassword"), QStringLiteral("pat-own-password-2"));
        dialog->okButton()->click();
        auto *message = dialog->findChild<QLabel *>(QStringLiteral("message"));
        QTRY_VERIFY_WITH_TIMEOUT(message->text().contains(QStringLiteral("current_password")),
                                 10000);
        QVERIFY(dialog->isVisible());
        setText(dialog, QStringLiteral("currentPassword"), passwordOf(QStringLiteral("pat")));
        QVERIFY(test::saveScreenshots(dialog, QStringLiteral("users-change-password-dialog")));
        dialog->okButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(page->passwordDialog() == nullptr, 10000);
        QVERIFY(!window.session()->mustChangePassword());
        QVERIFY(window.poller()->isRunning());
        QCOMPARE(test::http("GET", base() + QStringLiteral("/api/users"), {}, bearer).status, 200);
        window.showPage(QStringLiteral("users"));
        QTRY_VERIFY_WITH_TIMEOUT(page->users()->model()->rowCount() >= 2, 10000);
        window.session()->signOut();
    }

    void viewerSeesEveryWriteDisabled()
    {
        const QJsonObject me = meOfNewUser(QStringLiteral("vic"), QStringLiteral("viewer"));
        QCOMPARE(me.value(QStringLiteral("role")).toString(), QStringLiteral("viewer"));
        console::GatewayClient client { QUrl(base()) };
        console::Session session(&client);
        console::Permissions permissions;
        UsersPage page(&client, &session, &permissions);
        page.resize(900, 560);
        QSignalSpy signedIn(&session, &console::Session::signedIn);
        session.signIn(QStringLiteral("vic"), passwordOf(QStringLiteral("vic")));
        QVERIFY(signedIn.wait(10000));
        permissions.setFromMe(session.me());
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        const QList<std::pair<QAction *, QString>> writes {
            { page.users()->createAction(), QStringLiteral("users:write") },
            { page.users()->roleAction(), QStringLiteral("users:write") },
            { page.users()->disableAction(), QStringLiteral("users:write") },
            { page.users()->resetAction(), QStringLiteral("users:write") },
            { page.users()->deleteAction(), QStringLiteral("users:write") },
            { page.tokens()->createAction(), QStringLiteral("tokens:write") },
            { page.tokens()->revokeAction(), QStringLiteral("tokens:write") },
        };
        for (const auto &[action, permission] : writes) {
            QVERIFY2(!action->isEnabled(), qPrintable(action->objectName()));
            QVERIFY2(action->toolTip().contains(permission), qPrintable(action->toolTip()));
            QVERIFY2(action->toolTip().contains(QStringLiteral("viewer")),
                     qPrintable(action->toolTip()));
        }
        // A viewer may not read users either: the panel says what it needs and lists nothing.
        QTRY_VERIFY(page.users()->message()->text().contains(QStringLiteral("users:read")));
        QCOMPARE(page.users()->model()->rowCount(), 0);
        QVERIFY(page.changePasswordAction()->isEnabled()); // their own password, though
        QVERIFY(test::saveScreenshots(&page, QStringLiteral("users-page-viewer")));
    }

    void cleanupTestCase() { m_window.reset(); }
};

QTEST_MAIN(TestUsersPage)
#include "tst_userspage.moc"
