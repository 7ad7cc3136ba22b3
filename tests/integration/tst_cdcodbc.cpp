// cdc mode into ODBC targets (cdc::OdbcCdcTarget, `kind: odbc`) from a wal_level=logical cluster
// the test starts: PostgreSQL through psqlODBC (a database of the same cluster) and an SQLite
// file through SQLite ODBC, each driver named by its file as a user would. The test reads and
// writes the targets natively (QPSQL, QSQLITE). The executor runs on a thread of its own or,
// for the kills, in a child process (`tst_cdcodbc --stream`). TF_REQUIRE_ODBC=1 makes a missing
// QODBC, psqlODBC or SQLite ODBC a failure.
#include "cdctargetscenario.h"
#include "db/databaseurl.h"
#include "sync/cdc/odbccdctarget.h"
#include "sync/connectors/odbcconnector.h"
#include "sync/engine/syncrunner.h"
#include "testsupport.h"

#include <QFileInfo>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QtTest>

using namespace tf;
using namespace tf::test::cdcpair;
using tf::test::scalar;

namespace {

const QString kPsqlOdbc = QStringLiteral("/usr/lib/x86_64-linux-gnu/odbc/psqlodbcw.so");
const QString kSqliteOdbc = QStringLiteral("/usr/lib/x86_64-linux-gnu/odbc/libsqlite3odbc.so");
const QString kPgBackend = QStringLiteral("psqlodbc");
const QString kTargetDatabase = QStringLiteral("cdc_odbc");

// `where`: the target database's postgresql:// URL (psqlodbc) or the SQLite file's path.
sync::SystemSettings odbcSettings(const QString &backend, const QString &where)
{
    if (backend != kPgBackend)
        return sync::SystemSettings {
            QStringLiteral("odbc"),
            { { QStringLiteral("connection_string"),
                QStringLiteral("Driver=%1;Database=%2;Timeout=30000").arg(kSqliteOdbc, where) } },
            {}
        };
    const db::DatabaseUrl url = db::DatabaseUrl::parse(where);
    return sync::SystemSettings { QStringLiteral("odbc"),
                                  { { QStringLiteral("connection_string"),
                                      QStringLiteral("Driver=%1;Server=%2;Port=%3;Database=%4")
                                          .arg(kPsqlOdbc, url.host)
                                          .arg(url.port > 0 ? url.port : 5432)
                                          .arg(url.database) } },
                                  { { QStringLiteral("user"), url.user },
                                    { QStringLiteral("password"), url.password } } };
}

// The parcel table of cdcpairfixture.h (and `table` beside it with an extra column) and the log
// of every write it receives (cdctargetscenario.h): an upsert fires the BEFORE INSERT trigger
// once, an UPDATE (partial, or an upsert's update half) the AFTER UPDATE one.
QStringList parcelTables(const QString &backend, const QString &table, const QString &extraColumn)
{
    const QString extra = extraColumn.isEmpty() ? QString() : QStringLiteral(", ") + extraColumn;
    if (backend == kPgBackend)
        return {
            QStringLiteral(
                "CREATE TABLE %1 (id bigint, region text, name text, big text, version int%2, "
                "PRIMARY KEY (id, region))")
                .arg(table, extra),
            QStringLiteral("CREATE TABLE IF NOT EXISTS written (kind text, tbl text, id bigint, "
                           "region text, version int)"),
            QStringLiteral(
                "CREATE OR REPLACE FUNCTION log_insert() RETURNS trigger LANGUAGE plpgsql AS "
                "$$BEGIN "
                "INSERT INTO written VALUES ('i', TG_TABLE_NAME, NEW.id, NEW.region, NEW.version); "
                "RETURN NEW; END$$"),
            QStringLiteral(
                "CREATE OR REPLACE FUNCTION log_update() RETURNS trigger LANGUAGE plpgsql AS "
                "$$BEGIN "
                "INSERT INTO written VALUES ('u', TG_TABLE_NAME, NEW.id, NEW.region, NEW.version); "
                "RETURN NULL; END$$"),
            QStringLiteral("CREATE TRIGGER %1_upsert BEFORE INSERT ON %1 FOR EACH ROW EXECUTE "
                           "FUNCTION log_insert()")
                .arg(table),
            QStringLiteral("CREATE TRIGGER %1_update AFTER UPDATE ON %1 FOR EACH ROW EXECUTE "
                           "FUNCTION log_update()")
                .arg(table),
        };
    return {
        QStringLiteral(
            "CREATE TABLE %1 (id INTEGER, region TEXT, name TEXT, big TEXT, version INTEGER%2, "
            "PRIMARY KEY (id, region))")
            .arg(table, extra),
        QStringLiteral("CREATE TABLE IF NOT EXISTS written (kind TEXT, tbl TEXT, id INTEGER, "
                       "region TEXT, version INTEGER)"),
        QStringLiteral("CREATE TRIGGER %1_upsert BEFORE INSERT ON %1 BEGIN INSERT INTO written "
                       "VALUES ('i', '%1', NEW.id, NEW.region, NEW.version); END")
            .arg(table),
        QStringLiteral("CREATE TRIGGER %1_update AFTER UPDATE ON %1 BEGIN INSERT INTO written "
                       "VALUES ('u', '%1', NEW.id, NEW.region, NEW.version); END")
            .arg(table),
    };
}

// Values of many kinds in cdc_src.odbcvalues (the ODBC connector's own test matrix,
// tst_odbcconnector): PostgreSQL targets take every column, SQLite targets those SQLite ODBC
// stores without loss (kSqliteValueColumns).
const QString kValueSource
    = QStringLiteral("CREATE TABLE IF NOT EXISTS cdc_src.odbcvalues (name text, at timestamp(6), "
                     "amount numeric(40,20), big bigint, "
                     "d date, x float8, flag boolean, u uuid, b bytea, tz timestamptz, txt text, "
                     "PRIMARY KEY (name, at))");
const QString kValueRows = QStringLiteral(
    "('max digits', '2024-03-10 08:30:00.123456', 12345678901234567890.12345678901234567890, "
    "9223372036854775807, "
    "'2024-03-10', 0.30000000000000004, true, 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', "
    "'\\x000102feff', "
    "'2024-03-10 08:30:00.654321+02', 'x'), "
    "('extremes', '1900-01-01 00:00:00.000001', -0.00000000000000000001, -9223372036854775808, "
    "'0001-01-01', 1e300, "
    "false, NULL, '', '1970-01-01 00:00:00+00', E'tab\\t nl\\n cr\\r \"q\" ''s'' \u00e9'), "
    "('tiny', '2000-01-01 00:00:00', 3, NULL, NULL, 4.9e-324, NULL, NULL, NULL, NULL, ''), "
    "('NULLs', '2000-01-01 00:00:00.5', NULL, NULL, NULL, -2.5e-5, NULL, NULL, NULL, NULL, NULL)");
const QStringList kPgValueColumns {
    QStringLiteral("name"), QStringLiteral("at"), QStringLiteral("amount"), QStringLiteral("big"),
    QStringLiteral("d"),    QStringLiteral("x"),  QStringLiteral("flag"),   QStringLiteral("u"),
    QStringLiteral("b"),    QStringLiteral("tz"), QStringLiteral("txt")
};
const QStringList kSqliteValueColumns { QStringLiteral("name"), QStringLiteral("at"),
                                        QStringLiteral("big"),  QStringLiteral("d"),
                                        QStringLiteral("x"),    QStringLiteral("flag"),
                                        QStringLiteral("b"),    QStringLiteral("txt") };

QString valueTable(bool postgres, const QString &name)
{
    if (postgres)
        return QStringLiteral("CREATE TABLE %1 (name text, at timestamp(6), amount numeric(40,20), "
                              "big bigint, d date, "
                              "x float8, flag boolean, u uuid, b bytea, tz timestamptz, txt text, "
                              "PRIMARY KEY (name, at))")
            .arg(name);
    return QStringLiteral("CREATE TABLE %1 (name TEXT, at TIMESTAMP, big INTEGER, d DATE, x "
                          "DOUBLE, flag BOOLEAN, b BLOB, "
                          "txt TEXT, PRIMARY KEY (name, at))")
        .arg(name);
}

// odbcvalues into `target`, the columns mapped to their namesakes.
sync::PairSpec valueSpec(const QString &pairId, const QString &target, const QStringList &columns)
{
    sync::PairSpec spec = pairSpec(pairId);
    sync::EntitySpec &entity = spec.entities.first();
    entity.name = entity.sourceEntity = QStringLiteral("odbcvalues");
    entity.targetEntity = target;
    entity.sourceKey = entity.targetKey = { QStringLiteral("name"), QStringLiteral("at") };
    QJsonArray fields;
    for (const QString &column : columns)
        fields.append(QJsonObject { { QStringLiteral("target"), column },
                                    { QStringLiteral("source"), column } });
    entity.mapping = QJsonObject { { QStringLiteral("fields"), fields } };
    return spec;
}

// The streaming process the crash test kills: the pair's executor into the ODBC target.
int streamChild(const QString &url, const QString &backend, const QString &where,
                const QString &pairId, const QString &controlPath)
{
    auto source = test::PgSyncWorld::connector(url, kSrc);
    sync::OdbcConnector target(odbcSettings(backend, where));
    auto control = db::ControlDatabase::open(controlPath);
    sync::QuarantineStore quarantine(control->database());
    test::streamUntilKilled(pairSpec(pairId), *source, target, quarantine);
}

// An ODBC target as the scenarios see it: written through ODBC by the runs, read and written
// natively (QPSQL or QSQLITE) by the test on its own connection.
class OdbcSide final : public CdcTargetSide
{
public:
    OdbcSide(QString backend, QString where)
        : m_backend(std::move(backend))
        , m_where(std::move(where))
        , m_native(db::DatabaseUrl::parse(m_where))
    { }
    ~OdbcSide() override { m_native.closeThreadConnection(); }

