// cdc mode into an SQLite file target (cdc::SqliteCdcTarget) from a wal_level=logical cluster
// the test starts: the executor on a thread of its own (or, for the kills, in a child process),
// the test writing to the source and reading the SQLite file beside it.
#include "cdctargetscenario.h"
#include "sync/connectors/sqliteconnector.h"
#include "sync/engine/syncrunner.h"
#include "testsupport.h"
#include "tst_typefidelity.h"

#include <QProcess>
#include <QRandomGenerator>
#include <QSqlQuery>
#include <QtTest>
#include <algorithm>
#include <csignal>
#include <cstdio>

using namespace tf;
using namespace tf::test::cdcpair;
using tf::test::scalar;

namespace {

const QString kCrashPair = QStringLiteral("sqlitecrash");

// The parcel table of cdcpairfixture.h in SQLite, and a log of every write the target receives:
// an upsert fires the BEFORE INSERT trigger once (whether it inserts or updates), an UPDATE
// (a partial update, or the update half of an upsert) the AFTER UPDATE one. Every source write
// carries a new version, so a (kind, key, version) logged twice is a change applied twice.
void createSqliteParcel(const db::Database &target, const QString &table = QStringLiteral("parcel"),
                        const QString &extraColumn = {})
{
    const QStringList statements {
        QStringLiteral("CREATE TABLE %1 (id INTEGER, region TEXT, name TEXT, big TEXT, "
                       "version INTEGER%2, PRIMARY KEY (id, region))")
            .arg(table, extraColumn.isEmpty() ? QString() : QStringLiteral(", ") + extraColumn),
        QStringLiteral("CREATE TABLE IF NOT EXISTS written (kind TEXT, tbl TEXT, id INTEGER, "
                       "region TEXT, version INTEGER)"),
        QStringLiteral("CREATE TRIGGER %1_upsert BEFORE INSERT ON %1 BEGIN INSERT INTO written "
                       "VALUES ('i', '%1', NEW.id, NEW.region, NEW.version); END")
            .arg(table),
        QStringLiteral("CREATE TRIGGER %1_update AFTER UPDATE ON %1 BEGIN INSERT INTO written "
                       "VALUES ('u', '%1', NEW.id, NEW.region, NEW.version); END")
            .arg(table),
    };
    for (const QString &statement : statements)
        target.execDirect(statement, "cdc sqlite test setup");
}

std::unique_ptr<sync::SqliteConnector> sqliteConnector(const QString &path)
{
    return std::make_unique<sync::SqliteConnector>(sync::SystemSettings {
        QStringLiteral("sqlite"), { { QStringLiteral("path"), path } }, {} });
}

qint64 number(const db::Database &database, const QString &sql)
{
    return scalar(database, sql).toLongLong();
}

// The SQLite target's stored end LSN of the pair, -1 before the table exists or without a row.
qint64 storedEndIn(const db::Database &target, const QString &pairId)
{
    if (number(target, QStringLiteral("SELECT count(*) FROM sqlite_master WHERE name = 'tf_cdc_position'")) == 0)
        return -1;
    const QString end = scalar(
        target, QStringLiteral("SELECT end_lsn FROM tf_cdc_position WHERE pair_id = '%1'").arg(pairId));
    return end.isEmpty() ? -1 : end.toLongLong();
}

// The streaming process the crash test kills: the pair's executor into the SQLite file.
int streamChild(const QString &url, const QString &targetPath, const QString &controlPath)
{
    auto source = test::PgSyncWorld::connector(url, kSrc);
    auto target = sqliteConnector(targetPath);
    auto control = db::ControlDatabase::open(controlPath);
    sync::QuarantineStore quarantine(control->database());
    test::streamUntilKilled(pairSpec(kCrashPair), *source, *target, quarantine);
}

// The SQLite file as the scenarios see it, through a connection of the test's own.
class SqliteSide final : public CdcTargetSide
{
public:
    explicit SqliteSide(QString path)
        : m_path(std::move(path))
        , m_database(db::DatabaseUrl::parse(m_path))
    { }
    ~SqliteSide() override { m_database.closeThreadConnection(); }

