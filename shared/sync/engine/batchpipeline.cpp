#include "batchpipeline.h"

#include "core/errors.h"
#include "quarantinestore.h"
#include "rowjson.h"
#include "rowtransformer.h"
#include "stateroute.h"
#include "updatediff.h"
#include "writerthread.h"

#include <QLoggingCategory>

namespace tf::sync {

Q_LOGGING_CATEGORY(lcPipeline, "sync.engine")

BatchPipeline::BatchPipeline(RunContext &context, const EntityPlan &plan, TargetConnector &target,
                             StateRoute &state, EntityStats &stats)
    : m_context(context)
    , m_plan(plan)
    , m_target(target)
    , m_state(state)
    , m_stats(stats)
{ }

ChangeBatch BatchPipeline::newBatch() const
{
    ChangeBatch batch;
    batch.pairId = m_context.pair().pairId;
    batch.entity = m_plan.spec.targetEntity;
    batch.keyColumns = m_plan.spec.targetKey;
    batch.schema = m_plan.targetSchema;
    // State is per entity of the pair (not per source entity): two entities of one pair may
    // read the same source entity into different targets.
    batch.stateEntity = m_plan.spec.name;
    return batch;
}

QList<BatchPipeline::Mapped> BatchPipeline::transformAndValidate(const QList<Row> &rows,
                                                                 const QList<QByteArray> &hashes,
                                                                 std::function<void()> beforeLookup)
{
    // Rows that come without the source's hashes (replays, repairs): asked of the source in one
    // call, so their state compares equal in hash mode.
    RowTransformer transformer(m_plan, m_target, m_context.target());
    transformer.setBeforeLookup(std::move(beforeLookup));
    return transformer.apply(rows, hashes.isEmpty() && !rows.isEmpty() ? m_plan.hashes(rows) : hashes);
}

void BatchPipeline::quarantine(const Row &sourceRow, const Mapped &mapped)
{
    ++m_stats.quarantined;
    const FieldError first = mapped.errors.value(0);
    if (m_context.pair().invalidRows == InvalidRowPolicy::Fail) {
        throw Error(Error::Kind::Validation,
                    QStringLiteral("entity '%1', row %2: %3")
                        .arg(m_plan.spec.name, mapped.sourceKey, first.message),
                    QJsonObject { { QStringLiteral("entity"), m_plan.spec.name },
                                  { QStringLiteral("source_key"), mapped.sourceKey },
                                  { QStringLiteral("field"), first.field },
                                  { QStringLiteral("rule"), first.rule } });
    }
    if (m_context.dryRun()) {
        m_context.plan({ m_plan.spec.name, QStringLiteral("invalid"), mapped.sourceKey,
                         rowToJson(mapped.row, *m_plan.targetSchema), std::nullopt });
        return;
    }
    m_context.quarantine().record(quarantineRecord(m_plan, m_context.pair().pairId,
                                                   m_context.options().operationId, sourceRow, mapped));
}

void BatchPipeline::quarantineUnreadable(const KeyValues &key, const QString &sourceKey,
                                         const QByteArray &hash)
{
    Mapped item;
    item.hash = hash;
    item.sourceKey = sourceKey;
    item.errors << FieldError {
        m_plan.spec.sourceKey.value(0), QStringLiteral("missing_at_source"),
        QStringLiteral("the source listed key %1 but returned no row for it when read by key "
                       "(deleted since the run started, or a key value it cannot match); the "
                       "next run reads it again")
            .arg(sourceKey)
    };
    quarantine(Row(key), item);
}

QSet<QString> BatchPipeline::existingTargetKeys(const QList<Row> &rows)
{
    QSet<QString> existing;
    if (m_plan.targetKeyIndexes.size() != 1 || rows.isEmpty())
        return existing;
    const int keyIndex = m_plan.targetKeyIndexes.constFirst();
    QList<QVariant> keys;
    keys.reserve(rows.size());
    for (const Row &row : rows)
        keys << row.value(keyIndex);
    m_context.target().call(QStringLiteral("looking up existing keys"), [&] {
        existing
            = m_target.existingValues(m_plan.spec.targetEntity, m_plan.spec.targetKey.constFirst(),
                                      m_plan.targetKeyTypes.constFirst(), keys);
    });
    return existing;
}

BatchPipeline::Prepared BatchPipeline::prepare(const QList<Row> &rows, const QList<Mapped> &mapped,
                                               const QList<Known> &kinds, Known all)
{
    Prepared prepared { newBatch(), {}, {} };
    ChangeBatch &batch = prepared.batch;
    batch.intoEmpty = m_intoEmpty;
    batch.upserts.reserve(mapped.size());
    prepared.written.reserve(mapped.size());
    for (int i = 0; i < mapped.size(); ++i) {
        const Mapped &item = mapped.at(i);
        if (!item.errors.isEmpty()) {
            quarantine(rows.at(i), item);
            continue;
        }
        batch.upserts << item.row;
        prepared.written << StateEntry { item.sourceKey, item.hash,
                                         m_plan.targetKeyIsSourceKey ? item.sourceKey : m_plan.targetKeyText(item.row) };
        prepared.kinds << (kinds.isEmpty() ? all : kinds.at(i));
    }
    if (!m_stateStaged || m_context.dryRun()) {
        batch.stateUpserts = prepared.written;
    } else if (!m_pendingRun.isEmpty()) {
        batch.pendingRun = m_pendingRun;
        batch.pendingTargetKeys.reserve(prepared.written.size());
        for (const StateEntry &entry : std::as_const(prepared.written))
            batch.pendingTargetKeys << entry.targetKey;
    }
    return prepared;
}

void BatchPipeline::upsertPipelined(WriterThread &writer, const QList<Row> &rows,
                                    const QList<QByteArray> &hashes,
                                    std::function<void(const QList<StateEntry> &)> committed)
{
    m_context.holding(rows.size());
    // A reference lookup reads the target: it waits for the batches before this one.
    const QList<Mapped> mapped
        = transformAndValidate(rows, hashes, [&writer] { writer.waitIdle(); });
    // Shared by the writer thread's work and the calling thread's done/failed, never at once.
    struct InFlight
    {
        Prepared prepared;
        WriteCounts counts;
    };
    auto flight
        = std::make_shared<InFlight>(InFlight { prepare(rows, mapped, {}, Known::Upsert), {} });
    if (flight->prepared.batch.upserts.isEmpty()) {
        committed({});
        return;
    }
    flight->prepared.batch.counts = &flight->counts;
    WriterThread::Job job;
    job.work = [this, flight] {
        m_context.target().call(QStringLiteral("applying a batch"),
                                [&] { m_target.apply(flight->prepared.batch); });
    };
    job.done = [this, flight, committed = std::move(committed)] {
        count({}, &flight->counts);
        m_state.applied(flight->prepared.batch);
        committed(flight->prepared.written);
    };
    job.failed = [this, flight] { m_stats.failed += flight->prepared.batch.upserts.size(); };
    writer.submit(std::move(job));
}

QList<StateEntry> BatchPipeline::upsert(const QList<Row> &rows, const QList<QByteArray> &hashes,
                                        const QList<Known> &kinds, Known all,
                                        const std::optional<Checkpoint> &checkpoint)
{
    m_context.holding(rows.size());
    const QList<Mapped> mapped = transformAndValidate(rows, hashes);
    Prepared prepared = prepare(rows, mapped, kinds, all);
    ChangeBatch &batch = prepared.batch;
    batch.checkpoint = checkpoint;
    const QList<StateEntry> &written = prepared.written;
    QList<Known> &batchKinds = prepared.kinds;
    // Who can tell inserts from updates: the write itself, else a key look-up before it.
    WriteCounts counts;
    const bool toDecide = batchKinds.contains(Known::Upsert);
    const bool fromWrite = toDecide && !m_context.dryRun() && m_target.countsWrites();
    if (fromWrite)
        batch.counts = &counts;
    const bool lookUp = toDecide && !fromWrite && m_plan.targetKeyIndexes.size() == 1;
    const QSet<QString> existing = lookUp ? existingTargetKeys(batch.upserts) : QSet<QString>();
    for (int i = 0; i < batch.upserts.size() && !fromWrite; ++i) {
        if (batchKinds.at(i) == Known::Upsert)
            batchKinds[i] = !lookUp || existing.contains(written.at(i).targetKey) ? Known::Update
                                                                                  : Known::Insert;
    }
    if (!batch.upserts.isEmpty() || batch.checkpoint)
        apply(batch, "applying a batch");
    count(batchKinds, fromWrite ? &counts : nullptr);
    if (!m_context.dryRun())
        return written;

    // A dry run's updates show the target's current values of the fields they change.
    QList<Row> updates;
    for (int i = 0; i < batch.upserts.size(); ++i) {
        if (batchKinds.at(i) != Known::Insert)
            updates << batch.upserts.at(i);
    }
    const QHash<QString, UpdateDiff> diffs
        = diffAgainstTarget(m_plan, m_target, m_context.target(), updates);
    for (int i = 0; i < batch.upserts.size(); ++i) {
        const bool insert = batchKinds.at(i) == Known::Insert;
        PlannedChange change { m_plan.spec.name,
                               insert ? QStringLiteral("insert") : QStringLiteral("update"),
                               written.at(i).targetKey,
                               rowToJson(batch.upserts.at(i), *m_plan.targetSchema), std::nullopt };
        const auto diff = diffs.constFind(change.key);
        if (!insert && diff != diffs.constEnd())
            change.beforeAfter = qMakePair(diff->before, diff->after);
        m_context.plan(std::move(change));
    }
    return written;
}

// Rows whose kind the write told (counts) or that were known / looked up (kinds).
void BatchPipeline::count(const QList<Known> &kinds, const WriteCounts *counts)
{
    if (counts) {
        m_stats.inserted += counts->inserted;
        m_stats.updated += counts->updated;
        m_stats.unchanged += counts->unchanged;
        return;
    }
    for (const Known kind : kinds)
        ++(kind == Known::Insert ? m_stats.inserted : m_stats.updated);
}

void BatchPipeline::remove(const QList<StateStore::KeyChange> &gone)
{
    removeByPolicy(gone, true);
}

void BatchPipeline::settlePending()
{
    if (m_context.dryRun())
        return;
    StateStore &store = m_state.store();
    const QString &pairId = m_context.pair().pairId;
    QStringList orphans;
    m_context.target().call(QStringLiteral("looking for rows of unfinished runs of %1").arg(m_plan.spec.name),
                            [&] { orphans = store.unaccountedPending(pairId, m_plan.spec.name); });
    if (!orphans.isEmpty()) {
        qCInfo(lcPipeline).noquote()
            << QStringLiteral("pair %1 entity %2: %3 target row(s) written by a run that stopped before its "
                              "state, whose source rows are gone, removed per the delete policy")
                   .arg(pairId, m_plan.spec.name)
                   .arg(orphans.size());
    }
    const int batchSize = qMax(1, m_context.pair().batchSize);
    for (qsizetype from = 0; from < orphans.size(); from += batchSize) {
        QList<StateStore::KeyChange> gone;
        for (const QString &key : orphans.mid(from, batchSize))
            gone << StateStore::KeyChange { StateStore::ChangeKind::Delete, QString(), {}, key };
        removeByPolicy(gone, false);
    }
    m_context.target().call(QStringLiteral("forgetting the pending rows of %1").arg(m_plan.spec.name),
                            [&] { store.clearPending(pairId, m_plan.spec.name); });
}

void BatchPipeline::removeByPolicy(const QList<StateStore::KeyChange> &gone, bool withState)
{
    if (gone.isEmpty())
        return;
    m_context.holding(gone.size());
    const DeleteAction action = m_plan.spec.deleteAction;
    ChangeBatch batch = newBatch();
    if (action == DeleteAction::SoftDelete) {
        // The flag is written as a partial upsert (key columns + flag): the target updates
        // just that column of the existing row and needs nothing else of it.
        batch.schema = m_plan.softDeleteSchema;
    }
    QStringList targetKeys;
    for (const StateStore::KeyChange &change : gone) {
        if (withState)
            batch.stateDeletes << change.sourceKey;
        if (action == DeleteAction::Ignore || change.targetKey.isEmpty())
            continue;
        const KeyValues key = keyFromText(change.targetKey, m_plan.targetKeyTypes);
        if (action == DeleteAction::Propagate)
            batch.deletes << key;
        else
            batch.upserts << (Row(key) << QVariant(true));
        targetKeys << change.targetKey;
    }
    apply(batch, "applying deletes");
    m_stats.deleted += targetKeys.size();
    if (m_context.dryRun()) {
        const QString kind = action == DeleteAction::Propagate ? QStringLiteral("delete")
                                                               : QStringLiteral("soft_delete");
        for (const QString &key : std::as_const(targetKeys))
            m_context.plan({ m_plan.spec.name, kind, key, {}, std::nullopt });
    }
}

void BatchPipeline::removeTargetRows(const QStringList &targetKeys)
{
    if (targetKeys.isEmpty())
        return;
    m_context.holding(targetKeys.size());
    ChangeBatch batch = newBatch();
    for (const QString &key : targetKeys)
        batch.deletes << keyFromText(key, m_plan.targetKeyTypes);
    apply(batch, "deleting extra rows");
    m_stats.deleted += targetKeys.size();
    if (m_context.dryRun()) {
        for (const QString &key : targetKeys)
            m_context.plan({ m_plan.spec.name, QStringLiteral("delete"), key, {}, std::nullopt });
    }
}

void BatchPipeline::apply(const ChangeBatch &batch, const char *what)
{
    if (m_context.dryRun())
        return;
    try {
        m_context.target().call(QString::fromLatin1(what), [&] { m_target.apply(batch); });
    } catch (const Error &) {
        m_stats.failed += batch.upserts.size() + batch.deletes.size();
        throw;
    }
    m_state.applied(batch);
}

} // namespace tf::sync
