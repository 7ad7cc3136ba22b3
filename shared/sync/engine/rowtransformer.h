#pragma once

#include "entityplan.h"
#include "quarantinestore.h"

#include <functional>

namespace tf::sync {

class ResilientCall;

// transform -> what the target cannot hold -> validation, for one batch of source rows (in
// plan.readSchema order). Shared by the run's BatchPipeline and by verify, so both judge a
// row the same way.
class RowTransformer final
{
public:
    struct Mapped
    {
        Row row; // in plan.targetSchema order
        QByteArray hash; // the source row's state hash
        QString sourceKey;
        QList<FieldError> errors; // empty: the row may be written
    };

    // targetCalls: the target's resilient caller, for reference-validation lookups.
    RowTransformer(const EntityPlan &plan, TargetConnector &target, ResilientCall &targetCalls);

    // Runs before each reference-validation lookup: a pipelined writer waits there until the
    // batches before this one have committed, so a lookup sees what it saw without the pipeline.
    void setBeforeLookup(std::function<void()> beforeLookup)
    {
        m_beforeLookup = std::move(beforeLookup);
    }

    // hashes: the state hash per row, or empty to hash the rows here.
    QList<Mapped> apply(const QList<Row> &rows, const QList<QByteArray> &hashes = {}) const;

private:
    const EntityPlan &m_plan;
    TargetConnector &m_target;
    ResilientCall &m_targetCalls;
    std::function<void()> m_beforeLookup;
};

// The quarantine entry of a row that failed: the source row as read and what the mapping made
// of it, with the errors.
QuarantineStore::Record quarantineRecord(const EntityPlan &plan, const QString &pairId,
                                         qint64 operationId, const Row &sourceRow,
                                         const RowTransformer::Mapped &mapped);

} // namespace tf::sync
