#include "entityplan.h"

#include "core/errors.h"

namespace tf::sync {

namespace {

[[noreturn]] void invalid(const EntitySpec &spec, const QString &message)
{
    throw Error(Error::Kind::Validation, QStringLiteral("entity '%1': %2").arg(spec.name, message),
                QJsonObject { { QStringLiteral("entity"), spec.name } });
}

void appendColumn(QList<Column> *columns, const Schema &schema, const QString &name,
                  const EntitySpec &spec)
{
    for (const Column &column : *columns) {
        if (column.name == name)
            return;
    }
    const int index = schema.indexOf(name);
    if (index < 0)
        invalid(spec, QStringLiteral("source has no column '%1'").arg(name));
    columns->append(schema.at(index));
}

QList<ValueType> typesOf(const Schema &schema, const QList<int> &indexes)
{
    QList<ValueType> types;
    for (int index : indexes)
        types << schema.at(index).type;
    return types;
}

} // namespace

ReadRequest EntityPlan::readRequest(int batchSize) const
{
    ReadRequest request;
    request.entity = spec.sourceEntity;
    request.columns = readSchema->names();
    request.keyColumns = spec.sourceKey;
    request.batchSize = batchSize;
    return request;
}

KeyValues EntityPlan::sourceKey(const Row &readRow) const
{
    return readRow.mid(0, sourceKeyTypes.size());
}

QString EntityPlan::sourceKeyText(const Row &readRow) const
{
    return keyText(sourceKey(readRow), sourceKeyTypes);
}

KeyValues EntityPlan::targetKey(const Row &mappedRow) const
{
    KeyValues key;
    for (int index : targetKeyIndexes)
        key << mappedRow.value(index);
    return key;
}

QString EntityPlan::targetKeyText(const Row &mappedRow) const
{
    return keyText(targetKey(mappedRow), targetKeyTypes);
}

std::optional<Checkpoint> EntityPlan::checkpointOf(const Row &readRow) const
{
    if (cursorIndex < 0)
        return std::nullopt;
    return Checkpoint { readRow.value(cursorIndex), sourceKey(readRow) };
}

void EntityPlan::requireReadable(const Row &readRow) const
{
    // A value elsewhere in the row is quarantined with the row; a key or a cursor value is
    // what places the row (state, deletes, checkpoints): without it the read cannot go on.
    const auto check = [&](int index) {
        const UnreadableValue *unreadable = unreadableOf(readRow.value(index));
        if (!unreadable)
            return;
        const QString column = readSchema->at(index).name;
        throw Error(Error::Kind::Validation,
                    QStringLiteral("entity '%1', %2 column '%3': %4")
                        .arg(spec.name, index == cursorIndex ? QStringLiteral("cursor") : QStringLiteral("key"),
                             column, unreadable->reason),
                    QJsonObject { { QStringLiteral("entity"), spec.name }, { QStringLiteral("column"), column } });
    };
    for (int i = 0; i < sourceKeyTypes.size(); ++i)
        check(i);
    if (cursorIndex >= 0)
        check(cursorIndex);
}

QList<Row> EntityPlan::conform(const RowBatch &batch) const
{
    QList<Row> rows;
    if (!batch.schema || batch.schema->names() == readSchema->names()) {
        rows = batch.rows;
    } else {
        const QList<int> indexes = batch.schema->indexesOf(readSchema->names());
        rows.reserve(batch.rows.size());
        for (const Row &row : batch.rows) {
            Row reordered;
            reordered.reserve(indexes.size());
            for (int index : indexes)
                reordered << row.value(index);
            rows << reordered;
        }
    }
    for (const Row &row : std::as_const(rows))
        requireReadable(row);
    return rows;
}

QList<QByteArray> EntityPlan::hashes(const QList<Row> &readRows) const
{
    QList<QByteArray> result = source ? source->hashRows(readRequest(int(readRows.size())), readRows)
                                      : QList<QByteArray> {};
    if (result.size() == readRows.size())
        return result;
    result.clear();
    result.reserve(readRows.size());
    for (const Row &row : readRows)
        result << hash(row);
    return result;
}

QList<QPair<QString, QByteArray>> EntityPlan::keyHashes(const QList<Row> &rows,
                                                        const QList<QByteArray> &sourceHashes) const
{
    const bool fromSource = sourceHashes.size() == rows.size();
    QList<QPair<QString, QByteArray>> pairs;
    pairs.reserve(rows.size());
    for (qsizetype i = 0; i < rows.size(); ++i)
        pairs.append({ sourceKeyText(rows.at(i)), fromSource ? sourceHashes.at(i) : hash(rows.at(i)) });
    return pairs;
}

EntityPlan planEntity(const EntitySpec &spec, ChangeMode mode, SourceConnector &source,
                      TargetConnector &target, const ValidatorFactory &validators)
{
    if (spec.sourceKey.isEmpty() || spec.targetKey.isEmpty())
        invalid(spec, QStringLiteral("source and target keys are required"));
    const EntityDescription sourceDescription = source.describe(spec.sourceEntity);
    const EntityDescription targetDescription = target.describe(spec.targetEntity);

    // Compiled once against the whole source to learn which columns it reads, then against
    // just those, so rows travel (and hash) with no column the pair does not carry.
    const MappingPlan probe
        = MappingPlan::compile(spec.mapping, sourceDescription.schema, targetDescription.schema);
    QList<Column> columns;
    for (const QString &name : spec.sourceKey)
        appendColumn(&columns, sourceDescription.schema, name, spec);
    for (const QString &name : probe.sourceColumnsUsed())
        appendColumn(&columns, sourceDescription.schema, name, spec);
    // Change Tracking needs no cursor column: the source's change log is the cursor.
    const bool cursorColumn = mode == ChangeMode::Cursor && !spec.changeTracking;
    if (cursorColumn) {
        if (spec.cursorColumn.isEmpty())
            invalid(spec, QStringLiteral("cursor mode needs a cursor column"));
        appendColumn(&columns, sourceDescription.schema, spec.cursorColumn, spec);
    }

    EntityPlan plan;
    plan.spec = spec;
    plan.mode = mode;
    plan.source = &source;
    plan.readSchema = std::make_shared<const Schema>(columns);
    for (int i = 0; i < spec.sourceKey.size(); ++i)
        plan.sourceKeyTypes << columns.at(i).type;
    plan.cursorIndex
        = cursorColumn ? plan.readSchema->indexOf(spec.cursorColumn) : -1;
    plan.mapping = std::make_shared<const MappingPlan>(
        MappingPlan::compile(spec.mapping, *plan.readSchema, targetDescription.schema));
    plan.targetSchema = plan.mapping->targetSchema();
    for (const QString &name : spec.targetKey) {
        const int index = plan.targetSchema->indexOf(name);
        if (index < 0)
            invalid(
                spec,
                QStringLiteral("the mapping does not produce target key column '%1'").arg(name));
        plan.targetKeyIndexes << index;
    }
    plan.targetKeyTypes = typesOf(*plan.targetSchema, plan.targetKeyIndexes);
    // The target key copies the source key unchanged (column k of it from read column k, same
    // type): its text is the source key's.
    const QList<int> direct = plan.mapping->directSourceIndexes();
    plan.targetKeyIsSourceKey = plan.targetKeyTypes == plan.sourceKeyTypes;
    for (qsizetype k = 0; k < plan.targetKeyIndexes.size() && plan.targetKeyIsSourceKey; ++k)
        plan.targetKeyIsSourceKey = direct.value(plan.targetKeyIndexes.at(k), -1) == k;

    if (spec.deleteAction == DeleteAction::SoftDelete) {
        const int flag = targetDescription.schema.indexOf(spec.softDeleteColumn);
        if (flag < 0)
            invalid(
                spec,
                QStringLiteral("target has no soft-delete column '%1'").arg(spec.softDeleteColumn));
        QList<Column> keyAndFlag;
        for (int index : plan.targetKeyIndexes)
            keyAndFlag << plan.targetSchema->at(index);
        keyAndFlag << targetDescription.schema.at(flag);
        plan.softDeleteSchema = std::make_shared<const Schema>(keyAndFlag);
    }

    if (validators && !spec.validation.isEmpty()) {
        plan.validator = validators(spec.validation, *plan.targetSchema);
        if (plan.validator)
            plan.validator->beginRun();
    }
    return plan;
}

} // namespace tf::sync
