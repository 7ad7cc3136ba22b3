// The Quarantine page against a real tf-gateway supervising a real tf-syncd (SQLite systems):
// a pair run quarantines the rows that break its min_value rule; the page lists them with the
// failing rule, field and source row; editing one to a valid value and replaying it removes it
// from the open list and writes it to the target; bulk discard of the rest, after a
// confirmation that states the count, empties the list; the pair, rule and age filters
// narrow the one cross-pair list on the server; a viewer finds Replay and Discard disabled. Screenshots (light and dark) go to <build>/console-screenshots/.
#include "client/changepoller.h"
#include "client/gatewayclient.h"
#include "client/permissions.h"
#include "integration/tst_gatewayproxy_fixture.h"
#include "models/quarantinemodel.h"
#include "models/resourcefiltermodel.h"
#include "pages/quarantinepage.h"
#include "settings/displaysettings.h"
#include "screenshots.h"

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QSignalSpy>
#include <QTableView>
#include <QTableWidget>
#include <QSettings>
#include <QStandardPaths>
#include <QTest>
#include <QTimer>

using namespace tf;
using console::DisplaySettings;
using console::QuarantineModel;
using console::QuarantinePage;

class TestQuarantinePage final : public QObject, public test::GatewayProxyFixture
{
    Q_OBJECT

private slots:
    void initTestCase();
    void listsTheQuarantinedRows();
    void filtersNarrowTheList();
    void editedRowIsReplayedIntoTheTarget();
    void bulkDiscardEmptiesTheList();
    void viewerCannotReplayOrDiscard();
    void cleanupTestCase();

private:
    void grab(const QString &state)
    {
        for (const auto theme : { DisplaySettings::Theme::Light, DisplaySettings::Theme::Dark }) {
            DisplaySettings::instance()->setTheme(theme);
            QTest::qWait(100);
            const QString name = QStringLiteral("%1/quarantine-%2-%3.png")
                                         .arg(m_shots, state,
                                              theme == DisplaySettings::Theme::Light ? QStringLiteral("light")
                                                                                     : QStringLiteral("dark"));
            QVERIFY2(m_page->grab().save(name), qPrintable(name));
        }
        DisplaySettings::instance()->setTheme(DisplaySettings::Theme::Light);
    }
    qint64 idWithKey(const QString &key) const
    {
        for (int row = 0; row < m_page->model()->rowCount(); ++row)
            if (m_page->model()->itemAt(row).value(QStringLiteral("source_key")).toString() == key)
                return m_page->model()->idAt(row);
        return -1;
    }
    static qint64 targetValue(const QString &path, int sourceId)
    {
        db::Database database(db::DatabaseUrl::parse(QStringLiteral("sqlite://") + path));
        QSqlQuery query = database.prepare(QStringLiteral("SELECT value FROM parcel_copy WHERE source_id = %1").arg(sourceId));
        database.exec(query, "reading a target row");
        const qint64 value = query.next() ? query.value(0).toLongLong() : -1;
        query.finish();
        database.closeThreadConnection();
        return value;
    }

    std::unique_ptr<console::GatewayClient> m_client;
    std::unique_ptr<console::ChangePoller> m_poller;
    std::unique_ptr<console::Permissions> m_permissions;
    std::unique_ptr<QuarantinePage> m_page;
    QJsonObject m_adminMe;
    QString m_shots;
};

void TestQuarantinePage::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QStandardPaths::setTestModeEnabled(true); // QSettings under a test directory
    QCoreApplication::setOrganizationName(QStringLiteral("TerraFusionTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_quarantinepage"));
    QSettings().clear();
    DisplaySettings::instance()->setTheme(DisplaySettings::Theme::Light);
    makeSourceAndTarget(20, { 3, 7, 11, 15 });
    QProcessEnvironment env = test::ServiceProcess::cleanEnvironment();
    env.insert(QStringLiteral("TF_RATE_LIMIT__PER_TOKEN_RPS"), QStringLiteral("0"));
    env.insert(QStringLiteral("TF_RATE_LIMIT__PER_ADDRESS_RPS"), QStringLiteral("0"));
    QVERIFY(startGateway(env));
    const qint64 source = createSqliteSystem(QStringLiteral("parcels source"), QStringLiteral("source.db"));
    const qint64 target = createSqliteSystem(QStringLiteral("parcels target"), QStringLiteral("target.db"));
    QVERIFY(source > 0 && target > 0);
    m_pair = create(QStringLiteral("/api/sync-pairs"), pairBody(QStringLiteral("parcels"), source, target, QStringLiteral("parcel")));
    QVERIFY(m_pair > 0);
    const qint64 operation = startOperation({ { QStringLiteral("pair_id"), m_pair } });
    QVERIFY(operation > 0);
    const QJsonObject done = waitForOperation(operation, &GatewayProxyFixture::finished);
    QCOMPARE(done.value(QStringLiteral("status")).toString(), QStringLiteral("completed_with_errors"));
    QCOMPARE(count(m_dir.filePath(QStringLiteral("target.db")), QStringLiteral("parcel_copy")), 16);
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
    QVERIFY(m_permissions->has(QStringLiteral("quarantine:write")));

    m_page = std::make_unique<QuarantinePage>(m_client.get(), m_poller.get(), m_permissions.get());
    m_page->resize(1280, 720);
    m_page->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_page.get()));
    m_poller->start();
}

