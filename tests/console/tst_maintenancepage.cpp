// The Maintenance page against a real tf-gateway supervising a real tf-syncd: the weekly,
// monthly and quarterly windows with their next run in the time zone the display settings
// choose; Run Now (weekly) asks first, runs as a job under a progress bar, lists the run with
// its status and duration and opens its report rendered from the Markdown the API answers; a
// viewer and an auditor find Run Now disabled. Screenshots (light and dark) go to
// <build>/console-screenshots/.
#include "adminpagefixture.h"
#include "models/maintenancemodels.h"
#include "pages/maintenancepage.h"
#include "screenshots.h"
#include "settings/displaysettings.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QTextBlock>
#include <QTextBrowser>
#include <QTextDocument>
#include <QTimer>

using namespace tf;
using console::DisplaySettings;
using console::MaintenancePage;
using console::MaintenanceRunsModel;
using console::MaintenanceWindowsModel;

class TestMaintenancePage final : public QObject, public test::AdminPageFixture<MaintenancePage>
{
    Q_OBJECT

private slots:
    void initTestCase();
    void windowsShowTheirNextRunInTheChosenZone();
    void weeklyRunNowOpensItsReport();
    void viewerAndAuditorCannotRun();
    void cleanupTestCase();

private:
    std::unique_ptr<QAbstractItemModelTester> m_windowsTester;
    std::unique_ptr<QAbstractItemModelTester> m_runsTester;
};

void TestMaintenancePage::initTestCase()
{
    QVERIFY(setUpAdminPage(QStringLiteral("tst_maintenancepage"), QStringLiteral("maintenance:run")));
    using Mode = QAbstractItemModelTester::FailureReportingMode;
    m_windowsTester = std::make_unique<QAbstractItemModelTester>(m_page->windows(), Mode::QtTest);
    m_runsTester = std::make_unique<QAbstractItemModelTester>(m_page->runs(), Mode::QtTest);
    QVERIFY(showPage(1100, 700));
    bool refreshedOk = false;
    QVERIFY(refreshPage(&refreshedOk));
    QVERIFY(refreshedOk);
}

void TestMaintenancePage::windowsShowTheirNextRunInTheChosenZone()
{
    QCOMPARE(m_page->windows()->rowCount(), 3);
    const QJsonArray schedule = api("GET", QStringLiteral("/api/maintenance")).json().value(QStringLiteral("schedule")).toArray();
    QCOMPARE(schedule.size(), 3);
    for (const auto zone : { DisplaySettings::TimeZone::Utc, DisplaySettings::TimeZone::Local }) {
        DisplaySettings::instance()->setTimeZone(zone);
        for (const QJsonValue &value : schedule) {
            const QJsonObject window = value.toObject();
            const int row = m_page->windows()->rowOfKey(window.value(QStringLiteral("type")).toString());
            QVERIFY(row >= 0);
            const QDateTime next = QDateTime::fromString(window.value(QStringLiteral("next_run_utc")).toString(), Qt::ISODateWithMs);
            QVERIFY(next.isValid());
            QCOMPARE(m_page->windows()->index(row, MaintenanceWindowsModel::NextRunColumn).data().toString(),
                     DisplaySettings::instance()->formatDateTime(next));
        }
    }
    DisplaySettings::instance()->setTimeZone(DisplaySettings::TimeZone::Utc);
    const int weekly = m_page->windows()->rowOfKey(QStringLiteral("weekly"));
    QVERIFY(m_page->windows()->index(weekly, MaintenanceWindowsModel::NextRunColumn).data().toString().endsWith(QStringLiteral("UTC")));
    QCOMPARE(m_page->windows()->index(weekly, MaintenanceWindowsModel::LastRunColumn).data().toString(), QStringLiteral("never"));
}

