#include "cdcpairfixture.h"
#include "cdcrunning.h"
#include "db/repositories/cdcschemachangerepository.h"
#include "db/repositories/syncpairrepository.h"
#include "sync/definition/pairrecord.h"
#include "tst_syncapi_fixture.h"

#include <QtTest>

using namespace tf;
using namespace tf::test::cdcpair;
using tf::test::scalar;

// Schema changes of a streamed table (issue 17 item 4) and re-snapshots, against a
// wal_level=logical cluster the test starts, with the sync API of tf-syncd in process over
// loopback HTTP (SQLite control database): the pair is created, its changes approved or
// rejected and re-snapshotted through the API; the executor runs on a thread as tf-syncd runs it.
class TestCdcSchema : public QObject
{
    Q_OBJECT

    std::unique_ptr<test::TemporaryPostgres> m_cluster;
    test::PgSyncWorld m_world;
    test::SyncApiFixture m_api;
    qint64 m_pair = 0;

    void sql(const QString &statement) { m_world.admin->execDirect(statement, "cdc test"); }
    qint64 value(const QString &query) { return scalar(*m_world.admin, query).toLongLong(); }
    QString pairPath(const QString &tail = {}) const
    {
        return QStringLiteral("/sync-pairs/%1%2").arg(m_pair).arg(tail);
    }

    static QJsonObject entity(const QStringList &columns)
    {
        QJsonArray fields;
        for (const QString &column : columns)
            fields.append(QJsonObject { { QStringLiteral("target"), column },
                                        { QStringLiteral("source"), column } });
        const QJsonArray key { QStringLiteral("id"), QStringLiteral("region") };
        return { { QStringLiteral("name"), QStringLiteral("parcel") },
                 { QStringLiteral("source"), QJsonObject { { QStringLiteral("entity"), QStringLiteral("parcel") },
                                                           { QStringLiteral("key"), key } } },
                 { QStringLiteral("target"), QJsonObject { { QStringLiteral("entity"), QStringLiteral("parcel") },
                                                           { QStringLiteral("key"), key } } },
                 { QStringLiteral("mapping"), QJsonObject { { QStringLiteral("fields"), fields } } } };
    }
    static QStringList baseColumns()
    {
        return { QStringLiteral("id"), QStringLiteral("region"), QStringLiteral("name"),
                 QStringLiteral("big"), QStringLiteral("version") };
    }

    // The executor over the pair as the control database defines it now.
    std::unique_ptr<test::CdcRunning> start()
    {
        const db::SyncPairRecord record = db::SyncPairRepository(m_api.control()).get(m_pair);
        const sync::PairSpec spec = sync::pairSpecFrom(sync::definitionOf(record), QString::number(m_pair));
        return test::CdcRunning::start(
            std::make_unique<sync::CdcExecutor>(spec, *m_world.src, *m_world.dst, *m_world.quarantine),
            &m_api.control());
    }
    // A run that ends by itself (a held, pending or rejected change).
    static sync::RunResult ended(test::CdcRunning &running)
    {
        if (!running.thread->wait(60000))
            return running.stop();
        return running.result;
    }

    // Rows in one table and not in the other, over `columns`.
    qint64 differencesOver(const QString &columns)
    {
        return value(QStringLiteral("SELECT (SELECT count(*) FROM (SELECT %1 FROM cdc_src.parcel EXCEPT "
                                    "SELECT %1 FROM cdc_dst.parcel) a) + (SELECT count(*) FROM (SELECT %1 "
                                    "FROM cdc_dst.parcel EXCEPT SELECT %1 FROM cdc_src.parcel) b)")
                         .arg(columns));
    }
    QJsonArray pending()
    {
        const test::HttpResult listed = m_api.call("GET", pairPath(QStringLiteral("/schema-changes")));
        if (listed.status != 200)
            qWarning().noquote() << test::describe(listed);
        return listed.json().value(QStringLiteral("items")).toArray();
    }
    QString statusOf(qint64 change)
    {
        return db::CdcSchemaChangeRepository(m_api.control()).get(m_pair, change).status;
    }

private Q_SLOTS:
    void initTestCase()
    {
        TF_START_LOGICAL_CLUSTER(m_cluster);
        QVERIFY(m_world.open(m_cluster->url(), kSrc, kDst));
        createTables(*m_world.admin);
        QVERIFY(m_api.start(m_api.controlUrl(test::Backend::Sqlite)));
        const auto system = [this](const char *name, const QString &schema) {
            return m_api.create(
                QStringLiteral("/systems"),
                { { QStringLiteral("name"), QLatin1String(name) },
                  { QStringLiteral("kind"), QStringLiteral("postgres") },
                  { QStringLiteral("settings"), QJsonObject { { QStringLiteral("url"), m_cluster->url() },
                                                              { QStringLiteral("schema"), schema } } } });
        };
        const qint64 source = system("cdc source", kSrc);
        const qint64 target = system("cdc target", kDst);
        QVERIFY(source > 0 && target > 0);
        m_pair = m_api.create(QStringLiteral("/sync-pairs"),
                              { { QStringLiteral("name"), QStringLiteral("parcels cdc") },
                                { QStringLiteral("source_system_id"), source },
                                { QStringLiteral("target_system_id"), target },
                                { QStringLiteral("mode"), QStringLiteral("cdc") },
                                { QStringLiteral("entities"), QJsonArray { entity(baseColumns()) } } });
        QVERIFY(m_pair > 0);
    }

