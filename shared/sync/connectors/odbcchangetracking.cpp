#include "odbcchangetracking.h"

#include "core/errors.h"
#include "odbcsession.h"
#include "odbcvalues.h"
#include "sqlserverstatements.h"

namespace tf::sync::odbc {

namespace {

QVariant single(QSqlQuery query)
{
    return query.next() ? query.value(0) : QVariant();
}

bool isNull(const QVariant &value)
{
    return !value.isValid() || value.isNull();
}

} // namespace

QVariant SqlServerChangeTracking::currentVersion()
{
    return single(m_session.run(sqlserver::changeTrackingCurrentVersion(), {}, "reading the Change Tracking version"));
}

QVariant SqlServerChangeTracking::minValidVersion(const QString &table)
{
    return single(m_session.run(sqlserver::changeTrackingMinValidVersion(), { table },
                                "reading the oldest valid Change Tracking version"));
}

QSqlQuery SqlServerChangeTracking::changes(const QString &table, const QList<ColumnInfo> &columns,
                                           const QList<ColumnInfo> &keys, qint64 since)
{
    return m_session.run(sqlserver::changeTrackingChanges(m_session.dialect(), table, columns, keys), { since },
                         "reading Change Tracking changes");
}

ChangeLogStart startChangeLog(ChangeTrackingQueries &queries, const QString &table, const std::optional<qint64> &stored)
{
    // Read first: changes committed from now on are past it, so the next run reads them again.
    const QVariant current = queries.currentVersion();
    if (isNull(current))
        throw Error(Error::Kind::Validation,
                    QStringLiteral("'%1': Change Tracking is not enabled on its database (ALTER DATABASE ... SET "
                                   "CHANGE_TRACKING = ON; docs/connectors/sqlserver.md)")
                        .arg(table));
    const QVariant minValid = queries.minValidVersion(table);
    if (isNull(minValid))
        throw Error(Error::Kind::Validation,
                    QStringLiteral("'%1': Change Tracking is not enabled on this table (ALTER TABLE ... ENABLE "
                                   "CHANGE_TRACKING; docs/connectors/sqlserver.md)")
                        .arg(table));
    ChangeLogStart start;
    start.current = current.toLongLong();
    if (!stored) {
        start.resync = true;
    } else if (*stored < minValid.toLongLong()) {
        start.resync = true;
        start.reason = sqlserver::changeTrackingResyncMessage(table, *stored, minValid.toLongLong());
    }
    return start;
}

void readChangeLog(ChangeTrackingQueries &queries, const Dialect &dialect, const Table &table,
                   const ReadRequest &request, const QList<ColumnInfo> &keys, qint64 since,
                   const ChangeLogSink &sink)
{
    if (keys.isEmpty())
        throw Error(Error::Kind::Validation, QStringLiteral("reading the changes of '%1' needs its key columns").arg(request.entity));
    const QList<ColumnInfo> columns = table.columnsNamed(request.columns);
    QList<Column> schemaColumns;
    for (const ColumnInfo &c : columns)
        schemaColumns << table.description.schema.at(table.description.schema.indexOf(c.name));
    const QList<int> readOrder = dialect.readOrder(columns);
    // A joined key column that comes back NULL: the row is gone since the change was logged.
    int joinedKey = -1;
    for (int i = 0; i < columns.size() && joinedKey < 0; ++i) {
        if (columns.at(i).name == keys.first().name)
            joinedKey = i;
    }
    const qsizetype limit = qMax(1, request.batchSize);
    ChangeLogBatch batch { RowBatch { std::make_shared<const Schema>(schemaColumns), {}, {} }, {} };
    QSqlQuery query = queries.changes(request.entity, columns, keys, since);
    const int firstColumn = 2 + int(keys.size());
    while (query.next()) {
        const QString operation = query.value(0).toString().trimmed();
        if (operation != QLatin1String("I") && operation != QLatin1String("U") && operation != QLatin1String("D"))
            throw Error(Error::Kind::Internal, QStringLiteral("'%1': unknown Change Tracking operation '%2'")
                                                   .arg(request.entity, operation));
        KeyValues key;
        for (int i = 0; i < keys.size(); ++i)
            key << fromDriver(query.value(2 + i), keys.at(i), request.entity);
        Row row;
        if (operation != QLatin1String("D")) {
            row = Row(columns.size());
            for (int i = 0; i < readOrder.size(); ++i)
                row[readOrder.at(i)] = fromDriver(query.value(firstColumn + i), columns.at(readOrder.at(i)), request.entity);
        }
        if (row.isEmpty() || (joinedKey >= 0 && isNull(row.at(joinedKey))))
            batch.deletes << key;
        else
            batch.rows.rows << row;
        if (batch.rows.rows.size() + batch.deletes.size() >= limit) {
            if (!sink(batch))
                return;
            batch.rows.rows.clear();
            batch.deletes.clear();
        }
    }
    if (!batch.rows.rows.isEmpty() || !batch.deletes.isEmpty())
        sink(batch);
}

} // namespace tf::sync::odbc
