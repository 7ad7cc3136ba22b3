// The Operations page against a real tf-gateway supervising a real tf-syncd (SQLite systems):
// an operation started through the API appears and its progress reaches completed, with the
// selection kept across the refreshes and no model reset; a dry run's change set is listed in
// the detail pane, and a dry run of updates shows before -> after of each changed field; the log
// is tailed, searchable (matches highlighted and counted), jumps to errors, follows new lines
// unless scroll-locked and downloads whole; a viewer finds Cancel and Retry disabled.
// Screenshots (light and dark) go to <build>/console-screenshots/.
#include "client/changepoller.h"
#include "client/gatewayclient.h"
#include "client/permissions.h"
#include "integration/tst_gatewayproxy_fixture.h"
#include "models/operationsmodel.h"
#include "models/resourcefiltermodel.h"
#include "pages/operationspage.h"
#include "screenshots.h"
#include "settings/displaysettings.h"
#include "widgets/changesetview.h"
#include "widgets/operationlogview.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QLineEdit>
#include <QLabel>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QTemporaryDir>
#include <QTextBlock>
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
    void logIsTailedAndFollowsUnlessLocked();
    void dryRunOfUpdatesShowsBeforeAndAfter();
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

void TestOperationsPage::logIsSearchable()
{
    // The completed run of runIsFollowedToCompletion is selected: its whole log is shown, the
    // same lines as GET /api/sync-operations/{id}/logs lists.
    console::OperationLogView *view = m_page->logView();
    QVERIFY(view);
    const qint64 id = m_page->selectedId();
    QVERIFY(id > 0);
    const QJsonArray lines = api("GET", QStringLiteral("/api/sync-operations/%1/logs").arg(id)).json().value(QStringLiteral("items")).toArray();
    QVERIFY(lines.size() >= 3); // started, entity done, finished
    QTRY_COMPARE_WITH_TIMEOUT(int(view->lines().size()), int(lines.size()), 10000);
    auto *log = m_page->findChild<QPlainTextEdit *>(QStringLiteral("operationLog"));
    QVERIFY(log);
    QCOMPARE(log->document()->blockCount(), int(lines.size()));
    for (int i = 0; i < lines.size(); ++i)
        QVERIFY2(log->document()->findBlockByNumber(i).text().endsWith(lines.at(i)[QStringLiteral("line")].toString()),
                 qPrintable(log->document()->findBlockByNumber(i).text()));

    // Ctrl+F in the log goes to the log's search field (the page's own Ctrl+F filters the table).
    auto *tabs = m_page->findChild<QTabWidget *>(QStringLiteral("operationDetail"));
    tabs->setCurrentWidget(view);
    m_page->activateWindow();
    QTRY_VERIFY(m_page->isActiveWindow());
    log->setFocus();
    QTRY_VERIFY(log->hasFocus());
    QTest::keyClick(log, Qt::Key_F, Qt::ControlModifier);
    auto *search = m_page->findChild<QLineEdit *>(QStringLiteral("logSearch"));
    QTRY_VERIFY(search->hasFocus());

    // Search: every match highlighted and counted; nothing is hidden; F3 / Shift+F3 move.
    const QString word = QStringLiteral("read"); // "read 400" of the entity line and of the last line
    int expected = 0;
    for (int i = 0; i < log->document()->blockCount(); ++i)
        expected += int(log->document()->findBlockByNumber(i).text().count(word, Qt::CaseInsensitive));
    QVERIFY(expected >= 2);
    QTest::keyClicks(search, word);
    QCOMPARE(view->matchCount(), expected);
    QCOMPARE(view->currentMatch(), 0);
    QCOMPARE(log->document()->blockCount(), int(lines.size()));
    QCOMPARE(log->textCursor().selectedText().toLower(), word);
    int highlighted = 0;
    for (const QTextEdit::ExtraSelection &selection : log->extraSelections())
        highlighted += selection.cursor.selectedText().compare(word, Qt::CaseInsensitive) == 0 ? 1 : 0;
    QCOMPARE(highlighted, expected);
    auto *count = m_page->findChild<QLabel *>(QStringLiteral("logMatches"));
    QCOMPARE(count->text(), QStringLiteral("1 of %1").arg(expected));
    view->nextMatchAction()->trigger();
    QCOMPARE(view->currentMatch(), expected > 1 ? 1 : 0);
    view->previousMatchAction()->trigger();
    QCOMPARE(view->currentMatch(), 0);
    view->previousMatchAction()->trigger(); // wraps
    QCOMPARE(view->currentMatch(), expected - 1);
    QCOMPARE(count->text(), QStringLiteral("%1 of %1").arg(expected));
    m_page->resize(1200, 760);
    QVERIFY(test::saveScreenshots(m_page.get(), QStringLiteral("operations-log-search")));
    search->setText(QStringLiteral("no line says this zzqx"));
    QCOMPARE(view->matchCount(), 0);
    QCOMPARE(count->text(), QStringLiteral("no match"));
    search->clear();
    QVERIFY(count->text().isEmpty());

    // Download: every line, fetched from the gateway, into a file.
    QTemporaryDir files;
    const QString path = files.filePath(QStringLiteral("operation.log"));
    bool done = false, ok = false;
    view->downloadTo(path, [&](bool success, const QString &) { done = true; ok = success; });
    QTRY_VERIFY_WITH_TIMEOUT(done, 10000);
    QVERIFY(ok);
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly | QIODevice::Text));
    const QStringList written = QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(written.size(), int(lines.size()));
    for (int i = 0; i < lines.size(); ++i) {
        const QJsonObject line = lines.at(i).toObject();
        QVERIFY2(written.at(i).startsWith(line.value(QStringLiteral("created_at")).toString()), qPrintable(written.at(i)));
        QVERIFY2(written.at(i).endsWith(line.value(QStringLiteral("line")).toString()), qPrintable(written.at(i)));
    }
    tabs->setCurrentIndex(0);
}

