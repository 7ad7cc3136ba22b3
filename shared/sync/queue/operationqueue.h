#pragma once

#include "db/repositories/operationrepository.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <chrono>
#include <functional>
#include <optional>

namespace tf::db {
class Database;
}

namespace tf::sync {

struct EnqueueRequest
{
    qint64 pairId = 0;
    QString mode; // "" = the pair's own; else hash, cursor or full
    bool dryRun = false;
    bool fullResync = false;
    QString trigger = QStringLiteral("manual"); // manual, schedule, retry, startup
};

// The operation queue in sync_operations, shared by every tf-syncd node on one control
// database (DESIGN.md section 7). An operation is queued, claimed by one worker with a lease
// (owner + expiry) kept alive by heartbeats, and finished; a lease that stops being renewed
// (a node killed) is re-queued by any node's reaper and the next run resumes from the pair's
// checkpoint. PostgreSQL claims with SELECT ... FOR UPDATE SKIP LOCKED; SQLite (one node)
// claims under a process-wide mutex inside BEGIN IMMEDIATE. On both the partial unique index
// sync_operations_one_running_per_pair is the final guard of one running operation per pair.
//
// Every method runs on the calling thread's connection; an instance is cheap, so each
// thread may make its own. Times are the nodes' UTC clocks (keep them in NTP sync).
class OperationQueue final
{
public:
    explicit OperationQueue(const db::Database &control);

    // A pair that already has a queued operation with the same options (mode, dry run, full
    // resync) gets that one back (no duplicate; *created false); with other options, Conflict
    // (details.reason "operation_queued", details.operation_id): never merged silently.
    // NotFound for an unknown pair; Conflict for a disabled pair; Validation for an unknown
    // mode or trigger.
    db::OperationRecord enqueue(const EnqueueRequest &request, bool *created = nullptr);
    // The oldest queued operation (past its not_before) whose pair has nothing running ->
    // running, with lease_owner/node_id = nodeId, lease expiry now + lease, attempt + 1.
    std::optional<db::OperationRecord> claim(const QString &nodeId,
                                             std::chrono::milliseconds lease);
    // Renews the lease and records progress. False: the lease is lost (re-queued, finished,
    // or owned by someone else) or a cancel was requested -> the worker stops.
    bool heartbeat(qint64 id, const QString &nodeId, std::chrono::milliseconds lease,
                   double percent, const QString &entity, const QJsonObject &statistics);
    // Ends a running operation this node holds; a no-op when the lease was lost meanwhile.
    void finish(qint64 id, const QString &nodeId, const QString &status,
                const QJsonObject &statistics, const QString &error);
    // Puts a running operation this node holds back in the queue, claimable after `delay`
    // (a transient failure's backoff). countsAsAttempt false (the node is shutting down: not
    // the operation's fault) gives the attempt back. False when the lease was lost meanwhile.
    bool release(qint64 id, const QString &nodeId, std::chrono::milliseconds delay,
                 const QString &error, bool countsAsAttempt = true);
    void appendLog(qint64 id, const QString &line);
    // Running with an expired lease -> queued (or cancelled when a cancel was requested).
    // Returns how many were re-queued or cancelled.
    int requeueExpired();
    // queued -> cancelled at once; running -> cancel_requested (the worker stops at its next
    // heartbeat); Conflict when already finished; NotFound.
    db::OperationRecord requestCancel(qint64 id);
    // A failed or cancelled operation -> a new queued one (trigger "retry", same options);
    // Conflict otherwise.
    db::OperationRecord retry(qint64 id);

    struct ListFilter
    {
        qint64 pairId = 0;
        QString status;
        QDateTime since; // created at or after
        QDateTime before; // created before
        int limit = 50;
        qint64 beforeId = 0; // cursor: ids below this
    };
    // Newest first.
    QList<db::OperationRecord> list(const ListFilter &filter) const;
    db::OperationRecord get(qint64 id) const; // NotFound
    // "<ISO time> <line>", oldest first.
    QStringList logLines(qint64 id) const;
    // A dry run's change set; changes(id) reads it back (empty when none was saved).
    void saveChanges(qint64 id, const QJsonArray &changes);
    QJsonArray changes(qint64 id) const;

    // Called (on the enqueuing thread) after every enqueue in this process that made a new
    // operation, so the local workers can claim it at once instead of at their next poll.
    // PostgreSQL: every enqueue sends NOTIFY on this channel (payload: the operation id) when
    // it commits; each node LISTENs (syncd::QueueNotifications) and wakes its workers.
    static constexpr const char *kQueuedChannel = "tf_operation_queued";
    using EnqueueListener = std::function<void(const db::OperationRecord &)>;
    static void setEnqueueListener(EnqueueListener listener);

    static const QStringList &triggers();
    static const QStringList &modes();
    // Operation modes that compare instead of sync: "verify" (report only, dry_run) and
    // "repair" (write the differences). Enqueued through enqueueVerify().
    static const QStringList &verifyModes();
    static bool isVerifyMode(const QString &mode) { return verifyModes().contains(mode); }
    // Queues a verify (or repair) of the pair. A queued verify of the same kind is returned
    // instead of a second one; Conflict while an operation of the pair runs (it holds the
    // pair: verify it after it ends); NotFound, and Conflict for a disabled pair, as enqueue().
    db::OperationRecord enqueueVerify(qint64 pairId, bool repair, const QString &trigger,
                                      bool *created = nullptr);

private:
    std::optional<db::OperationRecord> claimOnce(const QString &nodeId,
                                                 std::chrono::milliseconds lease);
    db::OperationRecord insertQueued(const EnqueueRequest &request, qint64 retryOf, bool *created = nullptr);
    QDateTime now() const;

    const db::Database &m_database;
};

} // namespace tf::sync
