// The Settings dialog (Edit → Settings…, Ctrl+,) and the About dialog (F1) in a MainWindow signed
// in to a real tf-gateway: the refresh interval reaches the change poller at once, the time
// zone and theme apply live (the View menu follows), a second server becomes the active one
// (what the next start connects to), the notification choices are stored; About shows the
// gateway's real version (as GET /health answers it) and API v1, and no incompatibility warning.
#include "client/changepoller.h"
#include "dialogs/aboutdialog.h"
#include "dialogs/serverstab.h"
#include "dialogs/settingsdialog.h"
#include "gatewayfixture.h"
#include "mainwindow.h"
#include "models/session.h"
#include "screenshots.h"
#include "settings/displaysettings.h"
#include "settings/serverlist.h"
#include "tfversion.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableWidget>
#include <QTest>

#include <tuple>

using namespace tf;
using namespace tf::console;

class TestSettingsDialog final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // QSettings under a test directory
        QCoreApplication::setOrganizationName(QStringLiteral("TerraFusionTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_settingsdialog"));
        QSettings().clear();
        DisplaySettings::instance()->setTheme(DisplaySettings::Theme::Light);
        DisplaySettings::instance()->setTimeZone(DisplaySettings::TimeZone::Local);
        QVERIFY2(m_gateway.start(), m_gateway.output().constData());
        m_window = std::make_unique<MainWindow>(QUrl(m_gateway.base()));
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        QSignalSpy signedIn(m_window->session(), &Session::signedIn);
        m_window->useToken(m_gateway.adminToken());
        QVERIFY(signedIn.wait(10000));
    }

    void shortcutOpensTheDialog()
    {
        QAction *action = m_window->findChild<QAction *>(QStringLiteral("settingsAction"));
        QVERIFY(action);
        QCOMPARE(action->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_Comma));
        QCOMPARE(action->text(), QStringLiteral("&Settings…"));
        SettingsDialog *dialog = openSettings();
        QVERIFY(dialog);
        QCOMPARE(dialog->tabs()->count(), 3);
        dialog->close();
    }

    void refreshIntervalReachesThePollerLive()
    {
        SettingsDialog *dialog = openSettings();
        QVERIFY(dialog);
        auto *interval = dialog->findChild<QSpinBox *>(QStringLiteral("refreshInterval"));
        QVERIFY(interval);
        QCOMPARE(interval->value(), m_window->poller()->interval() / 1000);
        interval->setValue(7);
        QCOMPARE(m_window->poller()->interval(), 7000);
        QCOMPARE(DisplaySettings::instance()->refreshIntervalMs(), 7000);
        QCOMPARE(QSettings().value(QStringLiteral("polling/interval_ms")).toInt(), 7000);
        interval->setValue(3);
        QCOMPARE(m_window->poller()->interval(), 3000);
        dialog->close();
    }

    void timeZoneAndThemeApplyLive()
    {
        SettingsDialog *dialog = openSettings();
        QVERIFY(dialog);
        dialog->tabs()->setCurrentIndex(1);
        QAction *utcMenu = viewAction(QStringLiteral("Times in &UTC"));
        QAction *darkMenu = viewAction(QStringLiteral("&Dark Theme"));
        QVERIFY(utcMenu && darkMenu);
        QVERIFY(!utcMenu->isChecked());
        const QDateTime moment(QDate(2025, 1, 31), QTime(2, 0), Qt::UTC);

        QTest::mouseClick(dialog->findChild<QRadioButton *>(QStringLiteral("timeZoneUtc")), Qt::LeftButton);
        QCOMPARE(DisplaySettings::instance()->timeZone(), DisplaySettings::TimeZone::Utc);
        QCOMPARE(DisplaySettings::instance()->formatDateTime(moment), QStringLiteral("2025-01-31 02:00:00 UTC"));
        QVERIFY(utcMenu->isChecked()); // the View menu follows

        QTest::mouseClick(dialog->findChild<QRadioButton *>(QStringLiteral("themeDark")), Qt::LeftButton);
        QCOMPARE(DisplaySettings::instance()->theme(), DisplaySettings::Theme::Dark);
        QVERIFY(darkMenu->isChecked());
        QVERIFY(QApplication::palette().color(QPalette::Window).lightness() < 100); // applied, not only stored

        // And the other way: the View menu moves the dialog's buttons.
        viewAction(QStringLiteral("Times in &Local Time"))->trigger();
        QVERIFY(dialog->findChild<QRadioButton *>(QStringLiteral("timeZoneLocal"))->isChecked());
        QTest::mouseClick(dialog->findChild<QRadioButton *>(QStringLiteral("themeLight")), Qt::LeftButton);
        QCOMPARE(DisplaySettings::instance()->theme(), DisplaySettings::Theme::Light);
        QVERIFY(test::saveScreenshots(dialog, QStringLiteral("settings-display")));
        dialog->close();
    }

    void secondServerBecomesActive()
    {
        SettingsDialog *dialog = openSettings();
        QVERIFY(dialog);
        dialog->tabs()->setCurrentIndex(0);
        auto *table = dialog->findChild<QTableWidget *>(QStringLiteral("serverTable"));
        QVERIFY(table);
        QCOMPARE(table->rowCount(), 1);
        QCOMPARE(table->item(0, 1)->text(), m_gateway.base()); // the gateway this window uses

        auto *url = dialog->findChild<QLineEdit *>(QStringLiteral("serverUrl"));
        auto *caFile = dialog->findChild<QLineEdit *>(QStringLiteral("serverCaFile"));
        auto *add = dialog->findChild<QPushButton *>(QStringLiteral("addServer"));
        auto *makeActive = dialog->findChild<QPushButton *>(QStringLiteral("makeServerActive"));
        url->setText(QStringLiteral("ftp://nope"));
        QVERIFY(!dialog->servers()->addServer()); // only http(s)
        QCOMPARE(table->rowCount(), 1);
        QVERIFY(dialog->findChild<QLabel *>(QStringLiteral("serversMessage"))->text().contains(QStringLiteral("http")));

        url->setText(QStringLiteral("https://county-b.example.org:5443"));
        caFile->setText(QStringLiteral("/etc/terrafusion/county-b-ca.pem"));
        QTest::mouseClick(add, Qt::LeftButton);
        QCOMPARE(table->rowCount(), 2);
        QCOMPARE(ServerList::load().size(), 2);
        QCOMPARE(ServerList::active().url, m_gateway.base()); // adding does not switch

        QSignalSpy switched(dialog->servers(), &ServersTab::activeServerChanged);
        table->selectRow(1);
        QVERIFY(makeActive->isEnabled());
        QTest::mouseClick(makeActive, Qt::LeftButton);
        QCOMPARE(switched.size(), 1);
        QCOMPARE(ServerList::activeIndex(), 1);
        QCOMPARE(ServerList::active().url, QStringLiteral("https://county-b.example.org:5443"));
        QCOMPARE(ServerList::active().caFile, QStringLiteral("/etc/terrafusion/county-b-ca.pem"));
        QCOMPARE(table->item(1, 0)->text(), QStringLiteral("✔"));
        QVERIFY(table->item(0, 0)->text().isEmpty());
        QVERIFY(test::saveScreenshots(dialog, QStringLiteral("settings-servers")));
        dialog->close();

        // Stored: a new dialog shows the same, and no token went into QSettings.
        SettingsDialog *again = openSettings();
        auto *table2 = again->findChild<QTableWidget *>(QStringLiteral("serverTable"));
        QCOMPARE(table2->rowCount(), 2);
        QCOMPARE(table2->item(1, 0)->text(), QStringLiteral("✔"));
        QSettings().sync();
        QFile ini(QSettings().fileName());
        QVERIFY(ini.open(QIODevice::ReadOnly));
        QVERIFY(!ini.readAll().contains(m_gateway.adminToken()));
        again->close();
        ServerList::makeActive(m_gateway.base());
    }

    void notificationChoicesAreStored()
    {
        SettingsDialog *dialog = openSettings();
        dialog->tabs()->setCurrentIndex(2);
        auto *alert = dialog->findChild<QCheckBox *>(QStringLiteral("notifyNewAlert"));
        QVERIFY(alert);
        QVERIFY(alert->isChecked()); // on by default
        QVERIFY(DisplaySettings::instance()->notifies(DisplaySettings::Event::NewAlert));
        alert->setChecked(false);
        QVERIFY(!DisplaySettings::instance()->notifies(DisplaySettings::Event::NewAlert));
        QCOMPARE(QSettings().value(QStringLiteral("notifications/new_alert")).toBool(), false);
        // The other two are sent too now (EventNotifier): enabled, no "(not sent yet)".
        const QList<std::tuple<const char *, DisplaySettings::Event, const char *>> others {
            { "notifyOperationFailed", DisplaySettings::Event::OperationFailed, "notifications/operation_failed" },
            { "notifyQuarantineGrew", DisplaySettings::Event::QuarantineGrew, "notifications/quarantine_grew" },
        };
        for (const auto &[name, event, key] : others) {
            auto *box = dialog->findChild<QCheckBox *>(QString::fromLatin1(name));
            QVERIFY2(box, name);
            QVERIFY2(box->isEnabled(), name);
            QVERIFY2(!box->text().contains(QStringLiteral("not sent")), qPrintable(box->text()));
            QVERIFY(box->isChecked());
            box->setChecked(false);
            QVERIFY(!DisplaySettings::instance()->notifies(event));
            QCOMPARE(QSettings().value(QString::fromLatin1(key)).toBool(), false);
            box->setChecked(true);
            QVERIFY(DisplaySettings::instance()->notifies(event));
        }
        QVERIFY(test::saveScreenshots(dialog, QStringLiteral("settings-notifications")));
        alert->setChecked(true);
        QVERIFY(DisplaySettings::instance()->notifies(DisplaySettings::Event::NewAlert));
        dialog->close();
    }

    void aboutShowsTheRealServerVersion()
    {
        const test::HttpResult health = test::http("GET", m_gateway.base() + QStringLiteral("/health"));
        const QString version = health.json().value(QStringLiteral("version")).toString();
        QVERIFY2(!version.isEmpty(), health.body.constData());

        QAction *about = m_window->findChild<QAction *>(QStringLiteral("aboutAction"));
        QVERIFY(about);
        QCOMPARE(about->shortcut(), QKeySequence(Qt::Key_F1));
        about->trigger();
        auto *dialog = m_window->findChild<AboutDialog *>();
        QVERIFY(dialog);
        QSignalSpy checked(dialog, &AboutDialog::serverChecked);
        QVERIFY(checked.wait(10000));
        QCOMPARE(dialog->serverVersion(), version);
        QCOMPARE(dialog->findChild<QLabel *>(QStringLiteral("serverVersion"))->text(), version);
        QCOMPARE(dialog->serverApiVersion(), QStringLiteral("v1"));
        QCOMPARE(dialog->findChild<QLabel *>(QStringLiteral("clientVersion"))->text(), QStringLiteral(TF_VERSION_STRING));
        QVERIFY(dialog->findChild<QLabel *>(QStringLiteral("qtVersion"))->text().startsWith(QString::fromLatin1(qVersion())));
        QVERIFY(!dialog->showsIncompatibility()); // the same build on both sides
        QVERIFY(dialog->findChild<QLabel *>(QStringLiteral("compatibilityWarning"))->isHidden());
        QVERIFY(test::saveScreenshots(dialog, QStringLiteral("about")));
        dialog->close();
    }

    void cleanupTestCase()
    {
        m_window.reset();
        DisplaySettings::instance()->setTheme(DisplaySettings::Theme::Light);
    }

private:
    SettingsDialog *openSettings()
    {
        for (SettingsDialog *old : m_window->findChildren<SettingsDialog *>())
            delete old;
        m_window->findChild<QAction *>(QStringLiteral("settingsAction"))->trigger();
        auto *dialog = m_window->findChild<SettingsDialog *>();
        if (dialog && !QTest::qWaitForWindowExposed(dialog))
            return nullptr;
        return dialog;
    }

    QAction *viewAction(const QString &text)
    {
        for (QAction *menu : m_window->menuBar()->actions()) {
            if (menu->text() != QStringLiteral("&View"))
                continue;
            for (QAction *action : menu->menu()->actions()) {
                if (action->text() == text)
                    return action;
            }
        }
        return nullptr;
    }

    test::GatewayFixture m_gateway;
    std::unique_ptr<MainWindow> m_window;
};

QTEST_MAIN(TestSettingsDialog)
#include "tst_settingsdialog.moc"
