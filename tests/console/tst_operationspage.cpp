// The Operations page against a real tf-gateway supervising a real tf-syncd (SQLite systems):
// an operation started through the API appears and its progress reaches completed, with the
// selection kept across the refreshes and no model reset; a dry run's change set is listed in
// the detail pane; the log is searchable; a viewer finds Cancel and Retry disabled.
// Screenshots (light and dark) go to <build>/console-screenshots/.
#include "client/changepoller.h"
#include "client/gatewayclient.h"
#include "client/permissions.h"
#include "integration/tst_gatewayproxy_fixture.h"
#include "models/operationsmodel.h"
#include "models/resourcefiltermodel.h"
#include "pages/operationspage.h"
#include "settings/displaysettings.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QSettings>
#include <QStandardPaths>
#include <QTest>
#include <QTextBrowser>

using namespace tf;
using console::DisplaySettings;
using console::OperationsModel;
using console::OperationsPage;

class TestOperationsPage final : public QObject, public test::GatewayProxyFixture
{
    Q_OBJECT

private slots:
    void initTestCase();
    void dryRunShowsItsChangeSet();
    void runIsFollowedToCompletion();
    void logIsSearchable();
    void failedOperationIsRetried();
    void waitingOperationIsPolledWhileVisibleAndCancelled();
    void viewerCannotCancelOrRetry();
    void cleanupTestCase();

private:
    QString statusOf(qint64 id) const
    {
        const int row = m_page->model()->rowOf(id);
        return row < 0 ? QString() : m_page->model()->itemAt(row).value(QStringLiteral("status")).toString();
    }
    static bool isFinished(const QString &status)
    {
        return status == QLatin1String("completed") || status == QLatin1String("completed_with_errors")
                || status == QLatin1String("failed") || status == QLatin1String("cancelled");
    }
    void grab(const QString &state)
    {
        for (const auto theme : { DisplaySettings::Theme::Light, DisplaySettings::Theme::Dark }) {
            DisplaySettings::instance()->setTheme(theme);
            QTest::qWait(100);
            const QString name = QStringLiteral("%1/operations-%2-%3.png")
                                         .arg(m_shots, state,
                                              theme == DisplaySettings::Theme::Light ? QStringLiteral("light")
                                                                                     : QStringLiteral("dark"));
            QVERIFY2(m_page->grab().save(name), qPrintable(name));
        }
        DisplaySettings::instance()->setTheme(DisplaySettings::Theme::Light);
    }

    std::unique_ptr<console::GatewayClient> m_client;
    std::unique_ptr<console::ChangePoller> m_poller;
    std::unique_ptr<console::Permissions> m_permissions;
    std::unique_ptr<OperationsPage> m_page;
    QJsonObject m_adminMe;
    QString m_shots;
};

void TestOperationsPage::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QStandardPaths::setTestModeEnabled(true); // QSettings under a test directory
    QCoreApplication::setOrganizationName(QStringLiteral("TerraFusionTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_operationspage"));
    QSettings().clear();
    DisplaySettings::instance()->setTheme(DisplaySettings::Theme::Light);
    makeSourceAndTarget(400, { 5, 9 });
    QProcessEnvironment env = test::ServiceProcess::cleanEnvironment();
    env.insert(QStringLiteral("TF_RATE_LIMIT__PER_TOKEN_RPS"), QStringLiteral("0"));
    env.insert(QStringLiteral("TF_RATE_LIMIT__PER_ADDRESS_RPS"), QStringLiteral("0"));
    QVERIFY(startGateway(env));
    const qint64 source = createSqliteSystem(QStringLiteral("parcels source"), QStringLiteral("source.db"));
    const qint64 target = createSqliteSystem(QStringLiteral("parcels target"), QStringLiteral("target.db"));
    QVERIFY(source > 0 && target > 0);
    m_pair = create(QStringLiteral("/api/sync-pairs"), pairBody(QStringLiteral("parcels"), source, target, QStringLiteral("parcel")));
    QVERIFY(m_pair > 0);
    m_shots = QDir(QCoreApplication::applicationDirPath() + QStringLiteral("/../console-screenshots")).absolutePath();
    QVERIFY(QDir().mkpath(m_shots));

    m_client = std::make_unique<console::GatewayClient>(QUrl(base()));
    QVERIFY(m_authorization.startsWith("Bearer "));
    m_client->setBearerToken(m_authorization.mid(7));
    m_poller = std::make_unique<console::ChangePoller>(m_client.get());
    m_poller->setInterval(200);
    m_permissions = std::make_unique<console::Permissions>();
    m_adminMe = api("GET", QStringLiteral("/api/auth/me")).json();
    m_permissions->setFromMe(m_adminMe);
    QVERIFY(m_permissions->has(QStringLiteral("sync:run")));

    m_page = std::make_unique<OperationsPage>(m_client.get(), m_poller.get(), m_permissions.get());
    m_page->resize(1200, 760);
    m_page->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_page.get()));
    m_poller->start();
}