    // The target kinds cdc streams into, decided when the pair is defined: an SQLite and an ODBC
    // target are accepted; a CSV one (not transactional) is a 422 whose errors[] names target_system_id and
    // the refused kind, and nothing is created.
    void targetKindsAtDefinition()
    {
        const QString sqlitePath = m_world.dir.filePath(QStringLiteral("kinds.db"));
        {
            db::Database file(db::DatabaseUrl::parse(sqlitePath));
            file.execDirect(QStringLiteral("CREATE TABLE parcel (id INTEGER, region TEXT, name TEXT, "
                                           "big TEXT, version INTEGER, PRIMARY KEY (id, region))"),
                            "test setup");
            file.closeThreadConnection();
        }
        const auto system = [this](const char *name, const char *kind, const QJsonObject &settings) {
            return m_api.create(QStringLiteral("/systems"),
                                { { QStringLiteral("name"), QLatin1String(name) },
                                  { QStringLiteral("kind"), QLatin1String(kind) },
                                  { QStringLiteral("settings"), settings } });
        };
        const qint64 source = system("kinds source", "postgres",
                                     { { QStringLiteral("url"), m_cluster->url() },
                                       { QStringLiteral("schema"), kSrc } });
        const qint64 lite = system("kinds sqlite", "sqlite", { { QStringLiteral("path"), sqlitePath } });
        const qint64 csv = system("kinds csv", "csv", { { QStringLiteral("path"), m_world.dir.path() } });
        QVERIFY(source > 0 && lite > 0 && csv > 0);
        const auto pairInto = [&](qint64 target, const char *name) {
            return QJsonObject { { QStringLiteral("name"), QLatin1String(name) },
                                 { QStringLiteral("source_system_id"), source },
                                 { QStringLiteral("target_system_id"), target },
                                 { QStringLiteral("mode"), QStringLiteral("cdc") },
                                 { QStringLiteral("enabled"), false },
                                 { QStringLiteral("entities"), QJsonArray { entity(baseColumns()) } } };
        };
        const test::HttpResult refused = m_api.call("POST", QStringLiteral("/sync-pairs"), pairInto(csv, "cdc into csv"));
        QCOMPARE(refused.status, 422);
        const QJsonArray errors = refused.json().value(QStringLiteral("errors")).toArray();
        QCOMPARE(errors.size(), 1);
        QCOMPARE(errors.first()[QStringLiteral("field")].toString(), QStringLiteral("target_system_id"));
        const QString message = errors.first()[QStringLiteral("message")].toString();
        QVERIFY2(message.contains(QStringLiteral("of kind csv")) && message.contains(QStringLiteral("postgres, sqlite, mysql, odbc, sqlserver system")),
                 qPrintable(message));
        QVERIFY(m_api.create(QStringLiteral("/sync-pairs"), pairInto(lite, "cdc into sqlite")) > 0);
        // An ODBC target (here SQLite ODBC on the same file) is accepted too.
        const qint64 odbc = system("kinds odbc", "odbc",
                                   { { QStringLiteral("connection_string"),
                                       QStringLiteral("Driver=/usr/lib/x86_64-linux-gnu/odbc/libsqlite3odbc.so;Database=%1")
                                           .arg(sqlitePath) } });
        QVERIFY(odbc > 0);
        QVERIFY(m_api.create(QStringLiteral("/sync-pairs"), pairInto(odbc, "cdc into odbc")) > 0);
    }

