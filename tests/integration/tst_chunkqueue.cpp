// The chunk leases of chunked loads (ChunkQueue, migration 0013) against a real control
// database, on SQLite and on PostgreSQL: at most workers_per_pair chunks of an operation hold
// a live lease; a chunk whose lease expired is claimed again with its checkpoint and stats,
// and its former holder's heartbeat and finish no longer count; chunks of an operation that
// is not running, or whose cancel was asked, are not claimed and their workers stop.
#include "db/connection.h"
#include "db/controldatabase.h"
#include "sync/queue/chunkqueue.h"
#include "sync/queue/operationqueue.h"
#include "testsupport.h"

#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace tf;
using namespace std::chrono_literals;
using sync::ChunkQueue;

class TestChunkQueue final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<db::ControlDatabase> m_control;
    int m_pairs = 0;

    db::Database &database() { return m_control->database(); }

    qint64 addPair()
    {
        db::Database &db = database();
        QSqlQuery system = db.prepare(QStringLiteral(
            "INSERT INTO systems (name, kind, settings) VALUES (?, 'sqlite', '{}') RETURNING id"));
        system.addBindValue(QStringLiteral("files %1").arg(++m_pairs));
        db.exec(system, "test system");
        system.next();
        const qint64 systemId = system.value(0).toLongLong();
        system.finish();
        QSqlQuery pair = db.prepare(
            QStringLiteral("INSERT INTO sync_pairs (name, source_system_id, source_entity, "
                           "target_system_id, target_entity, definition, enabled) "
                           "VALUES (?, ?, 'a', ?, 'b', '{\"mode\":\"hash\"}', ?) RETURNING id"));
        pair.addBindValue(QStringLiteral("pair %1").arg(m_pairs));
        pair.addBindValue(systemId);
        pair.addBindValue(systemId);
        pair.addBindValue(true);
        db.exec(pair, "test pair");
        pair.next();
        const qint64 id = pair.value(0).toLongLong();
        pair.finish();
        return id;
    }

    // A queued operation, and (running) the same claimed by node "coordinator".
    qint64 operation(bool running)
    {
        sync::OperationQueue queue(database());
        sync::EnqueueRequest request;
        request.pairId = addPair();
        const qint64 id = queue.enqueue(request).id;
        if (running)
            [&] { QVERIFY(queue.claim(QStringLiteral("coordinator"), 60s)); }();
        return id;
    }

    static ChunkQueue::Plan plan(int chunks, int maxWorkers)
    {
        ChunkQueue::Plan plan;
        plan.entity = QStringLiteral("parcel");
        for (int i = 0; i < chunks; ++i)
            plan.ranges << sync::KeyRange { i == 0 ? std::nullopt : std::optional<QString>(QString::number(i * 100)),
                                            i + 1 == chunks ? std::nullopt
                                                            : std::optional<QString>(QString::number((i + 1) * 100)) };
        plan.estimate = chunks * 100;
        plan.maxWorkers = maxWorkers;
        return plan;
    }

