// The operation queue against a real control database, on SQLite and on PostgreSQL (every
// test runs once per backend): enqueue dedupe, claim order, one running operation per pair
// with eight threads claiming at once, lease expiry and requeue, cancel, retry, backoff,
// logs, list filters and cursor paging, dry-run change sets.
#include "core/errors.h"
#include "db/connection.h"
#include "db/controldatabase.h"
#include "sync/queue/operationqueue.h"
#include "testsupport.h"

#include <QElapsedTimer>
#include <QMutex>
#include <QSet>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <atomic>
#include <memory>
#include <vector>

using namespace tf;
using namespace std::chrono_literals;
using sync::EnqueueRequest;
using sync::OperationQueue;

namespace {

Error::Kind errorKindOf(const std::function<void()> &call)
{
    try {
        call();
    } catch (const Error &error) {
        return error.kind();
    }
    return Error::Kind::Internal; // "no error" never matches the kinds the tests expect
}

#define EXPECT_ERROR(kind, call) QCOMPARE(errorKindOf([&] { call; }), kind)

// The specific code of the problem the call raises (docs/api-conventions.md); "" when none.
QString errorCodeOf(const std::function<void()> &call)
{
    try {
        call();
    } catch (const Error &error) {
        return error.code();
    }
    return QString();
}

#define EXPECT_CODE(code, call) QCOMPARE(errorCodeOf([&] { call; }), QStringLiteral(code))

EnqueueRequest request(qint64 pairId, const QString &trigger = QStringLiteral("manual"))
{
    EnqueueRequest r;
    r.pairId = pairId;
    r.trigger = trigger;
    return r;
}

} // namespace

