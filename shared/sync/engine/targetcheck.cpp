#include "targetcheck.h"

#include "core/errors.h"
#include "sync/mapping/mappingplan.h"

namespace tf::sync {

namespace {

bool isNumber(ValueType type)
{
    return type == ValueType::Integer || type == ValueType::Decimal || type == ValueType::Double;
}

bool isTime(ValueType type)
{
    return type == ValueType::Date || type == ValueType::Timestamp || type == ValueType::TimestampTz;
}

QString typeText(ValueType type)
{
    return valueTypeName(type);
}

void checkEntity(const EntitySpec &spec, SourceConnector &source, TargetConnector &target,
                 QList<TargetProblem> *problems)
{
    const auto problem = [&](const QString &kind, const QString &column, const QString &message) {
        problems->append(TargetProblem { spec.name, kind, spec.targetEntity, column, message });
    };
    EntityDescription table;
    try {
        table = target.describe(spec.targetEntity);
    } catch (const Error &error) {
        if (error.kind() != Error::Kind::NotFound)
            throw;
        problem(QStringLiteral("missing_table"), QString(),
                QStringLiteral("target table '%1' does not exist: create it with the mapped columns and a "
                               "primary key or unique constraint on (%2)")
                    .arg(spec.targetEntity, spec.targetKey.join(QStringLiteral(", "))));
        return;
    }
    const Schema sourceSchema = source.describe(spec.sourceEntity).schema;

    QStringList mapped;
    for (const MappingPlan::MappedValue &value : MappingPlan::mappedValues(spec.mapping, sourceSchema)) {
        mapped << value.target;
        const int index = table.schema.indexOf(value.target);
        if (index < 0) {
            problem(QStringLiteral("missing_column"), value.target,
                    QStringLiteral("target table '%1' has no column '%2'%3")
                        .arg(spec.targetEntity, value.target,
                             value.source.isEmpty() ? QString()
                                                    : QStringLiteral(" (mapped from source column '%1')").arg(value.source)));
            continue;
        }
        const ValueType columnType = table.schema.at(index).type;
        if (value.type && !valueTypeFits(*value.type, columnType)) {
            problem(QStringLiteral("type_mismatch"), value.target,
                    QStringLiteral("column '%1' of '%2' holds %3, but the mapping gives it %4%5: no such value fits; "
                                   "change the column's type or convert the value in the mapping")
                        .arg(value.target, spec.targetEntity, typeText(columnType), typeText(*value.type),
                             value.source.isEmpty() ? QString()
                                                    : QStringLiteral(" (from source column '%1')").arg(value.source)));
        }
    }
    bool keyMapped = true;
    for (const QString &key : spec.targetKey) {
        if (mapped.contains(key))
            continue;
        keyMapped = false;
        problem(QStringLiteral("unmapped_key"), key,
                QStringLiteral("target key column '%1' is not produced by the mapping").arg(key));
    }
    if (spec.deleteAction == DeleteAction::SoftDelete && table.schema.indexOf(spec.softDeleteColumn) < 0) {
        problem(QStringLiteral("missing_column"), spec.softDeleteColumn,
                QStringLiteral("target table '%1' has no soft-delete column '%2'").arg(spec.targetEntity, spec.softDeleteColumn));
    }
    bool keyColumnsExist = true;
    for (const QString &key : spec.targetKey)
        keyColumnsExist = keyColumnsExist && table.schema.indexOf(key) >= 0;
    if (keyMapped && keyColumnsExist && !target.hasUniqueKey(spec.targetEntity, spec.targetKey)) {
        const QString key = spec.targetKey.join(QStringLiteral(", "));
        problem(QStringLiteral("missing_key_constraint"), QString(),
                QStringLiteral("target table '%1' has no primary key or unique constraint on (%2): the run "
                               "upserts by that key; add one, e.g. CREATE UNIQUE INDEX ON %1 (%2)")
                    .arg(spec.targetEntity, key));
    }
}

} // namespace

bool valueTypeFits(ValueType from, ValueType to)
{
    if (from == to || to == ValueType::Text || from == ValueType::Text || to == ValueType::Bytes)
        return true;
    if (isNumber(from) && isNumber(to))
        return true;
    if ((from == ValueType::Boolean && to == ValueType::Integer) || (from == ValueType::Integer && to == ValueType::Boolean))
        return true;
    return isTime(from) && isTime(to);
}

QList<TargetProblem> checkTarget(const PairSpec &pair, SourceConnector &source, TargetConnector &target)
{
    QList<TargetProblem> problems;
    for (const EntitySpec &spec : pair.entities)
        checkEntity(spec, source, target, &problems);
    return problems;
}

} // namespace tf::sync
