#pragma once

#include "entityplan.h"
#include "rowtransformer.h"
#include "runcontext.h"

namespace tf::sync {

class StateRoute;
class WriterThread;

// The executor every mode shares: transform -> validate -> quarantine -> apply for one
// batch of source rows, and apply for one batch of deletes. Each call holds one batch and
// nothing after it returns.
class BatchPipeline final
{
    Q_DISABLE_COPY_MOVE(BatchPipeline)
public:
    // What the caller knows about a row's change: Insert/Update from a hash diff; Upsert when
    // only the target can tell (cursor, full): a target that countsWrites() reports inserted,
    // updated and unchanged from the write itself; otherwise (and in a dry run) the keys are
    // looked up once per batch for single-column keys, else counted as updates.
    enum class Known { Insert, Update, Upsert };

    BatchPipeline(RunContext &context, const EntityPlan &plan, TargetConnector &target,
                  StateRoute &state, EntityStats &stats);

    // rows are in plan.readSchema order. hashes: the state hash per row, or empty to hash
    // the rows here. kinds: per row, or empty for `all`. The checkpoint (cursor mode) goes
    // in the same ChangeBatch, so it commits with the rows it covers.
    // Returns the state entries of the rows written (committed, or planned in a dry run).
    QList<StateEntry> upsert(const QList<Row> &rows, const QList<QByteArray> &hashes,
                             const QList<Known> &kinds, Known all,
                             const std::optional<Checkpoint> &checkpoint = std::nullopt);
    // Full mode with staged state on a target that countsWrites(), not in a dry run: the same
    // as upsert(), but the batch is written on `writer`'s thread while the caller goes on
    // reading and transforming. `committed` runs on the calling thread once the batch has
    // committed, with the state entries of the rows written (from a later call into
    // `writer`); a write error is rethrown by `writer`, unchanged, after the failed rows are
    // counted.
    void upsertPipelined(WriterThread &writer, const QList<Row> &rows,
                         const QList<QByteArray> &hashes,
                         std::function<void(const QList<StateEntry> &)> committed);
    // Full mode: the caller stages the state of the written rows itself (StateStore::
    // stagesState()), so upserts go without state; and whether the target had no rows when
    // the run began (ChangeBatch::intoEmpty).
    void setStateStaged(bool staged) { m_stateStaged = staged; }
    void setIntoEmpty(bool intoEmpty) { m_intoEmpty = intoEmpty; }
    // With staged state: each batch also records its target keys under this run id
    // (ChangeBatch::pendingTargetKeys), in its own transaction, until settlePending().
    // (The id tells the runs' lists apart when the table is read by hand.)
    void setPendingRun(const QString &run) { m_pendingRun = run; }
    // Once this run's state is complete (full or hash mode): target rows that runs killed
    // between their data and their state wrote, and that no state names now (their source rows
    // went meanwhile), are deleted or flagged per the delete policy; then the pending lists of
    // the entity are forgotten (this run's too: its state is written).
    void settlePending();
    TargetConnector &target() const { return m_target; }
    // A key the source listed (hash mode) but returned no row for when read by key: the row
    // is quarantined with the reason, never skipped in silence. `key` is the source key.
    void quarantineUnreadable(const KeyValues &key, const QString &sourceKey,
                              const QByteArray &hash);
    // Source rows gone: delete_policy decides what happens to their target rows; their state
    // is dropped in the same batch.
    void remove(const QList<StateStore::KeyChange> &gone);
    // Target rows no source row accounts for (verify's repair of extra rows): deleted by key;
    // no sync state names them.
    void removeTargetRows(const QStringList &targetKeys);

private:
    using Mapped = RowTransformer::Mapped;
    // remove(), and settlePending()'s rows without state (withState false: no state deleted).
    void removeByPolicy(const QList<StateStore::KeyChange> &gone, bool withState);
    // One batch of upserts, transformed and validated, invalid rows quarantined.
    struct Prepared
    {
        ChangeBatch batch;
        QList<StateEntry> written;
        QList<Known> kinds;
    };
    QList<Mapped> transformAndValidate(const QList<Row> &rows, const QList<QByteArray> &hashes,
                                       std::function<void()> beforeLookup = {});
    Prepared prepare(const QList<Row> &rows, const QList<Mapped> &mapped, const QList<Known> &kinds,
                     Known all);
    void quarantine(const Row &sourceRow, const Mapped &mapped);
    QSet<QString> existingTargetKeys(const QList<Row> &rows);
    void apply(const ChangeBatch &batch, const char *what);
    void count(const QList<Known> &kinds, const WriteCounts *counts);
    ChangeBatch newBatch() const;

    RunContext &m_context;
    const EntityPlan &m_plan;
    TargetConnector &m_target;
    StateRoute &m_state;
    EntityStats &m_stats;
    bool m_stateStaged = false;
    bool m_intoEmpty = false;
    QString m_pendingRun;
};

} // namespace tf::sync
