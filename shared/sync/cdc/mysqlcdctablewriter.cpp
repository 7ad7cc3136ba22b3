#include "mysqlcdctablewriter.h"

#include "cdctablekeys.h"
#include "sync/connectors/mysqlconnector.h"
#include "sync/connectors/mysqlsession.h"
#include "sync/connectors/mysqlvalues.h"

#include <QSqlQuery>

namespace tf::sync::cdc {

using mysql::Session;

namespace {

constexpr Session::Role kWrite = Session::Role::Write;

} // namespace

MysqlCdcTableWriter::MysqlCdcTableWriter(MysqlConnector &target, const QString &table,
                                         SchemaPtr rowSchema, QStringList keyColumns)
    : m_target(target)
    , m_table(target.table(table))
    , m_schema(std::move(rowSchema))
    , m_keyColumns(std::move(keyColumns))
    , m_keyIndexes(keyIndexesOf(*m_schema, m_keyColumns, table))
{ }

QString MysqlCdcTableWriter::keyCondition() const
{
    QStringList parts;
    for (const QString &column : m_keyColumns)
        parts << QStringLiteral("%1 = %2")
                     .arg(Session::quote(column), mysql::parameterExpression(m_table.column(column)));
    return parts.join(QStringLiteral(" AND "));
}

void MysqlCdcTableWriter::appendKey(QVariantList &values, const KeyValues &key) const
{
    for (qsizetype i = 0; i < m_keyIndexes.size(); ++i)
        values << mysql::toParameter(key.value(i), m_schema->at(m_keyIndexes.at(i)).type);
}

bool MysqlCdcTableWriter::holdable(const KeyValues &key) const
{
    for (qsizetype i = 0; i < m_keyIndexes.size(); ++i) {
        if (!mysql::unrepresentableReason(key.value(i), m_schema->at(m_keyIndexes.at(i)).type,
                                          m_table.column(m_keyColumns.at(i)))
                 .isEmpty())
            return false;
    }
    return true;
}

bool MysqlCdcTableWriter::exists(const KeyValues &key)
{
    if (!holdable(key))
        return false;
    QVariantList values;
    appendKey(values, key);
    QSqlQuery query = m_target.session().run(
        kWrite,
        QStringLiteral("SELECT 1 FROM %1 WHERE %2 FOR UPDATE")
            .arg(Session::quote(m_table.description.name), keyCondition()),
        values, "looking up a streamed row");
    return query.next();
}

QVariant MysqlCdcTableWriter::flagTrue(const QString &column) const
{
    return mysql::toParameter(QVariant(true), m_table.column(column).type);
}

qint64 MysqlCdcTableWriter::changed(const QString &sql, const QVariantList &values, const char *what)
{
    return m_target.session().run(kWrite, sql, values, what).numRowsAffected();
}

void MysqlCdcTableWriter::upsert(const QList<Row> &rows)
{
    m_target.writeUpserts(upsertBatch(m_table.description.name, m_keyColumns, m_schema, rows));
}

QSet<qsizetype> MysqlCdcTableWriter::update(const QList<Row> &rows, const QList<bool> &unchanged)
{
    return updateEach(*this, rows, unchanged, m_keyIndexes);
}

bool MysqlCdcTableWriter::updateAt(const Row &row, const QList<bool> &unchanged,
                                   const KeyValues &where)
{
    if (!exists(where))
        return false;
    QStringList sets;
    QVariantList values;
    for (int i = 0; i < m_schema->size(); ++i) {
        if (unchanged.value(i))
            continue;
        sets << Session::quote(m_schema->at(i).name) + QStringLiteral(" = ?");
        values << mysql::toParameter(row.value(i), m_schema->at(i).type);
    }
    if (sets.isEmpty())
        return true; // every value unchanged: the row is there, nothing to write
    appendKey(values, where);
    changed(QStringLiteral("UPDATE %1 SET %2 WHERE %3")
                .arg(Session::quote(m_table.description.name), sets.join(QStringLiteral(", ")),
                     keyCondition()),
            values, "writing a streamed change");
    return true;
}

qint64 MysqlCdcTableWriter::remove(const QList<Row> &keyRows, const QString &softDeleteColumn)
{
    const QString table = Session::quote(m_table.description.name);
    qint64 found = 0;
    for (const Row &row : keyRows) {
        const KeyValues key = keyOfRow(row, m_keyIndexes);
        if (!holdable(key))
            continue;
        QVariantList values;
        if (softDeleteColumn.isEmpty()) {
            appendKey(values, key);
            found += changed(QStringLiteral("DELETE FROM %1 WHERE %2").arg(table, keyCondition()),
                             values, "deleting a streamed change");
            continue;
        }
        if (!exists(key))
            continue;
        values << flagTrue(softDeleteColumn);
        appendKey(values, key);
        changed(QStringLiteral("UPDATE %1 SET %2 = ? WHERE %3")
                    .arg(table, Session::quote(softDeleteColumn), keyCondition()),
                values, "marking a streamed delete");
        ++found;
    }
    return found;
}

qint64 MysqlCdcTableWriter::removeAll()
{
    return changed(QStringLiteral("DELETE FROM %1").arg(Session::quote(m_table.description.name)),
                   {}, "applying a streamed truncate");
}

qint64 MysqlCdcTableWriter::markAllDeleted(const QString &column)
{
    const QVariant flag = flagTrue(column);
    return changed(QStringLiteral("UPDATE %1 SET %2 = ? WHERE NOT (%2 <=> ?)")
                       .arg(Session::quote(m_table.description.name), Session::quote(column)),
                   { flag, flag }, "applying a streamed truncate");
}

} // namespace tf::sync::cdc
