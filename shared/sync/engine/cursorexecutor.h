#pragma once

#include "batchpipeline.h"

namespace tf::sync {

class StateRoute;

// Cursor mode: read the rows past the stored checkpoint, ordered by (cursor, key). Each
// batch's ChangeBatch carries the checkpoint of its last row and the state of its rows, so
// the checkpoint is never ahead of the data it covers and a crash resumes where the last
// committed batch ended. Ties on the cursor value are resolved by the key.
//
// The checkpoint never passes the source's safe horizon (SourceConnector::cursorHorizon,
// asked before each read): a transaction still open may yet commit rows below the newest
// cursor the read saw. Rows past the horizon are written now and read again next run.
//
// A cursor cannot see deletes, so every `reconcileEvery` runs the entity is also reconciled
// by keys (hash mode over engine-computed hashes, the same ones cursor batches store):
// stored keys the source no longer has are deleted, and rows the cursor missed (a cursor
// that went backwards) are written. The run count lives in a checkpoint of its own,
// "<entity>#runs", so it needs no table beyond what every StateStore has.
//
// The first run (no checkpoint) is a full load (loadInFull): read in key order and written by
// FullExecutor, then checkpointed at the newest cursor value read below the horizon.
class CursorExecutor final
{
public:
    CursorExecutor(RunContext &context, const EntityPlan &plan, SourceConnector &source,
                   StateRoute &state, BatchPipeline &pipeline, EntityStats &stats);

    void run();

private:
    // The first run (no checkpoint) loads as a full run does (FullExecutor: a first load's
    // plain COPYs and state with its batches, in key order) and then stores the newest cursor
    // value it read below the horizon; only for cursor types whose order the engine knows, and
    // not where the horizon holds the checkpoint back.
    bool loadsInFull(const CursorHorizon &horizon) const;
    void loadInFull(const CursorHorizon &horizon);
    bool reconciliationDue(qint64 *runsAfterThis);
    // The checkpoint of the last row of `rows` below the horizon, if any.
    std::optional<Checkpoint> coveredCheckpoint(const QList<Row> &rows,
                                                const CursorHorizon &horizon) const;

    RunContext &m_context;
    const EntityPlan &m_plan;
    SourceConnector &m_source;
    StateRoute &m_state;
    BatchPipeline &m_pipeline;
    EntityStats &m_stats;
};

} // namespace tf::sync
