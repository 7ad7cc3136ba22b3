// cdc mode into an SQLite file target (cdc::SqliteCdcTarget) from a wal_level=logical cluster
// the test starts: the executor on a thread of its own (or, for the kills, in a child process),
// the test writing to the source and reading the SQLite file beside it.
#include "cdcpairfixture.h"
#include "cdcrunning.h"
#include "cdcsourcewriter.h"
#include "sync/connectors/sqliteconnector.h"
#include "sync/engine/cdcexecutor.h"
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

// The rows of a parcel table as text (NULL apart from ''), sorted: PostgreSQL and SQLite alike.
QStringList parcelRows(const db::Database &database, const QString &table)
{
    QSqlQuery query = database.prepare(
        QStringLiteral("SELECT id, region, name, big, version FROM %1").arg(table));
    database.exec(query, "reading parcels");
    QStringList rows;
    while (query.next()) {
        QStringList values;
        for (int i = 0; i < 5; ++i)
            values << (query.value(i).isNull() ? QStringLiteral("<NULL>") : query.value(i).toString());
        rows << values.join(QLatin1Char('|'));
    }
    std::sort(rows.begin(), rows.end());
    return rows;
}

// The SQLite target's stored end LSN of the pair, -1 before the table exists or without a row.
qint64 storedEnd(const db::Database &target, const QString &pairId)
{
    if (number(target, QStringLiteral("SELECT count(*) FROM sqlite_master WHERE name = 'tf_cdc_position'")) == 0)
        return -1;
    const QString end = scalar(
        target, QStringLiteral("SELECT end_lsn FROM tf_cdc_position WHERE pair_id = '%1'").arg(pairId));
    return end.isEmpty() ? -1 : end.toLongLong();
}

// (kind, table, key, version) written more than once.
qint64 duplicateWrites(const db::Database &target)
{
    return number(target, QStringLiteral("SELECT count(*) FROM (SELECT 1 FROM written GROUP BY kind, "
                                         "tbl, id, region, version HAVING count(*) > 1)"));
}

// The streaming process the crash test kills: the pair's executor into the SQLite file, started
// again after a failure (as tf-syncd's retry does) until it is killed.
int streamChild(const QString &url, const QString &targetPath, const QString &controlPath)
{
    auto source = test::PgSyncWorld::connector(url, kSrc);
    auto target = sqliteConnector(targetPath);
    auto control = db::ControlDatabase::open(controlPath);
    sync::QuarantineStore quarantine(control->database());
    for (;;) {
        sync::CdcExecutor executor(pairSpec(kCrashPair), *source, *target, quarantine);
        sync::CdcRunOptions options;
        options.checkIntervalMs = 200;
        options.statusIntervalMs = 300;
        options.maxTransactionsPerCommit = 20;
        const sync::RunResult result = executor.run(options);
        std::fprintf(stderr, "run ended: %s\n", qPrintable(result.error));
        QThread::msleep(200);
    }
}

} // namespace

class TestCdcSqlite : public QObject
{
    Q_OBJECT

    std::unique_ptr<test::TemporaryPostgres> m_cluster;
    test::PgSyncWorld m_world;
    std::unique_ptr<db::Database> m_target; // the test's own connection to the target file
    std::unique_ptr<sync::SqliteConnector> m_sqlite;

    void sql(const QString &statement) { m_world.admin->execDirect(statement, "cdc sqlite test"); }
    void lite(const QString &statement) { m_target->execDirect(statement, "cdc sqlite test"); }
    qint64 pgValue(const QString &query) { return number(*m_world.admin, query); }
    qint64 liteValue(const QString &query) { return number(*m_target, query); }

