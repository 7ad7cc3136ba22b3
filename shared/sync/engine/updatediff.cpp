#include "updatediff.h"

#include "resilientcall.h"
#include "rowjson.h"

namespace tf::sync {

QHash<QString, UpdateDiff> diffAgainstTarget(const EntityPlan &plan, TargetConnector &target,
                                             ResilientCall &targetCalls, const QList<Row> &rows)
{
    QHash<QString, UpdateDiff> diffs;
    auto *reader = dynamic_cast<SourceConnector *>(&target);
    if (!reader || rows.isEmpty())
        return diffs;
    const Schema &schema = *plan.targetSchema;
    QHash<QString, int> wanted; // target key text -> index in rows
    QList<KeyValues> keys;
    for (int i = 0; i < rows.size(); ++i) {
        wanted.insert(plan.targetKeyText(rows.at(i)), i);
        keys << plan.targetKey(rows.at(i));
    }
    ReadRequest request;
    request.entity = plan.spec.targetEntity;
    request.columns = schema.names();
    request.keyColumns = plan.spec.targetKey;
    request.batchSize = int(rows.size());
    QList<Row> current; // in targetSchema order
    targetCalls.call(
        QStringLiteral("reading %1 for the dry run's before values").arg(plan.spec.targetEntity),
        [&] {
            current.clear();
            reader->readByKeys(request, keys, [&](const RowBatch &batch) {
                QList<int> from;
                for (const Column &column : schema.columns())
                    from << (batch.schema ? batch.schema->indexOf(column.name) : int(from.size()));
                for (const Row &read : batch.rows) {
                    Row row;
                    for (const int index : std::as_const(from))
                        row << (index >= 0 ? read.value(index) : QVariant());
                    current << row;
                }
                return true;
            });
        });
    for (const Row &now : std::as_const(current)) {
        const QString key = plan.targetKeyText(now);
        const auto found = wanted.constFind(key);
        if (found == wanted.constEnd())
            continue;
        const Row &next = rows.at(found.value());
        const QJsonObject beforeJson = rowToJson(now, schema);
        const QJsonObject afterJson = rowToJson(next, schema);
        UpdateDiff diff;
        for (int column = 0; column < schema.size(); ++column) {
            const ValueType type = schema.at(column).type;
            if (canonicalValue(now.value(column), type) == canonicalValue(next.value(column), type))
                continue;
            const QString name = schema.at(column).name;
            diff.before.insert(name, beforeJson.value(name));
            diff.after.insert(name, afterJson.value(name));
        }
        diffs.insert(key, diff);
    }
    return diffs;
}

} // namespace tf::sync