void TestQuarantinePage::listsTheQuarantinedRows()
{
    QTRY_COMPARE_WITH_TIMEOUT(m_page->model()->rowCount(), 4, 15000);
    for (const char *key : { "3", "7", "11", "15" })
        QVERIFY2(idWithKey(QString::fromLatin1(key)) > 0, key);
    const QModelIndex first = m_page->filter()->index(0, QuarantineModel::RuleColumn);
    QCOMPARE(first.data().toString(), QStringLiteral("min_value"));
    QCOMPARE(m_page->filter()->index(0, QuarantineModel::FieldColumn).data().toString(), QStringLiteral("value"));

    // Selecting one shows why it failed, its source row and its editable transformed row.
    QSignalSpy shown(m_page.get(), &QuarantinePage::detailShown);
    m_page->selectIds({ idWithKey(QStringLiteral("3")) });
    QVERIFY(shown.wait(10000));
    auto *failure = m_page->findChild<QLabel *>(QStringLiteral("quarantineFailure"));
    QVERIFY2(failure->text().contains(QStringLiteral("min_value")) && failure->text().contains(QStringLiteral("value")),
             qPrintable(failure->text()));
    auto *sourceRow = m_page->findChild<QTableWidget *>(QStringLiteral("sourceRow"));
    QVERIFY(sourceRow->rowCount() >= 3);
    QStringList sourceValues;
    for (int row = 0; row < sourceRow->rowCount(); ++row)
        sourceValues << sourceRow->item(row, 0)->text() + QLatin1Char('=') + sourceRow->item(row, 1)->text();
    QVERIFY2(sourceValues.contains(QStringLiteral("value=-3")), qPrintable(sourceValues.join(QLatin1Char(','))));
    grab(QStringLiteral("detail"));
}

void TestQuarantinePage::filtersNarrowTheList()
{
    auto *rule = m_page->findChild<QComboBox *>(QStringLiteral("ruleFilter"));
    auto *pair = m_page->findChild<QComboBox *>(QStringLiteral("pairFilter"));
    auto *age = m_page->findChild<QComboBox *>(QStringLiteral("ageFilter"));
    QVERIFY(rule && pair && age);
    QVERIFY(rule->findData(QStringLiteral("min_value")) > 0);
    QTRY_VERIFY(pair->findData(QString::number(m_pair)) > 0);
    QVERIFY2(pair->itemText(pair->findData(QString::number(m_pair))).contains(QStringLiteral("parcels")),
             qPrintable(pair->itemText(pair->findData(QString::number(m_pair)))));
    // Pair, rule and age go to the server: each change is one new list, answered with the match.
    QSignalSpy refreshed(m_page.get(), &QuarantinePage::refreshed);
    rule->setCurrentIndex(rule->findData(QStringLiteral("min_value")));
    pair->setCurrentIndex(pair->findData(QString::number(m_pair)));
    QTRY_VERIFY(refreshed.size() >= 1);
    QTRY_COMPARE(m_page->filter()->rowCount(), 4);

    // Older than 1 hour: every row was quarantined just now, so none; the choices stay.
    QCOMPARE(age->count(), 5);
    age->setCurrentIndex(age->findData(1));
    QTRY_COMPARE_WITH_TIMEOUT(m_page->model()->rowCount(), 0, 10000);
    QVERIFY(rule->findData(QStringLiteral("min_value")) > 0);
    QVERIFY(pair->findData(QString::number(m_pair)) > 0);
    QVERIFY2(m_page->statusText().contains(QStringLiteral("0 open quarantined rows match")), qPrintable(m_page->statusText()));
    test::saveScreenshots(m_page.get(), QStringLiteral("quarantine-age-filter"));
    age->setCurrentIndex(0);
    QTRY_COMPARE_WITH_TIMEOUT(m_page->model()->rowCount(), 4, 10000);

    auto *text = m_page->findChild<QLineEdit *>(QStringLiteral("filter"));
    text->setText(QStringLiteral("no entry says this zzqx"));
    QCOMPARE(m_page->filter()->rowCount(), 0);
    text->clear();
    rule->setCurrentIndex(0);
    pair->setCurrentIndex(0);
    QTRY_COMPARE(m_page->filter()->rowCount(), 4);
    QCOMPARE(m_page->model()->resetCount(), 0);
}

