#include "rowtransformer.h"

#include "rowjson.h"

#include "resilientcall.h"

namespace tf::sync {

RowTransformer::RowTransformer(const EntityPlan &plan, TargetConnector &target,
                               ResilientCall &targetCalls)
    : m_plan(plan)
    , m_target(target)
    , m_targetCalls(targetCalls)
{ }

QList<RowTransformer::Mapped> RowTransformer::apply(const QList<Row> &rows,
                                                    const QList<QByteArray> &hashes) const
{
    QList<Mapped> mapped;
    mapped.reserve(rows.size());
    QList<Row> toValidate;
    QList<int> validatedIndexes;
    for (int i = 0; i < rows.size(); ++i) {
        // A value the source could not read is quarantined with its column and reason; the
        // mapping sees NULL there, so the transformed row shown in quarantine stays readable.
        QList<FieldError> unreadable;
        Row readable = rows.at(i);
        for (int c = 0; c < readable.size(); ++c) {
            if (const UnreadableValue *value = unreadableOf(readable.at(c))) {
                unreadable << FieldError { m_plan.readSchema->at(c).name,
                                           QStringLiteral("source_type"), value->reason };
                readable[c] = QVariant();
            }
        }
        MappingPlan::Result result = m_plan.mapping->apply(readable);
        Mapped item { std::move(result.row),
                      hashes.isEmpty() ? m_plan.hash(rows.at(i)) : hashes.at(i),
                      m_plan.sourceKeyText(rows.at(i)),
                      unreadable.isEmpty() ? std::move(result.errors) : unreadable };
        mapped << std::move(item);
    }
    // What the target cannot hold exactly is quarantined like a rule failure, never altered
    // (asked once for the batch's rows that mapped without an error).
    QList<int> checkedIndexes;
    QList<const Row *> checked;
    for (int i = 0; i < mapped.size(); ++i) {
        if (mapped.at(i).errors.isEmpty()) {
            checkedIndexes << i;
            checked << &mapped.at(i).row;
        }
    }
    if (!checked.isEmpty()) {
        QList<QList<FieldError>> errors
            = m_target.unrepresentableRows(m_plan.spec.targetEntity, *m_plan.targetSchema, checked);
        checked.clear(); // the pointers are not used past here (mapped is written below)
        for (int j = 0; j < checkedIndexes.size() && j < errors.size(); ++j)
            mapped[checkedIndexes.at(j)].errors = std::move(errors[j]);
    }
    for (int i = 0; i < mapped.size() && m_plan.validator; ++i) {
        if (mapped.at(i).errors.isEmpty()) {
            toValidate << mapped.at(i).row;
            validatedIndexes << i;
        }
    }
    if (!toValidate.isEmpty()) {
        const ReferenceLookup lookup = [this](const QString &entity, const QString &column,
                                              ValueType type, const QList<QVariant> &values) {
            QSet<QString> found;
            if (m_beforeLookup)
                m_beforeLookup();
            m_targetCalls.call(
                QStringLiteral("reference lookup in %1.%2").arg(entity, column),
                [&] { found = m_target.existingValues(entity, column, type, values); });
            return found;
        };
        const QList<QList<FieldError>> errors = m_plan.validator->validateBatch(toValidate, lookup);
        for (int j = 0; j < validatedIndexes.size() && j < errors.size(); ++j)
            mapped[validatedIndexes.at(j)].errors = errors.at(j);
    }
    return mapped;
}

QuarantineStore::Record quarantineRecord(const EntityPlan &plan, const QString &pairId,
                                         qint64 operationId, const Row &sourceRow,
                                         const RowTransformer::Mapped &mapped)
{
    QuarantineStore::Record record;
    record.pairId = pairId;
    record.operationId = operationId;
    record.entity = plan.spec.name;
    record.sourceKey = mapped.sourceKey;
    record.sourceRow = rowToJson(sourceRow, *plan.readSchema);
    record.transformedRow = rowToJson(mapped.row, *plan.targetSchema);
    record.sourceHash = mapped.hash;
    record.errors = mapped.errors;
    return record;
}

} // namespace tf::sync
