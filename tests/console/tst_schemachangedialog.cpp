// The console's review of a held cdc schema change (issue 17 item 4: "the console/REST can
// approve it (continue with the new mapping) or reject it"), end to end: a wal_level=logical
// cluster started by the test, a real tf-gateway supervising tf-syncd, a cdc pair made through
// the API and streaming. ALTER TABLE ADD COLUMN holds the pair; the dialog shows the added
// column, "Map New Columns" maps it, a mapping the API refuses (unknown function) is shown and
// keeps the change pending, the corrected mapping is approved under If-Match, and the row
// committed after the ALTER arrives in the target with the new column's value, as does a row
// committed after the approval. A second change is rejected after a confirmation: the pair is
// disabled. diffShapes is checked on its own for every kind of column change. Screenshots of
// the dialog (light and dark) go to <build>/console-screenshots/.
#include "integration/cdccluster.h"
#include "integration/tst_gatewayproxy_fixture.h"

#include "client/changepoller.h"
#include "client/gatewayclient.h"
#include "dialogs/schemachangedialog.h"
#include "mainwindow.h"
#include "models/session.h"
#include "models/syncpairsmodel.h"
#include "pages/syncpairspage.h"
#include "models/schemashapediff.h"
#include "screenshots.h"
#include "settings/displaysettings.h"
#include "widgets/mappinggrid.h"

#include <QApplication>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTableWidget>
#include <QTest>

using namespace tf;
using namespace tf::test;
using console::SchemaChangeDialog;
using console::ShapeColumnChange;

namespace {

constexpr int kWait = 60000;

QJsonObject shape(const QList<std::tuple<const char *, int, int, bool>> &columns)
{
    QJsonArray list;
    for (const auto &[name, oid, modifier, key] : columns)
        list.append(QJsonObject { { QStringLiteral("name"), QLatin1String(name) },
                                  { QStringLiteral("type_oid"), oid },
                                  { QStringLiteral("type_modifier"), modifier },
                                  { QStringLiteral("key"), key } });
    return { { QStringLiteral("replica_identity"), QStringLiteral("d") }, { QStringLiteral("columns"), list } };
}

} // namespace

class TestSchemaChangeDialog final : public QObject, public GatewayProxyFixture
{
    Q_OBJECT

    std::unique_ptr<TemporaryPostgres> m_cluster;
    std::unique_ptr<db::Database> m_app;
    std::unique_ptr<console::GatewayClient> m_client;
    qint64 m_pair = 0;

