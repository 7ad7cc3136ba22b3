#include "cdcpairfixture.h"
#include "cdcrunning.h"
#include "core/errors.h"
#include "sync/cdc/cdcpositionstore.h"
#include "sync/engine/cdcexecutor.h"
#include "testsupport.h"

#include <QMutex>
#include <QThread>
#include <QtTest>
#include <atomic>
#include <memory>

using namespace tf;
using namespace tf::test::cdcpair;
using tf::test::scalar;

// cdc mode end to end against a wal_level=logical cluster the test starts: the executor on
// a thread of its own, the test writing to the source and waiting for the target to match.
class TestCdcExecutor : public QObject
{
    Q_OBJECT

    std::unique_ptr<test::TemporaryPostgres> m_cluster;
    test::PgSyncWorld m_world;

    using Running = test::CdcRunning;

    std::unique_ptr<Running> start(const QString &pairId)
    {
        return Running::start(std::make_unique<sync::CdcExecutor>(
            pairSpec(pairId), *m_world.src, *m_world.dst, *m_world.quarantine));
    }

    void sql(const QString &statement) { m_world.admin->execDirect(statement, "cdc test"); }
    qint64 count(const QString &table)
    {
        return scalar(*m_world.admin, QStringLiteral("SELECT count(*) FROM ") + table).toLongLong();
    }

private Q_SLOTS:
    void initTestCase()
    {
        TF_START_LOGICAL_CLUSTER(m_cluster);
        QVERIFY(m_world.open(m_cluster->url(), kSrc, kDst));
        createTables(*m_world.admin);
    }

    void cleanupTestCase()
    {
        m_world.close();
        m_cluster.reset();
    }

    // Snapshot, then every kind of change streamed; stopped, changed while stopped, resumed:
    // the target equals the source and nothing is written twice.
    void snapshotStreamAndResume()
    {
        // 40 rows before the slot exists, one with a 30 kB value stored out of line (TOAST).
        sql(QStringLiteral("INSERT INTO cdc_src.parcel (id, region, name, big) SELECT g, 'r' || (g % 3), "
                           "'n' || g, NULL FROM generate_series(1, 40) g"));
        sql(QStringLiteral("UPDATE cdc_src.parcel SET big = (SELECT string_agg(md5(g::text), '') FROM "
                           "generate_series(1, 1000) g), version = version + 1 WHERE id = 7"));
        auto running = start(QStringLiteral("func"));
        QTRY_COMPARE_WITH_TIMEOUT(count(QStringLiteral("cdc_dst.parcel")), 40, 30000);

        // Inserts, an update leaving the large value unchanged (not sent: 'u'), a delete under
        // DEFAULT identity (key only), a key change, several statements in one transaction.
        sql(QStringLiteral("INSERT INTO cdc_src.parcel (id, region, name) VALUES (100, 'x', 'new')"));
        sql(QStringLiteral("UPDATE cdc_src.parcel SET name = 'renamed', version = version + 1 WHERE id = 7"));
        sql(QStringLiteral("DELETE FROM cdc_src.parcel WHERE id = 3"));
        sql(QStringLiteral("UPDATE cdc_src.parcel SET region = 'moved', version = version + 1 WHERE id = 5"));
        sql(QStringLiteral("BEGIN; INSERT INTO cdc_src.parcel (id, region, name) VALUES (101, 'x', 'a'); "
                           "UPDATE cdc_src.parcel SET name = NULL, version = version + 1 WHERE id = 8; "
                           "DELETE FROM cdc_src.parcel WHERE id = 9; COMMIT"));
        QTRY_COMPARE_WITH_TIMEOUT(differences(*m_world.admin), 0, 30000);
        QCOMPARE(scalar(*m_world.admin,
                        QStringLiteral("SELECT length(big) FROM cdc_dst.parcel WHERE id = 7")).toInt(),
                 32000);
        QCOMPARE(count(QStringLiteral("cdc_dst.parcel WHERE id IN (3, 9)")), 0);

        sync::RunResult stopped = running->stop();
        QCOMPARE(stopped.status, sync::RunStatus::Cancelled);
        QVERIFY2(stopped.error.isEmpty(), qPrintable(stopped.error));
        QVERIFY(running->alerts.isEmpty());

        // Changed while nobody streams, then resumed from the stored position.
        sql(QStringLiteral("INSERT INTO cdc_src.parcel (id, region, name) SELECT g, 'later', 'x' FROM "
                           "generate_series(200, 249) g"));
        sql(QStringLiteral("UPDATE cdc_src.parcel SET name = 'again', version = version + 1 WHERE id = 10"));
        running = start(QStringLiteral("func"));
        QTRY_COMPARE_WITH_TIMEOUT(differences(*m_world.admin), 0, 30000);

        // TRUNCATE follows the delete policy (propagate): the target is emptied too.
        sql(QStringLiteral("TRUNCATE cdc_src.parcel"));
        sql(QStringLiteral("INSERT INTO cdc_src.parcel (id, region, name) VALUES (300, 'after', 'x')"));
        QTRY_COMPARE_WITH_TIMEOUT(differences(*m_world.admin), 0, 30000);
        QCOMPARE(count(QStringLiteral("cdc_dst.parcel")), 1);
        stopped = running->stop();
        QVERIFY2(stopped.error.isEmpty(), qPrintable(stopped.error));
        QCOMPARE(duplicates(*m_world.admin), 0);
        QVERIFY(stopped.totals.updated > 0);
    }

