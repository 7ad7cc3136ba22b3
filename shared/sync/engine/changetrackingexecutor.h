#pragma once

#include "batchpipeline.h"

namespace tf::sync {

class StateRoute;

// Cursor mode over the source's own change log (cursor kind "change_tracking": SQL Server
// Change Tracking, SourceConnector::startChangeLog/readChangeLog). The checkpoint is the
// change version, kept as the entity's cursor checkpoint.
//
// Each run first asks the source for its current version (the run's next checkpoint) and
// whether the stored one is still valid. Without a stored version, or below the oldest one the
// log still holds (its changes were cleaned up: the reason is logged), the entity is loaded
// whole by FullExecutor, whose state diff finds the deletes, and the version read before the
// load is stored after it: a change made during the load is read again next run, never lost.
// Otherwise the changes since the stored version are applied: changed rows upserted, deleted
// keys removed under the pair's delete policy (their target keys from the sync state). The
// log's clean-up may run during the read, so once the read is done the oldest valid version is
// asked again: still at or below the stored one, every change was read, and the run's last
// batch carries the new version in its ChangeBatch (committed with that batch's data); above
// it, the entity is resynced. So a stored version always covers committed data and a complete
// read; a failed write or a crash leaves the old version, and the next run reads the changes
// again (applying them twice changes nothing). SNAPSHOT isolation is not needed for this.
class ChangeTrackingExecutor final
{
public:
    ChangeTrackingExecutor(RunContext &context, const EntityPlan &plan, SourceConnector &source,
                           StateRoute &state, BatchPipeline &pipeline, EntityStats &stats);

    void run();

private:
    void resync(qint64 current);
    void applyChanges(qint64 since, qint64 current);
    void apply(const ChangeLogBatch &batch, const std::optional<Checkpoint> &checkpoint);
    // The delete policy applied to source keys the log names as deleted; keys with no state
    // were never written, and have nothing to delete.
    void remove(const QList<KeyValues> &deleted);
    void saveVersion(qint64 version);

    RunContext &m_context;
    const EntityPlan &m_plan;
    SourceConnector &m_source;
    StateRoute &m_state;
    BatchPipeline &m_pipeline;
    EntityStats &m_stats;
};

} // namespace tf::sync