    std::unique_ptr<test::CdcRunning> start(const sync::PairSpec &spec)
    {
        return test::CdcRunning::start(
            std::make_unique<sync::CdcExecutor>(spec, *m_world.src, *m_sqlite, *m_world.quarantine));
    }
    bool sameParcels(const db::Database &target, const QString &table = QStringLiteral("parcel"))
    {
        return parcelRows(*m_world.admin, QStringLiteral("cdc_src.parcel")) == parcelRows(target, table);
    }
    void waitForSlot(const QString &pairId)
    {
        QTRY_VERIFY_WITH_TIMEOUT(pgValue(QStringLiteral("SELECT count(*) FROM pg_replication_slots WHERE "
                                                        "slot_name = 'tf_pair_%1' AND active")
                                             .arg(pairId))
                                     == 1,
                                 30000);
    }
    static sync::RunResult stopCleanly(test::CdcRunning &running)
    {
        const sync::RunResult result = running.stop();
        if (!result.error.isEmpty() || !running.alerts.isEmpty())
            qWarning().noquote() << "run ended with" << result.error << running.alerts;
        return result;
    }

    // The fidelity matrix table: a cdc pair (or a full one) from cdc_src.fidelity to `target`.
    static sync::PairSpec fidelitySpec(const QString &pairId, const QString &target)
    {
        sync::PairSpec spec = pairSpec(pairId);
        sync::EntitySpec &entity = spec.entities.first();
        entity.name = entity.sourceEntity = QStringLiteral("fidelity");
        entity.targetEntity = target;
        entity.sourceKey = entity.targetKey = fidelity::kKey;
        QJsonArray fields;
        for (const QString &column : fidelity::kColumnNames)
            fields.append(QJsonObject { { QStringLiteral("target"), column }, { QStringLiteral("source"), column } });
        entity.mapping = QJsonObject { { QStringLiteral("fields"), fields } };
        return spec;
    }
    // Each stored value with its storage class (a REAL with 17 digits), one line per row, sorted.
    QStringList storedRows(const QString &table)
    {
        QStringList values;
        for (const QString &column : fidelity::kColumnNames) {
            const QString q = QLatin1Char('"') + column + QLatin1Char('"');
            values << QStringLiteral("CASE typeof(%1) WHEN 'real' THEN 'real:' || printf('%!.17g', %1) "
                                     "ELSE typeof(%1) || ':' || quote(%1) END")
                          .arg(q);
        }
        QSqlQuery query = m_target->prepare(
            QStringLiteral("SELECT %1 FROM \"%2\"").arg(values.join(QStringLiteral(" || '|' || ")), table));
        m_target->exec(query, "reading stored values");
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
        sync::SyncRunner runner(spec, *m_world.src, *m_sqlite, *m_world.quarantine);
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
        m_target = std::make_unique<db::Database>(db::DatabaseUrl::parse(path));
        createSqliteParcel(*m_target);
        createSqliteParcel(*m_target, QStringLiteral("parcel_soft"), QStringLiteral("deleted BOOLEAN"));
        for (const char *table : { "fid_full", "fid_stream", "fid_snap" })
            lite(QStringLiteral("CREATE TABLE %1 %2").arg(QLatin1String(table), QString::fromUtf8(fidelity::kSqliteColumns)));
        m_sqlite = sqliteConnector(path);
    }

    void cleanupTestCase()
    {
        m_sqlite.reset();
        m_target.reset();
        m_world.close();
        m_cluster.reset();
    }