    // Source transactions large enough for the set-based apply (runs of more than
    // cdc::PgCdcTableWriter::kMinSetRows changes: COPY into a temporary table, one merge): inserts,
    // a key written twice in one run, partial updates leaving a TOAST value untouched, partial
    // updates of rows the target lacks (quarantined, the others written), deletes.
    void setBasedRunsAreExact()
    {
        const QString big = QStringLiteral(
            "(SELECT string_agg(md5(g::text), '') FROM generate_series(1, 1000) g)");
        sql(QStringLiteral("TRUNCATE cdc_src.parcel, cdc_dst.parcel"));
        auto running = start(QStringLiteral("runs"));
        QTRY_VERIFY_WITH_TIMEOUT(
            scalar(*m_world.admin, test::streamingSlotQuery(QStringLiteral("tf_pair_runs"))).toInt() == 1,
            30000);
        sql(QStringLiteral(
                "INSERT INTO cdc_src.parcel (id, region, name, big) SELECT g, 'b', 'n' || g, "
                "CASE WHEN g < 1040 THEN %1 END FROM generate_series(1000, 1099) g")
                .arg(big));
        QTRY_COMPARE_WITH_TIMEOUT(differences(*m_world.admin), 0, 30000);
        // Rows the target lost behind the pair's back: their partial update cannot be written.
        sql(QStringLiteral("DELETE FROM cdc_dst.parcel WHERE id BETWEEN 1000 AND 1004"));
        sql(QStringLiteral(
            "BEGIN; UPDATE cdc_src.parcel SET name = 'toast kept', version = version + 1 "
            "WHERE id BETWEEN 1000 AND 1039; "
            "INSERT INTO cdc_src.parcel (id, region, name) SELECT g, 'b', 'first' FROM "
            "generate_series(2000, 2019) g; "
            "UPDATE cdc_src.parcel SET name = 'second', version = version + 1 WHERE id >= 2000; "
            "DELETE FROM cdc_src.parcel WHERE id BETWEEN 1050 AND 1079; COMMIT"));
        QTRY_COMPARE_WITH_TIMEOUT(count(QStringLiteral("cdc_dst.parcel WHERE name = 'second'")), 20,
                                  30000);
        QCOMPARE(count(QStringLiteral(
                     "cdc_dst.parcel WHERE name = 'toast kept' AND length(big) = 32000")),
                 35);
        QCOMPARE(count(QStringLiteral("cdc_dst.parcel WHERE id BETWEEN 1000 AND 1004")), 0);
        QCOMPARE(count(QStringLiteral("cdc_dst.parcel WHERE id BETWEEN 1050 AND 1079")), 0);
        // Apart from the five lost rows, the target equals the source.
        sql(QStringLiteral("DELETE FROM cdc_src.parcel WHERE id BETWEEN 1000 AND 1004"));
        QTRY_COMPARE_WITH_TIMEOUT(differences(*m_world.admin), 0, 30000);
        const sync::RunResult stopped = running->stop();
        QVERIFY2(stopped.error.isEmpty(), qPrintable(stopped.error));
        QCOMPARE(stopped.totals.quarantined, 5);
        QCOMPARE(stopped.totals.deleted, 30);
        QCOMPARE(duplicates(*m_world.admin), 0);
    }

    // A slot dropped behind the pair's back: the next start stops with the alert and the
    // repair, instead of streaming from wherever the server is now.
    void droppedSlotStopsWithAlert()
    {
        const QString slot = sync::CdcExecutor::slotName(QStringLiteral("func"));
        QTRY_COMPARE_WITH_TIMEOUT(
            scalar(*m_world.admin, QStringLiteral("SELECT count(*) FROM pg_replication_slots WHERE "
                                                  "slot_name = '%1' AND active").arg(slot)).toInt(),
            0, 10000);
        sql(QStringLiteral("SELECT pg_drop_replication_slot('%1')").arg(slot));
        auto running = start(QStringLiteral("func"));
        QVERIFY(running->thread->wait(30000));
        QCOMPARE(running->result.status, sync::RunStatus::Failed);
        QVERIFY2(running->result.error.contains(QStringLiteral("is gone")), qPrintable(running->result.error));
        QCOMPARE(running->alerts.size(), 1);
        QVERIFY2(running->alerts.first().startsWith(QStringLiteral("cdc_slot: ")),
                 qPrintable(running->alerts.first()));
    }

    // Deleting a pair drops its slot and publication.
    void dropReplicationRemovesSlotAndPublication()
    {
        auto running = start(QStringLiteral("gone"));
        QTRY_COMPARE_WITH_TIMEOUT(
            scalar(*m_world.admin, test::streamingSlotQuery(QStringLiteral("tf_pair_gone"))).toInt(), 1, 30000);
        running->stop();
        QTRY_COMPARE_WITH_TIMEOUT(
            scalar(*m_world.admin, QStringLiteral("SELECT count(*) FROM pg_replication_slots WHERE "
                                                  "slot_name = 'tf_pair_gone' AND active")).toInt(),
            0, 10000);
        sync::CdcExecutor::dropReplication(m_world.src->url(), QStringLiteral("gone"));
        QCOMPARE(scalar(*m_world.admin, QStringLiteral("SELECT count(*) FROM pg_replication_slots "
                                                       "WHERE slot_name = 'tf_pair_gone'")).toInt(), 0);
        QCOMPARE(scalar(*m_world.admin, QStringLiteral("SELECT count(*) FROM pg_publication WHERE "
                                                       "pubname = 'tf_pair_gone_pub'")).toInt(), 0);
    }
};

QTEST_GUILESS_MAIN(TestCdcExecutor)
#include "tst_cdcexecutor.moc"
