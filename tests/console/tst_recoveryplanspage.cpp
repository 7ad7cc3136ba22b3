// The Recovery plans page against a real tf-gateway supervising a real tf-syncd: a data
// corruption plan with the database only, created from the page, is listed, shown rendered
// from its Markdown, and its script saved to a file equal to the API's script_text; an alert
// rule leads to its scenario (openScenario), the newest plan of it shown, or the form readied
// when there is none; a viewer and an auditor find Create Plan disabled. Screenshots (light and
// dark) go to <build>/console-screenshots/.
#include "adminpagefixture.h"
#include "models/recoveryplansmodel.h"
#include "pages/recoveryplanspage.h"
#include "screenshots.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>
#include <QTextBrowser>
#include <QTextDocument>

using namespace tf;
using console::RecoveryPlansModel;
using console::RecoveryPlansPage;

class TestRecoveryPlansPage final : public QObject, public test::AdminPageFixture<RecoveryPlansPage>
{
    Q_OBJECT

private slots:
    void initTestCase();
    void createsReadsAndSavesAPlan();
    void alertRuleLeadsToItsScenario();
    void viewerAndAuditorCannotCreate();
    void cleanupTestCase();

private:
    std::unique_ptr<QAbstractItemModelTester> m_tester;
    QString m_plan;
};

void TestRecoveryPlansPage::initTestCase()
{
    QVERIFY(setUpAdminPage(QStringLiteral("tst_recoveryplanspage"), QStringLiteral("recovery:write")));
    m_tester = std::make_unique<QAbstractItemModelTester>(m_page->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(showPage(1100, 700));
    QVERIFY(refreshPage());
    QCOMPARE(m_page->model()->rowCount(), 0);
}

void TestRecoveryPlansPage::createsReadsAndSavesAPlan()
{
    m_page->scenarioChooser()->setCurrentIndex(m_page->scenarioChooser()->findData(QStringLiteral("data_corruption")));
    // The scenario's default components, as the gateway would choose them.
    QVERIFY(m_page->componentBox(QStringLiteral("database"))->isChecked());
    QVERIFY(!m_page->componentBox(QStringLiteral("gateway"))->isChecked());
    QVERIFY(!m_page->componentBox(QStringLiteral("syncd"))->isChecked());
    m_page->componentBox(QStringLiteral("syncd"))->setChecked(true);
    QSignalSpy created(m_page.get(), &RecoveryPlansPage::planCreated);
    QSignalSpy opened(m_page.get(), &RecoveryPlansPage::planOpened);
    m_page->createAction()->trigger();
    QVERIFY(created.wait(15000));
    QVERIFY2(created.first().at(1).toBool(), qPrintable(m_page->statusText()));
    m_plan = created.first().first().toString();
    QVERIFY2(m_plan.startsWith(QStringLiteral("recovery_plan_data_corruption_")), qPrintable(m_plan));
    QTRY_VERIFY_WITH_TIMEOUT(!opened.isEmpty(), 10000);
    QCOMPARE(m_page->shownPlan(), m_plan);
    QTRY_COMPARE_WITH_TIMEOUT(m_page->model()->rowCount(), 1, 10000);
    const int row = m_page->model()->rowOfKey(m_plan);
    QVERIFY(row >= 0);
    QCOMPARE(m_page->model()->index(row, RecoveryPlansModel::ComponentsColumn).data().toString(), QStringLiteral("database, syncd"));

    const QJsonObject api = this->api("GET", QStringLiteral("/api/recovery-plans/") + m_plan).json();
    const QString markdown = api.value(QStringLiteral("markdown")).toString();
    QVERIFY(markdown.startsWith(QLatin1Char('#')));
    // Rendered: the first block is a heading without the "#".
    const QTextBlock first = m_page->plan()->document()->firstBlock();
    QCOMPARE(first.blockFormat().headingLevel(), 1);
    QVERIFY2(!first.text().startsWith(QLatin1Char('#')) && markdown.section(QLatin1Char('\n'), 0, 0).contains(first.text()),
             qPrintable(first.text()));

    QVERIFY(m_page->saveScriptAction()->isEnabled());
    QTemporaryDir out;
    const QString path = out.filePath(QStringLiteral("plan.sh"));
    QVERIFY(m_page->saveScript(path));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(QString::fromUtf8(file.readAll()), api.value(QStringLiteral("script_text")).toString());
    QVERIFY(file.permissions() & QFileDevice::ExeOwner);
    QVERIFY(test::saveScreenshots(m_page.get(), QStringLiteral("recoveryplans-page")));
}

void TestRecoveryPlansPage::alertRuleLeadsToItsScenario()
{
    QCOMPARE(RecoveryPlansPage::scenarioForAlertRule(QStringLiteral("failed_operations_per_hour")), QStringLiteral("data_corruption"));
    QCOMPARE(RecoveryPlansPage::scenarioForAlertRule(QStringLiteral("service_restarts_per_24h")), QStringLiteral("service_outage"));
    // No service outage plan yet: the form is readied for one.
    m_page->openScenario(QStringLiteral("service_outage"));
    QCOMPARE(m_page->scenarioChooser()->currentData().toString(), QStringLiteral("service_outage"));
    QVERIFY(m_page->componentBox(QStringLiteral("gateway"))->isChecked());
    QVERIFY2(m_page->statusText().contains(QStringLiteral("no service outage plan")), qPrintable(m_page->statusText()));
    QCOMPARE(m_page->shownPlan(), m_plan);
    // A fresh page (the console's first visit) lands on the newest data corruption plan.
    RecoveryPlansPage fresh(m_client.get(), m_permissions.get());
    QSignalSpy opened(&fresh, &RecoveryPlansPage::planOpened);
    fresh.openScenario(QStringLiteral("data_corruption"));
    QVERIFY(opened.wait(10000));
    QCOMPARE(fresh.shownPlan(), m_plan);
}

void TestRecoveryPlansPage::viewerAndAuditorCannotCreate()
{
    for (const char *role : { "viewer", "auditor" }) {
        const QJsonObject me = meOfNewUser(QStringLiteral("recovery-") + QLatin1String(role), QLatin1String(role));
        QCOMPARE(me.value(QStringLiteral("role")).toString(), QLatin1String(role));
        m_permissions->setFromMe(me);
        QVERIFY(!m_page->createAction()->isEnabled());
        QVERIFY2(m_page->createAction()->toolTip().contains(QStringLiteral("admin")), qPrintable(m_page->createAction()->toolTip()));
        QVERIFY(!m_page->scenarioChooser()->isEnabled());
    }
    m_permissions->setFromMe(m_adminMe);
    QVERIFY(m_page->createAction()->isEnabled());
}

void TestRecoveryPlansPage::cleanupTestCase()
{
    m_tester.reset();
    tearDownAdminPage();
}

QTEST_MAIN(TestRecoveryPlansPage)
#include "tst_recoveryplanspage.moc"
