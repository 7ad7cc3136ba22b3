#include "odbccdctablewriter.h"

#include "cdctablekeys.h"
#include "odbccdcstatements.h"
#include "sync/connectors/odbcconnector.h"
#include "sync/connectors/odbcsession.h"
#include "sync/connectors/odbcvalues.h"

#include <QSqlQuery>

namespace tf::sync::cdc {

using odbc::ColumnInfo;

OdbcCdcTableWriter::OdbcCdcTableWriter(OdbcConnector &target, const QString &table,
                                       SchemaPtr rowSchema, QStringList keyColumns)
    : m_target(target)
    , m_table(target.table(table))
    , m_schema(std::move(rowSchema))
    , m_keyColumns(std::move(keyColumns))
    , m_keyIndexes(keyIndexesOf(*m_schema, m_keyColumns, table))
    , m_keys(m_table.columnsNamed(m_keyColumns))
{ }

QVariant OdbcCdcTableWriter::parameter(int schemaIndex, const QVariant &value) const
{
    return odbc::toParameter(value, m_schema->at(schemaIndex).type,
                             m_target.session().dialect().dbms());
}

void OdbcCdcTableWriter::appendKey(QVariantList &values, const KeyValues &key) const
{
    for (qsizetype i = 0; i < m_keyIndexes.size(); ++i)
        values << parameter(m_keyIndexes.at(i), key.value(i));
}

QVariant OdbcCdcTableWriter::flagTrue(const ColumnInfo &flag) const
{
    return odbc::toParameter(QVariant(true), flag.type, m_target.session().dialect().dbms());
}

void OdbcCdcTableWriter::upsert(const QList<Row> &rows)
{
    m_target.writeUpserts(upsertBatch(m_table.description.name, m_keyColumns, m_schema, rows));
}

QSet<qsizetype> OdbcCdcTableWriter::update(const QList<Row> &rows, const QList<bool> &unchanged)
{
    return updateEach(*this, rows, unchanged, m_keyIndexes);
}

bool OdbcCdcTableWriter::updateAt(const Row &row, const QList<bool> &unchanged,
                                  const KeyValues &where)
{
    odbc::Session &session = m_target.session();
    const odbc::Dialect &dialect = session.dialect();
    QList<ColumnInfo> columns;
    QVariantList values;
    for (int i = 0; i < m_schema->size(); ++i) {
        if (unchanged.value(i))
            continue;
        columns << m_table.column(m_schema->at(i).name);
        values << parameter(i, row.value(i));
    }
    appendKey(values, where);
    const QString table = m_table.description.name;
    if (columns.isEmpty()) // every value unchanged: nothing to write, but the row must be there
        return session
            .run(odbcsql::rowExists(dialect, table, m_keys), values, "looking up a streamed row")
            .next();
    return session
               .run(odbcsql::updateColumns(dialect, table, columns, m_keys), values,
                    "writing a streamed change")
               .numRowsAffected()
        > 0;
}

qint64 OdbcCdcTableWriter::remove(const QList<Row> &keyRows, const QString &softDeleteColumn)
{
    QList<KeyValues> keys;
    for (const Row &row : keyRows)
        keys << keyOfRow(row, m_keyIndexes);
    if (softDeleteColumn.isEmpty())
        return m_target.deleteKeys(m_table, m_keys, keys);
    odbc::Session &session = m_target.session();
    const odbc::Dialect &dialect = session.dialect();
    const ColumnInfo &flag = m_table.column(softDeleteColumn);
    const int perStatement = odbcsql::keysPerStatement(dialect, int(m_keys.size()), 1);
    qint64 found = 0;
    for (qsizetype start = 0; start < keys.size(); start += perStatement) {
        const int count = int(qMin<qsizetype>(perStatement, keys.size() - start));
        QVariantList values { flagTrue(flag) };
        for (int k = 0; k < count; ++k)
            appendKey(values, keys.at(start + k));
        found += session
                     .run(odbcsql::flagRows(dialect, m_table.description.name, flag, m_keys, count),
                          values, "marking streamed deletes")
                     .numRowsAffected();
    }
    return found;
}

qint64 OdbcCdcTableWriter::removeAll()
{
    odbc::Session &session = m_target.session();
    return session
        .run(odbcsql::deleteAll(session.dialect(), m_table.description.name), {},
             "applying a streamed truncate")
        .numRowsAffected();
}

qint64 OdbcCdcTableWriter::markAllDeleted(const QString &column)
{
    odbc::Session &session = m_target.session();
    const ColumnInfo &flag = m_table.column(column);
    const QVariant value = flagTrue(flag);
    return session
        .run(odbcsql::flagAll(session.dialect(), m_table.description.name, flag), { value, value },
             "applying a streamed truncate")
        .numRowsAffected();
}

} // namespace tf::sync::cdc
