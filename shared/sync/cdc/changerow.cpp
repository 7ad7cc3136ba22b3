#include "changerow.h"

#include "core/errors.h"
#include "pgoutputvalues.h"

namespace tf::sync::cdc {

namespace {

QString tableName(const RelationMessage &relation)
{
    return relation.schema + QLatin1Char('.') + relation.name;
}

// For each read column, its position in the relation.
QList<int> positions(const RelationMessage &relation, const Schema &readSchema)
{
    QList<int> found;
    found.reserve(readSchema.size());
    for (const Column &column : readSchema.columns()) {
        qsizetype at = -1;
        for (qsizetype i = 0; i < relation.columns.size(); ++i) {
            if (relation.columns.at(i).name == column.name) {
                at = i;
                break;
            }
        }
        if (at < 0)
            throw Error(Error::Kind::Validation,
                        QStringLiteral("%1 has no column \"%2\" any more (a schema change)")
                            .arg(tableName(relation), column.name));
        found.append(int(at));
    }
    return found;
}

void fill(const Tuple &tuple, const RelationMessage &relation, const Schema &readSchema,
          const QList<int> &at, Row *row, QList<bool> *unchanged)
{
    row->resize(readSchema.size());
    unchanged->fill(false, readSchema.size());
    for (int i = 0; i < readSchema.size(); ++i) {
        const TupleValue &value = tuple.at(at[i]);
        switch (value.kind) {
        case TupleValue::Kind::Null:
            (*row)[i] = QVariant();
            break;
        case TupleValue::Kind::Unchanged:
            (*unchanged)[i] = true;
            break;
        case TupleValue::Kind::Text:
            (*row)[i]
                = valueFromOutputText(value.text, readSchema.at(i).type,
                                      relation.columns.at(at[i]).typeOid, readSchema.at(i).name);
            break;
        }
    }
}

KeyValues keyOf(const Row &row, const QList<bool> &unchanged, const QList<int> &keyIndexes,
                const RelationMessage &relation, const Schema &readSchema)
{
    KeyValues key;
    for (const int index : keyIndexes) {
        if (unchanged.at(index) || !row.at(index).isValid() || row.at(index).isNull())
            throw Error(Error::Kind::Validation,
                        QStringLiteral("a change to %1 without a value for key column \"%2\"")
                            .arg(tableName(relation), readSchema.at(index).name));
        key.append(row.at(index));
    }
    return key;
}

} // namespace

ChangeRow toChangeRow(const SourceChange &change, const Schema &readSchema,
                      const QStringList &keyColumns)
{
    if (change.kind == SourceChange::Kind::Truncate || !change.relation)
        throw Error(Error::Kind::Internal, QStringLiteral("a truncate has no row"));
    const RelationMessage &relation = *change.relation;
    const QList<int> at = positions(relation, readSchema);
    const QList<int> keyIndexes = readSchema.indexesOf(keyColumns);

    ChangeRow result;
    result.kind = change.kind;
    const bool isDelete = change.kind == SourceChange::Kind::Delete;
    fill(isDelete ? change.oldTuple : change.newTuple, relation, readSchema, at, &result.row,
         &result.unchanged);
    result.key = keyOf(result.row, result.unchanged, keyIndexes, relation, readSchema);
    if (change.kind == SourceChange::Kind::Update && change.oldKind != '\0') {
        Row old;
        QList<bool> oldUnchanged;
        fill(change.oldTuple, relation, readSchema, at, &old, &oldUnchanged);
        const KeyValues before = keyOf(old, oldUnchanged, keyIndexes, relation, readSchema);
        for (qsizetype i = 0; i < before.size(); ++i) {
            const ValueType type = readSchema.at(keyIndexes.at(i)).type;
            if (canonicalValue(before.at(i), type) != canonicalValue(result.key.at(i), type)) {
                result.oldKey = before;
                break;
            }
        }
    }
    return result;
}

} // namespace tf::sync::cdc
