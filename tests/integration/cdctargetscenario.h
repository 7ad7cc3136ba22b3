#pragma once

// The scenarios every cdc target kind passes (tst_cdcsqlite, tst_cdcmariadb), written once
// against a CdcTargetSide: the target database as the test sees it. Its `parcel` table mirrors
// cdc_src.parcel (cdcpairfixture.h) and logs every write it receives in `written(kind, tbl, id,
// region, version)` by trigger: an upsert once BEFORE INSERT (whether it inserts or updates), an
// update AFTER UPDATE. Every source write carries a new version, so a (kind, key, version)
// logged twice is a change applied twice.
#include "cdcpairfixture.h"
#include "cdcrunning.h"
#include "cdcsourcewriter.h"
#include "sync/engine/cdcexecutor.h"

#include <QProcess>
#include <QRandomGenerator>
#include <QSqlQuery>
#include <QtTest>
#include <algorithm>
#include <csignal>
#include <functional>

namespace tf::test::cdcpair {

class CdcTargetSide
{
public:
    virtual ~CdcTargetSide() = default;
    // A target connector for one run (a run's thread uses it alone).
    virtual std::unique_ptr<sync::TargetConnector> connector() = 0;
    // One value of a query on the target, as text ("" for none or NULL).
    virtual QString text(const QString &sql) = 0;
    virtual void exec(const QString &sql) = 0;
    // The parcel rows as parcelRows() writes them.
    virtual QStringList parcelRows() = 0;
    // The pair's stored end LSN, -1 before the position table exists or without a row.
    virtual qint64 storedEnd(const QString &pairId) = 0;

