#include "hashexecutor.h"

#include "stagingsession.h"
#include "stateroute.h"

#include <QHash>

namespace tf::sync {

HashExecutor::HashExecutor(RunContext &context, const EntityPlan &plan, SourceConnector &source,
                           StateRoute &state, BatchPipeline &pipeline, EntityStats &stats)
    : m_context(context)
    , m_plan(plan)
    , m_source(source)
    , m_state(state)
    , m_pipeline(pipeline)
    , m_stats(stats)
{ }

void HashExecutor::run(const Options &options)
{
    const bool sourceHashes = !options.engineHashes && m_source.hashesAtSource();
    StagingSession staging(m_state.store(), m_context.pair().pairId, m_plan.spec.name);
    m_staging = &staging;
    const qint64 staged = stage(sourceHashes);
    m_context.throwIfCancelled();
    qint64 changed = 0;
    qint64 seen = 0;
    m_state.store().diff(
        m_context.pair().batchSize, [&](const QList<StateStore::KeyChange> &changes) {
            m_context.holding(changes.size());
            QList<StateStore::KeyChange> gone;
            QList<StateStore::KeyChange> upserts;
            for (const StateStore::KeyChange &change : changes)
                (change.kind == StateStore::ChangeKind::Delete ? gone : upserts) << change;
            m_pipeline.remove(gone);
            if (!options.deletesOnly && !upserts.isEmpty()) {
                changed += upserts.size();
                upsertChanged(upserts, sourceHashes);
            }
            seen += changes.size();
            // The diff holds at most every staged key: changes seen over keys staged is a lower
            // bound of the work done, exact for an initial load, and never reaches 100% early.
            m_context.reportProgress(m_stats, staged > 0 ? qMin(0.99, double(seen) / double(staged)) : -1);
            return !m_context.cancelRequested();
        });
    m_staging = nullptr;
    m_context.throwIfCancelled();
    if (options.countRows) {
        m_stats.read += staged;
        m_stats.unchanged += qMax<qint64>(0, staged - changed);
    }
}

qint64 HashExecutor::stage(bool sourceHashes)
{
    qint64 staged = 0;
    const ReadRequest request = m_plan.readRequest(m_context.pair().batchSize);
    StateStore &store = m_state.store();
    const auto restart = [&] {
        staged = 0;
        m_staging->restart();
    };
    if (sourceHashes) {
        m_context.source().call(
            QStringLiteral("reading key hashes of %1").arg(m_plan.spec.sourceEntity),
            [&] {
                m_source.readKeyHashes(
                    request, downstream([&](const QList<KeyHash> &list) {
                        m_context.holding(list.size());
                        QList<QPair<QString, QByteArray>> pairs;
                        pairs.reserve(list.size());
                        for (const KeyHash &keyHash : list)
                            pairs.append(
                                { keyText(keyHash.key, m_plan.sourceKeyTypes), keyHash.hash });
                        store.stage(pairs);
                        staged += pairs.size();
                        return !m_context.cancelRequested();
                    }));
            },
            restart);
        return staged;
    }
    m_context.source().call(
        QStringLiteral("reading %1").arg(m_plan.spec.sourceEntity),
        [&] {
            m_source.readAll(request, downstream([&](const RowBatch &batch) {
                                 const QList<Row> rows = m_plan.conform(batch);
                                 m_context.holding(rows.size());
                                 store.stage(m_plan.keyHashes(rows));
                                 staged += rows.size();
                                 return !m_context.cancelRequested();
                             }));
        },
        restart);
    return staged;
}

void HashExecutor::upsertChanged(const QList<StateStore::KeyChange> &changes, bool sourceHashes)
{
    QHash<QString, int> bySourceKey; // one diff batch: bounded
    QList<KeyValues> keys;
    keys.reserve(changes.size());
    for (int i = 0; i < changes.size(); ++i) {
        bySourceKey.insert(changes.at(i).sourceKey, i);
        keys << keyFromText(changes.at(i).sourceKey, m_plan.sourceKeyTypes);
    }
    QList<Row> rows;
    m_context.source().call(
        QStringLiteral("reading changed rows of %1").arg(m_plan.spec.sourceEntity), [&] {
            rows.clear();
            m_source.readByKeys(m_plan.readRequest(m_context.pair().batchSize), keys,
                                [&](const RowBatch &batch) {
                                    rows << m_plan.conform(batch);
                                    return true;
                                });
        });
    m_context.holding(rows.size());
    QList<QByteArray> hashes;
    QList<BatchPipeline::Known> kinds;
    QList<Row> found;
    QList<bool> read(changes.size(), false);
    for (const Row &row : std::as_const(rows)) {
        const int index = bySourceKey.value(m_plan.sourceKeyText(row), -1);
        if (index < 0)
            continue; // not asked for (a connector returning extra rows)
        read[index] = true;
        const StateStore::KeyChange &change = changes.at(index);
        found << row;
        hashes << (sourceHashes ? change.hash : m_plan.hash(row));
        kinds << (change.kind == StateStore::ChangeKind::Insert ? BatchPipeline::Known::Insert
                                                                : BatchPipeline::Known::Update);
    }
    m_pipeline.upsert(found, hashes, kinds, BatchPipeline::Known::Update);
    // A key listed but not read back is never skipped in silence: it is quarantined with the
    // reason (or fails the run under invalid_rows: fail). Its state does not move, so a row
    // deleted since staging is simply gone next run, and any other row is read again.
    for (int i = 0; i < changes.size(); ++i) {
        if (!read.at(i))
            m_pipeline.quarantineUnreadable(keys.at(i), changes.at(i).sourceKey, changes.at(i).hash);
    }
}

} // namespace tf::sync
