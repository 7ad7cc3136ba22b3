#pragma once

#include "syncd/workers/periodictask.h"

#include <QDateTime>
#include <QSet>
#include <QString>
#include <chrono>

namespace tf {
class DatabaseState;
namespace db {
class Database;
struct SyncPairRecord;
}
namespace sync {
class OperationQueue;
}
} // namespace tf

namespace tf::syncd {

// Fires each enabled pair's cron schedule once per due time, however many nodes run
// (DESIGN.md section 7). sync_pairs.next_run_at holds the next due time (what the API shows);
// a tick that finds it due moves it to the schedule's next time with a compare-and-set
// (UPDATE ... WHERE next_run_at <= now): the one node whose UPDATE changed the row enqueues
// the run (trigger "schedule"), every other node's UPDATE finds nothing to change. A due
// time from before this node started is a run missed while down: it runs once, with
// trigger "startup". Schedules are read in the node's local time zone.
//
// A pair without next_run_at gets one computed (a new pair, or one whose schedule was just
// changed: whoever changes a schedule sets next_run_at to NULL); a disabled pair or one
// without a schedule has none.
class PairScheduler final
{
    Q_DISABLE_COPY_MOVE(PairScheduler)
public:
    PairScheduler(const DatabaseState &database, std::chrono::milliseconds interval);
    ~PairScheduler();

    void start();
    void stop();
    // While this file exists (ops::MaintenancePause: a restore is running) no schedule fires;
    // a run that fell due meanwhile fires at the first tick after.
    void setPauseFile(const QString &path) { m_pauseFile = path; }

    // One pass over the pairs; returns how many operations this node enqueued. Public for
    // tests; the periodic task calls it.
    int tick(db::Database &control);

    // The schedule's next time after `after` (read in local time), in UTC; invalid when the
    // expression is bad or never matches.
    static QDateTime nextRun(const QString &schedule, const QDateTime &after);

private:
    // The pairs' verify_schedule: a due time queues a verify (trigger "schedule"); drift it
    // finds raises the alert "Sync drift detected on pair N" (OperationExecutor).
    int tickVerify(db::Database &control);
    int tickCdc(db::Database &control);
    // A cdc pair whose newest operation failed, and that nobody changed since: not queued again.
    static bool waitsForAPerson(db::Database &control, const db::SyncPairRecord &pair,
                                const sync::OperationQueue &queue);
    void tickIfOpen();

    const DatabaseState &m_database;
    QDateTime m_startedAt;
    QSet<QString> m_warned; // "<pair id>:<expression>" already reported as invalid
    QString m_pauseFile;
    bool m_paused = false;
    PeriodicTask m_task;
};

} // namespace tf::syncd