void TestQuarantinePage::editedRowIsReplayedIntoTheTarget()
{
    const qint64 id = idWithKey(QStringLiteral("3"));
    QSignalSpy shown(m_page.get(), &QuarantinePage::detailShown);
    m_page->selectIds({ id }); // the text filter dropped the selection with the rows it hid
    QVERIFY(shown.wait(10000));
    QCOMPARE(m_page->selectedIds(), QList<qint64> { id });
    QTableWidget *editor = m_page->rowEditor();
    int valueRow = -1;
    for (int row = 0; row < editor->rowCount(); ++row)
        if (editor->item(row, 0)->text() == QLatin1String("value"))
            valueRow = row;
    QVERIFY(valueRow >= 0);
    QCOMPARE(editor->item(valueRow, 1)->text(), QStringLiteral("-3"));
    // Type the new value as a person would: open the cell's editor (F2), replace, Enter.
    editor->setFocus();
    editor->setCurrentCell(valueRow, 1);
    QTest::keyClick(editor, Qt::Key_F2);
    auto *line = editor->viewport()->findChild<QLineEdit *>();
    if (!line) { // F2 needs an active window; open the editor directly
        editor->editItem(editor->item(valueRow, 1));
        line = editor->viewport()->findChild<QLineEdit *>();
    }
    QVERIFY(line);
    line->selectAll();
    QTest::keyClicks(line, QStringLiteral("30"));
    QTest::keyClick(line, Qt::Key_Return);
    QTRY_COMPARE(editor->item(valueRow, 1)->text(), QStringLiteral("30"));
    auto *save = m_page->findChild<QAction *>(QStringLiteral("saveQuarantineEdits"));
    QVERIFY(save->isEnabled());

    // Replay saves the edits first (PUT with If-Match), then replays the entry.
    QSignalSpy finished(m_page.get(), &QuarantinePage::batchFinished);
    m_page->findChild<QAction *>(QStringLiteral("replayQuarantine"))->trigger();
    QVERIFY(finished.wait(15000));
    QCOMPARE(finished.first().at(0).toInt(), 1);
    QCOMPARE(finished.first().at(1).toInt(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(m_page->model()->rowOf(id), -1, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(m_page->model()->rowCount(), 3, 10000);
    QVERIFY2(m_page->statusText().contains(QStringLiteral("Replayed 1 of 1")), qPrintable(m_page->statusText()));
    // The target now has the row, with the edited value.
    QCOMPARE(count(m_dir.filePath(QStringLiteral("target.db")), QStringLiteral("parcel_copy")), 17);
    QCOMPARE(targetValue(m_dir.filePath(QStringLiteral("target.db")), 3), 30);
    // The gateway agrees: the entry is replayed.
    QCOMPARE(api("GET", QStringLiteral("/api/quarantine/%1").arg(id)).json().value(QStringLiteral("status")).toString(),
             QStringLiteral("replayed"));
}

void TestQuarantinePage::bulkDiscardEmptiesTheList()
{
    QCOMPARE(m_page->model()->rowCount(), 3);
    m_page->table()->setFocus();
    m_page->table()->selectAll();
    QCOMPARE(m_page->selectedIds().size(), 3);
    grab(QStringLiteral("bulk-selection"));

    // Accept the confirmation as a person would, after reading the count it states.
    QString question;
    QTimer accept;
    accept.setInterval(50);
    connect(&accept, &QTimer::timeout, this, [&] {
        auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
        if (!box)
            return;
        question = box->text();
        box->button(QMessageBox::Yes)->click();
    });
    accept.start();
    QSignalSpy finished(m_page.get(), &QuarantinePage::batchFinished);
    m_page->findChild<QAction *>(QStringLiteral("discardQuarantine"))->trigger();
    QVERIFY(finished.wait(15000) || finished.size() == 1);
    accept.stop();
    QVERIFY2(question.contains(QStringLiteral("3 quarantined rows")), qPrintable(question));
    QCOMPARE(finished.first().at(0).toInt(), 3);
    QTRY_COMPARE_WITH_TIMEOUT(m_page->model()->rowCount(), 0, 10000);
    QVERIFY2(m_page->statusText().contains(QStringLiteral("Discarded 3 of 3")), qPrintable(m_page->statusText()));
    const QJsonObject open = api("GET", QStringLiteral("/api/sync-pairs/%1/quarantine?status=open").arg(m_pair)).json();
    QCOMPARE(open.value(QStringLiteral("items")).toArray().size(), 0);
    QCOMPARE(m_page->model()->resetCount(), 0);
}

void TestQuarantinePage::viewerCannotReplayOrDiscard()
{
    const QJsonObject me = meOfNewUser(QStringLiteral("viewer1"), QStringLiteral("viewer"));
    QCOMPARE(me.value(QStringLiteral("role")).toString(), QStringLiteral("viewer"));
    m_permissions->setFromMe(me);
    for (const char *name : { "replayQuarantine", "discardQuarantine", "saveQuarantineEdits" }) {
        auto *action = m_page->findChild<QAction *>(QString::fromLatin1(name));
        QVERIFY2(action, name);
        QVERIFY2(!action->isEnabled(), name);
        QVERIFY2(action->toolTip().contains(QStringLiteral("operator")), qPrintable(action->toolTip()));
    }
    m_permissions->setFromMe(m_adminMe);
}

void TestQuarantinePage::cleanupTestCase()
{
    if (m_poller)
        m_poller->stop();
    m_page.reset();
    m_gateway.reset();
}

QTEST_MAIN(TestQuarantinePage)
#include "tst_quarantinepage.moc"
