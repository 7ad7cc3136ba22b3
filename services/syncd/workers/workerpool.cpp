#include "workerpool.h"

#include "common/databasestate.h"
#include "core/errors.h"
#include "ops/maintenancepause.h"
#include "chunkworker.h"
#include "sync/queue/chunkqueue.h"
#include "sync/queue/operationqueue.h"

#include <QLoggingCategory>
#include <QMutexLocker>

Q_LOGGING_CATEGORY(lcWorkers, "syncd.workers")

namespace tf::syncd {

WorkerPool::WorkerPool(const DatabaseState &database, const SecretBox &secrets, QString nodeId,
                       WorkerSettings settings)
    : m_database(database)
    , m_secrets(secrets)
    , m_nodeId(std::move(nodeId))
    , m_settings(settings)
{ }

WorkerPool::~WorkerPool()
{
    stop();
}

void WorkerPool::start()
{
    m_stopping.store(false);
    for (int i = 0; i < m_settings.workers; ++i) {
        std::unique_ptr<QThread> thread(QThread::create([this, i] { workerLoop(i); }));
        thread->setObjectName(QStringLiteral("sync-worker-%1").arg(i + 1));
        thread->start();
        m_threads.push_back(std::move(thread));
    }
    if (m_settings.workers > 0) {
        m_leaseKeeper = std::make_unique<PeriodicTask>(
            QStringLiteral("lease-keeper"), m_settings.heartbeat, [this] { renewLeases(); });
        m_leaseKeeper->start();
    }
    // Every node reaps, workers or not: a node that only serves the API still frees the
    // operations of a dead one.
    m_reaper = std::make_unique<PeriodicTask>(QStringLiteral("lease-reaper"), m_settings.lease / 2,
                                              [this] { reap(); });
    m_reaper->start();
    qCInfo(lcWorkers,
           "%d sync worker(s) on node %s: poll every %lld ms, lease %lld ms, heartbeat %lld ms",
           m_settings.workers, qPrintable(m_nodeId),
           static_cast<long long>(m_settings.pollInterval.count()),
           static_cast<long long>(m_settings.lease.count()),
           static_cast<long long>(m_settings.heartbeat.count()));
}

void WorkerPool::stop()
{
    if (m_threads.empty() && !m_reaper)
        return;
    m_stopping.store(true);
    m_active.cancelAll();
    {
        QMutexLocker locker(&m_mutex);
        m_wake.wakeAll();
    }
    for (auto &thread : m_threads)
        thread->wait();
    m_threads.clear();
    m_leaseKeeper.reset();
    m_reaper.reset();
}

void WorkerPool::wake()
{
    QMutexLocker locker(&m_mutex);
    ++m_pendingWakes;
    m_wake.wakeAll();
}

bool WorkerPool::waitForWork()
{
    QMutexLocker locker(&m_mutex);
    if (m_stopping.load())
        return false;
    if (m_pendingWakes == 0)
        m_wake.wait(&m_mutex, QDeadlineTimer(m_settings.pollInterval));
    m_pendingWakes = qMax(0, m_pendingWakes - 1);
    return !m_stopping.load();
}

void WorkerPool::workerLoop(int index)
{
    bool claimedLastTime = false;
    while (!m_stopping.load()) {
        // Right after a run, look again at once: more may be waiting.
        if (!claimedLastTime && !waitForWork())
            break;
        claimedLastTime = false;
        if (!m_database.isOpen())
            continue; // the monitor is still connecting; /health/ready says why
        if (paused())
            continue; // a restore is replacing the control database
        try {
            db::Database &control = m_database.database().database();
            // A chunk of a running chunked load first: it helps an operation under way.
            if (const std::optional<sync::ChunkRecord> chunk
                = sync::ChunkQueue(control).claim(m_nodeId, m_settings.lease)) {
                claimedLastTime = true;
                ChunkWorker({ control, m_secrets, m_nodeId, m_settings, m_stopping }).run(*chunk);
                continue;
            }
            sync::OperationQueue queue(control);
            const std::optional<db::OperationRecord> operation
                = queue.claim(m_nodeId, m_settings.lease);
            if (!operation)
                continue;
            claimedLastTime = true;
            OperationExecutor executor(
                { control, m_secrets, m_nodeId, m_settings, m_active, m_stopping, m_alert });
            executor.run(*operation);
        } catch (const Error &error) {
            // Database down or a failure recording an outcome: the lease runs out and the
            // reaper hands the operation on; this worker waits for the next poll.
            qCWarning(lcWorkers, "sync worker %d: %s", index + 1, qPrintable(error.message()));
        }
    }
}

bool WorkerPool::paused()
{
    const ops::MaintenancePause::State pause = ops::MaintenancePause::current(m_settings.pauseFile);
    if (m_paused.exchange(pause.active) != pause.active) {
        if (pause.active)
            qCInfo(lcWorkers, "sync workers paused: %s", qPrintable(pause.describe()));
        else
            qCInfo(lcWorkers, "sync workers resumed: the maintenance pause is over");
    }
    return pause.active;
}

void WorkerPool::renewLeases()
{
    const QList<ActiveOperations::Progress> running = m_active.snapshot();
    if (running.isEmpty() || !m_database.isOpen())
        return;
    sync::OperationQueue queue(m_database.database().database());
    for (const ActiveOperations::Progress &progress : running) {
        try {
            if (!queue.heartbeat(progress.id, m_nodeId, m_settings.lease, progress.percent,
                                 progress.entity, progress.statistics))
                m_active.cancel(progress.id);
        } catch (const Error &error) {
            qCWarning(lcWorkers, "renewing the lease of operation %lld: %s",
                      static_cast<long long>(progress.id), qPrintable(error.message()));
        }
    }
}

void WorkerPool::reap()
{
    if (!m_database.isOpen())
        return;
    sync::OperationQueue queue(m_database.database().database());
    const int requeued = queue.requeueExpired();
    if (requeued > 0) {
        qCInfo(lcWorkers, "reaper: %d operation(s) with an expired lease re-queued", requeued);
        wake();
    }
}

QJsonObject WorkerPool::state() const
{
    return QJsonObject {
        { QStringLiteral("workers"), m_settings.workers },
        { QStringLiteral("busy"), m_active.size() },
        { QStringLiteral("running"), m_active.toJson() },
        { QStringLiteral("poll_interval_ms"), qint64(m_settings.pollInterval.count()) },
        { QStringLiteral("lease_ms"), qint64(m_settings.lease.count()) },
        { QStringLiteral("max_attempts"), m_settings.maxAttempts },
        { QStringLiteral("stopping"), m_stopping.load() },
        { QStringLiteral("paused"), m_paused.load() },
    };
}

} // namespace tf::syncd