private Q_SLOTS:
    void initTestCase_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::newRow("sqlite") << QStringLiteral("sqlite");
        QTest::newRow("postgres") << QStringLiteral("postgres");
    }

    void init()
    {
        QFETCH_GLOBAL(QString, backend);
        m_dir = std::make_unique<QTemporaryDir>();
        QString url;
        if (backend == QLatin1String("postgres")) {
            url = test::createScratchPostgresDatabase(QStringLiteral("chunkq"));
            TF_REQUIRE_POSTGRES(url);
        } else {
            url = QStringLiteral("sqlite://") + m_dir->filePath(QStringLiteral("control.db"));
        }
        m_control = db::ControlDatabase::open(url, true);
    }

    void cleanup()
    {
        m_control.reset();
        m_dir.reset();
    }

    void claimsRespectWorkersPerPair()
    {
        const qint64 id = operation(true);
        ChunkQueue chunks(database());
        chunks.plan(id, plan(4, 2));
        const auto a = chunks.claim(QStringLiteral("node-a"), 60s);
        const auto b = chunks.claim(QStringLiteral("node-b"), 60s, id);
        QVERIFY(a && b);
        QCOMPARE(a->chunkNo, 1);
        QCOMPARE(b->chunkNo, 2);
        QCOMPARE(a->chunkCount, 4);
        QVERIFY(!a->range.from);
        QCOMPARE(*a->range.to, QStringLiteral("100"));
        QCOMPARE(*b->range.from, QStringLiteral("100"));
        QCOMPARE(a->attempt, 1);
        QVERIFY(!chunks.claim(QStringLiteral("node-c"), 60s)); // two hold a live lease

        sync::EntityStats stats;
        stats.read = 100;
        stats.inserted = 100;
        chunks.finish(*a, QStringLiteral("node-a"), stats);
        const auto c = chunks.claim(QStringLiteral("node-c"), 60s);
        QVERIFY(c);
        QCOMPARE(c->chunkNo, 3);
        const sync::ChunkSummary summary = chunks.summary(id, QStringLiteral("parcel"));
        QCOMPARE(summary.total, 4);
        QCOMPARE(summary.done, 1);
        QCOMPARE(summary.rowsDone, qint64(100));
        QCOMPARE(summary.stats.inserted, qint64(100));
        QCOMPARE(summary.estimate, qint64(400));
    }

    void expiredLeaseIsClaimedAgainWithItsCheckpoint()
    {
        const qint64 id = operation(true);
        ChunkQueue chunks(database());
        chunks.plan(id, plan(1, 1));
        const auto first = chunks.claim(QStringLiteral("node-a"), 60s);
        QVERIFY(first);
        QVERIFY(!first->checkpointKey);
        sync::EntityStats stats;
        stats.read = 42;
        stats.inserted = 40;
        stats.updated = 2;
        // The last heartbeat of a worker about to die: a lease that runs out at once.
        QVERIFY(chunks.heartbeat(*first, QStringLiteral("node-a"), 1ms, 41, stats));
        std::optional<sync::ChunkRecord> second;
        // (QTRY_VERIFY evaluates once more after success: claim only until one succeeded.)
        QTRY_VERIFY(second || (second = chunks.claim(QStringLiteral("node-b"), 60s)).has_value());
        QCOMPARE(second->chunkNo, 1);
        QCOMPARE(second->attempt, 2);
        QCOMPARE(second->nodeId, QStringLiteral("node-b"));
        QCOMPARE(second->checkpointKey, std::optional<qint64>(41));
        QCOMPARE(second->stats.read, qint64(42));
        QCOMPARE(second->stats.updated, qint64(2));

        // The former holder, back from a pause, holds nothing any more.
        QVERIFY(!chunks.heartbeat(*first, QStringLiteral("node-a"), 60s, 90, stats));
        chunks.finish(*first, QStringLiteral("node-a"), stats);
        QCOMPARE(chunks.summary(id, QStringLiteral("parcel")).done, 0);
        chunks.finish(*second, QStringLiteral("node-b"), stats);
        QCOMPARE(chunks.summary(id, QStringLiteral("parcel")).done, 1);
    }

    void planFlagsAndProgressAheadOfTheCheckpoint()
    {
        const qint64 id = operation(true);
        ChunkQueue chunks(database());
        ChunkQueue::Plan planned = plan(1, 1);
        planned.targetEmpty = true;
        planned.sweep = true;
        chunks.plan(id, planned);
        const auto first = chunks.claim(QStringLiteral("node-a"), 60s);
        QVERIFY(first);
        QVERIFY(first->targetEmpty);
        QVERIFY(first->sweep);
        QCOMPARE(first->stats.read, qint64(0)); // the plan's flag is no statistic

        // State applied up to key 9 (10 rows); 15 more rows committed after it: progress counts
        // them, the stats a resume starts from do not.
        sync::EntityStats atCheckpoint;
        atCheckpoint.read = 10;
        atCheckpoint.inserted = 10;
        QVERIFY(chunks.heartbeat(*first, QStringLiteral("node-a"), 60s, 9, atCheckpoint, 25));
        sync::ChunkSummary summary = chunks.summary(id, QStringLiteral("parcel"));
        QCOMPARE(summary.rowsDone, qint64(25));
        QCOMPARE(summary.stats.read, qint64(10));
        // A heartbeat without a checkpoint keeps the last one; the worker dies with it.
        QVERIFY(chunks.heartbeat(*first, QStringLiteral("node-a"), 1ms, std::nullopt, atCheckpoint, 40));
        QCOMPARE(chunks.summary(id, QStringLiteral("parcel")).rowsDone, qint64(40));
        std::optional<sync::ChunkRecord> second;
        QTRY_VERIFY(second || (second = chunks.claim(QStringLiteral("node-b"), 60s)).has_value());
        QCOMPARE(second->attempt, 2);
        QCOMPARE(second->checkpointKey, std::optional<qint64>(9));
        QCOMPARE(second->stats.read, qint64(10));
        QCOMPARE(second->stats.inserted, qint64(10));
        QVERIFY(second->sweep);
    }

    void failedChunksFailUntilQueuedAgain()
    {
        const qint64 id = operation(true);
        ChunkQueue chunks(database());
        chunks.plan(id, plan(2, 2));
        const auto a = chunks.claim(QStringLiteral("node-a"), 60s);
        QVERIFY(a);
        chunks.release(*a, QStringLiteral("node-a"), 0ms, QStringLiteral("target column too short"), true);
        sync::ChunkSummary summary = chunks.summary(id, QStringLiteral("parcel"));
        QCOMPARE(summary.failed, 1);
        QCOMPARE(summary.error, QStringLiteral("target column too short"));
        const auto b = chunks.claim(QStringLiteral("node-a"), 60s);
        QVERIFY(b);
        QCOMPARE(b->chunkNo, 2); // a failed chunk is not claimed
        QCOMPARE(chunks.requeueFailed(id, QStringLiteral("parcel")), 1);
        const auto again = chunks.claim(QStringLiteral("node-b"), 60s);
        QVERIFY(again);
        QCOMPARE(again->chunkNo, 1);
        QCOMPARE(again->attempt, 2);
    }

    void onlyChunksOfRunningOperationsAreClaimed()
    {
        ChunkQueue chunks(database());
        const qint64 running = operation(true);
        const qint64 queued = operation(false); // made second: the claim above took the oldest
        chunks.plan(queued, plan(2, 2));
        QVERIFY(!chunks.claim(QStringLiteral("node-a"), 60s));

        chunks.plan(running, plan(2, 2));
        const auto a = chunks.claim(QStringLiteral("node-a"), 60s);
        QVERIFY(a);
        QCOMPARE(a->operationId, running);
        sync::OperationQueue(database()).requestCancel(running);
        QVERIFY(!chunks.heartbeat(*a, QStringLiteral("node-a"), 60s, 10, {})); // the worker stops
        QVERIFY(!chunks.claim(QStringLiteral("node-b"), 60s));
    }
};

QTEST_GUILESS_MAIN(TestChunkQueue)
#include "tst_chunkqueue.moc"
