#include "chunkexecutor.h"

#include "chunksource.h"
#include "sync/connector.h"
#include "core/errors.h"
#include "stagingsession.h"
#include "stateroute.h"

#include <QUuid>

namespace tf::sync {

ChunkExecutor::ChunkExecutor(RunContext &context, const EntityPlan &plan, ChunkSource &source,
                             StateRoute &state, BatchPipeline &pipeline, EntityStats &stats)
    : m_context(context)
    , m_plan(plan)
    , m_source(source)
    , m_state(state)
    , m_pipeline(pipeline)
    , m_stats(stats)
{ }

void ChunkExecutor::run(const KeyRange &range, std::optional<qint64> after, const Options &options,
                        const Committed &committed)
{
    ReadRequest request = m_plan.readRequest(m_context.pair().batchSize);
    // The hash hash mode compares, from the source itself (as FullExecutor): a hash run after
    // a chunked load finds nothing to do.
    const auto *connector = dynamic_cast<const SourceConnector *>(&m_source);
    request.withSourceHashes = connector && connector->hashesAtSource();
    StateStore &store = m_state.store();
    const bool staged = m_state.stateTravelsWithData() && store.stagesState() && !m_context.dryRun();
    std::optional<StagingSession> staging;
    if (staged)
        staging.emplace(store, m_context.pair().pairId, m_plan.spec.name);
    m_pipeline.setStateStaged(staged);
    if (staged) // rows written before a kill and gone from the source by the resume: settled later
        m_pipeline.setPendingRun(QUuid::createUuid().toString(QUuid::WithoutBraces));
    m_pipeline.setIntoEmpty(options.intoEmpty && !m_context.dryRun());

    std::optional<qint64> written = after; // the last key whose batch committed
    std::optional<qint64> checkpoint = after; // ... and whose state did
    EntityStats atCheckpoint = m_stats;
    int pending = 0; // batches staged since the last apply
    const auto applyState = [&](bool keysNew) {
        if (pending == 0)
            return;
        m_context.target().call(QStringLiteral("writing the sync state of %1").arg(m_plan.spec.name),
                                [&] { keysNew ? store.applyStagedNew() : store.applyStaged(); });
        staging->restart();
        pending = 0;
        checkpoint = written;
        atCheckpoint = m_stats;
    };

    bool stopped = false;
    // A retried read (the source blinked) starts after the last committed batch too.
    m_context.source().call(
        QStringLiteral("reading a chunk of %1").arg(m_plan.spec.sourceEntity),
        [&] {
            KeyRange rest = range;
            if (written)
                rest.from = QString::number(*written + 1);
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
                                      const QList<StateEntry> entries
                                          = m_pipeline.upsert(rows, hashes, {}, BatchPipeline::Known::Upsert);
                                      // upsert() returned: the batch (and its state, unless staged) committed.
                                      m_stats.read += rows.size();
                                      written = m_plan.sourceKey(rows.constLast()).constFirst().toLongLong();
                                      if (staged) {
                                          store.stageWritten(entries);
                                          if (++pending >= kApplyEvery)
                                              applyState(options.keysNew);
                                      } else {
                                          checkpoint = written;
                                          atCheckpoint = m_stats;
                                      }
                                      stopped = !committed(checkpoint, atCheckpoint, m_stats)
                                          || m_context.cancelRequested();
                                      return !stopped;
                                  }));
        },
        [&] { m_pipeline.setIntoEmpty(false); });
    m_pipeline.setIntoEmpty(false);
    if (stopped || m_context.cancelRequested()) {
        // The rows committed so far get their state (a merge: another worker may hold the
        // chunk by now); the checkpoint stays, so whoever goes on rewrites them, harmlessly.
        if (staged) {
            try {
                applyState(false);
            } catch (const Error &) {
                // Stopping anyway: the state stays behind the data, which a rewrite repairs.
            }
        }
        m_context.throwIfCancelled();
        throw RunCancelled {};
    }
    if (staged)
        applyState(options.keysNew);
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
