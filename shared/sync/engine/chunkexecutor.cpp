#include "chunkexecutor.h"

#include "chunksource.h"
#include "sync/connector.h"
#include "stagingsession.h"
#include "stateroute.h"

namespace tf::sync {

ChunkExecutor::ChunkExecutor(RunContext &context, const EntityPlan &plan, ChunkSource &source,
                             BatchPipeline &pipeline, EntityStats &stats)
    : m_context(context)
    , m_plan(plan)
    , m_source(source)
    , m_pipeline(pipeline)
    , m_stats(stats)
{ }

void ChunkExecutor::run(const KeyRange &range, std::optional<qint64> after,
                        const Committed &committed)
{
    ReadRequest request = m_plan.readRequest(m_context.pair().batchSize);
    // The hash hash mode compares, from the source itself (as FullExecutor): a hash run after
    // a chunked load finds nothing to do.
    const auto *connector = dynamic_cast<const SourceConnector *>(&m_source);
    request.withSourceHashes = connector && connector->hashesAtSource();
    bool stopped = false;
    // A retried read (the source blinked) starts after the last committed batch too.
    m_context.source().call(
        QStringLiteral("reading a chunk of %1").arg(m_plan.spec.sourceEntity),
        [&] {
            KeyRange rest = range;
            if (after)
                rest.from = QString::number(*after + 1);
            m_source.readKeyRange(request, rest, downstream([&](const RowBatch &batch) {
                                      const QList<Row> rows = m_plan.conform(batch);
                                      if (rows.isEmpty())
                                          return true;
                                      m_context.holding(rows.size());
                                      QList<QByteArray> hashes;
                                      hashes.reserve(rows.size());
                                      const QList<QPair<QString, QByteArray>> keyHashes
                                          = m_plan.keyHashes(rows, batch.hashes);
                                      for (const auto &keyHash : keyHashes)
                                          hashes << keyHash.second;
                                      m_pipeline.upsert(rows, hashes, {}, BatchPipeline::Known::Upsert);
                                      m_stats.read += rows.size();
                                      // upsert() returned: the batch and its state committed.
                                      after = m_plan.sourceKey(rows.constLast()).constFirst().toLongLong();
                                      stopped = !committed(*after, m_stats) || m_context.cancelRequested();
                                      return !stopped;
                                  }));
        },
        [] { });
    m_context.throwIfCancelled();
    if (stopped)
        throw RunCancelled {};
}

void ChunkExecutor::sweep(RunContext &context, const EntityPlan &plan, SourceConnector &source,
                          StateRoute &state, BatchPipeline &pipeline)
{
    StateStore &store = state.store();
    StagingSession staging(store, context.pair().pairId, plan.spec.name);
    const ReadRequest request = plan.readRequest(context.pair().batchSize);
    context.source().call(
        QStringLiteral("reading the keys of %1").arg(plan.spec.sourceEntity),
        [&] {
            if (source.hashesAtSource()) {
                source.readKeyHashes(request, downstream([&](const QList<KeyHash> &list) {
                                         QList<QPair<QString, QByteArray>> pairs;
                                         pairs.reserve(list.size());
                                         for (const KeyHash &keyHash : list)
                                             pairs.append({ keyText(keyHash.key, plan.sourceKeyTypes),
                                                            keyHash.hash });
                                         store.stage(pairs);
                                         return !context.cancelRequested();
                                     }));
                return;
            }
            source.readAll(request, downstream([&](const RowBatch &batch) {
                               store.stage(plan.keyHashes(plan.conform(batch)));
                               return !context.cancelRequested();
                           }));
        },
        [&] { staging.restart(); });
    context.throwIfCancelled();
    // Inserts and updates in this diff are rows that changed or appeared since their chunk
    // was read (or quarantined ones): the next run takes them. Only deletes are applied.
    store.diff(context.pair().batchSize, [&](const QList<StateStore::KeyChange> &changes) {
        context.holding(changes.size());
        QList<StateStore::KeyChange> gone;
        for (const StateStore::KeyChange &change : changes) {
            if (change.kind == StateStore::ChangeKind::Delete)
                gone << change;
        }
        pipeline.remove(gone);
        return !context.cancelRequested();
    });
    context.throwIfCancelled();
}

} // namespace tf::sync
