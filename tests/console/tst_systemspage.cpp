// The Systems page, the system editor and the pair editor's cursor kinds against a real
// tf-gateway supervising a real tf-syncd (SQLite control database): the page lists systems
// created through the API with their kinds; the editor offers every kind the engine knows,
// creates a mysql and an arcgis system with exactly the settings typed and never shows a secret
// back; a 422 is shown under the field it names; a refresh keeps the selection; Test Connection
// shows the API's answer in the row; Delete names the pairs using the system and shows the
// gateway's refusal; Browse Entities lists a system's tables; the pair editor offers
// change_tracking only for a sqlserver source and round-trips it. Screenshots (light and dark)
// go to <build>/console-screenshots/.
#include "systemspagefixture.h"
#include "client/changepoller.h"
#include "dialogs/paireditordialog.h"
#include "dialogs/systemeditordialog.h"
#include "dialogs/systementitiesdialog.h"
#include "models/systemkinds.h"
#include "models/systemsmodel.h"
#include "pages/systemspage.h"
#include "screenshots.h"
#include "sync/systems/systemdefinition.h"
#include "widgets/cursoreditor.h"
#include "widgets/pairrunsection.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>
#include <QTreeWidget>

using namespace tf;
using console::PairEditorDialog;
using console::SystemEditorDialog;
using console::SystemsModel;
using console::SystemsPage;

namespace {

const QString MysqlPassword = QStringLiteral("my-Secret-pw-4711");
const QString ArcgisToken = QStringLiteral("arcgis-token-Zq81xP");

} // namespace

class TestSystemsPage final : public QObject, public test::SystemsPageFixture
{
    Q_OBJECT

private slots:
    void initTestCase();
    void listsTheSystemsWithTheirKinds();
    void kindComboListsEveryKindOfTheEngine();
    void createsAMysqlSystemThroughTheEditor();
    void createsAnArcgisSystemThroughTheEditor();
    void editingKeepsTheStoredSecret();
    void showsA422OnTheField();
    void refreshKeepsTheSelection();
    void followsTheChangeFeed();
    void testConnectionShowsTheAnswer();
    void browseListsTheEntities();
    void deleteNamesThePairsAndShowsTheRefusal();
    void pairEditorOffersChangeTrackingOnlyForSqlServer();
    void editorScreenshots();
    void viewerReadsButCannotWrite();
    void cleanupTestCase();
};