    bool isPostgres() const { return m_backend == kPgBackend; }
    const QString &backend() const { return m_backend; }
    const QString &where() const { return m_where; }
    void createTables(const QString &table = QStringLiteral("parcel"),
                      const QString &extraColumn = {})
    {
        for (const QString &statement : parcelTables(m_backend, table, extraColumn))
            exec(statement);
    }

    std::unique_ptr<sync::TargetConnector> connector() override
    {
        return std::make_unique<sync::OdbcConnector>(odbcSettings(m_backend, m_where));
    }
    QString text(const QString &sql) override { return scalar(m_native, sql); }
    void exec(const QString &sql) override { m_native.execDirect(sql, "cdc odbc test"); }
    QStringList parcelRows() override
    {
        QSqlQuery query
            = m_native.prepare(QStringLiteral("SELECT id, region, name, big, version FROM parcel"));
        m_native.exec(query, "reading parcels");
        return test::cdcpair::parcelRows(query);
    }
    qint64 storedEnd(const QString &pairId) override
    {
        const QString exists = isPostgres()
            ? QStringLiteral("SELECT count(*) FROM pg_tables WHERE tablename = 'tf_cdc_position'")
            : QStringLiteral("SELECT count(*) FROM sqlite_master WHERE name = 'tf_cdc_position'");
        if (value(exists) == 0)
            return -1;
        const QString end = text(
            QStringLiteral("SELECT end_lsn FROM tf_cdc_position WHERE pair_id = '%1'").arg(pairId));
        return end.isEmpty() ? -1 : end.toLongLong();
    }

private:
    QString m_backend;
    QString m_where;
    db::Database m_native;
};

} // namespace