void TestOperationsPage::dryRunShowsItsChangeSet()
{
    const qint64 id = startOperation({ { QStringLiteral("pair_id"), m_pair }, { QStringLiteral("dry_run"), true } });
    QVERIFY(id > 0);
    // The change feed (sync_operation) brings it in without F5.
    QTRY_VERIFY_WITH_TIMEOUT(m_page->model()->rowOf(id) >= 0, 15000);
    m_page->selectId(id);
    QCOMPARE(m_page->selectedId(), id);
    QTRY_VERIFY_WITH_TIMEOUT(isFinished(statusOf(id)), 30000);
    auto *changes = m_page->findChild<QTableWidget *>(QStringLiteral("changeSet"));
    QVERIFY(changes);
    // 400 rows to insert, 2 of them invalid (quarantined when run for real).
    QTRY_VERIFY_WITH_TIMEOUT(changes->rowCount() >= 398, 15000);
    QCOMPARE(changes->horizontalHeaderItem(0)->text(), QStringLiteral("Action"));
    QSet<QString> kinds;
    for (int row = 0; row < changes->rowCount(); ++row)
        kinds.insert(changes->item(row, 0)->text());
    QVERIFY2(kinds.contains(QStringLiteral("insert")), qPrintable(QStringList(kinds.begin(), kinds.end()).join(QLatin1Char(','))));
    QVERIFY(changes->item(0, 3)->text().contains(QStringLiteral("source_id")));
    auto *tabs = m_page->findChild<QTabWidget *>(QStringLiteral("operationDetail"));
    tabs->setCurrentWidget(changes);
    grab(QStringLiteral("dryrun"));
    tabs->setCurrentIndex(0);
    QCOMPARE(count(m_dir.filePath(QStringLiteral("target.db")), QStringLiteral("parcel_copy")), 0); // a dry run writes nothing
}

void TestOperationsPage::runIsFollowedToCompletion()
{
    const qint64 id = startOperation({ { QStringLiteral("pair_id"), m_pair } });
    QVERIFY(id > 0);
    QTRY_VERIFY_WITH_TIMEOUT(m_page->model()->rowOf(id) >= 0, 15000);
    m_page->selectId(id);
    const QModelIndex progress = m_page->model()->index(m_page->model()->rowOf(id), OperationsModel::ProgressColumn);
    QTRY_VERIFY_WITH_TIMEOUT(isFinished(statusOf(id)), 30000);
    QCOMPARE(statusOf(id), QStringLiteral("completed_with_errors")); // two rows quarantined
    QTRY_COMPARE_WITH_TIMEOUT(progress.data(console::ResourceTableModel::ProgressRole).toDouble(), 1.0, 10000);
    QCOMPARE(progress.data().toString(), QStringLiteral("100 %"));
    // The selection survived every refresh of the list, and no refresh reset the model.
    QCOMPARE(m_page->selectedId(), id);
    QCOMPARE(m_page->model()->resetCount(), 0);
    auto *summary = m_page->findChild<QTextBrowser *>(QStringLiteral("operationSummary"));
    QTRY_VERIFY_WITH_TIMEOUT(summary->toPlainText().contains(QStringLiteral("completed_with_errors")), 10000);
    QVERIFY2(summary->toPlainText().contains(QStringLiteral("Rows quarantined")), qPrintable(summary->toPlainText()));
    QVERIFY(summary->toPlainText().contains(QStringLiteral("Duration")));
    auto *changes = m_page->findChild<QTableWidget *>(QStringLiteral("changeSet"));
    QTRY_VERIFY_WITH_TIMEOUT(changes->rowCount() == 1 && changes->item(0, 3)
                                     && changes->item(0, 3)->text().contains(QStringLiteral("Not a dry run")),
                             5000);
    QCOMPARE(count(m_dir.filePath(QStringLiteral("target.db")), QStringLiteral("parcel_copy")), 398);
    // The text filter narrows the table; clearing it brings the selection back into view.
    auto *filter = m_page->findChild<QLineEdit *>(QStringLiteral("filter"));
    filter->setText(QStringLiteral("completed_with_errors"));
    QVERIFY(m_page->filter()->rowCount() >= 1);
    for (int row = 0; row < m_page->filter()->rowCount(); ++row)
        QCOMPARE(m_page->filter()->index(row, OperationsModel::StatusColumn).data().toString(),
                 QStringLiteral("completed_with_errors"));
    filter->clear();
    QCOMPARE(m_page->selectedId(), id);
    grab(QStringLiteral("completed"));
}

