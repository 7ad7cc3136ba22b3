#include "fullexecutor.h"

#include "stagingsession.h"
#include "stateroute.h"

namespace tf::sync {

FullExecutor::FullExecutor(RunContext &context, const EntityPlan &plan, SourceConnector &source,
                           StateRoute &state, BatchPipeline &pipeline, EntityStats &stats)
    : m_context(context)
    , m_plan(plan)
    , m_source(source)
    , m_state(state)
    , m_pipeline(pipeline)
    , m_stats(stats)
{ }

void FullExecutor::run()
{
    StagingSession staging(m_state.store(), m_context.pair().pairId, m_plan.spec.name);
    const EntityStats before = m_stats;
    ReadRequest request = m_plan.readRequest(m_context.pair().batchSize);
    // The hash hash mode compares, from the source itself: the first hash run after a full
    // one then finds nothing to do.
    request.withSourceHashes = m_source.hashesAtSource();
    const auto restart = [&] {
        // Rows already written stay written (upserts); counting starts over with the read.
        m_stats = before;
        staging.restart();
    };
    m_context.source().call(
        QStringLiteral("reading %1").arg(m_plan.spec.sourceEntity),
        [&] {
            m_source.readAll(request, downstream([&](const RowBatch &batch) {
                                 const QList<Row> rows = m_plan.conform(batch);
                                 QList<QByteArray> hashes;
                                 hashes.reserve(rows.size());
                                 QList<QPair<QString, QByteArray>> keyHashes
                                     = m_plan.keyHashes(rows, batch.hashes);
                                 for (const auto &keyHash : std::as_const(keyHashes))
                                     hashes << keyHash.second;
                                 m_state.store().stage(keyHashes);
                                 m_pipeline.upsert(rows, hashes, {}, BatchPipeline::Known::Upsert);
                                 m_stats.read += rows.size();
                                 m_context.reportProgress(m_stats, -1);
                                 return !m_context.cancelRequested();
                             }));
        },
        restart);
    m_context.throwIfCancelled();

    m_state.store().diff(m_context.pair().batchSize,
                         [&](const QList<StateStore::KeyChange> &changes) {
                             m_context.holding(changes.size());
                             QList<StateStore::KeyChange> gone;
                             for (const StateStore::KeyChange &change : changes) {
                                 // Inserts/updates here are quarantined rows, whose state stays as
                                 // it was.
                                 if (change.kind == StateStore::ChangeKind::Delete)
                                     gone << change;
                             }
                             m_pipeline.remove(gone);
                             return !m_context.cancelRequested();
                         });
    m_context.throwIfCancelled();
}

} // namespace tf::sync