void TestSystemsPage::initTestCase()
{
    QVERIFY(setUpAdminPage(QStringLiteral("tst_systemspage"), QStringLiteral("pairs:write")));
    m_tester = std::make_unique<QAbstractItemModelTester>(m_page->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    makeSqlite(m_dir.filePath(QStringLiteral("pacs.db")),
               { QStringLiteral("CREATE TABLE parcel (id INTEGER PRIMARY KEY, name TEXT NOT NULL, value REAL)") });
    m_sqlite = createSqliteSystem(QStringLiteral("PACS export"), QStringLiteral("pacs.db"));
    m_postgres = create(QStringLiteral("/api/systems"),
                        { { QStringLiteral("name"), QStringLiteral("CAMA") },
                          { QStringLiteral("kind"), QStringLiteral("postgres") },
                          { QStringLiteral("settings"), QJsonObject { { QStringLiteral("host"), QStringLiteral("cama-db.county.local") },
                                                                      { QStringLiteral("port"), 5433 },
                                                                      { QStringLiteral("database"), QStringLiteral("cama") } } },
                          { QStringLiteral("credentials"), QJsonObject { { QStringLiteral("user"), QStringLiteral("sync") },
                                                                         { QStringLiteral("password"), QStringLiteral("pg-Secret-99") } } } });
    // Nothing listens on port 1: the test connection fails with the driver's answer.
    m_sqlserver = create(QStringLiteral("/api/systems"),
                         { { QStringLiteral("name"), QStringLiteral("Legacy PACS") },
                           { QStringLiteral("kind"), QStringLiteral("sqlserver") },
                           { QStringLiteral("settings"), QJsonObject { { QStringLiteral("host"), QStringLiteral("127.0.0.1") },
                                                                       { QStringLiteral("port"), 1 },
                                                                       { QStringLiteral("database"), QStringLiteral("PACS") } } } });
    QVERIFY(m_sqlite > 0 && m_postgres > 0 && m_sqlserver > 0);
    QVERIFY(showPage(1100, 520));
    bool ok = false;
    QVERIFY(refreshPage(&ok));
    QVERIFY2(ok, qPrintable(m_page->statusText()));
}

void TestSystemsPage::listsTheSystemsWithTheirKinds()
{
    SystemsModel *model = m_page->model();
    QCOMPARE(model->rowCount(), 3);
    QCOMPARE(cell(m_sqlite, SystemsModel::NameColumn), QStringLiteral("PACS export"));
    QCOMPARE(cell(m_sqlite, SystemsModel::KindColumn), QStringLiteral("SQLite"));
    QCOMPARE(model->index(model->rowOf(m_sqlite), SystemsModel::KindColumn).data(SystemsModel::KindRole).toString(),
             QStringLiteral("sqlite"));
    QCOMPARE(cell(m_sqlite, SystemsModel::WhereColumn), m_dir.filePath(QStringLiteral("pacs.db")));
    QCOMPARE(cell(m_postgres, SystemsModel::KindColumn), QStringLiteral("PostgreSQL"));
    QCOMPARE(cell(m_postgres, SystemsModel::WhereColumn), QStringLiteral("cama-db.county.local:5433/cama"));
    QCOMPARE(cell(m_sqlserver, SystemsModel::KindColumn), QStringLiteral("SQL Server"));
    QCOMPARE(cell(m_sqlserver, SystemsModel::WhereColumn), QStringLiteral("127.0.0.1:1/PACS"));
    QCOMPARE(cell(m_sqlserver, SystemsModel::PairsColumn), QStringLiteral("no pair"));
    QCOMPARE(cell(m_sqlserver, SystemsModel::TestColumn), QStringLiteral("not tested"));
    for (const QString &text : tableTexts())
        QVERIFY2(!text.contains(QLatin1String("pg-Secret-99")) && !text.contains(QLatin1String("sync@")), qPrintable(text));
    QCOMPARE(model->resetCount(), 0);
    // pairs:write: every action is enabled for the admin.
    for (QAction *action : { m_page->newAction(), m_page->editAction(), m_page->deleteAction(), m_page->testAction(),
                             m_page->browseAction() })
        QVERIFY2(action->isEnabled(), qPrintable(action->text()));
}

void TestSystemsPage::kindComboListsEveryKindOfTheEngine()
{
    SystemEditorDialog *editor = openNewEditor();
    QVERIFY(editor);
    QStringList offered;
    for (int i = 0; i < editor->kindCombo()->count(); ++i)
        offered << editor->kindCombo()->itemData(i).toString();
    QCOMPARE(offered, sync::SystemDefinition::kinds()); // the engine's own list
    for (const QString &kind : std::as_const(offered)) {
        chooseKind(editor, kind);
        QVERIFY2(!console::systemkinds::fields(kind).isEmpty(), qPrintable(kind));
        for (const console::SystemField &field : console::systemkinds::fields(kind))
            QVERIFY2(editor->editor(field.key), qPrintable(kind + QLatin1Char(' ') + field.key));
    }
    chooseKind(editor, QStringLiteral("sqlserver"));
    for (const char *key : { "settings.host", "settings.port", "settings.database", "settings.driver", "credentials.user",
                             "credentials.password" })
        QVERIFY2(editor->editor(QLatin1String(key)), key);
    QVERIFY(!editor->editor(QStringLiteral("settings.connection_string")));
    chooseKind(editor, QStringLiteral("odbc"));
    QVERIFY(editor->editor(QStringLiteral("settings.connection_string")));
    QVERIFY(!editor->editor(QStringLiteral("settings.host")));
    editor->reject();
}

void TestSystemsPage::createsAMysqlSystemThroughTheEditor()
{
    SystemEditorDialog *editor = openNewEditor();
    QVERIFY(editor);
    chooseKind(editor, QStringLiteral("mysql"));
    QTest::keyClicks(editor->nameEdit(), QStringLiteral("Permits"));
    editor->setValue(QStringLiteral("settings.host"), QStringLiteral("permits.county.local"));
    editor->setValue(QStringLiteral("settings.port"), QStringLiteral("3307"));
    editor->setValue(QStringLiteral("settings.database"), QStringLiteral("permits"));
    editor->setValue(QStringLiteral("settings.zero_date"), QStringLiteral("null"));
    editor->setValue(QStringLiteral("credentials.user"), QStringLiteral("tfsync"));
    QTest::keyClicks(editor->editor(QStringLiteral("credentials.password")), MysqlPassword);
    QCOMPARE(qobject_cast<QLineEdit *>(editor->editor(QStringLiteral("credentials.password")))->echoMode(), QLineEdit::Password);
    QVERIFY(editor->okButton()->isEnabled());
    QSignalSpy saved(editor, &SystemEditorDialog::saved);
    editor->okButton()->click();
    QVERIFY(saved.wait(10000));
    m_mysql = saved.first().first().toJsonObject().value(QStringLiteral("id")).toInteger();
    QVERIFY(m_mysql > 0);

    const QJsonObject stored = system(m_mysql);
    QCOMPARE(stored.value(QStringLiteral("kind")).toString(), QStringLiteral("mysql"));
    QCOMPARE(stored.value(QStringLiteral("settings")).toObject(),
             (QJsonObject { { QStringLiteral("host"), QStringLiteral("permits.county.local") },
                            { QStringLiteral("port"), 3307 },
                            { QStringLiteral("database"), QStringLiteral("permits") },
                            { QStringLiteral("zero_date"), QStringLiteral("null") } }));
    QVERIFY(stored.value(QStringLiteral("has_credentials")).toBool());
    QVERIFY(!QJsonDocument(stored).toJson().contains(MysqlPassword.toUtf8()));
    // The new row appears, selected.
    QTRY_COMPARE_WITH_TIMEOUT(m_page->selectedId(), m_mysql, 10000);
    QCOMPARE(cell(m_mysql, SystemsModel::KindColumn), QStringLiteral("MySQL / MariaDB"));
    QCOMPARE(cell(m_mysql, SystemsModel::WhereColumn), QStringLiteral("permits.county.local:3307/permits"));
    for (const QString &text : tableTexts())
        QVERIFY2(!text.contains(MysqlPassword) && !text.contains(QLatin1String("tfsync")), qPrintable(text));
}

void TestSystemsPage::createsAnArcgisSystemThroughTheEditor()
{
    SystemEditorDialog *editor = openNewEditor();
    QVERIFY(editor);
    chooseKind(editor, QStringLiteral("arcgis"));
    QTest::keyClicks(editor->nameEdit(), QStringLiteral("County parcels"));
    QVERIFY(!editor->okButton()->isEnabled()); // the service URL is required
    const QString url = QStringLiteral("https://gis.county.local/arcgis/rest/services/Parcels/FeatureServer");
    editor->setValue(QStringLiteral("settings.url"), url);
    editor->setValue(QStringLiteral("settings.page_size"), QStringLiteral("1000"));
    QVERIFY(!editor->editor(QStringLiteral("credentials.password"))); // a token, not a login
    QTest::keyClicks(editor->editor(QStringLiteral("credentials.token")), ArcgisToken);
    QSignalSpy saved(editor, &SystemEditorDialog::saved);
    editor->okButton()->click();
    QVERIFY(saved.wait(10000));
    m_arcgis = saved.first().first().toJsonObject().value(QStringLiteral("id")).toInteger();
    const QJsonObject stored = system(m_arcgis);
    QCOMPARE(stored.value(QStringLiteral("kind")).toString(), QStringLiteral("arcgis"));
    QCOMPARE(stored.value(QStringLiteral("settings")).toObject(),
             (QJsonObject { { QStringLiteral("url"), url }, { QStringLiteral("page_size"), 1000 } }));
    QVERIFY(stored.value(QStringLiteral("has_credentials")).toBool());
    QTRY_COMPARE_WITH_TIMEOUT(m_page->model()->rowOf(m_arcgis) >= 0, true, 10000);
    QCOMPARE(cell(m_arcgis, SystemsModel::WhereColumn), url);
    for (const QString &text : tableTexts())
        QVERIFY2(!text.contains(ArcgisToken), qPrintable(text));

    // Opened again: the token field is empty, says "(unchanged)", and nothing shows the token.
    SystemEditorDialog *again = openEditorOf(m_arcgis);
    QVERIFY(again);
    auto *token = qobject_cast<QLineEdit *>(again->editor(QStringLiteral("credentials.token")));
    QVERIFY(token);
    QVERIFY(token->text().isEmpty());
    QCOMPARE(token->placeholderText(), QStringLiteral("(unchanged)"));
    QCOMPARE(again->value(QStringLiteral("settings.url")), url);
    for (const QString &text : shownTexts(again))
        QVERIFY2(!text.contains(ArcgisToken), qPrintable(text));
    QVERIFY(!again->body().contains(QStringLiteral("credentials"))); // nothing typed: nothing sent
    again->reject();
}

void TestSystemsPage::editingKeepsTheStoredSecret()
{
    SystemEditorDialog *editor = openEditorOf(m_mysql);
    QVERIFY(editor);
    for (const char *key : { "credentials.user", "credentials.password" }) {
        auto *line = qobject_cast<QLineEdit *>(editor->editor(QLatin1String(key)));
        QVERIFY2(line && line->text().isEmpty() && line->placeholderText() == QStringLiteral("(unchanged)"), key);
    }
    for (const QString &text : shownTexts(editor))
        QVERIFY2(!text.contains(MysqlPassword) && !text.contains(QLatin1String("tfsync")), qPrintable(text));
    QCOMPARE(editor->value(QStringLiteral("settings.port")), QStringLiteral("3307"));
    editor->setValue(QStringLiteral("settings.port"), QStringLiteral("3308"));
    editor->setValue(QStringLiteral("settings.zero_date"), QString()); // cleared: removed from the settings
    QSignalSpy saved(editor, &SystemEditorDialog::saved);
    editor->okButton()->click();
    QVERIFY(saved.wait(10000));
    const QJsonObject stored = system(m_mysql);
    QCOMPARE(stored.value(QStringLiteral("settings")).toObject(),
             (QJsonObject { { QStringLiteral("host"), QStringLiteral("permits.county.local") },
                            { QStringLiteral("port"), 3308 },
                            { QStringLiteral("database"), QStringLiteral("permits") } }));
    QVERIFY(stored.value(QStringLiteral("has_credentials")).toBool()); // kept: nothing was typed
    QTRY_COMPARE_WITH_TIMEOUT(cell(m_mysql, SystemsModel::WhereColumn), QStringLiteral("permits.county.local:3308/permits"), 10000);
}

void TestSystemsPage::showsA422OnTheField()
{
    SystemEditorDialog *editor = openNewEditor();
    QVERIFY(editor);
    chooseKind(editor, QStringLiteral("mysql"));
    QTest::keyClicks(editor->nameEdit(), QStringLiteral("Bad port"));
    editor->setValue(QStringLiteral("settings.database"), QStringLiteral("permits"));
    editor->setValue(QStringLiteral("settings.port"), QStringLiteral("70000"));
    QSignalSpy failed(editor, &SystemEditorDialog::saveFailed);
    editor->okButton()->click();
    QVERIFY(failed.wait(10000));
    QCOMPARE(failed.first().first().toInt(), 422);
    QCOMPARE(editor->fieldError(QStringLiteral("settings.port")), QStringLiteral("must be an integer from 1 to 65535"));
    QVERIFY(editor->editor(QStringLiteral("settings.port"))->property("invalid").toBool());
    QVERIFY(editor->fieldError(QStringLiteral("settings.database")).isEmpty());
    QVERIFY(editor->isVisible()); // kept open to correct
    // The dialog grew for the messages: no editor squeezed below its own height.
    for (const QString &key : { QStringLiteral("settings.port"), QStringLiteral("settings.host"), QStringLiteral("settings.database") }) {
        const QWidget *field = editor->editor(key);
        QVERIFY2(field->height() >= field->sizeHint().height(),
                 qPrintable(QStringLiteral("%1 is %2 px high, needs %3").arg(key).arg(field->height()).arg(field->sizeHint().height())));
    }
    QVERIFY(test::saveScreenshots(editor, QStringLiteral("system-editor-422")));

    // Corrected, it saves; the mark is gone.
    editor->setValue(QStringLiteral("settings.port"), QStringLiteral("3306"));
    QSignalSpy saved(editor, &SystemEditorDialog::saved);
    editor->okButton()->click();
    QVERIFY(saved.wait(10000));
    QVERIFY(editor->fieldError(QStringLiteral("settings.port")).isEmpty());
    const qint64 id = saved.first().first().toJsonObject().value(QStringLiteral("id")).toInteger();
    QCOMPARE(api("DELETE", QStringLiteral("/api/systems/%1").arg(id)).status, 200);
}

void TestSystemsPage::refreshKeepsTheSelection()
{
    QVERIFY(refreshPage());
    QVERIFY(m_page->selectId(m_postgres));
    const int rows = m_page->model()->rowCount();
    const qint64 added = createSqliteSystem(QStringLiteral("Another export"), QStringLiteral("another.db"));
    QVERIFY(added > 0);
    QCOMPARE(api("PATCH", QStringLiteral("/api/systems/%1").arg(m_postgres),
                 QJsonObject { { QStringLiteral("description"), QStringLiteral("the CAMA database") } })
                 .status,
             200);
    QVERIFY(refreshPage());
    QCOMPARE(m_page->model()->rowCount(), rows + 1);
    QCOMPARE(m_page->selectedId(), m_postgres);
    QCOMPARE(m_page->model()->index(m_page->model()->rowOf(m_postgres), SystemsModel::NameColumn).data(Qt::ToolTipRole).toString(),
             QStringLiteral("the CAMA database"));
    QCOMPARE(m_page->model()->resetCount(), 0);
    QCOMPARE(api("DELETE", QStringLiteral("/api/systems/%1").arg(added)).status, 200);
    QVERIFY(refreshPage());
    QCOMPARE(m_page->selectedId(), m_postgres);
}

// Another administrator's new system, and its deletion, show without a refresh: the change
// feed names the system and the page reads again.
void TestSystemsPage::followsTheChangeFeed()
{
    console::ChangePoller poller(m_client.get());
    poller.setInterval(200);
    m_page->followChanges(&poller);
    poller.start();
    QTRY_COMPARE_WITH_TIMEOUT(poller.state(), console::ChangePoller::ConnectionState::Connected, 10000);
    QVERIFY(m_page->selectId(m_postgres));
    const qint64 added = createSqliteSystem(QStringLiteral("Fed export"), QStringLiteral("fed.db"));
    QVERIFY(added > 0);
    QTRY_VERIFY_WITH_TIMEOUT(m_page->model()->rowOf(added) >= 0, 10000);
    QCOMPARE(m_page->selectedId(), m_postgres);
    QCOMPARE(api("DELETE", QStringLiteral("/api/systems/%1").arg(added)).status, 200);
    QTRY_VERIFY_WITH_TIMEOUT(m_page->model()->rowOf(added) < 0, 10000);
    QCOMPARE(m_page->selectedId(), m_postgres);
    QCOMPARE(m_page->model()->resetCount(), 0);
    poller.stop();
}

void TestSystemsPage::testConnectionShowsTheAnswer()
{
    // What the API answers for this system, asked directly.
    const QJsonObject direct = api("POST", QStringLiteral("/api/systems/%1/test").arg(m_sqlserver)).json();
    QCOMPARE(direct.value(QStringLiteral("ok")).toBool(), false);
    const QString error = direct.value(QStringLiteral("error")).toString();
    QVERIFY(!error.isEmpty());
    if (QFile::exists(QStringLiteral("/usr/lib/x86_64-linux-gnu/odbc/libtdsodbc.so")) || qEnvironmentVariableIntValue("TF_REQUIRE_ODBC") == 1)
        QVERIFY2(error.contains(QLatin1String("SQL Server at 127.0.0.1:1 did not answer (TDS 7.4)")), qPrintable(error));

    QVERIFY(m_page->selectId(m_sqlserver));
    QSignalSpy tested(m_page.get(), &SystemsPage::tested);
    m_page->testAction()->trigger();
    QCOMPARE(cell(m_sqlserver, SystemsModel::TestColumn), QStringLiteral("testing…")); // at once, before the answer
    QVERIFY(m_page->statusText().startsWith(QLatin1String("Testing the connection to Legacy PACS")));
    QVERIFY(tested.wait(30000));
    QCOMPARE(tested.first().at(1).toBool(), false);
    QCOMPARE(cell(m_sqlserver, SystemsModel::TestColumn), QStringLiteral("✗ ") + error);
    QCOMPARE(m_page->statusText(), QStringLiteral("Legacy PACS: ") + error);

    QVERIFY(m_page->selectId(m_sqlite));
    tested.clear();
    m_page->testAction()->trigger();
    QVERIFY(tested.wait(30000));
    QCOMPARE(tested.first().at(1).toBool(), true);
    QVERIFY2(cell(m_sqlite, SystemsModel::TestColumn).startsWith(QStringLiteral("✓ 1 entities")), qPrintable(cell(m_sqlite, SystemsModel::TestColumn)));
    // The result survives a refresh.
    QVERIFY(refreshPage());
    QCOMPARE(cell(m_sqlserver, SystemsModel::TestColumn), QStringLiteral("✗ ") + error);
}

void TestSystemsPage::browseListsTheEntities()
{
    QVERIFY(m_page->selectId(m_sqlite));
    m_page->browseAction()->trigger();
    console::SystemEntitiesDialog *dialog = m_page->entitiesDialog();
    QVERIFY(dialog);
    QSignalSpy loaded(dialog, &console::SystemEntitiesDialog::loaded);
    QVERIFY(loaded.wait(10000));
    QCOMPARE(loaded.first().first().toBool(), true);
    QTreeWidget *tree = dialog->tree();
    QCOMPARE(tree->topLevelItemCount(), 1);
    QCOMPARE(tree->topLevelItem(0)->text(0), QStringLiteral("parcel"));
    QCOMPARE(tree->topLevelItem(0)->text(1), QStringLiteral("key: id"));
    QStringList columns;
    for (int i = 0; i < tree->topLevelItem(0)->childCount(); ++i)
        columns << tree->topLevelItem(0)->child(i)->text(0);
    QCOMPARE(columns, (QStringList { QStringLiteral("id"), QStringLiteral("name"), QStringLiteral("value") }));
    QCOMPARE(tree->topLevelItem(0)->child(1)->text(2), QStringLiteral("no")); // name TEXT NOT NULL
    QVERIFY(test::saveScreenshots(dialog, QStringLiteral("system-entities")));
    dialog->reject();
}

void TestSystemsPage::deleteNamesThePairsAndShowsTheRefusal()
{
    const qint64 target = createSqliteSystem(QStringLiteral("Copy target"), QStringLiteral("copy.db"));
    const qint64 pair = create(QStringLiteral("/api/sync-pairs"), pairBody(QStringLiteral("parcels"), m_sqlite, target, QStringLiteral("parcel")));
    QVERIFY(target > 0 && pair > 0);
    QVERIFY(refreshPage());
    const QString pairName = QStringLiteral("parcels (#%1)").arg(pair);
    QCOMPARE(cell(m_sqlite, SystemsModel::PairsColumn), pairName);

    QVERIFY(m_page->selectId(m_sqlite));
    m_page->deleteAction()->trigger();
    QMessageBox *box = nullptr;
    QTRY_VERIFY((box = confirmation()));
    QVERIFY2(box->text().contains(pairName), qPrintable(box->text()));
    QSignalSpy deleted(m_page.get(), &SystemsPage::deleted);
    box->findChild<QPushButton *>(QStringLiteral("confirmButton"))->click();
    QVERIFY(deleted.wait(10000));
    QCOMPARE(deleted.first().at(1).toBool(), false);
    QVERIFY2(m_page->statusText().contains(QLatin1String("is used by sync pair")), qPrintable(m_page->statusText()));
    QVERIFY(m_page->statusText().contains(QStringLiteral("%1 'parcels'").arg(pair))); // the gateway's own words
    QCOMPARE(system(m_sqlite).value(QStringLiteral("id")).toInteger(), m_sqlite);

    // Cancelled: nothing is sent.
    QVERIFY(m_page->selectId(m_postgres));
    m_page->deleteAction()->trigger();
    QTRY_VERIFY((box = confirmation()));
    QVERIFY(box->text().contains(QLatin1String("No sync pair uses it")));
    deleted.clear();
    box->button(QMessageBox::Cancel)->click();
    QVERIFY(!deleted.wait(500));

    // An unused system goes.
    QVERIFY(refreshPage());
    QVERIFY(m_page->selectId(m_arcgis));
    m_page->deleteAction()->trigger();
    QTRY_VERIFY((box = confirmation()));
    box->findChild<QPushButton *>(QStringLiteral("confirmButton"))->click();
    QVERIFY(deleted.wait(10000));
    QCOMPARE(deleted.first().at(1).toBool(), true);
    QTRY_COMPARE_WITH_TIMEOUT(m_page->model()->rowOf(m_arcgis), -1, 10000);
    QCOMPARE(api("GET", QStringLiteral("/api/systems/%1").arg(m_arcgis)).status, 404);
}

void TestSystemsPage::pairEditorOffersChangeTrackingOnlyForSqlServer()
{
    const qint64 target = create(QStringLiteral("/api/systems"),
                                 { { QStringLiteral("name"), QStringLiteral("CT target") },
                                   { QStringLiteral("kind"), QStringLiteral("sqlite") },
                                   { QStringLiteral("settings"), QJsonObject { { QStringLiteral("path"), m_dir.filePath(QStringLiteral("ct.db")) } } } });
    QJsonObject body = pairBody(QStringLiteral("pacs parcels"), m_sqlserver, target, QStringLiteral("parcel"));
    body.insert(QStringLiteral("mode"), QStringLiteral("cursor"));
    body.insert(QStringLiteral("cursor"), QJsonObject { { QStringLiteral("kind"), QStringLiteral("change_tracking") } });
    const qint64 pair = create(QStringLiteral("/api/sync-pairs"), body);
    QVERIFY(target > 0 && pair > 0);

    // The stored pair opens with change_tracking chosen and saves it as it was.
    PairEditorDialog stored(m_client.get(), pair);
    QSignalSpy loaded(&stored, &PairEditorDialog::loaded);
    QVERIFY(loaded.wait(10000));
    auto *kind = stored.findChild<QComboBox *>(QStringLiteral("cursorKindCombo"));
    QVERIFY(kind);
    QCOMPARE(kind->currentData().toString(), QStringLiteral("change_tracking"));
    QVERIFY(kind->isEnabled());
    QVERIFY(!stored.findChild<QComboBox *>(QStringLiteral("cursorColumnCombo"))->isEnabled());
    QVERIFY(!kind->itemData(kind->currentIndex(), Qt::ToolTipRole).toString().isEmpty());
    QCOMPARE(stored.definition().value(QStringLiteral("cursor")).toObject(),
             (QJsonObject { { QStringLiteral("kind"), QStringLiteral("change_tracking") } }));
    QVERIFY(!stored.isDirty());
    stored.show();
    QVERIFY(QTest::qWaitForWindowExposed(&stored));
    QVERIFY(test::saveScreenshots(&stored, QStringLiteral("paireditor-change-tracking")));
    QSignalSpy saved(&stored, &PairEditorDialog::saved);
    stored.save();
    QVERIFY(saved.wait(10000));
    QCOMPARE(api("GET", QStringLiteral("/api/sync-pairs/%1").arg(pair)).json().value(QStringLiteral("definition")).toObject()
                 .value(QStringLiteral("cursor")).toObject(),
             (QJsonObject { { QStringLiteral("kind"), QStringLiteral("change_tracking") } }));

    // A new pair: offered for the sqlserver source, not for the others.
    PairEditorDialog fresh(m_client.get(), 0);
    QSignalSpy freshLoaded(&fresh, &PairEditorDialog::loaded);
    QVERIFY(freshLoaded.wait(10000));
    auto *source = fresh.findChild<QComboBox *>(QStringLiteral("sourceSystemCombo"));
    kind = fresh.findChild<QComboBox *>(QStringLiteral("cursorKindCombo"));
    QVERIFY(source && kind);
    fresh.findChild<QComboBox *>(QStringLiteral("modeCombo"))->setCurrentText(QStringLiteral("cursor"));
    const auto offered = [kind] { return kind->findData(QStringLiteral("change_tracking")) >= 0; };
    source->setCurrentIndex(source->findData(m_sqlite));
    QVERIFY(!offered());
    source->setCurrentIndex(source->findData(m_sqlserver));
    QVERIFY(offered());
    kind->setCurrentIndex(kind->findData(QStringLiteral("change_tracking")));
    QCOMPARE(fresh.definition().value(QStringLiteral("cursor")).toObject(),
             (QJsonObject { { QStringLiteral("kind"), QStringLiteral("change_tracking") } }));
    source->setCurrentIndex(source->findData(m_postgres));
    QVERIFY(!offered());
    QCOMPARE(kind->currentData().toString(), QStringLiteral("column"));
    QVERIFY(!fresh.definition().value(QStringLiteral("cursor")).toObject().contains(QStringLiteral("kind")));
    source->setCurrentIndex(source->findData(m_mysql));
    QVERIFY(!offered());
}

void TestSystemsPage::editorScreenshots()
{
    // The editor of each kind, as a user fills it in.
    struct Shot
    {
        const char *kind;
        QList<QPair<QString, QString>> values;
    };
    const QList<Shot> shots {
        { "postgres", { { QStringLiteral("name"), QStringLiteral("CAMA") }, { QStringLiteral("settings.host"), QStringLiteral("cama-db.county.local") }, { QStringLiteral("settings.port"), QStringLiteral("5432") },
                        { QStringLiteral("settings.database"), QStringLiteral("cama") }, { QStringLiteral("settings.sslmode"), QStringLiteral("require") }, { QStringLiteral("credentials.user"), QStringLiteral("tfsync") } } },
        { "mysql", { { QStringLiteral("name"), QStringLiteral("Permits") }, { QStringLiteral("settings.host"), QStringLiteral("permits.county.local") }, { QStringLiteral("settings.database"), QStringLiteral("permits") },
                     { QStringLiteral("settings.zero_date"), QStringLiteral("null") }, { QStringLiteral("credentials.user"), QStringLiteral("tfsync") } } },
        { "sqlserver", { { QStringLiteral("name"), QStringLiteral("Legacy PACS") }, { QStringLiteral("settings.host"), QStringLiteral("pacs-sql.county.local") }, { QStringLiteral("settings.port"), QStringLiteral("1433") },
                         { QStringLiteral("settings.database"), QStringLiteral("PACS") }, { QStringLiteral("credentials.user"), QStringLiteral("terrafusion") } } },
        { "arcgis", { { QStringLiteral("name"), QStringLiteral("County parcels") },
                      { QStringLiteral("settings.url"), QStringLiteral("https://gis.county.local/arcgis/rest/services/Parcels/FeatureServer") },
                      { QStringLiteral("settings.page_size"), QStringLiteral("1000") } } },
    };
    for (const Shot &shot : shots) {
        SystemEditorDialog *editor = openNewEditor();
        QVERIFY(editor);
        chooseKind(editor, QLatin1String(shot.kind));
        for (const auto &[key, value] : shot.values) {
            if (key == QLatin1String("name"))
                editor->nameEdit()->setText(value);
            else
                editor->setValue(key, value);
        }
        const QString secret = QLatin1String(shot.kind) == QLatin1String("arcgis") ? QStringLiteral("credentials.token")
                                                                                     : QStringLiteral("credentials.password");
        qobject_cast<QLineEdit *>(editor->editor(secret))->setText(QStringLiteral("typed-secret"));
        QApplication::processEvents();
        QVERIFY(editor->okButton()->isEnabled());
        QVERIFY(test::saveScreenshots(editor, QStringLiteral("system-editor-%1").arg(QLatin1String(shot.kind))));
        editor->reject();
    }
    // The page with pairs using the systems and the test results.
    QVERIFY(refreshPage());
    QVERIFY(m_page->selectId(m_sqlserver));
    QVERIFY(m_page->model()->pairNamesOf(m_sqlserver).size() == 1);
    QVERIFY(test::saveScreenshots(m_page.get(), QStringLiteral("systems-page")));

    // An existing system: the credentials say "(unchanged)".
    SystemEditorDialog *editor = openEditorOf(m_mysql);
    QVERIFY(editor);
    QVERIFY(test::saveScreenshots(editor, QStringLiteral("system-editor-existing")));
    editor->reject();
}

void TestSystemsPage::viewerReadsButCannotWrite()
{
    const QJsonObject me = meOfNewUser(QStringLiteral("systems-viewer"), QStringLiteral("viewer"));
    QCOMPARE(me.value(QStringLiteral("role")).toString(), QStringLiteral("viewer"));
    m_permissions->setFromMe(me);
    for (QAction *action : { m_page->newAction(), m_page->editAction(), m_page->deleteAction(), m_page->testAction() }) {
        QVERIFY2(!action->isEnabled(), qPrintable(action->objectName()));
        QVERIFY2(action->toolTip().contains(QLatin1String("pairs:write")), qPrintable(action->toolTip()));
    }
    QVERIFY(m_page->browseAction()->isEnabled()); // pairs:read
    m_permissions->setFromMe(m_adminMe);
    QVERIFY(m_page->newAction()->isEnabled());
}

void TestSystemsPage::cleanupTestCase()
{
    m_tester.reset();
    tearDownAdminPage();
}

QTEST_MAIN(TestSystemsPage)
#include "tst_systemspage.moc"