    const db::Database &database() const { return m_database; }
    std::unique_ptr<sync::TargetConnector> connector() override { return sqliteConnector(m_path); }
    QString text(const QString &sql) override { return scalar(m_database, sql); }
    void exec(const QString &sql) override { m_database.execDirect(sql, "cdc sqlite test"); }
    QStringList parcelRows() override
    {
        QSqlQuery query = m_database.prepare(QStringLiteral("SELECT id, region, name, big, version FROM parcel"));
        m_database.exec(query, "reading parcels");
        return test::cdcpair::parcelRows(query);
    }
    qint64 storedEnd(const QString &pairId) override { return storedEndIn(m_database, pairId); }

private:
    QString m_path;
    db::Database m_database;
};

} // namespace

class TestCdcSqlite : public QObject
{
    Q_OBJECT

    std::unique_ptr<test::TemporaryPostgres> m_cluster;
    test::PgSyncWorld m_world;
    std::unique_ptr<SqliteSide> m_side; // target.db
    std::unique_ptr<sync::SqliteConnector> m_fullTarget; // the full runs', on the test's thread

    void sql(const QString &statement) { m_world.admin->execDirect(statement, "cdc sqlite test"); }
    qint64 pgValue(const QString &query) { return number(*m_world.admin, query); }
    qint64 liteValue(const QString &query) { return m_side->value(query); }

    std::unique_ptr<TargetRun> start(const sync::PairSpec &spec)
    {
        return TargetRun::start(m_world, *m_side, spec);
    }
    void waitForSlot(const QString &pairId)
    {
        QTRY_VERIFY_WITH_TIMEOUT(pgValue(test::streamingSlotQuery(QStringLiteral("tf_pair_") + pairId))
                                     == 1,
                                 30000);
    }    // Each stored value with its storage class (a REAL with 17 digits), one line per row, sorted.
    QStringList storedRows(const QString &table)
    {
        QStringList values;
        for (const QString &column : fidelity::kColumnNames) {
            const QString q = QLatin1Char('"') + column + QLatin1Char('"');
            values << QStringLiteral("CASE typeof(%1) WHEN 'real' THEN 'real:' || printf('%!.17g', %1) "
                                     "ELSE typeof(%1) || ':' || quote(%1) END")
                          .arg(q);
        }
        const db::Database &target = m_side->database();
        QSqlQuery query = target.prepare(
            QStringLiteral("SELECT %1 FROM \"%2\"").arg(values.join(QStringLiteral(" || '|' || ")), table));
        target.exec(query, "reading stored values");
        QStringList rows;
        while (query.next())
            rows << query.value(0).toString();
        std::sort(rows.begin(), rows.end());
        return rows;
    }
    // A full-mode run of the matrix into fid_full: what the SQLite connector's full load stores.
    void fullRun()
    {
        sync::PairSpec spec = fidelitySpec(QStringLiteral("fidfull"), QStringLiteral("fid_full"));
        spec.cdc = false;
        sync::SyncRunner runner(spec, *m_world.src, *m_fullTarget, *m_world.quarantine);
        sync::RunOptions options;
        options.forceFull = true;
        const sync::RunResult result = runner.run(options);
        QVERIFY2(result.status == sync::RunStatus::Completed, qPrintable(result.error));
        QCOMPARE(result.totals.quarantined, 0);
    }

private Q_SLOTS:
    void initTestCase()
    {
        TF_START_LOGICAL_CLUSTER(m_cluster);
        QVERIFY(m_world.open(m_cluster->url(), kSrc, kDst));
        createTables(*m_world.admin);
        sql(QStringLiteral("CREATE TABLE cdc_src.fidelity %1").arg(QString::fromUtf8(fidelity::kColumns)));
        const QString path = m_world.dir.filePath(QStringLiteral("target.db"));
        m_side = std::make_unique<SqliteSide>(path);
        createSqliteParcel(m_side->database());
        createSqliteParcel(m_side->database(), QStringLiteral("parcel_soft"), QStringLiteral("deleted BOOLEAN"));
        for (const char *table : { "fid_full", "fid_stream", "fid_snap" })
            m_side->exec(QStringLiteral("CREATE TABLE %1 %2").arg(QLatin1String(table), QString::fromUtf8(fidelity::kSqliteColumns)));
        m_fullTarget = sqliteConnector(path);
    }

    void cleanupTestCase()
    {
        m_fullTarget.reset();
        m_side.reset();
        m_world.close();
        m_cluster.reset();
    }

