#pragma once

#include "sync/engine/batchpipeline.h"
#include "sync/engine/rowtransformer.h"
#include "verifyreport.h"

#include <QHash>
#include <functional>

namespace tf::sync {

// Compares target rows with source rows by key, one key range at a time: the range's target
// rows are indexed (key -> 64 bits of the row hash), then its source rows stream past,
// transformed by the pair's mapping, and whatever target rows no source row claimed are
// extra. Counts and the first keys go to an EntityDrift; with a repair sink, the source rows
// to write and the target keys to delete go there in batches.
class DriftCollector final
{
    Q_DISABLE_COPY_MOVE(DriftCollector)
public:
    struct RepairSink
    {
        // Source rows (plan.readSchema order) the target lacks (Insert) or holds otherwise (Update).
        std::function<void(const QList<Row> &, const QList<BatchPipeline::Known> &)> upsert;
        // Target keys of extra rows.
        std::function<void(const QStringList &)> remove;
    };

    DriftCollector(const EntityPlan &plan, const RowTransformer &transformer, EntityDrift &drift);

    void setRepairSink(RepairSink sink) { m_repair = std::move(sink); }

    // Rows in plan.targetSchema order, read from the target.
    void addTargetRows(const QList<Row> &rows);
    // Rows in plan.readSchema order, read from the source.
    void addSourceRows(const QList<Row> &rows);
    // Ends the current range: unclaimed target rows are extra (or retained).
    void endRange();

    // The first different rows as the source would write them (target key text -> mapped row).
    const QList<QPair<QString, Row>> &firstDifferent() const { return m_firstDifferent; }

private:
    quint64 hashOf(const Row &targetRow) const;
    void flushUpserts();

    const EntityPlan &m_plan;
    const RowTransformer &m_transformer;
    EntityDrift &m_drift;
    bool m_propagate = true;
    RepairSink m_repair;
    QHash<QString, quint64> m_target;
    QList<Row> m_pendingRows;
    QList<BatchPipeline::Known> m_pendingKinds;
    QList<QPair<QString, Row>> m_firstDifferent;
};

} // namespace tf::sync
