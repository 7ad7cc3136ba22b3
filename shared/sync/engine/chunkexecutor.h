#pragma once

#include "batchpipeline.h"
#include "sync/rangechecksums.h"

#include <functional>

namespace tf::sync {

class ChunkSource;
class StateRoute;

// One key-range chunk of a chunked full load (issue 16 item 5): the range's rows are read in
// key order and written as full mode writes them, and after every batch `committed` is told
// the chunk's checkpoint, so a chunk resumed on another worker continues after it instead of
// starting over. Rows after the checkpoint that were already written are written again.
//
// Where the state store stages next to the state (StateStore::stagesState(), a PostgreSQL
// target), the chunk takes the full path's writes: batches go without state, each committed
// batch's state is staged, and every kApplyEvery batches and at the chunk's end the staged
// state is written set-based (applyStaged; applyStagedNew on a first load's first attempt).
// The checkpoint moves only then: a resumed chunk goes on after the last key whose state is
// written, so a worker killed between a batch's commit and the state's apply loses nothing.
// Otherwise each batch carries its state and is a checkpoint. Options::intoEmpty (the chunk's
// first attempt into a target that was empty when the load was planned) writes plain inserts
// (COPY) until a read restarts.
//
// Delete detection cannot stage keys across chunks (staging is bound to one connection), so
// a chunked full resync ends with sweep() once every chunk is done: the source's key hashes
// staged on the coordinator's connection, and state keys the source no longer holds deleted.
class ChunkExecutor final
{
public:
    static constexpr int kApplyEvery = 16; // batches between two state applies (staged state)

    struct Options
    {
        bool intoEmpty = false; // no target row in the range: plain inserts
        bool keysNew = false; // no state in the range: the staged state is inserted plainly
    };
    // checkpoint: the last key whose batch and state committed, when it moved; atCheckpoint:
    // the chunk's stats at the checkpoint (what a resume starts from); now: as of the last
    // committed batch. False stops the chunk.
    using Committed = std::function<bool(std::optional<qint64> checkpoint,
                                         const EntityStats &atCheckpoint, const EntityStats &now)>;

    ChunkExecutor(RunContext &context, const EntityPlan &plan, ChunkSource &source,
                  StateRoute &state, BatchPipeline &pipeline, EntityStats &stats);

    // Reads range from `after` (exclusive; nullopt: from range.from) to range.to.
    void run(const KeyRange &range, std::optional<qint64> after, const Options &options,
             const Committed &committed);

    // Deletes what the state holds and the source no longer does (a full resync's deletes);
    // counts them in stats. The source's keys are read once (hashed at the source where it can).
    static void sweep(RunContext &context, const EntityPlan &plan, SourceConnector &source,
                      StateRoute &state, BatchPipeline &pipeline);

private:
    RunContext &m_context;
    const EntityPlan &m_plan;
    ChunkSource &m_source;
    StateRoute &m_state;
    BatchPipeline &m_pipeline;
    EntityStats &m_stats;
};

} // namespace tf::sync