    // Snapshot, then inserts, updates (one leaving a TOAST value unsent), key-only deletes under
    // REPLICA IDENTITY DEFAULT, a key change and a mixed transaction on the composite key; the
    // position lives in the SQLite file; stopped, changed, resumed: exactly the changes made
    // while stopped are applied, once; TRUNCATE empties the target (delete policy propagate).
    void snapshotStreamAndResume()
    {
        const QString big = QStringLiteral("(SELECT string_agg(md5(g::text), '') FROM generate_series(1, 1000) g)");
        sql(QStringLiteral("INSERT INTO cdc_src.parcel (id, region, name) SELECT g, 'r' || (g % 3), 'n' || g "
                           "FROM generate_series(1, 40) g"));
        sql(QStringLiteral("UPDATE cdc_src.parcel SET big = %1, version = version + 1 WHERE id IN (7, 8)").arg(big));
        auto running = start(pairSpec(QStringLiteral("lite")));
        auto stop = qScopeGuard([&] { running->stop(); }); // on a failure too (twice is harmless)
        QTRY_COMPARE_WITH_TIMEOUT(liteValue(QStringLiteral("SELECT count(*) FROM parcel")), 40, 30000);
        QVERIFY(sameParcels(*m_target));
        QCOMPARE(liteValue(QStringLiteral("SELECT count(*) FROM tf_cdc_position WHERE pair_id = 'lite' "
                                          "AND slot = 'tf_pair_lite' AND end_lsn > 0")),
                 1);
        QCOMPARE(liteValue(QStringLiteral("SELECT count(*) FROM tf_cdc_snapshot")), 0);
        // Values stored as the full load stores them: INTEGER for the int8 and int columns.
        QCOMPARE(liteValue(QStringLiteral("SELECT count(*) FROM parcel WHERE typeof(id) = 'integer' "
                                          "AND typeof(version) = 'integer'")),
                 40);

        sql(QStringLiteral("INSERT INTO cdc_src.parcel (id, region, name) VALUES (100, 'x', 'new')"));
        sql(QStringLiteral("UPDATE cdc_src.parcel SET name = 'renamed', version = version + 1 WHERE id = 7"));
        sql(QStringLiteral("DELETE FROM cdc_src.parcel WHERE id = 3"));
        sql(QStringLiteral("UPDATE cdc_src.parcel SET region = 'moved', version = version + 1 WHERE id = 5"));
        sql(QStringLiteral("BEGIN; INSERT INTO cdc_src.parcel (id, region, name) VALUES (101, 'x', 'a'); "
                           "UPDATE cdc_src.parcel SET name = NULL, version = version + 1 WHERE id = 9; "
                           "UPDATE cdc_src.parcel SET name = 'twice', version = version + 1 WHERE id = 101; "
                           "DELETE FROM cdc_src.parcel WHERE id = 10; COMMIT"));
        QTRY_VERIFY_WITH_TIMEOUT(sameParcels(*m_target), 30000);
        QCOMPARE(liteValue(QStringLiteral("SELECT length(big) FROM parcel WHERE id = 7")), 32000);
        QCOMPARE(liteValue(QStringLiteral("SELECT count(*) FROM parcel WHERE id IN (3, 10)")), 0);

        // The unsent TOAST value is left untouched: a value only the target holds stays.
        lite(QStringLiteral("UPDATE parcel SET big = 'kept by the target', version = -1 WHERE id = 8"));
        sql(QStringLiteral("UPDATE cdc_src.parcel SET name = 'toast unsent', version = version + 1 WHERE id = 8"));
        QTRY_COMPARE_WITH_TIMEOUT(scalar(*m_target, QStringLiteral("SELECT name FROM parcel WHERE id = 8")),
                                  QStringLiteral("toast unsent"), 30000);
        QCOMPARE(scalar(*m_target, QStringLiteral("SELECT big FROM parcel WHERE id = 8")),
                 QStringLiteral("kept by the target"));
        sql(QStringLiteral("UPDATE cdc_src.parcel SET big = 'small again', version = version + 1 WHERE id = 8"));
        QTRY_VERIFY_WITH_TIMEOUT(sameParcels(*m_target), 30000);

        sync::RunResult stopped = stopCleanly(*running);
        QCOMPARE(stopped.status, sync::RunStatus::Cancelled);
        QVERIFY(stopped.error.isEmpty());
        QVERIFY(running->alerts.isEmpty());
        // The slot was never told more than the target stored.
        const qint64 stored = storedEnd(*m_target, QStringLiteral("lite"));
        QVERIFY(stored > 0);
        QVERIFY(pgValue(QStringLiteral("SELECT confirmed_flush_lsn - '0/0'::pg_lsn FROM pg_replication_slots "
                                       "WHERE slot_name = 'tf_pair_lite'"))
                <= stored);

        // Changed while nobody streams; resumed from the stored LSN: exactly these 51 changes.
        sql(QStringLiteral("INSERT INTO cdc_src.parcel (id, region, name) SELECT g, 'later', 'x' FROM "
                           "generate_series(200, 249) g"));
        sql(QStringLiteral("UPDATE cdc_src.parcel SET name = 'again', version = version + 1 WHERE id = 12"));
        running = start(pairSpec(QStringLiteral("lite")));
        QTRY_VERIFY_WITH_TIMEOUT(sameParcels(*m_target), 30000);
        stopped = stopCleanly(*running);
        QVERIFY(stopped.error.isEmpty());
        QCOMPARE(stopped.totals.inserted, 50);
        QCOMPARE(stopped.totals.updated, 1);
        QCOMPARE(stopped.totals.deleted, 0);
        QVERIFY(storedEnd(*m_target, QStringLiteral("lite")) > stored);

        // TRUNCATE under the delete policy (propagate): the target is emptied, then fills again.
        running = start(pairSpec(QStringLiteral("lite")));
        sql(QStringLiteral("TRUNCATE cdc_src.parcel"));
        sql(QStringLiteral("INSERT INTO cdc_src.parcel (id, region, name) VALUES (300, 'after', 'x')"));
        QTRY_VERIFY_WITH_TIMEOUT(sameParcels(*m_target), 30000);
        QCOMPARE(liteValue(QStringLiteral("SELECT count(*) FROM parcel")), 1);
        stopped = stopCleanly(*running);
        QVERIFY(stopped.error.isEmpty());
        QCOMPARE(stopped.totals.deleted, 90);
        QCOMPARE(duplicateWrites(*m_target), 0);
        sync::CdcExecutor::dropReplication(m_world.src->url(), QStringLiteral("lite"));
    }