void TestOperationsPage::logIsSearchable()
{
    auto *log = m_page->findChild<QPlainTextEdit *>(QStringLiteral("operationLog"));
    QVERIFY(log);
    const QJsonArray lines = m_page->detail().value(QStringLiteral("log")).toArray();
    if (lines.isEmpty())
        QSKIP("the operation's detail has no log lines");
    QTRY_VERIFY(!log->toPlainText().isEmpty());
    const int all = log->toPlainText().split(QLatin1Char('\n')).size();
    QCOMPARE(all, int(lines.size()));
    const QString first = lines.first().toString();
    const QString word = first.section(QLatin1Char(' '), 1, 1); // a word of the first line (after the time)
    auto *search = m_page->findChild<QLineEdit *>(QStringLiteral("logSearch"));
    search->setText(word);
    for (const QString &line : log->toPlainText().split(QLatin1Char('\n')))
        QVERIFY2(line.contains(word, Qt::CaseInsensitive), qPrintable(line));
    search->setText(QStringLiteral("no line says this zzqx"));
    QVERIFY(log->toPlainText().isEmpty());
    search->clear();
    QCOMPARE(log->toPlainText().split(QLatin1Char('\n')).size(), all);
    auto *tabs = m_page->findChild<QTabWidget *>(QStringLiteral("operationDetail"));
    tabs->setCurrentIndex(2);
    grab(QStringLiteral("log"));
    tabs->setCurrentIndex(0);
}

void TestOperationsPage::failedOperationIsRetried()
{
    // A pair whose source table does not exist fails for good; Retry queues a new operation.
    const qint64 source = createSqliteSystem(QStringLiteral("broken source"), QStringLiteral("source.db"));
    const qint64 target = createSqliteSystem(QStringLiteral("broken target"), QStringLiteral("target.db"));
    m_brokenPair = create(QStringLiteral("/api/sync-pairs"),
                          pairBody(QStringLiteral("broken"), source, target, QStringLiteral("no_such_table")));
    QVERIFY(m_brokenPair > 0);
    const qint64 id = startOperation({ { QStringLiteral("pair_id"), m_brokenPair } });
    QVERIFY(id > 0);
    QTRY_VERIFY_WITH_TIMEOUT(m_page->model()->rowOf(id) >= 0, 15000);
    m_page->selectId(id);
    QTRY_COMPARE_WITH_TIMEOUT(statusOf(id), QStringLiteral("failed"), 30000);
    auto *retry = m_page->findChild<QAction *>(QStringLiteral("retryOperation"));
    auto *cancel = m_page->findChild<QAction *>(QStringLiteral("cancelOperation"));
    QTRY_VERIFY(retry->isEnabled());
    QVERIFY(!cancel->isEnabled()); // it has finished
    auto *summary = m_page->findChild<QTextBrowser *>(QStringLiteral("operationSummary"));
    QTRY_VERIFY_WITH_TIMEOUT(summary->toPlainText().contains(QStringLiteral("Error")), 10000);
    grab(QStringLiteral("failed"));
    retry->trigger();
    // The new operation is listed and selected; it names the failed one as retry_of.
    QTRY_VERIFY_WITH_TIMEOUT(m_page->selectedId() > id, 10000);
    const qint64 retried = m_page->selectedId();
    QCOMPARE(m_page->model()->itemAt(m_page->model()->rowOf(retried)).value(QStringLiteral("retry_of")).toInteger(), id);
    QTRY_VERIFY_WITH_TIMEOUT(isFinished(statusOf(retried)), 30000);
    QCOMPARE(m_page->selectedId(), retried);
}