    void sql(const QString &statement) { m_app->execDirect(statement, "schema change dialog test"); }
    QString value(const QString &query) { return scalar(*m_app, query); }
    QJsonArray pending()
    {
        return api("GET", QStringLiteral("/api/sync-pairs/%1/schema-changes").arg(m_pair))
            .json().value(QStringLiteral("items")).toArray();
    }
    bool waitForPending()
    {
        QDeadlineTimer deadline(kWait);
        while (!deadline.hasExpired()) {
            if (!pending().isEmpty())
                return true;
            QTest::qWait(300);
        }
        return false;
    }
    // The row of `column` in the dialog's column table, -1 when absent.
    static int rowOf(QTableWidget *table, const QString &column)
    {
        for (int row = 0; row < table->rowCount(); ++row) {
            if (table->item(row, 0) && table->item(row, 0)->text() == column)
                return row;
        }
        return -1;
    }
    std::unique_ptr<SchemaChangeDialog> openDialog()
    {
        auto dialog = std::make_unique<SchemaChangeDialog>(m_client.get(), m_pair);
        QSignalSpy loaded(dialog.get(), &SchemaChangeDialog::loaded);
        dialog->show();
        if (!QTest::qWaitForWindowExposed(dialog.get()) || (loaded.isEmpty() && !loaded.wait(10000)))
            return {};
        return dialog;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        console::DisplaySettings::instance()->setTheme(console::DisplaySettings::Theme::Light);
        TF_START_LOGICAL_CLUSTER(m_cluster);
        {
            db::Database admin(db::DatabaseUrl::parse(m_cluster->url()));
            admin.execDirect(QStringLiteral("ALTER SYSTEM SET wal_sender_timeout = '60s'"), "setup");
            admin.execDirect(QStringLiteral("SELECT pg_reload_conf()"), "setup");
            admin.execDirect(QStringLiteral("CREATE DATABASE app"), "setup");
            admin.closeThreadConnection();
        }
        m_app = std::make_unique<db::Database>(db::DatabaseUrl::parse(m_cluster->url(QStringLiteral("app"))));
        for (const char *statement :
             { "CREATE SCHEMA src", "CREATE SCHEMA dst",
               "CREATE TABLE src.parcel (id int8 PRIMARY KEY, owner text)",
               "CREATE TABLE dst.parcel (id int8 PRIMARY KEY, owner text)",
               "INSERT INTO src.parcel VALUES (1, 'Ada'), (2, 'Bo'), (3, 'Cy')" })
            sql(QLatin1String(statement));

        QVERIFY(m_dir.isValid());
        QProcessEnvironment env = ServiceProcess::cleanEnvironment();
        env.insert(QStringLiteral("TF_RATE_LIMIT__PER_TOKEN_RPS"), QStringLiteral("0"));
        env.insert(QStringLiteral("TF_RATE_LIMIT__PER_ADDRESS_RPS"), QStringLiteral("0"));
        env.insert(QStringLiteral("TF_MAINTENANCE__ENABLED"), QStringLiteral("false"));
        env.insert(QStringLiteral("TF_SYNC__POLL_INTERVAL_MS"), QStringLiteral("100"));
        env.insert(QStringLiteral("TF_SYNC__SCHEDULER_INTERVAL_MS"), QStringLiteral("300"));
        env.insert(QStringLiteral("TF_SYNC__LEASE_MS"), QStringLiteral("6000"));
        QVERIFY(startGateway(env));
        QVERIFY(!m_authorization.isEmpty());

        auto system = [this](const QString &name, const QString &schema) {
            return create(QStringLiteral("/api/systems"),
                          { { QStringLiteral("name"), name },
                            { QStringLiteral("kind"), QStringLiteral("postgres") },
                            { QStringLiteral("settings"),
                              QJsonObject { { QStringLiteral("url"), m_cluster->url(QStringLiteral("app")) },
                                            { QStringLiteral("schema"), schema } } } });
        };
        const qint64 source = system(QStringLiteral("PACS (cdc)"), QStringLiteral("src"));
        const qint64 target = system(QStringLiteral("CAMA (cdc)"), QStringLiteral("dst"));
        QVERIFY(source > 0 && target > 0);
        const QJsonArray key { QStringLiteral("id") };
        const QJsonObject entity {
            { QStringLiteral("name"), QStringLiteral("parcel") },
            { QStringLiteral("source"), QJsonObject { { QStringLiteral("entity"), QStringLiteral("parcel") }, { QStringLiteral("key"), key } } },
            { QStringLiteral("target"), QJsonObject { { QStringLiteral("entity"), QStringLiteral("parcel") }, { QStringLiteral("key"), key } } },
            { QStringLiteral("mapping"), QJsonObject { { QStringLiteral("fields"), QJsonArray { field("id", "id"), field("owner", "owner") } } } },
        };
        m_pair = create(QStringLiteral("/api/sync-pairs"),
                        { { QStringLiteral("name"), QStringLiteral("parcels (cdc)") },
                          { QStringLiteral("source_system_id"), source },
                          { QStringLiteral("target_system_id"), target },
                          { QStringLiteral("mode"), QStringLiteral("cdc") },
                          { QStringLiteral("entities"), QJsonArray { entity } } });
        QVERIFY(m_pair > 0);
        // Snapshot, then streaming: a row committed now arrives.
        QTRY_COMPARE_WITH_TIMEOUT(value(QStringLiteral("SELECT count(*) FROM dst.parcel")), QStringLiteral("3"), kWait);
        sql(QStringLiteral("INSERT INTO src.parcel VALUES (10, 'Streamed')"));
        QTRY_COMPARE_WITH_TIMEOUT(value(QStringLiteral("SELECT owner FROM dst.parcel WHERE id = 10")),
                                  QStringLiteral("Streamed"), kWait);

        m_client = std::make_unique<console::GatewayClient>(QUrl(base()));
        m_client->setBearerToken(m_authorization.mid(int(qstrlen("Bearer "))));
    }

