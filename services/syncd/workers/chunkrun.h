#pragma once

#include "sync/engine/runtypes.h"
#include "sync/queue/chunkqueue.h"

#include <QLoggingCategory>
#include <atomic>
#include <chrono>
#include <functional>

namespace tf::sync {
class ChunkSource;
class RunContext;
class StateRoute;
class TargetConnector;
struct EntityPlan;
} // namespace tf::sync

namespace tf::syncd {

Q_DECLARE_LOGGING_CATEGORY(lcChunks)

// Who holds a chunk's lease and for how long.
struct ChunkLease
{
    sync::ChunkQueue &queue;
    QString nodeId;
    std::chrono::milliseconds lease;
    const std::atomic_bool &stopping; // the node is shutting down: hand the chunk back
};

// Runs one claimed chunk inside an entity's run (the coordinator's, or a ChunkWorker's): a
// pipeline of its own, continuing after the chunk's checkpoint, and after every committed
// batch a heartbeat carrying the checkpoint (the last key whose state is written, see
// ChunkExecutor), the chunk's stats at it and the rows done so far. A heartbeat that finds
// the lease lost (or the operation cancelled) ends the chunk with RunCancelled. Returns the
// chunk's stats (resumed chunks include what earlier attempts did); errors propagate.
sync::EntityStats runClaimedChunk(sync::RunContext &context, const sync::EntityPlan &plan,
                                  sync::ChunkSource &source, sync::TargetConnector &target,
                                  sync::StateRoute &state, const sync::ChunkRecord &chunk,
                                  ChunkLease &lease,
                                  const std::function<void(const sync::EntityStats &)> &afterBatch);

// The operation log line for a chunk that starts: fresh, or resumed after its checkpoint.
QString chunkStartLine(const sync::ChunkRecord &chunk, const QString &nodeId);

} // namespace tf::syncd