void TestOperationsPage::waitingOperationIsPolledWhileVisibleAndCancelled()
{
    // A target nobody listens on: the first attempt fails (transient) and the operation waits
    // in the queue for its next attempt.
    const test::HttpResult dead = api(
            "POST", QStringLiteral("/api/systems"),
            QJsonObject { { QStringLiteral("name"), QStringLiteral("nobody home") },
                          { QStringLiteral("kind"), QStringLiteral("postgres") },
                          { QStringLiteral("settings"),
                            QJsonObject { { QStringLiteral("url"),
                                            QStringLiteral("postgresql://tf@127.0.0.1:%1/gone").arg(test::freePort()) } } },
                          { QStringLiteral("credentials"), QJsonObject { { QStringLiteral("password"), m_password } } } });
    QCOMPARE(dead.status, 201);
    m_deadSystem = dead.json().value(QStringLiteral("id")).toInteger();
    const qint64 source = createSqliteSystem(QStringLiteral("dead source"), QStringLiteral("source.db"));
    m_deadPair = create(QStringLiteral("/api/sync-pairs"),
                        pairBody(QStringLiteral("dead target"), source, m_deadSystem, QStringLiteral("parcel")));
    QVERIFY(m_deadPair > 0);
    const qint64 id = startOperation({ { QStringLiteral("pair_id"), m_deadPair } });
    QVERIFY(id > 0);
    QTRY_VERIFY_WITH_TIMEOUT(m_page->model()->rowOf(id) >= 0, 15000);
    m_page->selectId(id);
    QTRY_VERIFY_WITH_TIMEOUT(statusOf(id) == QLatin1String("queued")
                                     && m_page->model()->itemAt(m_page->model()->rowOf(id)).value(QStringLiteral("attempt")).toInt() >= 1,
                             30000);
    // Polled while it waits and the page is visible; not while the page is hidden.
    QTRY_VERIFY_WITH_TIMEOUT(m_page->isPolling(), 5000);
    m_page->hide();
    QVERIFY(!m_page->isPolling());
    m_page->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_page.get()));
    QTRY_VERIFY_WITH_TIMEOUT(m_page->isPolling(), 5000);
    auto *cancel = m_page->findChild<QAction *>(QStringLiteral("cancelOperation"));
    QTRY_VERIFY(cancel->isEnabled());
    QCOMPARE(m_page->selectedId(), id);
    grab(QStringLiteral("queued"));
    cancel->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(statusOf(id), QStringLiteral("cancelled"), 10000);
    QTRY_VERIFY(!cancel->isEnabled());
    QTRY_VERIFY_WITH_TIMEOUT(!m_page->isPolling(), 5000); // nothing is queued or running any more
    QCOMPARE(m_page->selectedId(), id);
}

void TestOperationsPage::viewerCannotCancelOrRetry()
{
    // A real viewer: created through the API, signed in, and its /api/auth/me read.
    const QJsonObject me = meOfNewUser(QStringLiteral("viewer1"), QStringLiteral("viewer"));
    QCOMPARE(me.value(QStringLiteral("role")).toString(), QStringLiteral("viewer"));
    m_permissions->setFromMe(me);
    QVERIFY(!m_permissions->has(QStringLiteral("sync:run")));

    auto *cancel = m_page->findChild<QAction *>(QStringLiteral("cancelOperation"));
    auto *retry = m_page->findChild<QAction *>(QStringLiteral("retryOperation"));
    QVERIFY(cancel && retry);
    QVERIFY(!cancel->isEnabled());
    QVERIFY(!retry->isEnabled());
    QVERIFY2(cancel->toolTip().contains(QStringLiteral("operator")), qPrintable(cancel->toolTip()));
    QVERIFY2(retry->toolTip().contains(QStringLiteral("operator")), qPrintable(retry->toolTip()));
    // A selection does not enable them either.
    QVERIFY(m_page->selectedId() > 0);
    m_page->refresh();
    QTest::qWait(300);
    QVERIFY(!cancel->isEnabled());
    m_permissions->setFromMe(m_adminMe);
}

void TestOperationsPage::cleanupTestCase()
{
    if (m_poller)
        m_poller->stop();
    m_page.reset();
    m_gateway.reset();
}

QTEST_MAIN(TestOperationsPage)
#include "tst_operationspage.moc"
