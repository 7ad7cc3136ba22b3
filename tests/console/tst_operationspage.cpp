// The Operations page against a real tf-gateway supervising a real tf-syncd (SQLite systems):
// an operation started through the API appears and its progress reaches completed, with the
// selection kept across the refreshes and no model reset; a dry run's change set is listed in
// the detail pane, and a dry run of updates shows before -> after of each changed field (the log
// view is tested in tst_operationlog); a viewer finds Cancel and Retry disabled.
// Screenshots (light and dark) go to <build>/console-screenshots/.
#include "models/resourcefiltermodel.h"
#include "operationspagefixture.h"
#include "screenshots.h"
#include "widgets/changesetview.h"

#include <QAction>
#include <QLineEdit>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTextBrowser>

using namespace tf;
using console::DisplaySettings;
using console::OperationsModel;
using console::OperationsPage;

class TestOperationsPage final : public QObject, public test::OperationsPageFixture
{
    Q_OBJECT

private slots:
    void initTestCase();
    void dryRunShowsItsChangeSet();
    void runIsFollowedToCompletion();
    void runningOperationShowsItsEta();
    void dryRunOfUpdatesShowsBeforeAndAfter();
    void failedOperationIsRetried();
    void waitingOperationIsPolledWhileVisibleAndCancelled();
    void viewerCannotCancelOrRetry();
    void cleanupTestCase();

private:
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
};