class TestQueue final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<db::ControlDatabase> m_control;
    qint64 m_systemId = 0;
    int m_pairs = 0;

    db::Database &database() { return m_control->database(); }

    qint64 addPair(bool enabled = true, const QString &mode = QStringLiteral("hash"))
    {
        db::Database &db = database();
        if (m_systemId == 0) {
            QSqlQuery system
                = db.prepare(QStringLiteral("INSERT INTO systems (name, kind, settings) VALUES "
                                            "('files', 'sqlite', '{}') RETURNING id"));
            db.exec(system, "test system");
            system.next();
            m_systemId = system.value(0).toLongLong();
            system.finish();
        }
        QSqlQuery pair = db.prepare(
            QStringLiteral("INSERT INTO sync_pairs (name, source_system_id, source_entity, "
                           "target_system_id, target_entity, definition, enabled) "
                           "VALUES (?, ?, 'a', ?, 'b', ?, ?) RETURNING id"));
        pair.addBindValue(QStringLiteral("pair %1").arg(++m_pairs));
        pair.addBindValue(m_systemId);
        pair.addBindValue(m_systemId);
        pair.addBindValue(QStringLiteral("{\"mode\":\"%1\"}").arg(mode));
        pair.addBindValue(enabled);
        db.exec(pair, "test pair");
        pair.next();
        const qint64 id = pair.value(0).toLongLong();
        pair.finish();
        return id;
    }

    // A second queued operation for a pair, which enqueue() never makes but a re-queue can.
    qint64 insertQueued(qint64 pairId)
    {
        QSqlQuery insert = database().prepare(
            QStringLiteral("INSERT INTO sync_operations (pair_id, status, trigger) "
                           "VALUES (?, 'queued', 'manual') RETURNING id"));
        insert.addBindValue(pairId);
        database().exec(insert, "test operation");
        insert.next();
        const qint64 id = insert.value(0).toLongLong();
        insert.finish();
        return id;
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
        m_systemId = 0;
        m_pairs = 0;
        m_dir = std::make_unique<QTemporaryDir>();
        QString url;
        if (backend == QLatin1String("postgres")) {
            url = test::createScratchPostgresDatabase(QStringLiteral("queue"));
            TF_REQUIRE_POSTGRES(url);
        } else {
            url = QStringLiteral("sqlite://") + m_dir->filePath(QStringLiteral("control.db"));
        }
        m_control = db::ControlDatabase::open(url, true);
    }

    void cleanup()
    {
        OperationQueue::setEnqueueListener({});
        m_control.reset();
        m_dir.reset();
    }

    void enqueueDedupesPerPair()
    {
        OperationQueue queue(database());
        const qint64 a = addPair();
        const qint64 b = addPair(true, QStringLiteral("cursor"));
        int notified = 0;
        OperationQueue::setEnqueueListener([&](const db::OperationRecord &) { ++notified; });

        const db::OperationRecord first = queue.enqueue(request(a));
        QCOMPARE(first.status, QStringLiteral("queued"));
        QCOMPARE(first.mode, QStringLiteral("hash")); // the pair's own
        QCOMPARE(first.trigger, QStringLiteral("manual"));
        QCOMPARE(first.attempt, 0);
        QCOMPARE(queue.enqueue(request(a, QStringLiteral("schedule"))).id, first.id);
        QCOMPARE(notified, 1);

        EnqueueRequest full = request(b);
        full.mode = QStringLiteral("full");
        full.dryRun = true;
        full.fullResync = true;
        const db::OperationRecord second = queue.enqueue(full);
        QVERIFY(second.id != first.id);
        QCOMPARE(second.mode, QStringLiteral("full"));
        QVERIFY(second.dryRun);
        QVERIFY(second.fullResync);
        QCOMPARE(notified, 2);
        // Other options than the queued operation's: refused, never merged into it silently.
        try {
            queue.enqueue(request(b));
            QFAIL("a start with other options joined the queued operation");
        } catch (const Error &error) {
            QCOMPARE(error.kind(), Error::Kind::Conflict);
            QCOMPARE(error.code(), QStringLiteral("operation_queued"));
            QCOMPARE(error.details().value(QStringLiteral("operation_id")).toInteger(), second.id);
        }
        bool created = true;
        QCOMPARE(queue.enqueue(full, &created).id, second.id); // the same options join it
        QVERIFY(!created);
        QCOMPARE(notified, 2);

        EXPECT_ERROR(Error::Kind::NotFound, queue.enqueue(request(9999)));
        const qint64 disabled = addPair(false);
        EXPECT_ERROR(Error::Kind::Conflict, queue.enqueue(request(disabled)));
        EXPECT_CODE("pair_disabled", queue.enqueue(request(disabled)));
        EnqueueRequest badMode = request(a);
        badMode.mode = QStringLiteral("sideways");
        EXPECT_ERROR(Error::Kind::Validation, queue.enqueue(badMode));
        EXPECT_ERROR(Error::Kind::Validation, queue.enqueue(request(a, QStringLiteral("whim"))));

        // Once the queued one runs, a new enqueue makes a new operation.
        const auto claimed = queue.claim(QStringLiteral("node-a"), 30s);
        QVERIFY(claimed);
        QCOMPARE(claimed->id, first.id);
        const db::OperationRecord third = queue.enqueue(request(a));
        QVERIFY(third.id != first.id);
        QCOMPARE(third.status, QStringLiteral("queued"));
    }

    void claimTakesOldestWhosePairIsFree()
    {
        OperationQueue queue(database());
        const qint64 a = addPair();
        const qint64 b = addPair();
        const qint64 c = addPair();
        const qint64 opA = queue.enqueue(request(a)).id;
        const qint64 opB = queue.enqueue(request(b)).id;
        const qint64 opC = queue.enqueue(request(c)).id;
        const qint64 opA2 = insertQueued(a); // behind opA, same pair

        const auto first = queue.claim(QStringLiteral("node-a"), 30s);
        QVERIFY(first);
        QCOMPARE(first->id, opA);
        QCOMPARE(first->status, QStringLiteral("running"));
        QCOMPARE(first->nodeId, QStringLiteral("node-a"));
        QCOMPARE(first->leaseOwner, QStringLiteral("node-a"));
        QCOMPARE(first->attempt, 1);
        QVERIFY(first->startedAt.isValid());
        QVERIFY(first->leaseExpiresAt > QDateTime::currentDateTimeUtc().addSecs(20));
        QCOMPARE(queue.claim(QStringLiteral("node-b"), 30s)->id, opB);
        QCOMPARE(queue.claim(QStringLiteral("node-a"), 30s)->id, opC);
        QVERIFY(!queue.claim(QStringLiteral("node-b"), 30s)); // opA2 waits: pair a is running

        queue.finish(opA, QStringLiteral("node-a"), QStringLiteral("completed"),
                     QJsonObject { { QStringLiteral("rows"), 5 } }, QString());
        const db::OperationRecord done = queue.get(opA);
        QCOMPARE(done.status, QStringLiteral("completed"));
        QCOMPARE(done.progress, 100.0);
        QVERIFY(done.leaseOwner.isEmpty());
        QVERIFY(done.finishedAt.isValid());
        QCOMPARE(done.statistics.value(QStringLiteral("rows")).toInt(), 5);
        QCOMPARE(queue.claim(QStringLiteral("node-b"), 30s)->id, opA2);

        // finish() by a node that does not hold the lease changes nothing.
        queue.finish(opB, QStringLiteral("node-a"), QStringLiteral("failed"), {},
                     QStringLiteral("not mine"));
        QCOMPARE(queue.get(opB).status, QStringLiteral("running"));
        EXPECT_ERROR(Error::Kind::Internal,
                     queue.finish(opB, QStringLiteral("node-b"), QStringLiteral("queued"), {}, {}));
    }

    void oneRunningPerPairWithEightThreads()
    {
        constexpr int kPairs = 6;
        constexpr int kThreads = 8;
        QList<qint64> pairs;
        {
            OperationQueue queue(database());
            for (int i = 0; i < kPairs; ++i) {
                pairs << addPair();
                queue.enqueue(request(pairs.last()));
                insertQueued(pairs.last());
                insertQueued(pairs.last());
            }
        }
        // Rounds: every thread claims until nothing is left; nobody finishes within a round,
        // so each round may claim each pair at most once. Then all claimed ones finish.
        QSet<qint64> everyClaim;
        for (int round = 0; round < 3; ++round) {
            QMutex mutex;
            QList<db::OperationRecord> claimed;
            std::atomic_int errors { 0 };
            std::vector<std::unique_ptr<QThread>> threads;
            for (int t = 0; t < kThreads; ++t) {
                threads.emplace_back(QThread::create([&, t] {
                    OperationQueue queue(database());
                    for (int i = 0; i < 4; ++i) {
                        try {
                            const auto operation
                                = queue.claim(QStringLiteral("node-%1").arg(t), 30s);
                            if (operation) {
                                QMutexLocker locker(&mutex);
                                claimed << *operation;
                            }
                        } catch (const Error &error) {
                            qWarning("claim failed: %s", qPrintable(error.message()));
                            ++errors;
                        }
                    }
                }));
                threads.back()->start();
            }
            for (auto &thread : threads)
                QVERIFY(thread->wait(60000));
            QCOMPARE(errors.load(), 0);
            QSet<qint64> pairsThisRound;
            for (const db::OperationRecord &operation : std::as_const(claimed)) {
                QVERIFY2(!pairsThisRound.contains(operation.pairId),
                         "two running operations for one pair");
                pairsThisRound.insert(operation.pairId);
                QVERIFY(!everyClaim.contains(operation.id));
                everyClaim.insert(operation.id);
            }
            QCOMPARE(pairsThisRound.size(), kPairs);

            QSqlQuery running(database().connection());
            QVERIFY(running.exec(QStringLiteral("SELECT pair_id, COUNT(*) FROM sync_operations "
                                                "WHERE status = 'running' GROUP BY pair_id")));
            int runningPairs = 0;
            while (running.next()) {
                ++runningPairs;
                QCOMPARE(running.value(1).toInt(), 1);
            }
            QCOMPARE(runningPairs, kPairs);
            running.finish();

            OperationQueue queue(database());
            for (const db::OperationRecord &operation : std::as_const(claimed))
                queue.finish(operation.id, operation.leaseOwner, QStringLiteral("completed"), {},
                             {});
        }
        QCOMPARE(everyClaim.size(), kPairs * 3);
        QVERIFY(!OperationQueue(database()).claim(QStringLiteral("node-x"), 30s));
    }

    void expiredLeaseIsRequeued()
    {
        OperationQueue queue(database());
        const qint64 pair = addPair();
        const qint64 id = queue.enqueue(request(pair)).id;
        QVERIFY(queue.claim(QStringLiteral("node-a"), 200ms));
        QCOMPARE(queue.requeueExpired(), 0);
        QVERIFY(queue.heartbeat(id, QStringLiteral("node-a"), 200ms, 40, QStringLiteral("property"),
                                QJsonObject { { QStringLiteral("read"), 400 } }));
        const db::OperationRecord beating = queue.get(id);
        QCOMPARE(beating.progress, 40.0);
        QCOMPARE(beating.currentEntity, QStringLiteral("property"));
        QVERIFY(beating.heartbeatAt.isValid());
        QVERIFY(!queue.heartbeat(id, QStringLiteral("node-b"), 200ms, 50, QString(),
                                 {})); // not its lease
        QVERIFY(queue.heartbeat(id, QStringLiteral("node-a"), 200ms, -1, QStringLiteral("property"),
                                {}));
        QCOMPARE(queue.get(id).progress, 40.0); // unknown percent keeps the last one

        QTest::qWait(350);
        QCOMPARE(queue.requeueExpired(), 1);
        const db::OperationRecord requeued = queue.get(id);
        QCOMPARE(requeued.status, QStringLiteral("queued"));
        QVERIFY(requeued.leaseOwner.isEmpty());
        QVERIFY(!queue.heartbeat(id, QStringLiteral("node-a"), 30s, 60, QString(),
                                 {})); // the old owner stops
        QVERIFY(queue.logLines(id)
                    .join(QLatin1Char('\n'))
                    .contains(QStringLiteral("lease of node node-a expired; re-queued")));

        const auto again = queue.claim(QStringLiteral("node-b"), 30s);
        QVERIFY(again);
        QCOMPARE(again->id, id);
        QCOMPARE(again->attempt, 2);
        QCOMPARE(again->nodeId, QStringLiteral("node-b"));
        QCOMPARE(again->startedAt, requeued.startedAt);
    }

    void releaseWaitsForBackoff()
    {
        OperationQueue queue(database());
        const qint64 id = queue.enqueue(request(addPair())).id;
        QVERIFY(queue.claim(QStringLiteral("node-a"), 30s));
        QVERIFY(!queue.release(id, QStringLiteral("node-b"), 0ms, QString()));
        QVERIFY(queue.release(id, QStringLiteral("node-a"), 600ms,
                              QStringLiteral("connection refused")));
        const db::OperationRecord waiting = queue.get(id);
        QCOMPARE(waiting.status, QStringLiteral("queued"));
        QCOMPARE(waiting.error, QStringLiteral("connection refused"));
        QVERIFY(waiting.notBefore.isValid());
        QVERIFY(!queue.claim(QStringLiteral("node-a"), 30s));
        // (QTRY_* evaluates its expression once more after success: a claim must not be in it.)
        std::optional<db::OperationRecord> claimed;
        QElapsedTimer waited;
        waited.start();
        while (!claimed && waited.elapsed() < 5000) {
            QTest::qWait(50);
            claimed = queue.claim(QStringLiteral("node-a"), 30s);
        }
        QVERIFY(claimed);
        QVERIFY(waited.elapsed() >= 400); // not before the backoff
        QCOMPARE(claimed->attempt, 2);

        // A node shutting down hands the operation back without spending an attempt.
        QVERIFY(queue.release(id, QStringLiteral("node-a"), 0ms, QString(), false));
        QCOMPARE(queue.get(id).attempt, 1);
        QCOMPARE(queue.claim(QStringLiteral("node-b"), 30s)->attempt, 2);
    }

    void cancelQueuedAndRunning()
    {
        OperationQueue queue(database());
        const qint64 queuedId = queue.enqueue(request(addPair())).id;
        const db::OperationRecord cancelled = queue.requestCancel(queuedId);
        QCOMPARE(cancelled.status, QStringLiteral("cancelled"));
        QVERIFY(cancelled.finishedAt.isValid());
        EXPECT_ERROR(Error::Kind::Conflict, queue.requestCancel(queuedId));
        EXPECT_CODE("operation_finished", queue.requestCancel(queuedId));
        EXPECT_ERROR(Error::Kind::NotFound, queue.requestCancel(424242));
        QVERIFY(!queue.claim(QStringLiteral("node-a"), 30s));

        const qint64 runningId = queue.enqueue(request(addPair())).id;
        QVERIFY(queue.claim(QStringLiteral("node-a"), 30s));
        const db::OperationRecord asked = queue.requestCancel(runningId);
        QCOMPARE(asked.status, QStringLiteral("running"));
        QVERIFY(asked.cancelRequested);
        QCOMPARE(queue.requestCancel(runningId).status,
                 QStringLiteral("running")); // asking twice is fine
        QVERIFY(!queue.heartbeat(runningId, QStringLiteral("node-a"), 30s, 10, QString(),
                                 {})); // -> stop
        queue.finish(runningId, QStringLiteral("node-a"), QStringLiteral("cancelled"), {},
                     QStringLiteral("cancelled on request"));
        QCOMPARE(queue.get(runningId).status, QStringLiteral("cancelled"));
        EXPECT_ERROR(Error::Kind::Conflict, queue.requestCancel(runningId));

        // A node that dies while cancelling: the reaper finishes the cancel.
        const qint64 orphan = queue.enqueue(request(addPair())).id;
        QVERIFY(queue.claim(QStringLiteral("node-a"), 100ms));
        queue.requestCancel(orphan);
        QTest::qWait(250);
        QCOMPARE(queue.requeueExpired(), 1);
        QCOMPARE(queue.get(orphan).status, QStringLiteral("cancelled"));
    }

    // The worker can see a cancel request and stop between the request's UPDATE and its read
    // of the operation: a trigger stands in for that worker here. The request caused the
    // cancel, so it succeeds (no 409 'operation_finished' for a cancel that took effect).
    void cancelThatStopsTheWorkerAtOnceIsASuccess()
    {
        OperationQueue queue(database());
        const qint64 id = queue.enqueue(request(addPair())).id;
        QVERIFY(queue.claim(QStringLiteral("node-a"), 30s));
        const bool postgres = database().dialect().isPostgres();
        if (postgres) {
            database().execDirect(QStringLiteral(
                "CREATE FUNCTION worker_stops() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                "UPDATE sync_operations SET status = 'cancelled', finished_at = now() WHERE id = NEW.id; "
                "RETURN NULL; END $$"), "test trigger");
            database().execDirect(QStringLiteral(
                "CREATE TRIGGER worker_stops AFTER UPDATE OF cancel_requested ON sync_operations "
                "FOR EACH ROW WHEN (NEW.cancel_requested AND NEW.status = 'running') EXECUTE FUNCTION worker_stops()"),
                                  "test trigger");
        } else {
            database().execDirect(QStringLiteral(
                "CREATE TRIGGER worker_stops AFTER UPDATE OF cancel_requested ON sync_operations "
                "WHEN NEW.cancel_requested AND NEW.status = 'running' BEGIN "
                "UPDATE sync_operations SET status = 'cancelled', finished_at = '2026-01-01T00:00:00.000Z' "
                "WHERE id = NEW.id; END"), "test trigger");
        }
        const db::OperationRecord after = queue.requestCancel(id);
        QCOMPARE(after.status, QStringLiteral("cancelled"));
        QVERIFY(after.cancelRequested);
        // A second request finds it finished: that one is the conflict.
        EXPECT_CODE("operation_finished", queue.requestCancel(id));
    }

    void retryMakesANewOperation()
    {
        OperationQueue queue(database());
        const qint64 pair = addPair();
        EnqueueRequest dry = request(pair);
        dry.dryRun = true;
        const qint64 id = queue.enqueue(dry).id;
        EXPECT_ERROR(Error::Kind::Conflict, queue.retry(id)); // still queued
        EXPECT_CODE("operation_queued", queue.retry(id));
        QVERIFY(queue.claim(QStringLiteral("node-a"), 30s));
        EXPECT_ERROR(Error::Kind::Conflict, queue.retry(id)); // running
        EXPECT_CODE("operation_running", queue.retry(id));
        queue.finish(id, QStringLiteral("node-a"), QStringLiteral("failed"), {},
                     QStringLiteral("no such table: parcels"));
        const db::OperationRecord retried = queue.retry(id);
        QVERIFY(retried.id != id);
        QCOMPARE(retried.status, QStringLiteral("queued"));
        QCOMPARE(retried.trigger, QStringLiteral("retry"));
        QCOMPARE(retried.retryOf, id);
        QVERIFY(retried.dryRun);
        QCOMPARE(retried.attempt, 0);
        QVERIFY(queue.logLines(id).last().contains(
            QStringLiteral("retried as operation %1").arg(retried.id)));
        EXPECT_ERROR(Error::Kind::NotFound, queue.retry(777777));

        QVERIFY(queue.claim(QStringLiteral("node-a"), 30s));
        queue.finish(retried.id, QStringLiteral("node-a"), QStringLiteral("completed"), {}, {});
        EXPECT_ERROR(Error::Kind::Conflict, queue.retry(retried.id));
        EXPECT_CODE("operation_finished", queue.retry(retried.id));
    }

    void logsAndChanges()
    {
        OperationQueue queue(database());
        const qint64 id = queue.enqueue(request(addPair())).id;
        queue.appendLog(id, QStringLiteral("started on node n1"));
        queue.appendLog(id, QStringLiteral("entity property done"));
        const QStringList lines = queue.logLines(id);
        QCOMPARE(lines.size(), 3);
        QVERIFY(lines.at(0).contains(QStringLiteral("queued (trigger manual, mode hash)")));
        QVERIFY(lines.at(1).endsWith(QStringLiteral(" started on node n1")));
        QVERIFY(lines.at(2).endsWith(QStringLiteral(" entity property done")));
        QVERIFY(
            QDateTime::fromString(lines.at(1).section(QLatin1Char(' '), 0, 0), Qt::ISODateWithMs)
                .isValid());
        QVERIFY(queue.logLines(99999).isEmpty());

        QVERIFY(queue.changes(id).isEmpty());
        const QJsonArray changes { QJsonObject {
            { QStringLiteral("entity"), QStringLiteral("property") },
            { QStringLiteral("kind"), QStringLiteral("insert") },
            { QStringLiteral("key"), QStringLiteral("7") } } };
        queue.saveChanges(id, changes);
        QCOMPARE(queue.changes(id), changes);
        EXPECT_ERROR(Error::Kind::NotFound, queue.saveChanges(99999, changes));
        EXPECT_ERROR(Error::Kind::NotFound, queue.changes(99999));
        EXPECT_ERROR(Error::Kind::NotFound, queue.get(99999));
    }

    void listFiltersAndPages()
    {
        OperationQueue queue(database());
        const qint64 a = addPair();
        const qint64 b = addPair();
        QList<qint64> ofA;
        for (int i = 0; i < 5; ++i) {
            const qint64 id = queue.enqueue(request(a)).id;
            ofA << id;
            QVERIFY(queue.claim(QStringLiteral("node-a"), 30s));
            queue.finish(id, QStringLiteral("node-a"),
                         i % 2 ? QStringLiteral("failed") : QStringLiteral("completed"), {}, {});
        }
        QTest::qWait(20); // timestamps have millisecond precision: keep "since" strictly between
        const QDateTime middle = QDateTime::currentDateTimeUtc();
        QTest::qWait(20);
        const qint64 ofB = queue.enqueue(request(b)).id;

        OperationQueue::ListFilter all;
        const QList<db::OperationRecord> everything = queue.list(all);
        QCOMPARE(everything.size(), 6);
        QCOMPARE(everything.first().id, ofB); // newest first

        OperationQueue::ListFilter byPair;
        byPair.pairId = a;
        QCOMPARE(queue.list(byPair).size(), 5);
        OperationQueue::ListFilter failed;
        failed.pairId = a;
        failed.status = QStringLiteral("failed");
        const QList<db::OperationRecord> failures = queue.list(failed);
        QCOMPARE(failures.size(), 2);
        QCOMPARE(failures.at(0).id, ofA.at(3));
        QCOMPARE(failures.at(1).id, ofA.at(1));
        OperationQueue::ListFilter recent;
        recent.since = middle;
        QCOMPARE(queue.list(recent).size(), 1);
        QCOMPARE(queue.list(recent).first().id, ofB);

        // Cursor paging: pages of 2, each starting below the last id seen, cover all once.
        OperationQueue::ListFilter page;
        page.limit = 2;
        QList<qint64> seen;
        for (int i = 0; i < 10; ++i) {
            const QList<db::OperationRecord> records = queue.list(page);
            if (records.isEmpty())
                break;
            QVERIFY(records.size() <= 2);
            for (const db::OperationRecord &record : records)
                seen << record.id;
            page.beforeId = records.last().id;
        }
        QList<qint64> expected;
        for (const db::OperationRecord &record : everything)
            expected << record.id;
        QCOMPARE(seen, expected);
    }
};

QTEST_GUILESS_MAIN(TestQueue)
#include "tst_queue.moc"
