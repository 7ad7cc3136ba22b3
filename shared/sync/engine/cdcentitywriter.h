#pragma once

#include "entityplan.h"
#include "resilientcall.h"
#include "rowtransformer.h"
#include "runtypes.h"
#include "sync/cdc/cdctargetwriter.h"
#include "sync/cdc/changerow.h"

#include <memory>

namespace tf::db {
class Database;
}

namespace tf::sync {

class QuarantineStore;

// One entity of a cdc pair: a streamed change, mapped and validated as the other modes do,
// written by CdcTargetWriter inside the caller's target transaction (the one that also saves
// the position). A row that fails mapping or validation goes to quarantine (or fails the run
// under "invalid_rows": "fail"); so does an update with unchanged TOAST values for a row the
// target does not hold (it cannot be written whole). Deletes and TRUNCATE follow the entity's
// delete policy.
class CdcEntityWriter final
{
    Q_DISABLE_COPY_MOVE(CdcEntityWriter)
public:
    CdcEntityWriter(const PairSpec &pair, EntityPlan plan, TargetConnector &target,
                    ResilientCall &targetCalls, const db::Database &targetDb,
                    const QString &targetSchema, QuarantineStore &quarantine);

    const EntityPlan &plan() const { return m_plan; }
    void apply(const cdc::SourceChange &change, qint64 operationId, EntityStats &stats);
    void truncate(EntityStats &stats);

private:
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
    cdc::CdcTargetWriter m_writer;
    QList<int> m_sourceOfTarget; // per target column: the read column it is mapped from, or -1
};

} // namespace tf::sync
