#include "sqlserverstatements.h"

namespace tf::sync::sqlserver {

namespace {

QString keyOrder(const odbc::Dialect &dialect, const QList<ColumnInfo> &keys, const QString &alias = QString())
{
    QStringList names;
    for (const ColumnInfo &key : keys)
        names << (alias.isEmpty() ? QString() : alias + QLatin1Char('.')) + dialect.quote(key.name);
    return names.join(QStringLiteral(", "));
}

const QString kPage = QStringLiteral(" OFFSET ? ROWS FETCH NEXT ? ROWS ONLY");

} // namespace

QString tablesStatement()
{
    return QStringLiteral("SELECT t.name FROM sys.tables AS t WHERE t.schema_id = SCHEMA_ID() AND t.is_ms_shipped = 0 "
                          "AND t.name NOT IN (N'tf_odbc_sync_state', N'tf_odbc_sync_checkpoint', N'tf_cdc_position', N'tf_cdc_snapshot') "
                          "ORDER BY t.name");
}

QString columnsStatement()
{
    return QStringLiteral("SELECT c.name, LOWER(ty.name), c.max_length, c.precision, c.scale, c.is_nullable "
                          "FROM sys.columns AS c JOIN sys.types AS ty ON ty.user_type_id = c.user_type_id "
                          "WHERE c.object_id = OBJECT_ID(?) ORDER BY c.column_id");
}

QString primaryKeyStatement()
{
    return QStringLiteral("SELECT c.name FROM sys.indexes AS i "
                          "JOIN sys.index_columns AS ic ON ic.object_id = i.object_id AND ic.index_id = i.index_id "
                          "JOIN sys.columns AS c ON c.object_id = ic.object_id AND c.column_id = ic.column_id "
                          "WHERE i.object_id = OBJECT_ID(?) AND i.is_primary_key = 1 ORDER BY ic.key_ordinal");
}

QString hashExpression(const odbc::Dialect &dialect, const QList<ColumnInfo> &columns)
{
    QStringList parts;
    for (const ColumnInfo &c : columns) {
        const QString text = QStringLiteral("CONVERT(nvarchar(max), %1)").arg(dialect.readExpression(c));
        parts << QStringLiteral("COALESCE(CONCAT(DATALENGTH(%1), N':', %1), N'-')").arg(text);
    }
    return QStringLiteral("LOWER(CONVERT(char(32), HASHBYTES('MD5', CONCAT_WS(N',', %1)), 2))").arg(parts.join(QStringLiteral(", ")));
}

QString hashPage(const odbc::Dialect &dialect, const QString &table, const QList<ColumnInfo> &columns,
                 const QList<ColumnInfo> &keys)
{
    QStringList keyReads;
    for (const ColumnInfo &key : keys)
        keyReads << dialect.readExpression(key);
    return QStringLiteral("SELECT %1, %2 FROM %3 ORDER BY %4")
               .arg(hashExpression(dialect, columns), keyReads.join(QStringLiteral(", ")), dialect.quote(table),
                    keyOrder(dialect, keys))
        + kPage;
}

QString readPage(const odbc::Dialect &dialect, const QString &table, const QList<ColumnInfo> &columns,
                 const QList<ColumnInfo> &keys)
{
    return dialect.select(table, columns, { keyOrder(dialect, keys) }) + kPage;
}

QString rowversionSince(const odbc::Dialect &dialect, const QString &table, const QList<ColumnInfo> &columns,
                        const QString &rowversion, bool first)
{
    const QString rv = dialect.quote(rowversion);
    QString where = QStringLiteral("%1 < MIN_ACTIVE_ROWVERSION()").arg(rv);
    if (!first)
        where = QStringLiteral("%1 > CAST(CAST(? AS bigint) AS binary(8)) AND ").arg(rv) + where;
    return dialect.select(table, columns, { rv }, where);
}

QString rowversionHorizon()
{
    return QStringLiteral("SELECT CAST(MIN_ACTIVE_ROWVERSION() AS bigint)");
}

QString changeTrackingCurrentVersion()
{
    return QStringLiteral("SELECT CHANGE_TRACKING_CURRENT_VERSION()");
}

QString changeTrackingMinValidVersion()
{
    return QStringLiteral("SELECT CHANGE_TRACKING_MIN_VALID_VERSION(OBJECT_ID(?))");
}

QString changeTrackingChanges(const odbc::Dialect &dialect, const QString &table, const QList<ColumnInfo> &columns,
                              const QList<ColumnInfo> &keys)
{
    // Every column read as readExpression() reads it (a uniqueidentifier key as char(36), a
    // datetime2 one as ISO text), under its alias.
    const auto aliased = [&](const ColumnInfo &c, const QString &alias) {
        return dialect.readExpression(c).replace(dialect.quote(c.name), alias + dialect.quote(c.name));
    };
    QStringList select { QStringLiteral("ct.SYS_CHANGE_OPERATION"), QStringLiteral("ct.SYS_CHANGE_VERSION") };
    QStringList on;
    for (const ColumnInfo &key : keys) {
        select << aliased(key, QStringLiteral("ct."));
        on << QStringLiteral("t.%1 = ct.%1").arg(dialect.quote(key.name));
    }
    for (int index : dialect.readOrder(columns))
        select << aliased(columns.at(index), QStringLiteral("t."));
    return QStringLiteral("SELECT %1 FROM CHANGETABLE(CHANGES %2, ?) AS ct LEFT JOIN %2 AS t ON %3 "
                          "ORDER BY ct.SYS_CHANGE_VERSION, %4")
        .arg(select.join(QStringLiteral(", ")), dialect.quote(table), on.join(QStringLiteral(" AND ")), keyOrder(dialect, keys, QStringLiteral("ct")));
}

QString changeTrackingResyncMessage(const QString &table, qint64 stored, qint64 minValid)
{
    return QStringLiteral("SQL Server table '%1': stored Change Tracking version %2 is below CHANGE_TRACKING_MIN_VALID_VERSION() %3; "
                          "changes were cleaned up, running a full resync")
        .arg(table).arg(stored).arg(minValid);
}

QString deleteKeys(const odbc::Dialect &dialect, const QString &table, const QList<ColumnInfo> &keys, int rows)
{
    return QStringLiteral("DELETE t FROM %1 AS t WHERE %2").arg(dialect.quote(table), dialect.keyMatch(keys, rows, QStringLiteral("t")));
}

int rowsPerStatement(const odbc::Dialect &dialect, int parametersPerRow)
{
    return qMax(1, qMin(dialect.maxRowsPerValues(), dialect.maxParameters() / qMax(1, parametersPerRow)));
}

} // namespace tf::sync::sqlserver
