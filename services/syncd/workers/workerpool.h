#pragma once

#include "activeoperations.h"
#include "operationexecutor.h"
#include "periodictask.h"
#include "workersettings.h"

#include <QJsonObject>
#include <QMutex>
#include <QString>
#include <QThread>
#include <QWaitCondition>
#include <atomic>
#include <memory>
#include <vector>

namespace tf {
class DatabaseState;
class SecretBox;
} // namespace tf

namespace tf::syncd {

// The node's sync workers (DESIGN.md section 7): `workers` threads, each claiming operations
// from the queue every poll interval, or at once when wake() says something was enqueued on
// this node, and running them with OperationExecutor. Beside them, a lease keeper renews the
// leases of running operations between batches (every heartbeat interval), and a reaper
// re-queues operations whose lease expired (every lease / 2), so a node killed with SIGKILL
// hands its operations to the others. Every thread owns its database connections and its
// connectors; the HTTP thread never runs a sync.
class WorkerPool final
{
    Q_DISABLE_COPY_MOVE(WorkerPool)
public:
    WorkerPool(const DatabaseState &database, const SecretBox &secrets, QString nodeId,
               WorkerSettings settings);
    ~WorkerPool(); // stop()

    void setAlertHook(AlertHook hook) { m_alert = std::move(hook); } // before start()
    void start();
    // Running operations stop at their next batch and go back to the queue for another node
    // (or this one after a restart); waits for the workers to end.
    void stop();
    // Something was enqueued: an idle worker claims it now.
    void wake();

    // {"workers", "busy", "running": [...], "lease_ms", "poll_interval_ms"} for /health.
    QJsonObject state() const;
    const WorkerSettings &settings() const { return m_settings; }

private:
    void workerLoop(int index);
    void renewLeases();
    void reap();
    bool waitForWork();
    // True while the maintenance pause is in effect; logs when it begins and ends.
    bool paused();

    const DatabaseState &m_database;
    const SecretBox &m_secrets;
    const QString m_nodeId;
    const WorkerSettings m_settings;
    AlertHook m_alert;
    ActiveOperations m_active;
    std::atomic_bool m_stopping { false };
    std::atomic_bool m_paused { false };
    QMutex m_mutex;
    QWaitCondition m_wake;
    int m_pendingWakes = 0;
    std::vector<std::unique_ptr<QThread>> m_threads;
    std::unique_ptr<PeriodicTask> m_leaseKeeper;
    std::unique_ptr<PeriodicTask> m_reaper;
};

} // namespace tf::syncd
