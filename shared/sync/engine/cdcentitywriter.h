#pragma once

#include "entityplan.h"
#include "resilientcall.h"
#include "rowtransformer.h"
#include "runtypes.h"
#include "sync/cdc/cdctarget.h"
#include "sync/cdc/changerow.h"

#include <memory>

namespace tf::sync {

class QuarantineStore;

// One entity of a cdc pair: a streamed change, mapped and validated as the other modes do,
// written by the target's cdc::CdcTableWriter inside the caller's target transaction (the one that also saves
// the position). A row that fails mapping or validation goes to quarantine (or fails the run
// under "invalid_rows": "fail"); so does an update with unchanged TOAST values for a row the
// target does not hold (it cannot be written whole). Deletes and TRUNCATE follow the entity's
// delete policy.
//
// Writes are held in a run of consecutive changes of one kind (upserts; partial updates that
// leave the same columns untouched; deletes) and written when the run ends: a change of
// another kind, flush() (before the target commit, a TRUNCATE, or a change to another
// entity), or kMaxRunRows. The table writer decides how a run goes (PostgreSQL: a short run
// statement by statement, a longer one by COPY and one merge). Either way the writes land in the
// order the source made them, inside the caller's transaction, and memory holds one run at most.
class CdcEntityWriter final
{
    Q_DISABLE_COPY_MOVE(CdcEntityWriter)
public:
    CdcEntityWriter(const PairSpec &pair, EntityPlan plan, TargetConnector &target,
                    ResilientCall &targetCalls, cdc::CdcTarget &cdcTarget,
                    QuarantineStore &quarantine);

    const EntityPlan &plan() const { return m_plan; }
    void apply(const cdc::SourceChange &change, qint64 operationId, EntityStats &stats);
    void truncate(EntityStats &stats);
    // Writes the held run (call before committing the target transaction).
    void flush(EntityStats &stats);

    static constexpr qsizetype kMaxRunRows = 10000;

private:
    enum class RunKind { None, Upsert, Update, Delete, SoftDelete, DropOldKey };
    struct HeldUpdate
    {
        Row source;
        RowTransformer::Mapped mapped;
        qint64 operationId = 0;
    };
    // Starts a run of `kind` (writing the held one first when it is of another kind).
    void hold(RunKind kind, const QList<bool> &unchanged, EntityStats &stats);
    void flushUpdates(EntityStats &stats);
    void flushDeletes(EntityStats &stats);
    Row keyRow(const KeyValues &key) const;
    void quarantineUnchangedToast(const HeldUpdate &held, const QList<bool> &unchanged,
                                  EntityStats &stats);

    // The target key of a source key alone (deletes under DEFAULT identity carry nothing else).
    std::optional<KeyValues> targetKeyOf(const Row &keyOnlyRow) const;
    QList<bool> targetUnchanged(const QList<bool> &sourceUnchanged) const;
    void removeTarget(const Row &keyOnlyRow, const QString &sourceKey, qint64 operationId,
                      EntityStats &stats);
    void quarantine(const Row &sourceRow, const RowTransformer::Mapped &mapped,
                    qint64 operationId, EntityStats &stats);

    const PairSpec &m_pair;
    EntityPlan m_plan;
    QuarantineStore &m_quarantine;
    RowTransformer m_transformer;
    std::unique_ptr<cdc::CdcTableWriter> m_table;
    RunKind m_run = RunKind::None;
    QList<bool> m_runUnchanged; // RunKind::Update: the target columns left untouched
    QList<Row> m_runRows; // Upsert: mapped rows; deletes: key rows (keyRow)
    QList<HeldUpdate> m_runUpdates; // Update
    QList<int> m_sourceOfTarget; // per target column: the read column it is mapped from, or -1
};

} // namespace tf::sync
