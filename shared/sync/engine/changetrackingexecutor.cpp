#include "changetrackingexecutor.h"

#include "fullexecutor.h"
#include "stateroute.h"

#include <QLoggingCategory>

namespace tf::sync {

Q_LOGGING_CATEGORY(lcChangeTracking, "sync.changetracking")

ChangeTrackingExecutor::ChangeTrackingExecutor(RunContext &context, const EntityPlan &plan,
                                               SourceConnector &source, StateRoute &state,
                                               BatchPipeline &pipeline, EntityStats &stats)
    : m_context(context)
    , m_plan(plan)
    , m_source(source)
    , m_state(state)
    , m_pipeline(pipeline)
    , m_stats(stats)
{ }

void ChangeTrackingExecutor::run()
{
    const std::optional<Checkpoint> checkpoint
        = m_state.store().checkpoint(m_context.pair().pairId, m_plan.spec.name);
    std::optional<qint64> stored;
    if (checkpoint && checkpoint->cursor.isValid() && !checkpoint->cursor.isNull())
        stored = checkpoint->cursor.toLongLong();
    ChangeLogStart start;
    m_context.source().call(
        QStringLiteral("reading the change versions of %1").arg(m_plan.spec.sourceEntity),
        [&] { start = m_source.startChangeLog(m_plan.spec.sourceEntity, stored); });
    if (start.resync || !stored) {
        if (!start.reason.isEmpty())
            qCWarning(lcChangeTracking).noquote() << start.reason;
        resync(start.current);
    } else {
        applyChanges(*stored, start.current);
    }
}

void ChangeTrackingExecutor::resync(qint64 current)
{
    FullExecutor(m_context, m_plan, m_source, m_state, m_pipeline, m_stats).run();
    m_context.throwIfCancelled();
    // Every row and delete of the load has committed (FullExecutor writes the state last):
    // the version read before it now covers them.
    saveVersion(current);
}

void ChangeTrackingExecutor::applyChanges(qint64 since, qint64 current)
{
    const ReadRequest request = m_plan.readRequest(m_context.pair().batchSize);
    // The last batch waits for the check below, and then carries the new version.
    std::optional<ChangeLogBatch> last;
    m_context.source().call(
        QStringLiteral("reading the changes of %1 since version %2")
            .arg(m_plan.spec.sourceEntity)
            .arg(since),
        [&] {
            // A retried read starts again at `since`: what was applied carries no version,
            // and applying it again changes nothing.
            last.reset();
            m_source.readChangeLog(request, since, [&](const ChangeLogBatch &batch) {
                if (last)
                    apply(*last, std::nullopt);
                last = batch;
                return !m_context.cancelRequested();
            });
        });
    m_context.throwIfCancelled();
    // The log's clean-up may have run during the read and taken changes not read yet: asked
    // again now, the oldest valid version says whether everything since `since` was there.
    ChangeLogStart after;
    m_context.source().call(
        QStringLiteral("checking the change versions of %1").arg(m_plan.spec.sourceEntity),
        [&] { after = m_source.startChangeLog(m_plan.spec.sourceEntity, since); });
    if (after.resync) {
        if (last)
            apply(*last, std::nullopt);
        qCWarning(lcChangeTracking).noquote() << after.reason;
        resync(current);
        return;
    }
    if (last)
        apply(*last, Checkpoint { QVariant(current), {} });
    else
        saveVersion(current);
}

void ChangeTrackingExecutor::apply(const ChangeLogBatch &batch,
                                   const std::optional<Checkpoint> &checkpoint)
{
    m_context.holding(batch.rows.rows.size() + batch.deletes.size());
    remove(batch.deletes);
    const QList<Row> rows = m_plan.conform(batch.rows);
    m_pipeline.upsert(rows, {}, {}, BatchPipeline::Known::Upsert, checkpoint);
    m_stats.read += rows.size() + batch.deletes.size();
    m_context.reportProgress(m_stats, -1);
}

void ChangeTrackingExecutor::remove(const QList<KeyValues> &deleted)
{
    if (deleted.isEmpty())
        return;
    QStringList sourceKeys;
    for (const KeyValues &key : deleted)
        sourceKeys << keyText(key, m_plan.sourceKeyTypes);
    QList<StateEntry> stored;
    m_context.target().call(QStringLiteral("looking up the state of deleted rows"), [&] {
        stored = m_state.store().stateOf(m_context.pair().pairId, m_plan.spec.name, sourceKeys);
    });
    QList<StateStore::KeyChange> gone;
    for (const StateEntry &entry : std::as_const(stored))
        gone << StateStore::KeyChange { StateStore::ChangeKind::Delete, entry.sourceKey, {},
                                        entry.targetKey };
    m_pipeline.remove(gone);
}

void ChangeTrackingExecutor::saveVersion(qint64 version)
{
    // An apply of no rows: the version goes through the target's own transaction like data.
    m_pipeline.upsert({}, {}, {}, BatchPipeline::Known::Upsert, Checkpoint { QVariant(version), {} });
}

} // namespace tf::sync
