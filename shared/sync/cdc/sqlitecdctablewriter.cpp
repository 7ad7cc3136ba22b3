#include "sqlitecdctablewriter.h"

#include "cdctablekeys.h"
#include "core/errors.h"
#include "db/connection.h"
#include "sync/connectors/sqlitebatchwriter.h"

#include <QSqlQuery>

namespace tf::sync::cdc {

SqliteCdcTableWriter::SqliteCdcTableWriter(const db::Database &target, const QString &table,
                                           SchemaPtr rowSchema, QStringList keyColumns)
    : m_target(target)
    , m_table(sqlite::readTable(target, table))
    , m_schema(std::move(rowSchema))
    , m_keyColumns(std::move(keyColumns))
    , m_keyIndexes(keyIndexesOf(*m_schema, m_keyColumns, table))
{ }

QString SqliteCdcTableWriter::quoted(const QString &name) const
{
    return m_target.dialect().quoteIdentifier(name);
}

QString SqliteCdcTableWriter::keyCondition() const
{
    QStringList parts;
    for (const QString &column : m_keyColumns)
        parts << quoted(column) + QStringLiteral(" = ?");
    return parts.join(QStringLiteral(" AND "));
}

QVariant SqliteCdcTableWriter::bound(int column, const QVariant &value) const
{
    return sqlite::boundValue(m_table, m_schema->at(column), value);
}

void SqliteCdcTableWriter::bindKey(QSqlQuery &query, int first, const KeyValues &key) const
{
    for (qsizetype i = 0; i < m_keyIndexes.size(); ++i)
        query.bindValue(first + int(i), bound(m_keyIndexes.at(i), key.value(i)));
}

QVariant SqliteCdcTableWriter::boundTrue(const QString &column) const
{
    const int index = m_table.description.schema.indexOf(column);
    if (index < 0)
        throw Error(Error::Kind::Validation,
                    QStringLiteral("table '%1' has no soft-delete column named '%2'")
                        .arg(m_table.description.name, column));
    return sqlite::boundValue(m_table, m_table.description.schema.at(index), QVariant(true));
}

qint64 SqliteCdcTableWriter::changeCount(const QString &sql, const char *what,
                                         const QList<QVariant> &values) const
{
    QSqlQuery query = m_target.prepare(sql);
    for (qsizetype i = 0; i < values.size(); ++i)
        query.bindValue(int(i), values.at(i));
    m_target.exec(query, what);
    return query.numRowsAffected();
}

void SqliteCdcTableWriter::upsert(const QList<Row> &rows)
{
    sqlite::writeBatch(m_target, m_table, upsertBatch(m_table.description.name, m_keyColumns, m_schema, rows));
}

QSet<qsizetype> SqliteCdcTableWriter::update(const QList<Row> &rows, const QList<bool> &unchanged)
{
    return updateEach(*this, rows, unchanged, m_keyIndexes);
}

bool SqliteCdcTableWriter::updateAt(const Row &row, const QList<bool> &unchanged,
                                    const KeyValues &where)
{
    QStringList sets;
    QList<int> columns;
    for (int i = 0; i < m_schema->size(); ++i) {
        if (unchanged.value(i))
            continue;
        sets << quoted(m_schema->at(i).name) + QStringLiteral(" = ?");
        columns << i;
    }
    const QString table = quoted(m_table.description.name);
    // Every value unchanged: nothing to write, but the row must still be there.
    QSqlQuery query = m_target.prepare(
        sets.isEmpty() ? QStringLiteral("SELECT 1 FROM %1 WHERE %2").arg(table, keyCondition())
                       : QStringLiteral("UPDATE %1 SET %2 WHERE %3")
                             .arg(table, sets.join(QStringLiteral(", ")), keyCondition()));
    for (qsizetype i = 0; i < columns.size(); ++i)
        query.bindValue(int(i), bound(columns.at(i), row.value(columns.at(i))));
    bindKey(query, int(columns.size()), where);
    m_target.exec(query, "writing a streamed change");
    return sets.isEmpty() ? query.next() : query.numRowsAffected() > 0;
}

qint64 SqliteCdcTableWriter::remove(const QList<Row> &keyRows, const QString &softDeleteColumn)
{
    if (softDeleteColumn.isEmpty()) {
        ChangeBatch batch;
        batch.entity = m_table.description.name;
        batch.keyColumns = m_keyColumns;
        batch.schema = m_schema;
        for (const Row &row : keyRows)
            batch.deletes << keyOfRow(row, m_keyIndexes);
        return sqlite::writeBatch(m_target, m_table, batch);
    }
    QSqlQuery query = m_target.prepare(QStringLiteral("UPDATE %1 SET %2 = ? WHERE %3")
                                           .arg(quoted(m_table.description.name),
                                                quoted(softDeleteColumn), keyCondition()));
    const QVariant flag = boundTrue(softDeleteColumn);
    qint64 found = 0;
    for (const Row &row : keyRows) {
        query.bindValue(0, flag);
        bindKey(query, 1, keyOfRow(row, m_keyIndexes));
        m_target.exec(query, "marking a streamed delete");
        found += query.numRowsAffected();
    }
    return found;
}

qint64 SqliteCdcTableWriter::removeAll()
{
    return changeCount(QStringLiteral("DELETE FROM %1").arg(quoted(m_table.description.name)),
                       "applying a streamed truncate", {});
}

qint64 SqliteCdcTableWriter::markAllDeleted(const QString &column)
{
    const QVariant flag = boundTrue(column);
    return changeCount(QStringLiteral("UPDATE %1 SET %2 = ? WHERE %2 IS NOT ?")
                           .arg(quoted(m_table.description.name), quoted(column)),
                       "applying a streamed truncate", { flag, flag });
}

} // namespace tf::sync::cdc
