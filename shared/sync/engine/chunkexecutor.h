#pragma once

#include "batchpipeline.h"
#include "sync/rangechecksums.h"

#include <functional>

namespace tf::sync {

class ChunkSource;
class StateRoute;

// One key-range chunk of a chunked full load (issue 16 item 5): the range's rows are read
// in key order and written as full mode writes them (idempotent upserts with their state,
// which commits with the data), and after every batch `committed` is told the last key
// written, so a chunk resumed on another worker continues after it instead of starting
// over. Rows after the checkpoint that were already written are written again: harmless.
//
// Delete detection cannot stage keys across chunks (staging is bound to one connection), so
// a chunked full resync ends with sweep() once every chunk is done: the source's key hashes
// staged on the coordinator's connection, and state keys the source no longer holds deleted.
class ChunkExecutor final
{
public:
    // lastKey: the key of the last row of a batch just committed. False stops the chunk.
    using Committed = std::function<bool(qint64 lastKey, const EntityStats &stats)>;

    ChunkExecutor(RunContext &context, const EntityPlan &plan, ChunkSource &source,
                  BatchPipeline &pipeline, EntityStats &stats);

    // Reads range from `after` (exclusive; nullopt: from range.from) to range.to.
    void run(const KeyRange &range, std::optional<qint64> after, const Committed &committed);

    // Deletes what the state holds and the source no longer does (a full resync's deletes);
    // counts them in stats. The source's keys are read once (hashed at the source where it can).
    static void sweep(RunContext &context, const EntityPlan &plan, SourceConnector &source,
                      StateRoute &state, BatchPipeline &pipeline);

private:
    RunContext &m_context;
    const EntityPlan &m_plan;
    ChunkSource &m_source;
    BatchPipeline &m_pipeline;
    EntityStats &m_stats;
};

} // namespace tf::sync