void TestMaintenancePage::weeklyRunNowOpensItsReport()
{
    m_page->typeChooser()->setCurrentIndex(m_page->typeChooser()->findData(QStringLiteral("weekly")));
    QString question;
    QTimer accept;
    accept.setInterval(50);
    connect(&accept, &QTimer::timeout, this, [&] {
        if (auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget())) {
            question = box->text();
            box->button(QMessageBox::Yes)->click();
        }
    });
    accept.start();
    QSignalSpy finished(m_page.get(), &MaintenancePage::runFinished);
    QSignalSpy opened(m_page.get(), &MaintenancePage::reportOpened);
    m_page->runNowAction()->trigger();
    accept.stop();
    QVERIFY2(question.contains(QStringLiteral("weekly")), qPrintable(question));
    QVERIFY(m_page->findChild<QProgressBar *>(QStringLiteral("maintenanceProgress"))->isVisible());
    QVERIFY(finished.wait(180000));
    QVERIFY2(finished.first().at(1).toBool(), qPrintable(m_page->statusText()));
    const qint64 runId = finished.first().first().toLongLong();
    QVERIFY(runId > 0);
    QTRY_VERIFY_WITH_TIMEOUT(!opened.isEmpty(), 10000);
    QCOMPARE(opened.first().first().toLongLong(), runId);
    QVERIFY(opened.first().at(1).toBool());

    // The report is the API's Markdown, rendered: its title is a heading, not "# ...".
    const QString markdown = api("GET", QStringLiteral("/api/maintenance/runs/%1").arg(runId)).json().value(QStringLiteral("markdown")).toString();
    QVERIFY(markdown.startsWith(QStringLiteral("# Weekly maintenance report")));
    const QString shown = m_page->report()->toPlainText();
    QVERIFY2(shown.startsWith(QStringLiteral("Weekly maintenance report (run %1)").arg(runId)), qPrintable(shown.left(80)));
    QCOMPARE(m_page->report()->document()->firstBlock().blockFormat().headingLevel(), 1);
    QVERIFY(shown.contains(QStringLiteral("Findings")));

    QTRY_VERIFY_WITH_TIMEOUT(m_page->runs()->rowOf(runId) >= 0, 10000);
    const int row = m_page->runs()->rowOf(runId);
    const QString status = m_page->runs()->index(row, MaintenanceRunsModel::StatusColumn).data().toString();
    QVERIFY2(status.startsWith(QStringLiteral("completed")), qPrintable(status));
    QVERIFY(m_page->runs()->index(row, MaintenanceRunsModel::DurationColumn).data(MaintenanceRunsModel::SortRole).toLongLong() >= 0);
    QVERIFY(m_page->runs()->index(row, MaintenanceRunsModel::DurationColumn).data().toString() != QStringLiteral("running"));
    QTRY_VERIFY_WITH_TIMEOUT(m_page->windows()
                                     ->index(m_page->windows()->rowOfKey(QStringLiteral("weekly")), MaintenanceWindowsModel::LastRunColumn)
                                     .data()
                                     .toString()
                                     .startsWith(QStringLiteral("#%1").arg(runId)),
                             10000);
    QVERIFY(test::saveScreenshots(m_page.get(), QStringLiteral("maintenance-page")));
}

void TestMaintenancePage::viewerAndAuditorCannotRun()
{
    for (const char *role : { "viewer", "auditor" }) {
        const QJsonObject me = meOfNewUser(QStringLiteral("maintenance-") + QLatin1String(role), QLatin1String(role));
        QCOMPARE(me.value(QStringLiteral("role")).toString(), QLatin1String(role));
        m_permissions->setFromMe(me);
        QVERIFY(!m_page->runNowAction()->isEnabled());
        QVERIFY2(m_page->runNowAction()->toolTip().contains(QStringLiteral("operator")), qPrintable(m_page->runNowAction()->toolTip()));
        QVERIFY(!m_page->typeChooser()->isEnabled());
    }
    m_permissions->setFromMe(m_adminMe);
    QVERIFY(m_page->runNowAction()->isEnabled());
}

void TestMaintenancePage::cleanupTestCase()
{
    m_windowsTester.reset();
    m_runsTester.reset();
    tearDownAdminPage();
}

QTEST_MAIN(TestMaintenancePage)
#include "tst_maintenancepage.moc"