    // cdctargetscenario.h: snapshot, every kind of change on the composite key (an unsent TOAST
    // value left untouched, key-only deletes, a key change), stop and resume with exactly the
    // changes made meanwhile applied once, TRUNCATE; the position in the SQLite file.
    void snapshotStreamAndResume()
    {
        tf::test::cdcpair::snapshotStreamAndResume(m_world, *m_side, QStringLiteral("lite"));
        if (QTest::currentTestFailed())
            return;
        // Stored as the full load stores them: INTEGER for the int8 and int columns.
        QCOMPARE(liteValue(QStringLiteral("SELECT count(*) FROM parcel WHERE typeof(id) = 'integer' "
                                          "AND typeof(version) = 'integer'")),
                 1);
    }

    // soft_delete: a key-only delete and a TRUNCATE flag the rows (stored as the full load's
    // soft delete stores true: INTEGER 1) instead of deleting them.
    void softDeleteFlagsRows()
    {
        sync::PairSpec spec = pairSpec(QStringLiteral("soft"));
        spec.entities.first().targetEntity = QStringLiteral("parcel_soft");
        spec.entities.first().deleteAction = sync::DeleteAction::SoftDelete;
        spec.entities.first().softDeleteColumn = QStringLiteral("deleted");
        auto run = start(spec);
        QTRY_COMPARE_WITH_TIMEOUT(liteValue(QStringLiteral("SELECT count(*) FROM parcel_soft")), 1, 30000);
        waitForSlot(QStringLiteral("soft"));
        sql(QStringLiteral("INSERT INTO cdc_src.parcel (id, region, name) SELECT g, 's', 'n' FROM "
                           "generate_series(301, 305) g"));
        sql(QStringLiteral("DELETE FROM cdc_src.parcel WHERE id = 301"));
        QTRY_COMPARE_WITH_TIMEOUT(liteValue(QStringLiteral("SELECT count(*) FROM parcel_soft WHERE id = 301 "
                                                           "AND deleted = 1 AND typeof(deleted) = 'integer'")),
                                  1, 30000);
        QCOMPARE(liteValue(QStringLiteral("SELECT count(*) FROM parcel_soft WHERE deleted IS NOT NULL")), 1);
        sql(QStringLiteral("TRUNCATE cdc_src.parcel"));
        sql(QStringLiteral("INSERT INTO cdc_src.parcel (id, region, name) VALUES (306, 's', 'after')"));
        QTRY_COMPARE_WITH_TIMEOUT(liteValue(QStringLiteral("SELECT count(*) FROM parcel_soft WHERE id = 306")), 1,
                                  30000);
        QCOMPARE(liteValue(QStringLiteral("SELECT count(*) FROM parcel_soft WHERE deleted = 1")), 6);
        QCOMPARE(liteValue(QStringLiteral("SELECT count(*) FROM parcel_soft WHERE id = 306 AND deleted IS NULL")), 1);
        const sync::RunResult stopped = run->stop();
        QVERIFY(stopped.error.isEmpty());
        QCOMPARE(stopped.totals.deleted, 6); // 301, then 300 and 302..305 by the TRUNCATE
        QCOMPARE(m_side->duplicateWrites(), 0);
        sync::CdcExecutor::dropReplication(m_world.src->url(), QStringLiteral("soft"));
    }