void TestOperationsPage::logIsTailedAndFollowsUnlessLocked()
{
    // A target nobody listens on: attempt after attempt fails (transient) and each is logged
    // while the operation stays queued, so its log grows while it is shown.
    const test::HttpResult dead = api(
            "POST", QStringLiteral("/api/systems"),
            QJsonObject { { QStringLiteral("name"), QStringLiteral("nobody home for the log") },
                          { QStringLiteral("kind"), QStringLiteral("postgres") },
                          { QStringLiteral("settings"),
                            QJsonObject { { QStringLiteral("url"),
                                            QStringLiteral("postgresql://tf@127.0.0.1:%1/gone").arg(test::freePort()) } } },
                          { QStringLiteral("credentials"), QJsonObject { { QStringLiteral("password"), m_password } } } });
    QCOMPARE(dead.status, 201);
    const qint64 source = createSqliteSystem(QStringLiteral("log source"), QStringLiteral("source.db"));
    const qint64 pair = create(QStringLiteral("/api/sync-pairs"),
                               pairBody(QStringLiteral("log tail"), source, dead.json().value(QStringLiteral("id")).toInteger(),
                                        QStringLiteral("parcel")));
    QVERIFY(pair > 0);
    const qint64 id = startOperation({ { QStringLiteral("pair_id"), pair } });
    QVERIFY(id > 0);
    QTRY_VERIFY_WITH_TIMEOUT(m_page->model()->rowOf(id) >= 0, 15000);
    m_page->selectId(id);
    console::OperationLogView *view = m_page->logView();
    auto *tabs = m_page->findChild<QTabWidget *>(QStringLiteral("operationDetail"));
    tabs->setCurrentWidget(view);
    QTRY_COMPARE_WITH_TIMEOUT(view->operationId(), id, 10000);
    QVERIFY(view->isFollowing()); // another operation's log starts unlocked
    // The first failed attempt arrives without selecting again: the page's refreshes tail it.
    QTRY_VERIFY_WITH_TIMEOUT(std::any_of(view->lines().cbegin(), view->lines().cend(),
                                         [](const console::OperationLogView::Line &line) { return line.level == QLatin1String("warning"); }),
                             30000);
    QCOMPARE(view->operationId(), id);
    // Lines are never fetched twice: ids only grow.
    for (int i = 1; i < view->lines().size(); ++i)
        QVERIFY(view->lines().at(i).id > view->lines().at(i - 1).id);

    // Next Error goes to the warning line.
    view->text()->moveCursor(QTextCursor::Start);
    view->nextErrorAction()->trigger();
    const int errorLine = view->currentLine();
    QVERIFY(errorLine >= 0 && errorLine < view->lines().size());
    QCOMPARE(view->lines().at(errorLine).level, QStringLiteral("warning"));
    QVERIFY(view->text()->textCursor().selectedText().contains(view->lines().at(errorLine).text));
    QVERIFY(!view->isFollowing()); // looking back locks the scroll

    // Unlocked, new lines are followed to the end; a scroll up locks it again.
    view->scrollLockAction()->setChecked(false);
    QVERIFY(view->isFollowing());
    auto *bar = view->text()->verticalScrollBar();
    QCOMPARE(bar->value(), bar->maximum());
    view->text()->setFixedHeight(50); // a line or two high: the log scrolls
    const int before = int(view->lines().size());
    api("POST", QStringLiteral("/api/sync-operations/%1/cancel").arg(id)); // writes a line or two
    QTRY_VERIFY_WITH_TIMEOUT(int(view->lines().size()) > before, 15000);
    QTRY_VERIFY(bar->maximum() > 0);
    QCOMPARE(bar->value(), bar->maximum());
    bar->setValue(0); // the user scrolls up
    QVERIFY(!view->isFollowing());
    QVERIFY(view->scrollLockAction()->isChecked());
    view->text()->setMinimumHeight(0);
    view->text()->setMaximumHeight(QWIDGETSIZE_MAX);
    QTRY_VERIFY_WITH_TIMEOUT(isFinished(statusOf(id)), 15000);
    tabs->setCurrentIndex(0);
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
    if (m_poller)
        m_poller->stop();
    m_page.reset();
    m_gateway.reset();
}

QTEST_MAIN(TestOperationsPage)
#include "tst_operationspage.moc"
