#include "driftcollector.h"

namespace tf::sync {

namespace {
constexpr int kRepairBatch = 1000;
}

DriftCollector::DriftCollector(const EntityPlan &plan, const RowTransformer &transformer,
                               EntityDrift &drift)
    : m_plan(plan)
    , m_transformer(transformer)
    , m_drift(drift)
    , m_propagate(plan.spec.deleteAction == DeleteAction::Propagate)
{ }

quint64 DriftCollector::hashOf(const Row &targetRow) const
{
    // rowHash is hex; 64 of its bits are plenty to tell a changed row from an unchanged one.
    return rowHash(targetRow, *m_plan.targetSchema).left(16).toULongLong(nullptr, 16);
}

void DriftCollector::addTargetRows(const QList<Row> &rows)
{
    m_drift.targetRows += rows.size();
    for (const Row &row : rows)
        m_target.insert(m_plan.targetKeyText(row), hashOf(row));
}

void DriftCollector::addSourceRows(const QList<Row> &rows)
{
    m_drift.sourceRows += rows.size();
    const QList<RowTransformer::Mapped> mapped = m_transformer.apply(rows);
    for (int i = 0; i < mapped.size(); ++i) {
        const RowTransformer::Mapped &item = mapped.at(i);
        const QString key = m_plan.targetKeyText(item.row);
        if (!item.errors.isEmpty()) {
            // A run quarantines this row: it is no difference, and what the target holds
            // under its key (if the mapping got that far) is not extra either.
            ++m_drift.invalid;
            m_target.remove(key);
            continue;
        }
        const auto found = m_target.constFind(key);
        if (found == m_target.constEnd()) {
            m_drift.addMissing(key);
            if (m_repair.upsert) {
                m_pendingRows << rows.at(i);
                m_pendingKinds << BatchPipeline::Known::Insert;
            }
        } else {
            if (found.value() == hashOf(item.row)) {
                ++m_drift.matching;
            } else {
                m_drift.addDifferent(key);
                if (m_firstDifferent.size() < EntityDrift::kKeysKept)
                    m_firstDifferent.append({ key, item.row });
                if (m_repair.upsert) {
                    m_pendingRows << rows.at(i);
                    m_pendingKinds << BatchPipeline::Known::Update;
                }
            }
            m_target.erase(found);
        }
    }
    if (m_pendingRows.size() >= kRepairBatch)
        flushUpserts();
}

void DriftCollector::flushUpserts()
{
    if (m_pendingRows.isEmpty())
        return;
    m_repair.upsert(m_pendingRows, m_pendingKinds);
    m_pendingRows.clear();
    m_pendingKinds.clear();
}

void DriftCollector::endRange()
{
    flushUpserts();
    if (!m_propagate) {
        m_drift.retained += m_target.size();
        m_target.clear();
        return;
    }
    QStringList extra = m_target.keys();
    m_target.clear();
    extra.sort(); // the first keys reported are the same every time
    for (const QString &key : std::as_const(extra))
        m_drift.addExtra(key);
    if (m_repair.remove) {
        for (qsizetype start = 0; start < extra.size(); start += kRepairBatch)
            m_repair.remove(extra.mid(start, kRepairBatch));
    }
}

} // namespace tf::sync