    // soft_delete: a key-only delete and a TRUNCATE flag the rows (stored as the full load's
    // soft delete stores true: INTEGER 1) instead of deleting them.
    void softDeleteFlagsRows()
    {
        sync::PairSpec spec = pairSpec(QStringLiteral("soft"));
        spec.entities.first().targetEntity = QStringLiteral("parcel_soft");
        spec.entities.first().deleteAction = sync::DeleteAction::SoftDelete;
        spec.entities.first().softDeleteColumn = QStringLiteral("deleted");
        auto running = start(spec);
        auto stop = qScopeGuard([&] { running->stop(); });
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
        stop.dismiss();
        const sync::RunResult stopped = stopCleanly(*running);
        QVERIFY(stopped.error.isEmpty());
        QCOMPARE(stopped.totals.deleted, 6); // 301, then 300 and 302..305 by the TRUNCATE
        QCOMPARE(duplicateWrites(*m_target), 0);
        sync::CdcExecutor::dropReplication(m_world.src->url(), QStringLiteral("soft"));
    }

    // Every row of the type-fidelity matrix that SQLite holds, streamed (fid_stream) and copied
    // by a snapshot (fid_snap), then updated beside them and partly deleted (key only: text, a
    // microsecond timestamptz at odd offsets, 40-digit numerics): stored exactly as a full run
    // of the same rows stores them (fid_full), storage class and value.
    void typeFidelityMatchesFullLoad()
    {
        auto streamed = start(fidelitySpec(QStringLiteral("fidstream"), QStringLiteral("fid_stream")));
        auto stopStreamed = qScopeGuard([&] { streamed->stop(); });
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
        auto stopSnapshot = qScopeGuard([&] { snapshot->stop(); });
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

        stopStreamed.dismiss();
        stopSnapshot.dismiss();
        for (test::CdcRunning *running : { streamed.get(), snapshot.get() }) {
            const sync::RunResult stopped = stopCleanly(*running);
            QVERIFY(stopped.error.isEmpty());
            QCOMPARE(stopped.totals.quarantined, 0);
        }
        sync::CdcExecutor::dropReplication(m_world.src->url(), QStringLiteral("fidstream"));
        sync::CdcExecutor::dropReplication(m_world.src->url(), QStringLiteral("fidsnap"));
    }

