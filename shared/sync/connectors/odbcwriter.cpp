// The writing half of OdbcConnector: one transaction per batch, set-based statements.
#include "core/errors.h"
#include "lastperkey.h"
#include "odbcconnector.h"
#include "odbcsession.h"
#include "odbcstatestore.h"
#include "odbcvalues.h"
#include "sqlserverstatements.h"

namespace tf::sync {

using odbc::ColumnInfo;

void OdbcConnector::apply(const ChangeBatch &batch)
{
    const bool hasRows = !batch.upserts.isEmpty() || !batch.deletes.isEmpty();
    const odbc::Table *t = hasRows ? &table(batch.entity) : nullptr; // a state-only batch needs no table
    const bool hasState = !batch.stateUpserts.isEmpty() || !batch.stateDeletes.isEmpty() || batch.checkpoint;
    odbc::StateStore *state = hasState ? &ownStateStore() : nullptr; // may create its tables: before the transaction
    odbc::SessionTransaction transaction(*m_session);
    if (!batch.deletes.isEmpty())
        deleteKeys(*t, t->columnsNamed(batch.keyColumns), batch.deletes);
    if (!batch.upserts.isEmpty())
        writeRows(*t, batch);
    if (state)
        state->writeState(batch);
    transaction.commit();
}

void OdbcConnector::writeUpserts(const ChangeBatch &batch)
{
    writeRows(table(batch.entity), batch);
}

qint64 OdbcConnector::deleteKeys(const odbc::Table &t, const QList<ColumnInfo> &keys, const QList<KeyValues> &deletes)
{
    qint64 deleted = 0;
    const odbc::Dialect &dialect = m_session->dialect();
    const int width = int(keys.size());
    const int perStatement = qMin(200, sqlserver::rowsPerStatement(dialect, width));
    for (qsizetype start = 0; start < deletes.size(); start += perStatement) {
        const int count = int(qMin<qsizetype>(perStatement, deletes.size() - start));
        QVariantList values;
        for (int k = 0; k < count; ++k) {
            for (int i = 0; i < width; ++i)
                values << odbc::toParameter(deletes.at(start + k).value(i), keys.at(i).type, dialect.dbms());
        }
        const QString sql = dialect.dbms() == odbc::Dbms::SqlServer
            ? sqlserver::deleteKeys(dialect, t.description.name, keys, count)
            : QStringLiteral("DELETE FROM %1 WHERE %2").arg(dialect.quote(t.description.name), dialect.keyMatch(keys, count));
        deleted += m_session->run(sql, values, "deleting rows").numRowsAffected();
    }
    return deleted;
}

void OdbcConnector::writeRows(const odbc::Table &t, const ChangeBatch &batch)
{
    const odbc::Dialect &dialect = m_session->dialect();
    const Schema &schema = *batch.schema;
    const QList<int> keyIndexes = schema.indexesOf(batch.keyColumns);
    const QList<Row> rows = lastRowPerKey(batch.upserts, schema, batch.keyColumns);
    QList<ColumnInfo> columns;
    for (const Column &column : schema.columns())
        columns << t.column(column.name);
    const bool merge = !batch.intoEmpty && !dialect.upsert(batch.entity, columns, batch.keyColumns, 1).isEmpty();
    if (!batch.intoEmpty && !merge) { // no upsert statement: delete the keys, then insert
        QList<KeyValues> keys;
        for (const Row &row : rows) {
            KeyValues key;
            for (int index : keyIndexes)
                key << row.value(index);
            keys << key;
        }
        deleteKeys(t, t.columnsNamed(batch.keyColumns), keys);
    }
    const int perStatement = sqlserver::rowsPerStatement(dialect, int(columns.size()));
    for (qsizetype start = 0; start < rows.size(); start += perStatement) {
        const int count = int(qMin<qsizetype>(perStatement, rows.size() - start));
        QVariantList values;
        for (int r = 0; r < count; ++r) {
            for (int c = 0; c < schema.size(); ++c)
                values << odbc::toParameter(rows.at(start + r).value(c), schema.at(c).type, dialect.dbms());
        }
        const QString sql = merge ? dialect.upsert(batch.entity, columns, batch.keyColumns, count)
                                  : dialect.insert(batch.entity, columns, count);
        m_session->run(sql, values, "writing rows");
    }
}

} // namespace tf::sync
