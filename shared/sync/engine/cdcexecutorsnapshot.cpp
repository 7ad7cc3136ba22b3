#include "cdcexecutor.h"

#include "cdcentitywriter.h"
#include "db/connection.h"
#include "sync/cdc/cdctarget.h"
#include "sync/cdc/pgreplicationconnection.h"
#include "sync/cdc/pgsourcecatalog.h"
#include "sync/connectors/postgresconnector.h"
#include "syncrunner.h"
#include "cdcschemagate.h"

#include <QElapsedTimer>

// CdcExecutor's initial snapshot: the slot with its exported snapshot, the full load under it,
// the consistent point saved in the target.
namespace tf::sync {

using namespace cdc;

Lsn CdcExecutor::initialSnapshot(PgReplicationConnection *connection)
{
    PgSourceCatalog catalog(*m_sourceDb);
    if (catalog.slot(m_slot)) {
        // Left by a snapshot that did not finish: its changes are in no target.
        log(QStringLiteral("dropping slot %1 left by an unfinished snapshot").arg(m_slot));
        connection->dropSlot(m_slot);
    }
    const CreatedSlot slot = connection->createSlot(m_slot);
    log(QStringLiteral("snapshot: slot %1 created, consistent point %2; loading the tables under "
                       "snapshot %3")
            .arg(m_slot, formatLsn(slot.consistentPoint), slot.snapshotName));
    {
        const std::unique_ptr<CdcTransaction> mark = m_cdcTarget->begin();
        m_cdcTarget->positions().markSnapshot(m_pair.pairId, m_slot);
        mark->commit();
    }
    if (m_gate) {
        // The baseline of schema changes is the shape the copy reads, not the first Relation
        // message streamed: a table altered between the consistent point and its first change
        // is held like any other change.
        m_gate->forgetShapes();
        for (const RelationMessage &relation : PgSourceCatalog(*m_sourceDb).relationsAt(
                 slot.snapshotName, m_sourceSchema, sourceTables()))
            m_gate->accept(relation);
    }
    m_source.setReadSnapshot(slot.snapshotName);
    SyncRunner runner(m_pair, m_source, m_target, m_quarantine, m_controlState);
    RunOptions load;
    load.operationId = m_options.operationId;
    // The heartbeat goes on during the load (a snapshot longer than the lease would otherwise
    // lose it to another node): progress every check interval; false or a cancel stops the load.
    std::atomic_bool stopLoad { m_options.cancel && m_options.cancel->load() };
    QElapsedTimer sinceProgress;
    sinceProgress.start();
    load.cancel = &stopLoad;
    load.progress = [&](const RunProgress &) {
        if (m_options.cancel && m_options.cancel->load())
            stopLoad.store(true);
        if (!m_options.progress || sinceProgress.elapsed() < m_options.checkIntervalMs)
            return;
        sinceProgress.restart();
        if (!m_options.progress(m_progress))
            stopLoad.store(true);
    };
    load.forceFull = true;
    const RunResult loaded = runner.run(load);
    m_source.setReadSnapshot({});
    m_progress.totals += loaded.totals;
    if (loaded.status == RunStatus::Failed || loaded.status == RunStatus::Cancelled) {
        // Never "snapshot now, stream from now": the next attempt starts over with a new slot.
        try {
            connection->dropSlot(m_slot);
        } catch (const Error &error) {
            log(QStringLiteral("could not drop slot %1 after the failed snapshot (the next attempt "
                               "drops it): %2")
                    .arg(m_slot, error.message()));
        }
        if (loaded.status == RunStatus::Cancelled) {
            m_stopped = true;
            return 0;
        }
        throw Error(Error::Kind::Unavailable, QStringLiteral("initial snapshot failed, slot dropped: %1")
                                                  .arg(loaded.error));
    }
    const std::unique_ptr<CdcTransaction> transaction = m_cdcTarget->begin();
    CdcPositions &positions = m_cdcTarget->positions();
    positions.save(m_pair.pairId, StoredPosition { m_slot, m_server.systemId, m_server.timeline,
                                                   slot.consistentPoint });
    positions.clearSnapshot(m_pair.pairId, m_slot);
    transaction->commit();
    m_applied = slot.consistentPoint;
    log(QStringLiteral("snapshot loaded (%1 read, %2 quarantined); streaming from %3")
            .arg(loaded.totals.read)
            .arg(loaded.totals.quarantined)
            .arg(formatLsn(slot.consistentPoint)));
    return slot.consistentPoint;
}

// A snapshot that did not finish (or a pair being re-snapshotted) left rows in the target; the
// new load rewrites every source row but cannot know the rows whose source rows were deleted
// meanwhile (its sync state never listed them). They go first, as a TRUNCATE of the source
// would: deleted, flagged or kept per the entity's delete policy.
void CdcExecutor::emptyUnfinishedSnapshot(CdcPositions &positions)
{
    const std::optional<QDateTime> started = positions.snapshotMark(m_pair.pairId, m_slot);
    if (!started)
        return;
    EntityStats removed;
    const std::unique_ptr<CdcTransaction> transaction = m_cdcTarget->begin();
    for (const auto &writer : std::as_const(m_writers))
        writer->truncate(removed);
    transaction->commit();
    log(QStringLiteral("snapshot: the attempt started at %1 did not finish; %2 target row(s) it may "
                       "have written removed (or flagged, per the delete policy) before loading "
                       "again")
            .arg(started->toUTC().toString(Qt::ISODate))
            .arg(removed.deleted));
}

} // namespace tf::sync
