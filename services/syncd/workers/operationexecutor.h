#pragma once

#include "db/repositories/operationrepository.h"
#include "workersettings.h"

#include <QJsonObject>
#include <QString>
#include <atomic>
#include <functional>

namespace tf {
class SecretBox;
namespace db {
class Database;
}
} // namespace tf

namespace tf::sync {
struct RunResult;
struct PairRuntime;
class OperationQueue;
} // namespace tf::sync

namespace tf::syncd {

class ActiveOperations;

// A hook the monitoring side installs to raise an alert: rule name, a message a person can
// act on, and details (pair_id: the alert is resolved when the pair is deleted). Called from
// worker threads.
using AlertHook
    = std::function<void(const QString &rule, const QString &message, const QJsonObject &details)>;

// Runs one claimed operation on the calling worker thread: opens the pair (its connectors
// belong to this thread), runs SyncRunner with progress -> heartbeat after every batch,
// stops when the heartbeat says the lease is lost or a cancel was asked, and records the
// outcome: finished, or back in the queue with a backoff for a transient failure (up to
// max_attempts), or failed at once for a permanent one (service event + alert).
class OperationExecutor final
{
public:
    struct Context
    {
        db::Database &control;
        const SecretBox &secrets;
        QString nodeId;
        WorkerSettings settings;
        ActiveOperations &active;
        const std::atomic_bool &stopping; // the node is shutting down: hand the operation back
        AlertHook alert;
    };

    explicit OperationExecutor(Context context);
    void run(const db::OperationRecord &operation);

private:
    sync::RunResult execute(sync::OperationQueue &queue, const db::OperationRecord &operation,
                            std::atomic_bool &cancel);
    sync::RunResult streamCdc(sync::OperationQueue &queue, const db::OperationRecord &operation,
                              sync::PairRuntime &runtime, std::atomic_bool &cancel);
    void conclude(sync::OperationQueue &queue, const db::OperationRecord &operation,
                  const sync::RunResult &result);
    void concludeVerify(sync::OperationQueue &queue, const db::OperationRecord &operation,
                        const QJsonObject &report);
    void concludeFailure(sync::OperationQueue &queue, const db::OperationRecord &operation,
                         const sync::RunResult &result);
    void reportPermanentFailure(const db::OperationRecord &operation, const QString &message);

    Context m_context;
};

} // namespace tf::syncd
