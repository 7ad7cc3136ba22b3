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
class CursorExecutor final
{
public:
    CursorExecutor(RunContext &context, const EntityPlan &plan, SourceConnector &source,
                   StateRoute &state, BatchPipeline &pipeline, EntityStats &stats);

    void run();

private:
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