    // kill -9 of the streaming process at 20 points (2 in the initial snapshot, 18 while
    // streaming) with a concurrent writer: afterwards the SQLite target equals the source and no
    // change was applied twice.
    void killedAnywhereConvergesExactly()
    {
        const QString path = m_world.dir.filePath(QStringLiteral("crash.db"));
        db::Database target(db::DatabaseUrl::parse(path));
        createSqliteParcel(target);
        sql(QStringLiteral("TRUNCATE cdc_src.parcel"));
        sql(QStringLiteral("INSERT INTO cdc_src.parcel (id, region, name) SELECT g, 'r' || (g % 3), 'n' || g "
                           "FROM generate_series(0, 19999) g"));
        const auto startChild = [&] {
            auto child = std::make_unique<QProcess>();
            child->setProcessChannelMode(QProcess::ForwardedErrorChannel);
            child->start(QCoreApplication::applicationFilePath(),
                         { QStringLiteral("--stream"), m_cluster->url(), path,
                           m_world.dir.filePath(QStringLiteral("control.db")) });
            return child;
        };
        const auto kill9 = [](QProcess &child) {
            if (child.processId() > 0) // never kill(0): that is the whole process group
                ::kill(pid_t(child.processId()), SIGKILL);
            child.waitForFinished(10000);
        };
        QRandomGenerator random(17);
        SourceWriter writer(m_cluster->url(), true);
        writer.start(20000);
        for (int kill = 0; kill < 2; ++kill) {
            auto child = startChild();
            QTRY_VERIFY_WITH_TIMEOUT(pgValue(QStringLiteral("SELECT count(*) FROM pg_replication_slots WHERE "
                                                            "slot_name = 'tf_pair_%1'").arg(kCrashPair)) > 0
                                         && number(target, QStringLiteral("SELECT count(*) FROM parcel")) > 0,
                                     60000);
            kill9(*child);
        }
        writer.stop();
        QVERIFY2(writer.error().isEmpty(), qPrintable(writer.error()));

        // The third attempt loads the snapshot. The reloads wrote rows twice by design: the log
        // of writes starts again once the target equals the quiet source.
        auto running = startChild();
        QTRY_VERIFY_WITH_TIMEOUT(storedEnd(target, kCrashPair) > 0, 120000);
        QTRY_VERIFY_WITH_TIMEOUT(sameParcels(target), 120000);
        target.execDirect(QStringLiteral("DELETE FROM written"), "cdc sqlite test");

        SourceWriter streaming(m_cluster->url(), true);
        streaming.start(writer.nextId());
        int killsBeforeFeedback = 0;
        for (int kill = 0; kill < 18; ++kill) {
            if (!running)
                running = startChild();
            const qint64 before = storedEnd(target, kCrashPair);
            QTRY_VERIFY_WITH_TIMEOUT(storedEnd(target, kCrashPair) > before, 60000);
            QTest::qWait(int(random.bounded(50, 800)));
            kill9(*running);
            running.reset();
            killsBeforeFeedback += pgValue(QStringLiteral("SELECT confirmed_flush_lsn - '0/0'::pg_lsn FROM "
                                                          "pg_replication_slots WHERE slot_name = 'tf_pair_%1'")
                                               .arg(kCrashPair))
                    < storedEnd(target, kCrashPair)
                ? 1
                : 0;
        }
        qInfo("%d of 18 streaming kills came between a target commit and its feedback", killsBeforeFeedback);
        streaming.stop();
        QVERIFY2(streaming.error().isEmpty(), qPrintable(streaming.error()));

        running = startChild();
        QTRY_VERIFY_WITH_TIMEOUT(sameParcels(target), 120000);
        kill9(*running);
        QCOMPARE(duplicateWrites(target), 0);
        QVERIFY(number(target, QStringLiteral("SELECT count(*) FROM parcel")) > 15000);
        target.closeThreadConnection();
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