    void cleanupTestCase()
    {
        m_client.reset();
        m_gateway.reset(); // stops tf-syncd's stream before the cluster goes
        m_app.reset();
        m_cluster.reset();
    }

    void diffNamesEveryKindOfChange()
    {
        const QJsonObject before = shape({ { "id", 20, -1, true }, { "owner", 1043, 44, false },
                                           { "value", 1700, (12 << 16 | 2) + 4, false }, { "old", 25, -1, false },
                                           { "region", 25, -1, false } });
        const QJsonObject after = shape({ { "id", 20, -1, true }, { "owner", 1043, 84, false },
                                          { "value", 1700, (12 << 16 | 2) + 4, false }, { "region", 25, -1, true },
                                          { "zoning", 16384, -1, false } });
        const QList<ShapeColumnChange> diff = console::diffShapes(before, after);
        QCOMPARE(diff.size(), 6);
        using Kind = ShapeColumnChange::Kind;
        const QList<std::tuple<QString, QString, QString, Kind>> expected {
            { QStringLiteral("id"), QStringLiteral("bigint, key"), QStringLiteral("bigint, key"), Kind::Unchanged },
            { QStringLiteral("owner"), QStringLiteral("varchar(40)"), QStringLiteral("varchar(80)"), Kind::TypeChanged },
            { QStringLiteral("value"), QStringLiteral("numeric(12,2)"), QStringLiteral("numeric(12,2)"), Kind::Unchanged },
            { QStringLiteral("region"), QStringLiteral("text"), QStringLiteral("text, key"), Kind::KeyChanged },
            { QStringLiteral("zoning"), QString(), QStringLiteral("type 16384"), Kind::Added },
            { QStringLiteral("old"), QStringLiteral("text"), QString(), Kind::Dropped },
        };
        for (int i = 0; i < diff.size(); ++i) {
            const auto &[name, was, now, kind] = expected.at(i);
            QCOMPARE(diff.at(i).name, name);
            QCOMPARE(diff.at(i).before, was);
            QCOMPARE(diff.at(i).after, now);
            QCOMPARE(diff.at(i).kind, kind);
        }
        QCOMPARE(diff.at(4).kindText(), QStringLiteral("added"));
        QCOMPARE(diff.at(0).kindText(), QString());
    }

    // The Sync Pairs page's Stream column through the running services (until now checked on
    // the pair detail JSON alone, tst_cdcstreamcolumn): "streaming" with the lag and latency
    // tf-syncd's heartbeat reports for the live stream.
    void streamColumnShowsTheLiveStream()
    {
        console::MainWindow window { QUrl(base()) };
        window.poller()->setInterval(200);
        window.resize(1280, 760);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QSignalSpy signedIn(window.session(), &console::Session::signedIn);
        window.useToken(m_authorization.mid(int(qstrlen("Bearer "))));
        QVERIFY(signedIn.wait(10000));
        window.showPage(QStringLiteral("syncPairs"));
        auto *page = window.findChild<console::SyncPairsPage *>();
        QVERIFY(page);
        auto stream = [page, this] {
            const int row = page->model()->rowOf(m_pair);
            return row < 0 ? QString()
                           : page->model()->index(row, console::SyncPairsModel::StreamColumn).data().toString();
        };
        // The heartbeat carries the stream's figures every lease/3 (2 s here).
        QTRY_VERIFY_WITH_TIMEOUT(stream().startsWith(QStringLiteral("streaming")), kWait);
        QVERIFY2(stream().contains(QStringLiteral("lag")), qPrintable(stream()));
        page->selectId(m_pair);
        page->table()->scrollTo(page->table()->model()->index(0, console::SyncPairsModel::StreamColumn));
        QVERIFY(saveScreenshots(&window, QStringLiteral("syncpairs-cdc-stream")));
    }