class TestCdcOdbc : public QObject
{
    Q_OBJECT

    std::unique_ptr<test::TemporaryPostgres> m_cluster;
    test::PgSyncWorld m_world;
    std::unique_ptr<OdbcSide> m_pg; // database cdc_odbc through psqlODBC
    std::unique_ptr<OdbcSide> m_sqlite; // target.db through SQLite ODBC

    void sql(const QString &statement) { m_world.admin->execDirect(statement, "cdc odbc test"); }
    qint64 pgValue(const QString &query) { return scalar(*m_world.admin, query).toLongLong(); }
    OdbcSide &side(const QString &backend) { return backend == kPgBackend ? *m_pg : *m_sqlite; }

    void waitForSlot(const QString &pairId)
    {
        QTRY_VERIFY_WITH_TIMEOUT(
            pgValue(test::streamingSlotQuery(QStringLiteral("tf_pair_") + pairId)) == 1,
            30000);
    }
    // A new target database of the cluster (psqlodbc) or a new SQLite file in WAL mode (a
    // native reader beside the ODBC writer) with the parcel table.
    std::unique_ptr<OdbcSide> newSide(const QString &backend, const QString &name)
    {
        QString where;
        if (backend == kPgBackend) {
            sql(QStringLiteral("CREATE DATABASE %1").arg(name));
            where = m_cluster->url(name);
        } else {
            where = m_world.dir.filePath(name + QStringLiteral(".db"));
        }
        auto created = std::make_unique<OdbcSide>(backend, where);
        if (backend != kPgBackend)
            created->text(QStringLiteral("PRAGMA journal_mode=WAL"));
        created->createTables();
        return created;
    }
    static void backends()
    {
        QTest::addColumn<QString>("backend");
        QTest::newRow("psqlodbc") << kPgBackend;
        QTest::newRow("sqliteodbc") << QStringLiteral("sqliteodbc");
    }

private Q_SLOTS:
    void initTestCase()
    {
        const bool require = qEnvironmentVariableIntValue("TF_REQUIRE_ODBC") == 1;
        if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QODBC"))
            || !QFileInfo::exists(kPsqlOdbc) || !QFileInfo::exists(kSqliteOdbc)) {
            if (require)
                QFAIL("TF_REQUIRE_ODBC=1 but QODBC (libqt6sql6-odbc), psqlODBC (odbc-postgresql) "
                      "or SQLite ODBC "
                      "(libsqliteodbc) is missing");
            QSKIP("QODBC, psqlODBC or SQLite ODBC is not installed");
        }
        TF_START_LOGICAL_CLUSTER(m_cluster);
        QVERIFY(m_world.open(m_cluster->url(), kSrc, kDst));
        createTables(*m_world.admin);
        m_pg = newSide(kPgBackend, kTargetDatabase);
        m_sqlite = newSide(QStringLiteral("sqliteodbc"), QStringLiteral("target"));
        for (OdbcSide *target : { m_pg.get(), m_sqlite.get() }) {
            target->createTables(QStringLiteral("parcel_soft"), QStringLiteral("deleted BOOLEAN"));
            target->createTables(QStringLiteral("parcel_kept"), QString());
        }
    }

    void cleanupTestCase()
    {
        m_pg.reset();
        m_sqlite.reset();
        m_world.close();
        m_cluster.reset();
    }

    // cdctargetscenario.h: snapshot, every kind of change on the composite key (an unsent TOAST
    // value left untouched, key-only deletes, a key change), stop and resume with exactly the
    // changes made meanwhile applied once (counted by the write log), TRUNCATE under
    // propagate; the position in the target database, beside the rows.
    void snapshotStreamAndResume_data() { backends(); }
    void snapshotStreamAndResume()
    {
        QFETCH(QString, backend);
        OdbcSide &target = side(backend);
        const QString pairId = QStringLiteral("odbc")
            + (target.isPostgres() ? QStringLiteral("pg") : QStringLiteral("lite"));
        tf::test::cdcpair::snapshotStreamAndResume(m_world, target, pairId);
        if (QTest::currentTestFailed())
            return;
        // The position tables hold one row for the pair, the snapshot mark none; they are not
        // among the connector's entities.
        const QStringList entities = target.connector()->entities();
        QVERIFY2(entities.contains(QStringLiteral("parcel"))
                     && !entities.contains(QStringLiteral("tf_cdc_position"))
                     && !entities.contains(QStringLiteral("tf_cdc_snapshot")),
                 qPrintable(entities.join(QLatin1Char(','))));
        QCOMPARE(
            target.value(QStringLiteral("SELECT count(*) FROM tf_cdc_position WHERE pair_id = '%1'")
                             .arg(pairId)),
            1);
        QCOMPARE(
            target.value(QStringLiteral("SELECT count(*) FROM tf_cdc_snapshot WHERE pair_id = '%1'")
                             .arg(pairId)),
            0);
        // Stored as the full load stores them: the SQLite file holds INTEGER keys.
        if (!target.isPostgres())
            QCOMPARE(target.value(
                         QStringLiteral("SELECT count(*) FROM parcel WHERE typeof(id) <> 'integer' "
                                        "OR typeof(version) <> 'integer'")),
                     0);
    }

    // The position store on its own: created once (a second ensureTable() is harmless), rolled
    // back with an uncommitted transaction, kept with a commit, never moved backwards, one row a
    // pair and slot; the snapshot mark set once, read back as the time it was set, cleared.
    void positionStore_data() { backends(); }
    void positionStore()
    {
        QFETCH(QString, backend);
        OdbcSide &target = side(backend);
        sync::OdbcConnector connector(odbcSettings(backend, target.where()));
        sync::cdc::OdbcCdcTarget cdc(connector);
        sync::cdc::CdcPositions &positions = cdc.positions();
        positions.ensureTable();
        positions.ensureTable();
        const QString pair = QStringLiteral("store") + backend;
        const QString slot = QStringLiteral("tf_pair_") + pair;
        const auto at = [&](qint64 end) {
            return sync::cdc::StoredPosition { slot, QStringLiteral("7301"), 1,
                                               sync::cdc::Lsn(end) };
        };
        {
            auto open = cdc.begin();
            QVERIFY(positions.save(pair, at(1000)));
        } // rolled back
        QVERIFY(!positions.load(pair, slot));
        {
            auto open = cdc.begin();
            QVERIFY(positions.save(pair, at(1000)));
            open->commit();
        }
        QVERIFY(!positions.save(pair, at(999)));
        QCOMPARE(qint64(positions.load(pair, slot)->appliedEnd), 1000);
        QVERIFY(positions.save(pair, at(1000))); // the same position again: kept, not an error
        QVERIFY(positions.save(pair, at(Q_INT64_C(0x7FFFFFFF00000000))));
        const std::optional<sync::cdc::StoredPosition> loaded = positions.load(pair, slot);
        QVERIFY(loaded);
        QCOMPARE(qint64(loaded->appliedEnd), Q_INT64_C(0x7FFFFFFF00000000));
        QCOMPARE(loaded->systemId, QStringLiteral("7301"));
        QCOMPARE(loaded->timeline, 1);
        QCOMPARE(
            target.value(QStringLiteral("SELECT count(*) FROM tf_cdc_position WHERE pair_id = '%1'")
                             .arg(pair)),
            1);

        QVERIFY(!positions.snapshotMark(pair, slot));
        const QDateTime before = QDateTime::currentDateTimeUtc().addMSecs(-1);
        positions.markSnapshot(pair, slot);
        positions.markSnapshot(pair, slot); // the first mark stays
        const std::optional<QDateTime> mark = positions.snapshotMark(pair, slot);
        QVERIFY(mark && mark->isValid());
        QVERIFY2(*mark >= before && *mark <= QDateTime::currentDateTimeUtc(),
                 qPrintable(mark->toString(Qt::ISODateWithMs)));
        QCOMPARE(
            target.value(QStringLiteral("SELECT count(*) FROM tf_cdc_snapshot WHERE pair_id = '%1'")
                             .arg(pair)),
            1);
        positions.clearSnapshot(pair, slot);
        QVERIFY(!positions.snapshotMark(pair, slot));
        positions.remove(pair, slot);
        QVERIFY(!positions.load(pair, slot));
    }

    // soft_delete: a key-only delete and a TRUNCATE flag the rows (true as the full load binds
    // it: boolean true on PostgreSQL, INTEGER 1 in SQLite) instead of deleting them; ignore: a
    // TRUNCATE leaves every row. The stream's deleted totals count the rows flagged.
    void truncateUnderEachDeletePolicy_data() { backends(); }
    void truncateUnderEachDeletePolicy()
    {
        QFETCH(QString, backend);
        OdbcSide &target = side(backend);
        const QString suffix = target.isPostgres() ? QStringLiteral("pg") : QStringLiteral("lite");
        sql(QStringLiteral("TRUNCATE cdc_src.parcel"));
        sql(QStringLiteral(
            "INSERT INTO cdc_src.parcel (id, region, name) VALUES (300, 's', 'before')"));
        sync::PairSpec soft = pairSpec(QStringLiteral("soft") + suffix);
        soft.entities.first().targetEntity = QStringLiteral("parcel_soft");
        soft.entities.first().deleteAction = sync::DeleteAction::SoftDelete;
        soft.entities.first().softDeleteColumn = QStringLiteral("deleted");
        sync::PairSpec kept = pairSpec(QStringLiteral("kept") + suffix);
        kept.entities.first().targetEntity = QStringLiteral("parcel_kept");
        kept.entities.first().deleteAction = sync::DeleteAction::Ignore;
        auto softRun = TargetRun::start(m_world, target, soft);
        auto keptRun = TargetRun::start(m_world, target, kept);
        for (const QString &table :
             { QStringLiteral("parcel_soft"), QStringLiteral("parcel_kept") })
            QTRY_COMPARE_WITH_TIMEOUT(
                target.value(QStringLiteral("SELECT count(*) FROM %1").arg(table)), 1, 30000);
        waitForSlot(soft.pairId);
        waitForSlot(kept.pairId);
        sql(QStringLiteral("INSERT INTO cdc_src.parcel (id, region, name) SELECT g, 's', 'n' FROM "
                           "generate_series(301, 305) g"));
        sql(QStringLiteral("DELETE FROM cdc_src.parcel WHERE id = 301"));
        const QString flagged = target.isPostgres()
            ? QStringLiteral("deleted")
            : QStringLiteral("deleted = 1 AND typeof(deleted) = 'integer'");
        QTRY_COMPARE_WITH_TIMEOUT(
            target.value(QStringLiteral("SELECT count(*) FROM parcel_soft WHERE id = 301 AND %1")
                             .arg(flagged)),
            1, 30000);
        QCOMPARE(target.value(
                     QStringLiteral("SELECT count(*) FROM parcel_soft WHERE deleted IS NOT NULL")),
                 1);
        sql(QStringLiteral("TRUNCATE cdc_src.parcel"));
        sql(QStringLiteral(
            "INSERT INTO cdc_src.parcel (id, region, name) VALUES (306, 's', 'after')"));
        for (const QString &table :
             { QStringLiteral("parcel_soft"), QStringLiteral("parcel_kept") })
            QTRY_COMPARE_WITH_TIMEOUT(
                target.value(QStringLiteral("SELECT count(*) FROM %1 WHERE id = 306").arg(table)),
                1, 30000);
        QCOMPARE(
            target.value(QStringLiteral("SELECT count(*) FROM parcel_soft WHERE %1").arg(flagged)),
            6);
        QCOMPARE(target.value(QStringLiteral(
                     "SELECT count(*) FROM parcel_soft WHERE id = 306 AND deleted IS NULL")),
                 1);
        QCOMPARE(target.value(QStringLiteral("SELECT count(*) FROM parcel_kept")),
                 7); // 300..306: nothing deleted
        const sync::RunResult softStopped = softRun->stop();
        QVERIFY(softStopped.error.isEmpty());
        QCOMPARE(softStopped.totals.deleted, 6); // 301, then 300 and 302..305 by the TRUNCATE
        const sync::RunResult keptStopped = keptRun->stop();
        QVERIFY(keptStopped.error.isEmpty());
        QCOMPARE(keptStopped.totals.deleted, 0);
        QCOMPARE(target.duplicateWrites(), 0);
        sync::CdcExecutor::dropReplication(m_world.src->url(), soft.pairId);
        sync::CdcExecutor::dropReplication(m_world.src->url(), kept.pairId);
    }

    // The values of the ODBC connector's test matrix (40-digit numerics, microsecond and
    // time-zoned timestamps, extreme bigints and doubles, bytes, UUIDs, control characters,
    // NULLs) streamed in (inserts, then an update sending every value) are stored exactly as a
    // full run of the same rows through the same driver stores them: compared natively, as
    // PostgreSQL's row text, or as SQLite's storage class and value of every column.
    void valuesMatchFullLoad_data() { backends(); }
    void valuesMatchFullLoad()
    {
        QFETCH(QString, backend);
        OdbcSide &target = side(backend);
        const bool postgres = target.isPostgres();
        const QStringList columns = postgres ? kPgValueColumns : kSqliteValueColumns;
        const QString suffix = postgres ? QStringLiteral("pg") : QStringLiteral("lite");
        sql(kValueSource);
        sql(QStringLiteral("TRUNCATE cdc_src.odbcvalues"));
        target.exec(valueTable(postgres, QStringLiteral("val_stream")));
        target.exec(valueTable(postgres, QStringLiteral("val_full")));
        // Each row as text, in key order (rows apart by chr(30): the values hold line breaks).
        const auto stored = [&](const QString &table) {
            QStringList values;
            for (const QString &column : columns)
                values << (postgres ? QStringLiteral("COALESCE(%1::text, '<NULL>')").arg(column)
                                    : QStringLiteral("CASE typeof(%1) WHEN 'real' THEN 'real:' || "
                                                     "printf('%!.17g', %1) "
                                                     "ELSE typeof(%1) || ':' || quote(%1) END")
                                          .arg(column));
            const QString row = values.join(QStringLiteral(" || '|' || "));
            return target
                .text(
                    postgres
                        ? QStringLiteral("SELECT string_agg(%1, chr(30) ORDER BY name, at) FROM %2")
                              .arg(row, table)
                        : QStringLiteral(
                              "SELECT group_concat(r, char(30)) FROM (SELECT %1 AS r FROM %2 "
                              "ORDER BY name, at)")
                              .arg(row, table))
                .split(QChar(30), Qt::SkipEmptyParts);
        };
        const auto fullRun = [&] {
            sync::PairSpec spec = valueSpec(QStringLiteral("valfull") + suffix,
                                            QStringLiteral("val_full"), columns);
            spec.cdc = false;
            auto connector = target.connector();
            sync::SyncRunner runner(spec, *m_world.src, *connector, *m_world.quarantine);
            sync::RunOptions options;
            options.forceFull = true;
            const sync::RunResult result = runner.run(options);
            QVERIFY2(result.status == sync::RunStatus::Completed, qPrintable(result.error));
            QCOMPARE(result.totals.quarantined, 0);
        };
        const QString pairId = QStringLiteral("values") + suffix;
        auto run = TargetRun::start(m_world, target,
                                    valueSpec(pairId, QStringLiteral("val_stream"), columns));
        waitForSlot(pairId);
        sql(QStringLiteral("INSERT INTO cdc_src.odbcvalues VALUES %1").arg(kValueRows));
        QTRY_COMPARE_WITH_TIMEOUT(target.value(QStringLiteral("SELECT count(*) FROM val_stream")),
                                  4, 30000);
        fullRun();
        const QStringList full = stored(QStringLiteral("val_full"));
        QCOMPARE(full.size(), 4);
        QCOMPARE(stored(QStringLiteral("val_stream")), full);

        sql(QStringLiteral("UPDATE cdc_src.odbcvalues SET txt = 'updated ' || name"));
        QTRY_COMPARE_WITH_TIMEOUT(
            target.value(
                QStringLiteral("SELECT count(*) FROM val_stream WHERE txt LIKE 'updated %'")),
            4, 30000);
        fullRun();
        const QStringList updated = stored(QStringLiteral("val_full"));
        QVERIFY(updated != full);
        QCOMPARE(stored(QStringLiteral("val_stream")), updated);
        const sync::RunResult stopped = run->stop();
        QVERIFY(stopped.error.isEmpty());
        QCOMPARE(stopped.totals.quarantined, 0);
        QCOMPARE(stopped.totals.updated, 4);
        sync::CdcExecutor::dropReplication(m_world.src->url(), pairId);
    }

    // cdctargetscenario.h: kill -9 of the streaming process twice in the initial snapshot and 8
    // times while streaming (10 kill points), a concurrent writer: the target equals the source
    // afterwards and no change was applied twice.
    void killedAnywhereConvergesExactly_data() { backends(); }
    void killedAnywhereConvergesExactly()
    {
        QFETCH(QString, backend);
        const bool postgres = backend == kPgBackend;
        const QString pairId
            = postgres ? QStringLiteral("odbccrashpg") : QStringLiteral("odbccrashlite");
        std::unique_ptr<OdbcSide> crash
            = newSide(backend, postgres ? QStringLiteral("cdc_crash") : QStringLiteral("crash"));
        tf::test::cdcpair::killedAnywhereConvergesExactly(
            m_world, m_cluster->url(), *crash, pairId, 5000, 8, [&] {
                auto child = std::make_unique<QProcess>();
                child->setProcessChannelMode(QProcess::ForwardedErrorChannel);
                child->start(QCoreApplication::applicationFilePath(),
                             { QStringLiteral("--stream"), m_cluster->url(), backend,
                               crash->where(), pairId,
                               m_world.dir.filePath(QStringLiteral("control.db")) });
                return child;
            });
        sync::CdcExecutor::dropReplication(m_world.src->url(), pairId);
    }
};

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc == 7 && qstrcmp(argv[1], "--stream") == 0)
        return streamChild(QString::fromLocal8Bit(argv[2]), QString::fromLocal8Bit(argv[3]),
                           QString::fromLocal8Bit(argv[4]), QString::fromLocal8Bit(argv[5]),
                           QString::fromLocal8Bit(argv[6]));
    qputenv("QTEST_FUNCTION_TIMEOUT", "280000");
    TestCdcOdbc test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_cdcodbc.moc"
