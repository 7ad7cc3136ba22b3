#pragma once

#include "chunkrun.h"
#include "sync/engine/chunkedload.h"
#include "workersettings.h"

#include <QString>

namespace tf::db {
class Database;
}

namespace tf::syncd {

// The operation side of a chunked load (issue 16 item 5), installed on the SyncRunner of every
// sync operation. For an entity that qualifies -- a full run, or a hash-mode entity with no
// state yet (a first run); a source that is a ChunkSource keyed by one integer column; an
// estimate of at least sync/chunk_rows; more than one chunk able to run at once
// (chunksCanOverlap) -- it cuts the key range into chunks (RangeChecksums
// ::splitPoints, equal widths, as verify cuts), plans them in operation_chunks, and then works
// on them itself like any other worker while the pool's workers on every node claim the rest
// (at most workers_per_pair at once). It waits until every chunk is done, keeping the
// operation's lease and progress (rows done over the estimate) alive, and for a full resync
// of an entity that had state it runs the delete sweep once (ChunkExecutor::sweep).
//
// An operation re-claimed after its node died finds its chunks planned and goes on with them:
// done chunks stay done, a chunk whose worker died is claimed again after its lease and
// resumes after its checkpoint.
class ChunkCoordinator final : public sync::ChunkedLoad
{
public:
    ChunkCoordinator(db::Database &control, qint64 operationId, QString nodeId,
                     const WorkerSettings &settings, const std::atomic_bool &stopping,
                     std::function<void(const QString &)> log);

    bool load(sync::RunContext &context, const sync::EntityPlan &plan, sync::ChangeMode mode,
              sync::SourceConnector &source, sync::TargetConnector &target,
              sync::StateRoute &state, sync::EntityStats &stats) override;

private:
    // True when more than one chunk of the pair can run at once: workers_per_pair > 1, and a
    // second worker here or another live tf-syncd node. Otherwise chunks would run in turn,
    // slower than the full path's one pass (set-based state, COPY into an empty target).
    bool chunksCanOverlap(int workersPerPair) const;
    bool planChunks(sync::RunContext &context, const sync::EntityPlan &plan, sync::ChangeMode mode,
                    sync::SourceConnector &source, sync::TargetConnector &target,
                    sync::StateRoute &state);

    db::Database &m_control;
    qint64 m_operationId;
    QString m_nodeId;
    WorkerSettings m_settings;
    const std::atomic_bool &m_stopping;
    std::function<void(const QString &)> m_log;
};

} // namespace tf::syncd
