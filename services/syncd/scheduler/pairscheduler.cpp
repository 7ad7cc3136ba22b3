#include "pairscheduler.h"

#include "common/databasestate.h"
#include "core/errors.h"
#include "db/connection.h"
#include "ops/maintenancepause.h"
#include "sync/queue/operationqueue.h"
#include "db/repositories/cdcschemachangerepository.h"
#include "db/repositories/rowhelpers.h"
#include "db/repositories/syncpairrepository.h"
#include "sync/schedule/cronschedule.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcScheduler, "syncd.scheduler")

namespace tf::syncd {

namespace {

struct ScheduledPair
{
    qint64 id = 0;
    QString name;
    QString schedule;
    QDateTime nextRunAt;
    bool enabled = false;
};

QList<ScheduledPair> scheduledPairs(db::Database &control)
{
    QSqlQuery query = control.prepare(QStringLiteral(
        "SELECT id, name, schedule, next_run_at, enabled FROM sync_pairs "
        "WHERE (schedule IS NOT NULL AND schedule <> '') OR next_run_at IS NOT NULL ORDER BY id"));
    control.exec(query, "reading the pairs' schedules");
    QList<ScheduledPair> pairs;
    while (query.next()) {
        ScheduledPair pair;
        pair.id = query.value(0).toLongLong();
        pair.name = query.value(1).toString();
        pair.schedule = query.value(2).toString().trimmed();
        pair.nextRunAt = control.dialect().fromDb(query.value(3));
        pair.enabled = query.value(4).toBool();
        pairs << pair;
    }
    return pairs;
}

// column: next_run_at (the sync schedule) or next_verify_at (verify_schedule).
void clearNextRun(db::Database &control, qint64 pairId, const char *column = "next_run_at")
{
    QSqlQuery query = control.prepare(
        QStringLiteral("UPDATE sync_pairs SET %1 = NULL WHERE id = ?").arg(QLatin1String(column)));
    query.addBindValue(pairId);
    control.exec(query, "clearing a pair's next run");
}

bool setFirstRun(db::Database &control, qint64 pairId, const QDateTime &next,
                 const char *column = "next_run_at")
{
    QSqlQuery query = control.prepare(
        QStringLiteral("UPDATE sync_pairs SET %1 = ? WHERE id = ? AND %1 IS NULL").arg(QLatin1String(column)));
    query.addBindValue(control.dialect().toDb(next));
    query.addBindValue(pairId);
    control.exec(query, "setting a pair's next run");
    return query.numRowsAffected() == 1;
}

// The compare-and-set that makes a due time fire on one node only: after it, next_run_at is
// in the future, so every other node's UPDATE matches no row (PostgreSQL re-checks the WHERE
// on the row it waited for; SQLite writers are serialised).
bool advanceDueRun(db::Database &control, qint64 pairId, const QDateTime &next,
                   const QDateTime &now, const char *column = "next_run_at")
{
    QSqlQuery query = control.prepare(
        QStringLiteral("UPDATE sync_pairs SET %1 = ? WHERE id = ? AND %1 <= ?").arg(QLatin1String(column)));
    query.addBindValue(control.dialect().toDb(next));
    query.addBindValue(pairId);
    query.addBindValue(control.dialect().toDb(now));
    control.exec(query, "advancing a pair's next run");
    return query.numRowsAffected() == 1;
}

struct VerifiedPair
{
    qint64 id = 0;
    QString name;
    QString schedule; // the definition's verify_schedule
    QDateTime nextVerifyAt;
    bool enabled = false;
};

QList<VerifiedPair> verifiedPairs(db::Database &control)
{
    QSqlQuery query = control.prepare(QStringLiteral(
        "SELECT id, name, definition, next_verify_at, enabled FROM sync_pairs ORDER BY id"));
    control.exec(query, "reading the pairs' verify schedules");
    QList<VerifiedPair> pairs;
    while (query.next()) {
        VerifiedPair pair;
        pair.id = query.value(0).toLongLong();
        pair.name = query.value(1).toString();
        pair.schedule = db::rows::jsonObject(query.value(2))
                            .value(QStringLiteral("verify_schedule"))
                            .toString()
                            .trimmed();
        pair.nextVerifyAt = control.dialect().fromDb(query.value(3));
        pair.enabled = query.value(4).toBool();
        if (!pair.schedule.isEmpty() || pair.nextVerifyAt.isValid())
            pairs << pair;
    }
    return pairs;
}

} // namespace

PairScheduler::PairScheduler(const DatabaseState &database, std::chrono::milliseconds interval)
    : m_database(database)
    , m_startedAt(QDateTime::currentDateTimeUtc())
    , m_task(QStringLiteral("scheduler"), interval, [this] { tickIfOpen(); })
{ }

PairScheduler::~PairScheduler()
{
    stop();
}

void PairScheduler::start()
{
    m_startedAt = QDateTime::currentDateTimeUtc();
    m_task.start();
}

void PairScheduler::stop()
{
    m_task.stop();
}

QDateTime PairScheduler::nextRun(const QString &schedule, const QDateTime &after)
{
    try {
        return sync::CronSchedule::parse(schedule).next(after.toLocalTime()).toUTC();
    } catch (const Error &) {
        return {};
    }
}

void PairScheduler::tickIfOpen()
{
    const ops::MaintenancePause::State pause = ops::MaintenancePause::current(m_pauseFile);
    if (pause.active != m_paused) {
        m_paused = pause.active;
        if (pause.active)
            qCInfo(lcScheduler, "scheduler paused: %s", qPrintable(pause.describe()));
        else
            qCInfo(lcScheduler, "scheduler resumed: the maintenance pause is over");
    }
    if (!pause.active && m_database.isOpen())
        tick(m_database.database().database());
}

int PairScheduler::tick(db::Database &control)
{
    int enqueued = 0;
    for (const ScheduledPair &pair : scheduledPairs(control)) {
        if (!pair.enabled || pair.schedule.isEmpty()) {
            if (pair.nextRunAt.isValid())
                clearNextRun(control, pair.id);
            continue;
        }
        const QDateTime now = QDateTime::currentDateTimeUtc();
        const QDateTime next = nextRun(pair.schedule, now);
        if (!next.isValid()) {
            const QString key = QStringLiteral("%1:%2").arg(pair.id).arg(pair.schedule);
            if (!m_warned.contains(key)) {
                m_warned.insert(key);
                qCWarning(
                    lcScheduler,
                    "sync pair %lld \"%s\": schedule '%s' is not a valid cron expression (or never "
                    "matches); it is not scheduled until the schedule is fixed",
                    static_cast<long long>(pair.id), qPrintable(pair.name),
                    qPrintable(pair.schedule));
            }
            continue;
        }
        if (!pair.nextRunAt.isValid()) {
            if (setFirstRun(control, pair.id, next))
                qCInfo(lcScheduler, "sync pair %lld \"%s\": next run %s",
                       static_cast<long long>(pair.id), qPrintable(pair.name),
                       qPrintable(next.toString(Qt::ISODate)));
            continue;
        }
        if (pair.nextRunAt > now || !advanceDueRun(control, pair.id, next, now))
            continue;

        const QString trigger
            = pair.nextRunAt < m_startedAt ? QStringLiteral("startup") : QStringLiteral("schedule");
        try {
            sync::OperationQueue queue(control);
            sync::EnqueueRequest request;
            request.pairId = pair.id;
            request.trigger = trigger;
            const db::OperationRecord operation = queue.enqueue(request);
            queue.appendLog(
                operation.id,
                QStringLiteral("%1 run due at %2 (next %3)")
                    .arg(trigger == QLatin1String("startup") ? QStringLiteral("missed")
                                                             : QStringLiteral("scheduled"),
                         pair.nextRunAt.toString(Qt::ISODate), next.toString(Qt::ISODate)));
            ++enqueued;
            qCInfo(lcScheduler, "sync pair %lld \"%s\": %s run due at %s queued as operation %lld",
                   static_cast<long long>(pair.id), qPrintable(pair.name), qPrintable(trigger),
                   qPrintable(pair.nextRunAt.toString(Qt::ISODate)),
                   static_cast<long long>(operation.id));
        } catch (const Error &error) {
            qCWarning(
                lcScheduler, "sync pair %lld \"%s\": the run due at %s could not be queued: %s",
                static_cast<long long>(pair.id), qPrintable(pair.name),
                qPrintable(pair.nextRunAt.toString(Qt::ISODate)), qPrintable(error.message()));
        }
    }
    return enqueued + tickVerify(control) + tickCdc(control);
}

// A cdc pair streams in one long-lived operation: an enabled one with nothing queued or running
// gets one (after its node died and the lease was re-queued, the queued one is claimed instead).
// A stream that failed for good (a slot problem, a schema change, retries given up) waits for a
// person: queuing it again would fail the same way and raise its alert again at every tick. A
// change of the pair after the failure (disable and enable, an edit), a newer operation (a
// retry, a repair) or a held schema change approved or superseded (a resnapshot) after it is
// that person's answer.
int PairScheduler::tickCdc(db::Database &control)
{
    int enqueued = 0;
    db::SyncPairRepository pairs(control);
    sync::OperationQueue queue(control);
    for (const db::SyncPairRecord &pair : pairs.list()) {
        if (!pair.enabled || pair.definition.value(QStringLiteral("mode")).toString() != QLatin1String("cdc"))
            continue;
        bool busy = false;
        for (const char *status : { "queued", "running" }) {
            sync::OperationQueue::ListFilter filter;
            filter.pairId = pair.id;
            filter.status = QLatin1String(status);
            filter.limit = 1;
            busy = busy || !queue.list(filter).isEmpty();
        }
        if (busy || waitsForAPerson(control, pair, queue))
            continue;
        try {
            sync::EnqueueRequest request;
            request.pairId = pair.id;
            request.trigger = QStringLiteral("startup");
            bool created = false;
            const db::OperationRecord operation = queue.enqueue(request, &created);
            if (!created)
                continue; // another node's scheduler queued it since the check above
            queue.appendLog(operation.id, QStringLiteral("cdc pair: streaming operation queued"));
            ++enqueued;
        } catch (const Error &error) {
            qCWarning(lcScheduler, "sync pair %lld: could not queue its cdc stream: %s",
                      static_cast<long long>(pair.id), qPrintable(error.message()));
        }
    }
    return enqueued;
}

bool PairScheduler::waitsForAPerson(db::Database &control, const db::SyncPairRecord &pair,
                                    const sync::OperationQueue &queue)
{
    sync::OperationQueue::ListFilter filter;
    filter.pairId = pair.id;
    filter.limit = 1;
    const QList<db::OperationRecord> newest = queue.list(filter);
    if (newest.isEmpty() || newest.first().status != QLatin1String("failed"))
        return false;
    const QDateTime failedAt = newest.first().finishedAt;
    if (!failedAt.isValid())
        return true;
    if (pair.updatedAt.isValid() && pair.updatedAt > failedAt)
        return false;
    // An approval (with or without a new mapping) or a resnapshot decides a held change.
    const QList<db::CdcSchemaChangeRecord> decided = db::CdcSchemaChangeRepository(control).list(
        pair.id, { QStringLiteral("approved"), QStringLiteral("superseded") });
    for (const db::CdcSchemaChangeRecord &change : decided) {
        if (change.decidedAt.isValid() && change.decidedAt > failedAt)
            return false;
    }
    return true;
}

int PairScheduler::tickVerify(db::Database &control)
{
    int enqueued = 0;
    for (const VerifiedPair &pair : verifiedPairs(control)) {
        if (!pair.enabled || pair.schedule.isEmpty()) {
            if (pair.nextVerifyAt.isValid())
                clearNextRun(control, pair.id, "next_verify_at");
            continue;
        }
        const QDateTime now = QDateTime::currentDateTimeUtc();
        const QDateTime next = nextRun(pair.schedule, now);
        if (!next.isValid())
            continue; // the definition's check refuses such an expression
        // A schedule changed to an earlier time takes effect at once.
        if (pair.nextVerifyAt.isValid() && pair.nextVerifyAt > next)
            clearNextRun(control, pair.id, "next_verify_at");
        if (!pair.nextVerifyAt.isValid() || pair.nextVerifyAt > next) {
            setFirstRun(control, pair.id, next, "next_verify_at");
            continue;
        }
        if (pair.nextVerifyAt > now || !advanceDueRun(control, pair.id, next, now, "next_verify_at"))
            continue;
        try {
            sync::OperationQueue queue(control);
            const db::OperationRecord operation
                = queue.enqueueVerify(pair.id, false, QStringLiteral("schedule"));
            queue.appendLog(operation.id, QStringLiteral("scheduled verify due at %1 (next %2)")
                                              .arg(pair.nextVerifyAt.toString(Qt::ISODate),
                                                   next.toString(Qt::ISODate)));
            ++enqueued;
            qCInfo(lcScheduler, "sync pair %lld \"%s\": scheduled verify queued as operation %lld",
                   static_cast<long long>(pair.id), qPrintable(pair.name),
                   static_cast<long long>(operation.id));
        } catch (const Error &error) {
            // A run holding the pair: this due time is skipped, the next one tries again.
            qCWarning(lcScheduler, "sync pair %lld \"%s\": the verify due at %s was not queued: %s",
                      static_cast<long long>(pair.id), qPrintable(pair.name),
                      qPrintable(pair.nextVerifyAt.toString(Qt::ISODate)), qPrintable(error.message()));
        }
    }
    return enqueued;
}

} // namespace tf::syncd