    void approvesWithTheNewColumnMapped()
    {
        sql(QStringLiteral("ALTER TABLE src.parcel ADD COLUMN zoning text"));
        sql(QStringLiteral("ALTER TABLE dst.parcel ADD COLUMN zoning text"));
        sql(QStringLiteral("INSERT INTO src.parcel VALUES (4, 'Dana', 'R1')"));
        QVERIFY2(waitForPending(), m_gateway->output().right(3000).constData());
        const qint64 cid = pending().first().toObject().value(QStringLiteral("id")).toInteger();

        auto dialog = openDialog();
        QVERIFY(dialog);
        QCOMPARE(dialog->changeId(), cid);
        QCOMPARE(dialog->pendingCount(), 1);
        QTableWidget *columns = dialog->columns();
        const int zoning = rowOf(columns, QStringLiteral("zoning"));
        QVERIFY(zoning >= 0);
        QCOMPARE(columns->item(zoning, 1)->text(), QString());
        QCOMPARE(columns->item(zoning, 2)->text(), QStringLiteral("text"));
        QCOMPARE(columns->item(zoning, 3)->text(), QStringLiteral("added"));
        const int owner = rowOf(columns, QStringLiteral("owner"));
        QVERIFY(owner >= 0);
        QCOMPARE(columns->item(owner, 3)->text(), QString());
        const int id = rowOf(columns, QStringLiteral("id"));
        QVERIFY(id >= 0);
        QCOMPARE(columns->item(id, 2)->text(), QStringLiteral("bigint, key"));
        QCOMPARE(dialog->mapping()->fields().size(), 2); // the pair's mapping as it is

        auto *mapNew = dialog->findChild<QPushButton *>(QStringLiteral("mapNewColumnsButton"));
        QVERIFY(mapNew && mapNew->isEnabled());
        mapNew->click();
        QJsonArray fields = dialog->mapping()->fields();
        QCOMPARE(fields.size(), 3);
        QCOMPARE(fields.at(2).toObject().value(QStringLiteral("target")).toString(), QStringLiteral("zoning"));
        QCOMPARE(fields.at(2).toObject().value(QStringLiteral("source")).toString(), QStringLiteral("zoning"));
        mapNew->click(); // mapped already: nothing added twice
        QCOMPARE(dialog->mapping()->fields().size(), 3);
        QVERIFY(saveScreenshots(dialog.get(), QStringLiteral("schema-change-dialog")));

        // A mapping the API refuses: shown, the dialog stays, the change stays pending.
        QTableWidget *grid = dialog->mapping()->table();
        grid->item(2, console::MappingGrid::TransformColumn)->setText(QStringLiteral("no_such_function"));
        auto *approve = dialog->findChild<QPushButton *>(QStringLiteral("approveButton"));
        QVERIFY(approve && approve->isEnabled());
        QSignalSpy failed(dialog.get(), &SchemaChangeDialog::failed);
        approve->click();
        QVERIFY(failed.wait(10000));
        QVERIFY2(dialog->statusText().contains(QStringLiteral("no_such_function")), qPrintable(dialog->statusText()));
        QVERIFY(dialog->isVisible());
        QCOMPARE(pending().size(), 1);
        QVERIFY(saveScreenshots(dialog.get(), QStringLiteral("schema-change-dialog-refused")));

        // Corrected: approved with the new mapping; nothing else held, so the dialog closes.
        grid->item(2, console::MappingGrid::TransformColumn)->setText(QString());
        QSignalSpy decided(dialog.get(), &SchemaChangeDialog::decided);
        QSignalSpy accepted(dialog.get(), &QDialog::accepted);
        QTRY_VERIFY(approve->isEnabled());
        approve->click();
        QVERIFY(decided.wait(10000));
        QCOMPARE(decided.first().at(0).toLongLong(), cid);
        QCOMPARE(decided.first().at(1).toString(), QStringLiteral("approved"));
        QVERIFY(accepted.count() == 1 || accepted.wait(10000));
        QVERIFY(pending().isEmpty());
        const QJsonArray stored = api("GET", QStringLiteral("/api/sync-pairs/%1").arg(m_pair))
                                      .json().value(QStringLiteral("definition")).toObject()
                                      .value(QStringLiteral("entities")).toArray().first().toObject()
                                      .value(QStringLiteral("mapping")).toObject().value(QStringLiteral("fields")).toArray();
        QCOMPARE(stored.size(), 3);
        QCOMPARE(stored.at(2).toObject().value(QStringLiteral("source")).toString(), QStringLiteral("zoning"));

        // The row committed after the ALTER (held) and one committed after the approval arrive
        // with the new column.
        QTRY_COMPARE_WITH_TIMEOUT(value(QStringLiteral("SELECT zoning FROM dst.parcel WHERE id = 4")), QStringLiteral("R1"), kWait);
        sql(QStringLiteral("INSERT INTO src.parcel VALUES (5, 'Eve', 'C2')"));
        QTRY_COMPARE_WITH_TIMEOUT(value(QStringLiteral("SELECT zoning FROM dst.parcel WHERE id = 5")), QStringLiteral("C2"), kWait);
        QCOMPARE(value(QStringLiteral("SELECT count(*) FROM dst.parcel")), QStringLiteral("6"));
    }