    qint64 value(const QString &sql) { return text(sql).toLongLong(); }
    // (kind, table, key, version) written more than once.
    qint64 duplicateWrites()
    {
        return value(QStringLiteral("SELECT count(*) FROM (SELECT 1 FROM written GROUP BY kind, tbl, "
                                    "id, region, version HAVING count(*) > 1) d"));
    }
};

// The rows of an executed SELECT id, region, name, big, version as text (NULL apart from ''),
// sorted: PostgreSQL and every target alike.
inline QStringList parcelRows(QSqlQuery &query)
{
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

inline QStringList sourceParcels(const db::Database &admin)
{
    QSqlQuery query = admin.prepare(QStringLiteral("SELECT id, region, name, big, version FROM cdc_src.parcel"));
    admin.exec(query, "reading source parcels");
    return parcelRows(query);
}

// A cdc run into a connector of its own, closed on the run's thread when the run ends (its
// connections belong to that thread); stopped when destroyed.
struct TargetRun
{
    std::unique_ptr<sync::TargetConnector> target;
    std::unique_ptr<CdcRunning> running;

    static std::unique_ptr<TargetRun> start(PgSyncWorld &world, CdcTargetSide &side, const sync::PairSpec &spec)
    {
        auto run = std::make_unique<TargetRun>();
        run->target = side.connector();
        TargetRun *r = run.get();
        run->running = CdcRunning::start(
            std::make_unique<sync::CdcExecutor>(spec, *world.src, *run->target, *world.quarantine), nullptr,
            [r] { r->target.reset(); });
        return run;
    }
    ~TargetRun()
    {
        if (running)
            running->stop();
    }
    sync::RunResult stop()
    {
        const sync::RunResult result = running->stop();
        if (!result.error.isEmpty() || !running->alerts.isEmpty())
            qWarning().noquote() << "run ended with" << result.error << running->alerts;
        return result;
    }
};

// Snapshot, then inserts, updates (one leaving a TOAST value unsent), key-only deletes under
// REPLICA IDENTITY DEFAULT, a key change and a mixed transaction on the composite key; the
// position lives in the target; stopped, changed, resumed: exactly the changes made while stopped
// are applied, once; TRUNCATE empties the target (delete policy propagate). Uses cdc_src.parcel
// (emptied first) and the target's parcel table (empty).
inline void snapshotStreamAndResume(PgSyncWorld &world, CdcTargetSide &side, const QString &pairId)
{
    const auto sql = [&](const QString &statement) { world.admin->execDirect(statement, "cdc target test"); };
    const auto same = [&] { return sourceParcels(*world.admin) == side.parcelRows(); };
    const sync::PairSpec spec = pairSpec(pairId);
    const QString big = QStringLiteral("(SELECT string_agg(md5(g::text), '') FROM generate_series(1, 1000) g)");
    sql(QStringLiteral("TRUNCATE cdc_src.parcel"));
    sql(QStringLiteral("INSERT INTO cdc_src.parcel (id, region, name) SELECT g, 'r' || (g % 3), 'n' || g "
                       "FROM generate_series(1, 40) g"));
    sql(QStringLiteral("UPDATE cdc_src.parcel SET big = %1, version = version + 1 WHERE id IN (7, 8)").arg(big));
    auto run = TargetRun::start(world, side, spec);
    QTRY_COMPARE_WITH_TIMEOUT(side.value(QStringLiteral("SELECT count(*) FROM parcel")), 40, 30000);
    QVERIFY(same());
    // The loaded rows commit before the transaction that saves the consistent point and clears
    // the snapshot mark: wait for that one.
    QTRY_COMPARE_WITH_TIMEOUT(side.value(QStringLiteral("SELECT count(*) FROM tf_cdc_position WHERE pair_id = '%1' AND "
                                                        "slot = 'tf_pair_%1' AND end_lsn > 0").arg(pairId)),
                              1, 30000);
    QCOMPARE(side.value(QStringLiteral("SELECT count(*) FROM tf_cdc_snapshot")), 0);

    sql(QStringLiteral("INSERT INTO cdc_src.parcel (id, region, name) VALUES (100, 'x', 'new')"));
    sql(QStringLiteral("UPDATE cdc_src.parcel SET name = 'renamed', version = version + 1 WHERE id = 7"));
    sql(QStringLiteral("DELETE FROM cdc_src.parcel WHERE id = 3"));
    sql(QStringLiteral("UPDATE cdc_src.parcel SET region = 'moved', version = version + 1 WHERE id = 5"));
    sql(QStringLiteral("BEGIN; INSERT INTO cdc_src.parcel (id, region, name) VALUES (101, 'x', 'a'); "
                       "UPDATE cdc_src.parcel SET name = NULL, version = version + 1 WHERE id = 9; "
                       "UPDATE cdc_src.parcel SET name = 'twice', version = version + 1 WHERE id = 101; "
                       "DELETE FROM cdc_src.parcel WHERE id = 10; COMMIT"));
    QTRY_VERIFY_WITH_TIMEOUT(same(), 30000);
    QCOMPARE(side.value(QStringLiteral("SELECT length(big) FROM parcel WHERE id = 7")), 32000);
    QCOMPARE(side.value(QStringLiteral("SELECT count(*) FROM parcel WHERE id IN (3, 10)")), 0);

    // The unsent TOAST value is left untouched: a value only the target holds stays.
    side.exec(QStringLiteral("UPDATE parcel SET big = 'kept by the target', version = -1 WHERE id = 8"));
    sql(QStringLiteral("UPDATE cdc_src.parcel SET name = 'toast unsent', version = version + 1 WHERE id = 8"));
    QTRY_COMPARE_WITH_TIMEOUT(side.text(QStringLiteral("SELECT name FROM parcel WHERE id = 8")),
                              QStringLiteral("toast unsent"), 30000);
    QCOMPARE(side.text(QStringLiteral("SELECT big FROM parcel WHERE id = 8")), QStringLiteral("kept by the target"));
    sql(QStringLiteral("UPDATE cdc_src.parcel SET big = 'small again', version = version + 1 WHERE id = 8"));
    QTRY_VERIFY_WITH_TIMEOUT(same(), 30000);

    sync::RunResult stopped = run->stop();
    QCOMPARE(stopped.status, sync::RunStatus::Cancelled);
    QVERIFY(stopped.error.isEmpty());
    QVERIFY(run->running->alerts.isEmpty());
    // The slot was never told more than the target stored.
    const qint64 stored = side.storedEnd(pairId);
    QVERIFY(stored > 0);
    QVERIFY(scalar(*world.admin, QStringLiteral("SELECT confirmed_flush_lsn - '0/0'::pg_lsn FROM pg_replication_slots "
                                                "WHERE slot_name = 'tf_pair_%1'").arg(pairId))
                .toLongLong()
            <= stored);

    // Changed while nobody streams; resumed from the stored LSN: exactly these 51 changes.
    sql(QStringLiteral("INSERT INTO cdc_src.parcel (id, region, name) SELECT g, 'later', 'x' FROM "
                       "generate_series(200, 249) g"));
    sql(QStringLiteral("UPDATE cdc_src.parcel SET name = 'again', version = version + 1 WHERE id = 12"));
    run = TargetRun::start(world, side, spec);
    QTRY_VERIFY_WITH_TIMEOUT(same(), 30000);
    stopped = run->stop();
    QVERIFY(stopped.error.isEmpty());
    QCOMPARE(stopped.totals.inserted, 50);
    QCOMPARE(stopped.totals.updated, 1);
    QCOMPARE(stopped.totals.deleted, 0);
    QVERIFY(side.storedEnd(pairId) > stored);

    // TRUNCATE under the delete policy (propagate): the target is emptied, then fills again.
    run = TargetRun::start(world, side, spec);
    sql(QStringLiteral("TRUNCATE cdc_src.parcel"));
    sql(QStringLiteral("INSERT INTO cdc_src.parcel (id, region, name) VALUES (300, 'after', 'x')"));
    QTRY_VERIFY_WITH_TIMEOUT(same(), 30000);
    QCOMPARE(side.value(QStringLiteral("SELECT count(*) FROM parcel")), 1);
    stopped = run->stop();
    QVERIFY(stopped.error.isEmpty());
    QCOMPARE(stopped.totals.deleted, 90);
    QCOMPARE(side.duplicateWrites(), 0);
    sync::CdcExecutor::dropReplication(world.src->url(), pairId);
}

// kill -9 of the streaming process (startChild: the test binary streaming `pairId` into the
// target) twice during the initial snapshot and `streamingKills` times while streaming, with a
// concurrent writer: afterwards the target equals the source and no change was applied twice.
// cdc_src.parcel is refilled with `rows` rows first; the target's parcel table is empty.
inline void killedAnywhereConvergesExactly(PgSyncWorld &world, const QString &url, CdcTargetSide &side,
                                           const QString &pairId, qint64 rows, int streamingKills,
                                           const std::function<std::unique_ptr<QProcess>()> &startChild)
{
    const auto value = [&](const QString &sql) { return scalar(*world.admin, sql).toLongLong(); };
    const auto same = [&] { return sourceParcels(*world.admin) == side.parcelRows(); };
    const auto kill9 = [](QProcess &child) {
        if (child.processId() > 0) // never kill(0): that is the whole process group
            ::kill(pid_t(child.processId()), SIGKILL);
        child.waitForFinished(10000);
    };
    world.admin->execDirect(QStringLiteral("TRUNCATE cdc_src.parcel"), "cdc target test");
    world.admin->execDirect(QStringLiteral("INSERT INTO cdc_src.parcel (id, region, name) SELECT g, 'r' || (g % 3), "
                                           "'n' || g FROM generate_series(0, %1) g").arg(rows - 1),
                            "cdc target test");
    QRandomGenerator random(17);
    SourceWriter writer(url, true);
    writer.start(rows);
    for (int kill = 0; kill < 2; ++kill) {
        auto child = startChild();
        QTRY_VERIFY_WITH_TIMEOUT(value(QStringLiteral("SELECT count(*) FROM pg_replication_slots WHERE "
                                                      "slot_name = 'tf_pair_%1'").arg(pairId)) > 0
                                     && side.value(QStringLiteral("SELECT count(*) FROM parcel")) > 0,
                                 60000);
        kill9(*child);
    }
    writer.stop();
    QVERIFY2(writer.error().isEmpty(), qPrintable(writer.error()));

    // The third attempt loads the snapshot. The reloads wrote rows twice by design: the log of
    // writes starts again once the target equals the quiet source.
    auto running = startChild();
    QTRY_VERIFY_WITH_TIMEOUT(side.storedEnd(pairId) > 0, 120000);
    QTRY_VERIFY_WITH_TIMEOUT(same(), 120000);
    side.exec(QStringLiteral("DELETE FROM written"));

    SourceWriter streaming(url, true);
    streaming.start(writer.nextId());
    int killsBeforeFeedback = 0;
    for (int kill = 0; kill < streamingKills; ++kill) {
        if (!running)
            running = startChild();
        const qint64 before = side.storedEnd(pairId);
        QTRY_VERIFY_WITH_TIMEOUT(side.storedEnd(pairId) > before, 60000);
        QTest::qWait(int(random.bounded(50, 800)));
        kill9(*running);
        running.reset();
        killsBeforeFeedback += value(QStringLiteral("SELECT confirmed_flush_lsn - '0/0'::pg_lsn FROM pg_replication_slots "
                                                    "WHERE slot_name = 'tf_pair_%1'").arg(pairId))
                < side.storedEnd(pairId)
            ? 1
            : 0;
    }
    qInfo("%d of %d streaming kills came between a target commit and its feedback", killsBeforeFeedback,
          streamingKills);
    streaming.stop();
    QVERIFY2(streaming.error().isEmpty(), qPrintable(streaming.error()));

    running = startChild();
    QTRY_VERIFY_WITH_TIMEOUT(same(), 120000);
    kill9(*running);
    QCOMPARE(side.duplicateWrites(), 0);
    QVERIFY(side.value(QStringLiteral("SELECT count(*) FROM parcel")) > rows * 3 / 4);
}

} // namespace tf::test::cdcpair