void TestOperationsPage::initTestCase()
{
    QVERIFY(setUpPage(QStringLiteral("tst_operationspage")));
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
    QCOMPARE(changes->horizontalHeaderItem(console::ChangeSetView::ActionColumn)->text(), QStringLiteral("Action"));
    QCOMPARE(changes->horizontalHeaderItem(console::ChangeSetView::BeforeColumn)->text(), QStringLiteral("Before"));
    QCOMPARE(changes->horizontalHeaderItem(console::ChangeSetView::AfterColumn)->text(), QStringLiteral("After"));
    QSet<QString> kinds;
    for (int row = 0; row < changes->rowCount(); ++row)
        kinds.insert(changes->item(row, 0)->text());
    QVERIFY2(kinds.contains(QStringLiteral("insert")), qPrintable(QStringList(kinds.begin(), kinds.end()).join(QLatin1Char(','))));
    // An insert has no before: the row it writes is its after.
    QVERIFY(changes->item(0, console::ChangeSetView::AfterColumn)->text().contains(QStringLiteral("source_id")));
    QVERIFY(changes->item(0, console::ChangeSetView::BeforeColumn)->text().isEmpty());
    QVERIFY2(m_page->changeSetView()->summary().contains(QStringLiteral("398 insert")), qPrintable(m_page->changeSetView()->summary()));
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
    QTRY_VERIFY_WITH_TIMEOUT(changes->rowCount() == 0
                                     && m_page->changeSetView()->summary().contains(QStringLiteral("Not a dry run")),
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

void TestOperationsPage::runningOperationShowsItsEta()
{
    // A full run of 200,000 rows in batches of 100 runs for seconds: the source's row count
    // (SQLite: count(*)) lets progress and the ETA move while it runs.
    makeSqlite(m_dir.filePath(QStringLiteral("big.db")),
               { QStringLiteral("CREATE TABLE parcel (id INTEGER PRIMARY KEY, name TEXT NOT NULL, value INTEGER NOT NULL)"),
                 QStringLiteral("WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 200000) "
                                "INSERT INTO parcel SELECT n, 'parcel ' || n, n * 10 FROM g") });
    makeSqlite(m_dir.filePath(QStringLiteral("big-target.db")),
               { QStringLiteral("CREATE TABLE parcel_copy (source_id INTEGER PRIMARY KEY, name TEXT, value INTEGER)") });
    const qint64 source = createSqliteSystem(QStringLiteral("big source"), QStringLiteral("big.db"));
    const qint64 target = createSqliteSystem(QStringLiteral("big target"), QStringLiteral("big-target.db"));
    QJsonObject body = pairBody(QStringLiteral("big parcels"), source, target, QStringLiteral("parcel"));
    body.insert(QStringLiteral("mode"), QStringLiteral("full"));
    body.insert(QStringLiteral("batch_size"), 100);
    const qint64 pair = create(QStringLiteral("/api/sync-pairs"), body);
    QVERIFY(pair > 0);
    const qint64 id = startOperation({ { QStringLiteral("pair_id"), pair } });
    QVERIFY(id > 0);
    QTRY_VERIFY_WITH_TIMEOUT(m_page->model()->rowOf(id) >= 0, 15000);
    m_page->selectId(id);
    const auto cell = [&](int column, int role = Qt::DisplayRole) {
        return m_page->model()->index(m_page->model()->rowOf(id), column).data(role);
    };
    // While it runs: a bar strictly between 0 and 100 % and the time left next to it.
    QTRY_VERIFY_WITH_TIMEOUT(statusOf(id) == QLatin1String("running")
                                     && !cell(OperationsModel::EtaColumn).toString().isEmpty()
                                     && cell(OperationsModel::ProgressColumn, console::ResourceTableModel::ProgressRole).toDouble() > 0.02,
                             30000);
    const double progress = cell(OperationsModel::ProgressColumn, console::ResourceTableModel::ProgressRole).toDouble();
    QVERIFY2(progress > 0 && progress < 1, qPrintable(QString::number(progress)));
    QVERIFY(cell(OperationsModel::EtaColumn, Qt::ToolTipRole).toString().contains(QStringLiteral("rate so far")));
    auto *summary = m_page->findChild<QTextBrowser *>(QStringLiteral("operationSummary"));
    QTRY_VERIFY_WITH_TIMEOUT(summary->toPlainText().contains(QStringLiteral("Time left")), 10000);
    grab(QStringLiteral("running-eta"));
    // Stopped here: the rest of the run proves nothing more. A quick machine may have finished
    // the run meanwhile: then the cancel is refused (409) and the run has completed.
    const int cancel = api("POST", QStringLiteral("/api/sync-operations/%1/cancel").arg(id)).status;
    QVERIFY2(cancel == 200 || cancel == 409, qPrintable(QString::number(cancel)));
    QTRY_VERIFY_WITH_TIMEOUT(isFinished(statusOf(id)), 30000);
    if (cancel == 409)
        QCOMPARE(statusOf(id), QStringLiteral("completed"));
    QVERIFY(!cell(OperationsModel::EtaColumn).isValid()); // no ETA once it ended
}

void TestOperationsPage::dryRunOfUpdatesShowsBeforeAndAfter()
{
    // After the real run: parcel 3 renamed and revalued, parcel 4 revalued, parcel 401 new.
    makeSqlite(m_dir.filePath(QStringLiteral("source.db")),
               { QStringLiteral("UPDATE parcel SET name = 'parcel three', value = 31 WHERE id = 3"),
                 QStringLiteral("UPDATE parcel SET value = 41 WHERE id = 4"),
                 QStringLiteral("INSERT INTO parcel VALUES (401, 'parcel 401', 4010)") });
    const qint64 id = startOperation({ { QStringLiteral("pair_id"), m_pair }, { QStringLiteral("dry_run"), true } });
    QVERIFY(id > 0);
    QTRY_VERIFY_WITH_TIMEOUT(m_page->model()->rowOf(id) >= 0, 15000);
    m_page->selectId(id);
    QTRY_VERIFY_WITH_TIMEOUT(isFinished(statusOf(id)), 30000);
    auto *changes = m_page->findChild<QTableWidget *>(QStringLiteral("changeSet"));
    using View = console::ChangeSetView;
    // Two fields of parcel 3, one of parcel 4, the insert of 401, and the two rows the pair's
    // rule refuses (quarantined by the real run, so read again) as invalid.
    QTRY_VERIFY_WITH_TIMEOUT(m_page->changeSetView()->summary().contains(QStringLiteral("update")), 15000);
    QCOMPARE(changes->rowCount(), 6);
    QMap<QString, QStringList> byKeyField;
    QMap<QString, int> rowsOfKind;
    for (int row = 0; row < changes->rowCount(); ++row) {
        const QString kind = changes->item(row, View::ActionColumn)->text();
        const QString key = changes->item(row, View::KeyColumn)->text();
        const QString field = changes->item(row, View::FieldColumn)->text();
        byKeyField[key + QLatin1Char('/') + field] = { kind, changes->item(row, View::BeforeColumn)->text(),
                                                       changes->item(row, View::AfterColumn)->text() };
        ++rowsOfKind[kind];
        const bool update = kind == QLatin1String("update");
        QCOMPARE(View::isMarked(changes, row, View::BeforeColumn), update);
        QCOMPARE(View::isMarked(changes, row, View::AfterColumn), update);
        QVERIFY(!View::isMarked(changes, row, View::KeyColumn));
    }
    QCOMPARE(byKeyField.value(QStringLiteral("3/name")), (QStringList { QStringLiteral("update"), QStringLiteral("parcel 3"), QStringLiteral("parcel three") }));
    QCOMPARE(byKeyField.value(QStringLiteral("3/value")), (QStringList { QStringLiteral("update"), QStringLiteral("30"), QStringLiteral("31") }));
    QCOMPARE(byKeyField.value(QStringLiteral("4/value")), (QStringList { QStringLiteral("update"), QStringLiteral("40"), QStringLiteral("41") }));
    QCOMPARE(rowsOfKind, (QMap<QString, int> { { QStringLiteral("update"), 3 }, { QStringLiteral("insert"), 1 }, { QStringLiteral("invalid"), 2 } }));
    QCOMPARE(byKeyField.value(QStringLiteral("401/")).value(0), QStringLiteral("insert"));
    QVERIFY(byKeyField.value(QStringLiteral("401/")).value(2).contains(QStringLiteral("parcel 401")));
    QVERIFY2(m_page->changeSetView()->summary().contains(QStringLiteral("2 update")), qPrintable(m_page->changeSetView()->summary()));
    auto *tabs = m_page->findChild<QTabWidget *>(QStringLiteral("operationDetail"));
    tabs->setCurrentWidget(m_page->changeSetView());
    QVERIFY(test::saveScreenshots(m_page.get(), QStringLiteral("operations-dryrun-updates")));
    tabs->setCurrentIndex(0);
    QCOMPARE(count(m_dir.filePath(QStringLiteral("target.db")), QStringLiteral("parcel_copy")), 398); // nothing written
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
    tearDownPage();
}

QTEST_MAIN(TestOperationsPage)
#include "tst_operationspage.moc"