    void rejectAsksFirstAndLeavesThePairDisabled()
    {
        sql(QStringLiteral("ALTER TABLE src.parcel ADD COLUMN ward int"));
        sql(QStringLiteral("INSERT INTO src.parcel VALUES (7, 'Finn', 'R2', 3)"));
        QVERIFY2(waitForPending(), m_gateway->output().right(3000).constData());
        auto dialog = openDialog();
        QVERIFY(dialog);
        const int ward = rowOf(dialog->columns(), QStringLiteral("ward"));
        QVERIFY(ward >= 0);
        QCOMPARE(dialog->columns()->item(ward, 3)->text(), QStringLiteral("added"));

        auto *reject = dialog->findChild<QPushButton *>(QStringLiteral("rejectButton"));
        QVERIFY(reject && reject->isEnabled());
        // Cancel first: nothing is decided.
        reject->click();
        QMessageBox *box = nullptr;
        QTRY_VERIFY((box = dialog->findChild<QMessageBox *>(QStringLiteral("confirmation"))) != nullptr);
        QVERIFY(saveScreenshots(box, QStringLiteral("schema-change-reject-confirmation")));
        box->button(QMessageBox::Cancel)->click();
        QTest::qWait(300);
        QCOMPARE(pending().size(), 1);

        QSignalSpy decided(dialog.get(), &SchemaChangeDialog::decided);
        reject->click();
        QTRY_VERIFY((box = dialog->findChild<QMessageBox *>(QStringLiteral("confirmation"))) != nullptr);
        box->findChild<QPushButton *>(QStringLiteral("confirmButton"))->click();
        QVERIFY(decided.wait(10000));
        QCOMPARE(decided.first().at(1).toString(), QStringLiteral("rejected"));
        QVERIFY(pending().isEmpty());
        QCOMPARE(api("GET", QStringLiteral("/api/sync-pairs/%1").arg(m_pair)).json().value(QStringLiteral("enabled")).toBool(true),
                 false);
        QCOMPARE(value(QStringLiteral("SELECT count(*) FROM dst.parcel WHERE id = 7")), QStringLiteral("0"));
    }
};

QTEST_MAIN(TestSchemaChangeDialog)
#include "tst_schemachangedialog.moc"
