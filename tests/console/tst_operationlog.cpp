// The Operations page's log (OperationLogView) against a real tf-gateway supervising a real
// tf-syncd (SQLite systems): a completed run's whole log is shown, searched (every match
// highlighted and counted, next and previous wrapping, Ctrl+F in the log going to its own search)
// and downloaded whole; a running operation's log is tailed by the page's refreshes, Next Error
// finds its warning line, and new lines are followed unless the user scrolled up.
// Screenshots (light and dark) go to <build>/console-screenshots/.
#include "operationspagefixture.h"
#include "screenshots.h"
#include "widgets/operationlogview.h"

#include <QAction>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTextBlock>

using namespace tf;

class TestOperationLog final : public QObject, public test::OperationsPageFixture
{
    Q_OBJECT

private slots:
    void initTestCase();
    void logIsSearchable();
    void logIsTailedAndFollowsUnlessLocked();
    void cleanupTestCase();
};

void TestOperationLog::initTestCase()
{
    QVERIFY(setUpPage(QStringLiteral("tst_operationlog")));
    // A completed run to read the log of.
    const qint64 id = startOperation({ { QStringLiteral("pair_id"), m_pair } });
    QVERIFY(id > 0);
    QTRY_VERIFY_WITH_TIMEOUT(m_page->model()->rowOf(id) >= 0, 15000);
    m_page->selectId(id);
    QTRY_VERIFY_WITH_TIMEOUT(isFinished(statusOf(id)), 30000);
    QCOMPARE(m_page->selectedId(), id);
}

void TestOperationLog::logIsSearchable()
{
    // The completed run of initTestCase is selected: its whole log is shown, the
    // same lines as GET /api/sync-operations/{id}/logs lists.
    console::OperationLogView *view = m_page->logView();
    QVERIFY(view);
    const qint64 id = m_page->selectedId();
    QVERIFY(id > 0);
    const QJsonArray lines = api("GET", QStringLiteral("/api/sync-operations/%1/logs").arg(id))
                                 .json()
                                 .value(QStringLiteral("items"))
                                 .toArray();
    QVERIFY(lines.size() >= 3); // started, entity done, finished
    QTRY_COMPARE_WITH_TIMEOUT(int(view->lines().size()), int(lines.size()), 10000);
    auto *log = m_page->findChild<QPlainTextEdit *>(QStringLiteral("operationLog"));
    QVERIFY(log);
    QCOMPARE(log->document()->blockCount(), int(lines.size()));
    for (int i = 0; i < lines.size(); ++i)
        QVERIFY2(log->document()->findBlockByNumber(i).text().endsWith(
                     lines.at(i)[QStringLiteral("line")].toString()),
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
    const QString word
        = QStringLiteral("read"); // "read 400" of the entity line and of the last line
    int expected = 0;
    for (int i = 0; i < log->document()->blockCount(); ++i)
        expected
            += int(log->document()->findBlockByNumber(i).text().count(word, Qt::CaseInsensitive));
    QVERIFY(expected >= 2);
    QTest::keyClicks(search, word);
    QCOMPARE(view->matchCount(), expected);
    QCOMPARE(view->currentMatch(), 0);
    QCOMPARE(log->document()->blockCount(), int(lines.size()));
    QCOMPARE(log->textCursor().selectedText().toLower(), word);
    int highlighted = 0;
    for (const QTextEdit::ExtraSelection &selection : log->extraSelections())
        highlighted
            += selection.cursor.selectedText().compare(word, Qt::CaseInsensitive) == 0 ? 1 : 0;
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
    view->downloadTo(path, [&](bool success, const QString &) {
        done = true;
        ok = success;
    });
    QTRY_VERIFY_WITH_TIMEOUT(done, 10000);
    QVERIFY(ok);
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly | QIODevice::Text));
    const QStringList written
        = QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(written.size(), int(lines.size()));
    for (int i = 0; i < lines.size(); ++i) {
        const QJsonObject line = lines.at(i).toObject();
        QVERIFY2(written.at(i).startsWith(line.value(QStringLiteral("created_at")).toString()),
                 qPrintable(written.at(i)));
        QVERIFY2(written.at(i).endsWith(line.value(QStringLiteral("line")).toString()),
                 qPrintable(written.at(i)));
    }
    tabs->setCurrentIndex(0);
}

void TestOperationLog::logIsTailedAndFollowsUnlessLocked()
{
    // A target nobody listens on: attempt after attempt fails (transient) and each is logged
    // while the operation stays queued, so its log grows while it is shown.
    const test::HttpResult dead = api(
        "POST", QStringLiteral("/api/systems"),
        QJsonObject {
            { QStringLiteral("name"), QStringLiteral("nobody home for the log") },
            { QStringLiteral("kind"), QStringLiteral("postgres") },
            { QStringLiteral("settings"),
              QJsonObject {
                  { QStringLiteral("url"),
                    QStringLiteral("postgresql://tf@127.0.0.1:%1/gone").arg(test::freePort()) } } },
            { QStringLiteral("credentials"),
              QJsonObject { { QStringLiteral("password"), m_password } } } });
    QCOMPARE(dead.status, 201);
    const qint64 source
        = createSqliteSystem(QStringLiteral("log source"), QStringLiteral("source.db"));
    const qint64 pair = create(QStringLiteral("/api/sync-pairs"),
                               pairBody(QStringLiteral("log tail"), source,
                                        dead.json().value(QStringLiteral("id")).toInteger(),
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
                                         [](const console::OperationLogView::Line &line) {
                                             return line.level == QLatin1String("warning");
                                         }),
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

void TestOperationLog::cleanupTestCase()
{
    tearDownPage();
}

QTEST_MAIN(TestOperationLog)
#include "tst_operationlog.moc"
