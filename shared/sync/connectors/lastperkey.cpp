#include "lastperkey.h"

#include <QHash>

namespace tf::sync {

namespace {

template<typename Item, typename KeyOf> QList<Item> lastPerKey(const QList<Item> &items, const KeyOf &keyOf)
{
    QList<Item> result;
    QHash<QString, qsizetype> positions;
    for (const Item &item : items) {
        const QString key = keyOf(item);
        const auto it = positions.constFind(key);
        if (it != positions.cend()) {
            result[it.value()] = item;
        } else {
            positions.insert(key, result.size());
            result << item;
        }
    }
    return result;
}

} // namespace

QList<Row> lastRowPerKey(const QList<Row> &rows, const QList<int> &keyIndexes, const QList<ValueType> &keyTypes)
{
    return lastPerKey(rows, [&](const Row &row) {
        KeyValues key;
        for (int index : keyIndexes)
            key << row.value(index);
        return keyText(key, keyTypes);
    });
}

QList<StateEntry> lastStatePerKey(const QList<StateEntry> &entries)
{
    return lastPerKey(entries, [](const StateEntry &entry) { return entry.sourceKey; });
}

StateStore::ChangeKind changeKindOf(qint64 kind)
{
    return kind == 0 ? StateStore::ChangeKind::Insert : kind == 1 ? StateStore::ChangeKind::Update : StateStore::ChangeKind::Delete;
}

Error duplicateSourceKey(const QString &entity)
{
    return Error(Error::Kind::Validation,
                 QStringLiteral("entity '%1' has the same source key twice: its key columns must be unique").arg(entity),
                 QJsonObject { { QStringLiteral("entity"), entity } });
}

void stageUniqueKeys(const QString &entity, const std::function<void()> &stage)
{
    try {
        stage();
    } catch (const Error &error) {
        if (error.kind() != Error::Kind::Conflict)
            throw;
        throw duplicateSourceKey(entity);
    }
}

QList<Row> lastRowPerKey(const QList<Row> &rows, const Schema &schema, const QStringList &keyColumns)
{
    const QList<int> indexes = schema.indexesOf(keyColumns);
    QList<ValueType> types;
    for (int index : indexes)
        types << schema.at(index).type;
    return lastRowPerKey(rows, indexes, types);
}

} // namespace tf::sync