    // Every row of the type-fidelity matrix that SQLite holds, streamed (fid_stream) and copied
    // by a snapshot (fid_snap), then updated beside them and partly deleted (key only: text, a
    // microsecond timestamptz at odd offsets, 40-digit numerics): stored exactly as a full run
    // of the same rows stores them (fid_full), storage class and value.
    void typeFidelityMatchesFullLoad()
    {
        auto streamed = start(fidelitySpec(QStringLiteral("fidstream"), QStringLiteral("fid_stream")));
        waitForSlot(QStringLiteral("fidstream"));
        sql(QStringLiteral("INSERT INTO cdc_src.fidelity VALUES %1").arg(QString::fromUtf8(fidelity::kRows)));
        const qint64 rows = pgValue(QStringLiteral("SELECT count(*) FROM cdc_src.fidelity"));
        QVERIFY(rows >= 19);
        QTRY_COMPARE_WITH_TIMEOUT(liteValue(QStringLiteral("SELECT count(*) FROM fid_stream")), rows, 30000);
        fullRun();
        const QStringList full = storedRows(QStringLiteral("fid_full"));
        QCOMPARE(full.size(), rows);
        QCOMPARE(storedRows(QStringLiteral("fid_stream")), full);

        auto snapshot = start(fidelitySpec(QStringLiteral("fidsnap"), QStringLiteral("fid_snap")));
        QTRY_COMPARE_WITH_TIMEOUT(liteValue(QStringLiteral("SELECT count(*) FROM fid_snap")), rows, 30000);
        waitForSlot(QStringLiteral("fidsnap"));
        QCOMPARE(storedRows(QStringLiteral("fid_snap")), full);

        // Every value sent again beside a changed column.
        sql(QStringLiteral("UPDATE cdc_src.fidelity SET \"Note\" = 'updated ' || \"Case Name\", "
                           "updated_at = updated_at + interval '1 microsecond'"));
        for (const char *table : { "fid_stream", "fid_snap" })
            QTRY_COMPARE_WITH_TIMEOUT(liteValue(QStringLiteral("SELECT count(*) FROM %1 WHERE \"Note\" LIKE 'updated %'")
                                                    .arg(QLatin1String(table))),
                                      rows, 30000);
        fullRun();
        const QStringList updated = storedRows(QStringLiteral("fid_full"));
        QVERIFY(updated != full);
        QCOMPARE(storedRows(QStringLiteral("fid_stream")), updated);
        QCOMPARE(storedRows(QStringLiteral("fid_snap")), updated);

        sql(QStringLiteral("DELETE FROM cdc_src.fidelity WHERE \"Amount\" > 8 OR \"Case Name\" IN ('odd offsets', '')"));
        const qint64 left = pgValue(QStringLiteral("SELECT count(*) FROM cdc_src.fidelity"));
        QVERIFY(left > 0 && left < rows);
        for (const char *table : { "fid_stream", "fid_snap" })
            QTRY_COMPARE_WITH_TIMEOUT(liteValue(QStringLiteral("SELECT count(*) FROM %1").arg(QLatin1String(table))),
                                      left, 30000);
        fullRun();
        const QStringList remaining = storedRows(QStringLiteral("fid_full"));
        QCOMPARE(remaining.size(), left);
        QCOMPARE(storedRows(QStringLiteral("fid_stream")), remaining);
        QCOMPARE(storedRows(QStringLiteral("fid_snap")), remaining);

        for (TargetRun *run : { streamed.get(), snapshot.get() }) {
            const sync::RunResult stopped = run->stop();
            QVERIFY(stopped.error.isEmpty());
            QCOMPARE(stopped.totals.quarantined, 0);
        }
        sync::CdcExecutor::dropReplication(m_world.src->url(), QStringLiteral("fidstream"));
        sync::CdcExecutor::dropReplication(m_world.src->url(), QStringLiteral("fidsnap"));
    }

    // cdctargetscenario.h: kill -9 of the streaming process (`tst_cdcsqlite --stream`) twice in
    // the initial snapshot and 18 times while streaming, a concurrent writer: the SQLite target
    // (crash.db) equals the source afterwards and no change was applied twice.
    void killedAnywhereConvergesExactly()
    {
        const QString path = m_world.dir.filePath(QStringLiteral("crash.db"));
        SqliteSide crash(path);
        createSqliteParcel(crash.database());
        tf::test::cdcpair::killedAnywhereConvergesExactly(m_world, m_cluster->url(), crash, kCrashPair, 20000, 18, [&] {
            auto child = std::make_unique<QProcess>();
            child->setProcessChannelMode(QProcess::ForwardedErrorChannel);
            child->start(QCoreApplication::applicationFilePath(),
                         { QStringLiteral("--stream"), m_cluster->url(), path,
                           m_world.dir.filePath(QStringLiteral("control.db")) });
            return child;
        });
    }
};

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc == 5 && qstrcmp(argv[1], "--stream") == 0)
        return streamChild(QString::fromLocal8Bit(argv[2]), QString::fromLocal8Bit(argv[3]),
                           QString::fromLocal8Bit(argv[4]));
    qputenv("QTEST_FUNCTION_TIMEOUT", "380000");
    TestCdcSqlite test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_cdcsqlite.moc"
