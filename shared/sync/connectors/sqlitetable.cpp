#include "sqlitetable.h"

#include "core/errors.h"
#include "db/connection.h"

#include <QSet>
#include <QSqlQuery>

#include <map>

namespace tf::sync::sqlite {

bool Table::hasUniqueKey(const QStringList &columns) const
{
    const QSet<QString> wanted(columns.cbegin(), columns.cend());
    for (const QStringList &key : uniqueKeys) {
        if (QSet<QString>(key.cbegin(), key.cend()) == wanted)
            return true;
    }
    return false;
}

Table readTable(const db::Database &database, const QString &name)
{
    Table table;
    table.description.name = name;
    QList<Column> columns;
    std::map<int, QString> primaryKey; // pk position -> column
    QSqlQuery info = database.prepare(QStringLiteral("SELECT name, type, \"notnull\", pk FROM pragma_table_info(?) ORDER BY cid"));
    info.addBindValue(name);
    database.exec(info, "describing a table");
    while (info.next()) {
        Column column;
        column.name = info.value(0).toString();
        const QString declared = info.value(1).toString();
        column.type = valueTypeOf(declared);
        column.nullable = info.value(2).toInt() == 0;
        columns << column;
        table.declaredTypes << declared;
        table.affinities << affinityOf(declared);
        if (info.value(3).toInt() > 0)
            primaryKey.emplace(info.value(3).toInt(), column.name);
    }
    if (columns.isEmpty()) {
        throw Error(Error::Kind::NotFound, QStringLiteral("no table named '%1' in the SQLite database").arg(name),
                    QJsonObject { { QStringLiteral("entity"), name } });
    }
    table.description.schema = Schema(columns);
    for (const auto &entry : primaryKey)
        table.description.keyColumns << entry.second;
    if (!table.description.keyColumns.isEmpty())
        table.uniqueKeys << table.description.keyColumns;

    QSqlQuery indexes = database.prepare(QStringLiteral("SELECT name FROM pragma_index_list(?) WHERE \"unique\" = 1 AND partial = 0"));
    indexes.addBindValue(name);
    database.exec(indexes, "listing a table's unique indexes");
    QStringList indexNames;
    while (indexes.next())
        indexNames << indexes.value(0).toString();
    for (const QString &index : std::as_const(indexNames)) {
        QSqlQuery parts = database.prepare(QStringLiteral("SELECT name FROM pragma_index_info(?) ORDER BY seqno"));
        parts.addBindValue(index);
        database.exec(parts, "reading a unique index");
        QStringList key;
        bool expression = false;
        while (parts.next()) {
            expression = expression || parts.value(0).isNull(); // an expression cannot be a key column
            key << parts.value(0).toString();
        }
        if (!expression && !key.isEmpty())
            table.uniqueKeys << key;
    }
    return table;
}

QStringList tableNames(const db::Database &database)
{
    QSqlQuery query = database.prepare(
        QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
                       "AND name NOT IN ('tf_sync_state', 'tf_sync_checkpoint', 'tf_cdc_position', "
                       "'tf_cdc_snapshot') ORDER BY name"));
    database.exec(query, "listing tables");
    QStringList names;
    while (query.next())
        names << query.value(0).toString();
    return names;
}

} // namespace tf::sync::sqlite
