#pragma once

#include "common/router.h"

#include <QString>
#include <functional>

namespace tf {
class DatabaseState;
class SecretBox;
namespace sync {
class OperationQueue;
}
} // namespace tf

namespace tf::syncd {

// What the sync API needs from tf-syncd. Every reference must outlive the router the routes
// are registered in.
struct SyncApiDependencies
{
    const DatabaseState &database;
    const SecretBox &secrets;
    // The queue for the calling (HTTP) thread. Optional: when empty, the API makes its own
    // OperationQueue over the current control database (an instance is cheap).
    std::function<sync::OperationQueue &()> queue;
    // Called after an operation was queued (start, retry) so this node's workers claim it at
    // once instead of at their next poll. Optional.
    std::function<void()> wakeWorkers;
    QString nodeId;
    // Called after a sync pair was deleted: its open alerts are closed and its metrics
    // dropped (MonitoringService::pairDeleted). Optional.
    std::function<void(qint64 pairId)> pairDeleted;
};

// Registers every route of the sync API (systems, sync pairs, operations, quarantine: see
// resources/openapi-syncd.yaml) in the router. The controllers live as long as the router's
// routes do. Routes that connect to external systems (tests, entity listing, replays) answer
// asynchronously from a small pool of worker threads; the others are quick database reads
// and writes on the HTTP thread.
void registerSyncApi(http::Router &router, SyncApiDependencies deps);

} // namespace tf::syncd
