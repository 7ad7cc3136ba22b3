#include "chunkrun.h"

#include "core/errors.h"
#include "sync/engine/batchpipeline.h"
#include "sync/engine/chunkexecutor.h"

namespace tf::syncd {

Q_LOGGING_CATEGORY(lcChunks, "syncd.workers.chunks")

sync::EntityStats runClaimedChunk(sync::RunContext &context, const sync::EntityPlan &plan,
                                  sync::ChunkSource &source, sync::TargetConnector &target,
                                  sync::StateRoute &state, const sync::ChunkRecord &chunk,
                                  ChunkLease &lease,
                                  const std::function<void(const sync::EntityStats &)> &afterBatch)
{
    // Counting goes on from where the chunk's earlier attempts stopped.
    sync::EntityStats stats = chunk.checkpointKey ? chunk.stats : sync::EntityStats {};
    sync::BatchPipeline pipeline(context, plan, target, state, stats);
    sync::ChunkExecutor executor(context, plan, source, state, pipeline, stats);
    // Only the first attempt knows that nobody wrote into its range yet: a later one may find
    // rows (and state) an earlier attempt committed after its last checkpoint.
    sync::ChunkExecutor::Options options;
    options.intoEmpty = chunk.attempt == 1 && chunk.targetEmpty && !chunk.checkpointKey;
    options.keysNew = chunk.attempt == 1 && !chunk.sweep && !chunk.checkpointKey;
    executor.run(chunk.range, chunk.checkpointKey, options,
                 [&](std::optional<qint64> checkpoint, const sync::EntityStats &atCheckpoint,
                     const sync::EntityStats &now) {
                     bool keep = !lease.stopping.load();
                     try {
                         keep = lease.queue.heartbeat(chunk, lease.nodeId, lease.lease, checkpoint,
                                                      atCheckpoint, now.read)
                             && keep;
                     } catch (const Error &error) {
                         // The control database blinked: the data is committed; the checkpoint
                         // lags, which only means rows written again after a resume.
                         qCWarning(lcChunks, "%s: heartbeat failed: %s", qPrintable(chunk.describe()),
                                  qPrintable(error.message()));
                     }
                     if (afterBatch)
                         afterBatch(now);
                     return keep;
                 });
    return stats;
}

QString chunkStartLine(const sync::ChunkRecord &chunk, const QString &nodeId)
{
    const QString range = QStringLiteral("keys %1 to %2")
                              .arg(chunk.range.from.value_or(QStringLiteral("the first")),
                                   chunk.range.to ? QStringLiteral("below ") + *chunk.range.to
                                                  : QStringLiteral("the last"));
    if (chunk.checkpointKey)
        return QStringLiteral("%1 (%2) resumed after key %3 on node %4 (attempt %5)")
            .arg(chunk.describe(), range)
            .arg(*chunk.checkpointKey)
            .arg(nodeId)
            .arg(chunk.attempt);
    return QStringLiteral("%1 (%2) started on node %3 (attempt %4)")
        .arg(chunk.describe(), range, nodeId)
        .arg(chunk.attempt);
}

} // namespace tf::syncd
