#pragma once

#include <QString>
#include <functional>
#include <memory>

namespace tf {
class DatabaseState;
class SecretBox;
namespace sync {
class OperationQueue;
}
} // namespace tf

namespace tf::syncd {

class BackgroundJobs;

// What the sync API controllers share: the control database, the key for credentials, the
// queue, the hook that wakes this node's workers, and the pool for work that talks to
// external systems.
struct SyncApiContext
{
    const DatabaseState &database;
    const SecretBox &secrets;
    std::function<sync::OperationQueue &()> queue; // for the calling thread
    std::function<void()> wakeWorkers;
    QString nodeId;
    std::shared_ptr<BackgroundJobs> jobs;
    std::function<void(qint64 pairId)> pairDeleted; // optional: its alerts and metrics go
};

} // namespace tf::syncd