    void cleanupTestCase()
    {
        m_api.stop();
        m_world.close();
        m_cluster.reset();
    }

    // ALTER TABLE ADD COLUMN while streaming: the pair holds; nothing committed after the ALTER
    // is lost; approved with a mapping that includes the new column, the target gets it all,
    // exactly once.
    void approveContinuesWithTheNewMapping()
    {
        sql(QStringLiteral("INSERT INTO cdc_src.parcel (id, region, name) SELECT g, 'r' || (g % 3), 'n' || g "
                           "FROM generate_series(1, 20) g"));
        auto running = start();
        QTRY_COMPARE_WITH_TIMEOUT(differences(*m_world.admin), 0, 30000);
        sql(QStringLiteral("INSERT INTO cdc_src.parcel (id, region, name) VALUES (100, 'x', 'before')"));
        QTRY_COMPARE_WITH_TIMEOUT(differences(*m_world.admin), 0, 30000);

        sql(QStringLiteral("ALTER TABLE cdc_dst.parcel ADD COLUMN note text"));
        sql(QStringLiteral("ALTER TABLE cdc_src.parcel ADD COLUMN note text"));
        sql(QStringLiteral("INSERT INTO cdc_src.parcel (id, region, name, note) VALUES (101, 'x', 'after', 'n101')"));
        sql(QStringLiteral("UPDATE cdc_src.parcel SET note = 'changed', version = version + 1 WHERE id = 5"));
        sql(QStringLiteral("BEGIN; INSERT INTO cdc_src.parcel (id, region, name, note) VALUES (102, 'x', 'b', 'n102'); "
                           "DELETE FROM cdc_src.parcel WHERE id = 6; COMMIT"));
        const sync::RunResult held = ended(*running);
        QCOMPARE(held.status, sync::RunStatus::Failed);
        QVERIFY2(held.error.contains(QStringLiteral("Schema change on cdc_src.parcel held for approval")),
                 qPrintable(held.error));
        QCOMPARE(running->alerts.size(), 1);
        QVERIFY2(running->alerts.first().startsWith(QStringLiteral("cdc_schema_change: Schema change on "
                                                                   "cdc_src.parcel held for approval")),
                 qPrintable(running->alerts.first()));
        QCOMPARE(value(QStringLiteral("SELECT count(*) FROM cdc_dst.parcel WHERE id IN (101, 102)")), 0);
        QCOMPARE(value(QStringLiteral("SELECT count(*) FROM cdc_dst.parcel WHERE id = 6")), 1);

        const QJsonArray held1 = pending();
        QCOMPARE(held1.size(), 1);
        const QJsonObject change = held1.first().toObject();
        const qint64 cid = change.value(QStringLiteral("id")).toInteger();
        QCOMPARE(change.value(QStringLiteral("status")).toString(), QStringLiteral("pending"));
        QCOMPARE(change.value(QStringLiteral("table")).toString(), QStringLiteral("cdc_src.parcel"));
        QCOMPARE(change.value(QStringLiteral("old_shape")).toObject().value(QStringLiteral("columns")).toArray().size(), 5);
        const QJsonArray after = change.value(QStringLiteral("new_shape")).toObject().value(QStringLiteral("columns")).toArray();
        QCOMPARE(after.size(), 6);
        QCOMPARE(after.last().toObject().value(QStringLiteral("name")).toString(), QStringLiteral("note"));
        QVERIFY(!change.value(QStringLiteral("relation_lsn")).toString().isEmpty());

        // Still pending: a new run stops at once, naming the change.
        running = start();
        const sync::RunResult waiting = ended(*running);
        QCOMPARE(waiting.status, sync::RunStatus::Failed);
        QVERIFY2(waiting.error.contains(QStringLiteral("Schema change %1 on cdc_src.parcel held").arg(cid)),
                 qPrintable(waiting.error));
        QCOMPARE(value(QStringLiteral("SELECT count(*) FROM cdc_dst.parcel WHERE id IN (101, 102)")), 0);

        // Bad requests: 4xx problems naming what is wrong, and nothing decided.
        const QString approve = pairPath(QStringLiteral("/schema-changes/%1/approve").arg(cid));
        const auto problem = [this](const test::HttpResult &result, int status, const QString &code) {
            if (result.status != status || test::errorOf(result).value(QStringLiteral("code")).toString() != code)
                qWarning().noquote() << test::describe(result);
            return result.status == status && test::errorOf(result).value(QStringLiteral("code")).toString() == code;
        };
        QVERIFY(problem(m_api.call("POST", pairPath(QStringLiteral("/schema-changes/abc/approve"))), 400,
                        QStringLiteral("invalid_id")));
        QVERIFY(problem(m_api.call("POST", pairPath(QStringLiteral("/schema-changes/999999/approve"))), 404,
                        QStringLiteral("not_found")));
        QVERIFY(problem(m_api.call("GET", QStringLiteral("/sync-pairs/999999/schema-changes")), 404,
                        QStringLiteral("not_found")));
        QVERIFY(problem(m_api.call("POST", QStringLiteral("/sync-pairs/999999/schema-changes/%1/approve").arg(cid)),
                        404, QStringLiteral("not_found")));
        test::HttpResult bad = m_api.call("POST", approve, QJsonObject { { QStringLiteral("entity"), 5 } });
        QVERIFY(problem(bad, 422, QStringLiteral("validation_failed")));
        QCOMPARE(test::errorFields(bad), QStringList { QStringLiteral("entity") });
        bad = m_api.call("POST", approve, QJsonObject { { QStringLiteral("mapping"), QJsonObject() } });
        QVERIFY(problem(bad, 422, QStringLiteral("validation_failed")));
        QCOMPARE(test::errorFields(bad), QStringList { QStringLiteral("mapping") });
        QJsonObject otherTable = entity(baseColumns());
        otherTable.insert(QStringLiteral("source"), QJsonObject { { QStringLiteral("entity"), QStringLiteral("other") },
                                                                  { QStringLiteral("key"), QJsonArray { QStringLiteral("id") } } });
        bad = m_api.call("POST", approve, QJsonObject { { QStringLiteral("entity"), otherTable } });
        QVERIFY(problem(bad, 422, QStringLiteral("validation_failed")));
        QCOMPARE(test::errorFields(bad), QStringList { QStringLiteral("entity.source.entity") });
        QVERIFY(problem(m_api.call("POST", approve, QByteArray("{not json")), 400, QStringLiteral("bad_request")));
        QStringList withNote = baseColumns();
        withNote << QStringLiteral("note");
        const QJsonObject approval { { QStringLiteral("entity"), entity(withNote) } };
        QVERIFY(problem(m_api.call("POST", approve, approval, { { "If-Match", "\"999\"" } }), 412,
                        QStringLiteral("precondition_failed")));
        QCOMPARE(statusOf(cid), QStringLiteral("pending"));

        // Approved with the mapping of the new column, at the pair's current version.
        const QByteArray etag = m_api.call("GET", pairPath()).headers.value("etag");
        QVERIFY(!etag.isEmpty());
        const test::HttpResult approved = m_api.call("POST", approve, approval, { { "If-Match", etag } });
        QVERIFY2(approved.status == 200, qPrintable(test::describe(approved)));
        QCOMPARE(approved.json().value(QStringLiteral("status")).toString(), QStringLiteral("approved"));
        QVERIFY(approved.headers.value("etag") != etag); // the pair changed
        QCOMPARE(m_api.call("POST", approve).status, 200); // approving again changes nothing
        QVERIFY(problem(m_api.call("POST", pairPath(QStringLiteral("/schema-changes/%1/reject").arg(cid))), 409,
                        QStringLiteral("schema_change_decided")));
        QVERIFY(pending().isEmpty());

        // Streams on from the held position with the new mapping: everything after the ALTER
        // arrives, once.
        running = start();
        const QString all = QStringLiteral("id, region, name, big, version, note");
        QTRY_COMPARE_WITH_TIMEOUT(differencesOver(all), 0, 30000);
        QCOMPARE(value(QStringLiteral("SELECT count(*) FROM cdc_dst.parcel WHERE note IN ('n101', 'n102', 'changed')")), 3);
        sql(QStringLiteral("INSERT INTO cdc_src.parcel (id, region, name, note) VALUES (103, 'x', 'later', 'n103')"));
        QTRY_COMPARE_WITH_TIMEOUT(differencesOver(all), 0, 30000);
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(cid), QStringLiteral("applied"), 10000);
        const sync::RunResult stopped = running->stop();
        QVERIFY2(stopped.error.isEmpty(), qPrintable(stopped.error));
        QCOMPARE(running->alerts.size(), 0);
        QCOMPARE(duplicates(*m_world.admin), 0);
    }

    // A rejected change keeps the pair stopped (and disabled); a resnapshot drops slot and
    // position and starts over, and rows deleted at the source meanwhile leave the target too.
    void rejectStaysStoppedUntilResnapshot()
    {
        auto running = start();
        sql(QStringLiteral("ALTER TABLE cdc_src.parcel ADD COLUMN extra int"));
        sql(QStringLiteral("INSERT INTO cdc_src.parcel (id, region, name, extra) VALUES (200, 'x', 'e', 1)"));
        QCOMPARE(ended(*running).status, sync::RunStatus::Failed);
        const QJsonArray held = pending();
        QCOMPARE(held.size(), 1);
        const qint64 cid = held.first().toObject().value(QStringLiteral("id")).toInteger();

        QVERIFY(m_api.call("POST", pairPath(QStringLiteral("/schema-changes/%1/reject").arg(cid)),
                           QJsonObject { { QStringLiteral("why"), 1 } }).status == 422);
        const test::HttpResult rejected
            = m_api.call("POST", pairPath(QStringLiteral("/schema-changes/%1/reject").arg(cid)));
        QVERIFY2(rejected.status == 200, qPrintable(test::describe(rejected)));
        QCOMPARE(rejected.json().value(QStringLiteral("status")).toString(), QStringLiteral("rejected"));
        QCOMPARE(m_api.call("GET", pairPath()).json().value(QStringLiteral("enabled")).toBool(), false);
        QCOMPARE(m_api.call("POST", pairPath(QStringLiteral("/schema-changes/%1/approve").arg(cid))).status, 409);

        running = start();
        const sync::RunResult stopped = ended(*running);
        QCOMPARE(stopped.status, sync::RunStatus::Failed);
        QVERIFY2(stopped.error.contains(QStringLiteral("was rejected")), qPrintable(stopped.error));
        QCOMPARE(value(QStringLiteral("SELECT count(*) FROM cdc_dst.parcel WHERE id = 200")), 0);

        // Re-snapshot: the slot and the position go; rows deleted at the source before the new
        // snapshot are removed from the target by it.
        const test::HttpResult again = m_api.call("POST", pairPath(QStringLiteral("/resnapshot")));
        QVERIFY2(again.status == 200, qPrintable(test::describe(again)));
        QCOMPARE(again.json().value(QStringLiteral("schema_changes_superseded")).toInt(), 1);
        QCOMPARE(statusOf(cid), QStringLiteral("superseded"));
        QCOMPARE(value(QStringLiteral("SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'tf_pair_%1'")
                           .arg(m_pair)), 0);
        QCOMPARE(value(QStringLiteral("SELECT count(*) FROM cdc_dst.tf_cdc_position")), 0);
        sql(QStringLiteral("DELETE FROM cdc_src.parcel WHERE id IN (1, 2, 100)"));
        running = start();
        const QString all = QStringLiteral("id, region, name, big, version, note");
        QTRY_COMPARE_WITH_TIMEOUT(differencesOver(all), 0, 30000);
        QCOMPARE(value(QStringLiteral("SELECT count(*) FROM cdc_dst.parcel WHERE id IN (1, 2, 100)")), 0);
        QCOMPARE(value(QStringLiteral("SELECT count(*) FROM cdc_dst.parcel WHERE id = 200")), 1);
        QTRY_COMPARE_WITH_TIMEOUT(value(QStringLiteral("SELECT count(*) FROM cdc_dst.tf_cdc_position")), 1, 30000);
        QCOMPARE(value(QStringLiteral("SELECT count(*) FROM cdc_dst.tf_cdc_snapshot")), 0);
        const sync::RunResult done = running->stop();
        QVERIFY2(done.error.isEmpty(), qPrintable(done.error));

        // A resnapshot of a pair that is not in cdc mode, or of no pair: refused.
        QCOMPARE(m_api.call("POST", QStringLiteral("/sync-pairs/999999/resnapshot")).status, 404);
        QCOMPARE(m_api.call("POST", QStringLiteral("/sync-pairs/x/resnapshot")).status, 400);
    }

    // A table altered after the slot's consistent point but before its first streamed change:
    // the first Relation message is compared with the shape the snapshot copied, not taken as
    // the baseline; the same after a restart (the stored shape is the baseline, not the first
    // Relation message after the restart).
    void changeBeforeTheFirstStreamedChangeIsHeld()
    {
        const QString columnCount = QStringLiteral(
            "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'cdc_src' "
            "AND table_name = 'parcel'");
        const auto resnapshot = [this] {
            const test::HttpResult again = m_api.call("POST", pairPath(QStringLiteral("/resnapshot")));
            if (again.status != 200)
                qWarning().noquote() << test::describe(again);
            return again.status == 200;
        };
        const QString positions = QStringLiteral("SELECT count(*) FROM cdc_dst.tf_cdc_position");
        // The held change, its shapes, and its rejection (the pair is re-snapshotted next).
        const auto heldOnce = [&](test::CdcRunning &running, qint64 before, qint64 after,
                                  const QString &row) {
            const sync::RunResult held = ended(running);
            QCOMPARE(held.status, sync::RunStatus::Failed);
            QVERIFY2(held.error.contains(QStringLiteral("Schema change on cdc_src.parcel held for approval")),
                     qPrintable(held.error));
            QCOMPARE(running.alerts.size(), 1);
            QVERIFY2(running.alerts.first().startsWith(QStringLiteral("cdc_schema_change: Schema change on")),
                     qPrintable(running.alerts.first()));
            QCOMPARE(value(QStringLiteral("SELECT count(*) FROM cdc_dst.parcel WHERE id = %1").arg(row)), 0);
            const QJsonArray changes = pending();
            QCOMPARE(changes.size(), 1);
            const QJsonObject change = changes.first().toObject();
            const auto columnsOf = [&](const char *shape) {
                return change.value(QLatin1String(shape)).toObject().value(QStringLiteral("columns")).toArray();
            };
            QCOMPARE(columnsOf("old_shape").size(), before);
            QCOMPARE(columnsOf("new_shape").size(), after);
            const qint64 cid = change.value(QStringLiteral("id")).toInteger();
            QCOMPARE(m_api.call("POST", pairPath(QStringLiteral("/schema-changes/%1/reject").arg(cid))).status, 200);
        };

        // Altered after the snapshot's copy, before any change streamed.
        QVERIFY(resnapshot());
        auto running = start();
        QTRY_COMPARE_WITH_TIMEOUT(value(positions), 1, 30000);
        const qint64 copied = value(columnCount);
        sql(QStringLiteral("ALTER TABLE cdc_src.parcel ADD COLUMN gap int"));
        sql(QStringLiteral("INSERT INTO cdc_src.parcel (id, region, name, gap) VALUES (300, 'g', 'gap', 1)"));
        heldOnce(*running, copied, copied + 1, QStringLiteral("300"));
        QVERIFY(!QTest::currentTestFailed());

        // Snapshotted, stopped before any change streamed, altered while stopped, restarted.
        QVERIFY(resnapshot());
        running = start();
        QTRY_COMPARE_WITH_TIMEOUT(value(positions), 1, 30000);
        QVERIFY(running->stop().error.isEmpty());
        sql(QStringLiteral("ALTER TABLE cdc_src.parcel DROP COLUMN gap"));
        sql(QStringLiteral("INSERT INTO cdc_src.parcel (id, region, name) VALUES (301, 'g', 'gap')"));
        running = start();
        heldOnce(*running, copied + 1, copied, QStringLiteral("301"));
        QVERIFY(!QTest::currentTestFailed());

        // An unchanged table streams on after the snapshot: its first Relation message matches.
        QVERIFY(resnapshot());
        running = start();
        sql(QStringLiteral("INSERT INTO cdc_src.parcel (id, region, name) VALUES (302, 'g', 'same')"));
        const QString all = QStringLiteral("id, region, name, big, version, note");
        QTRY_COMPARE_WITH_TIMEOUT(differencesOver(all), 0, 30000);
        QCOMPARE(value(QStringLiteral("SELECT count(*) FROM cdc_dst.parcel WHERE id IN (300, 301, 302)")), 3);
        const sync::RunResult done = running->stop();
        QVERIFY2(done.error.isEmpty(), qPrintable(done.error));
        QCOMPARE(running->alerts.size(), 0);
        QVERIFY(pending().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestCdcSchema)
#include "tst_cdcschema.moc"
