#pragma once

#include "odbcdialect.h"

#include <QString>
#include <QStringList>

namespace tf::sync::sqlserver {

using odbc::ColumnInfo;

// The T-SQL the `kind: sqlserver` connector sends beyond what odbc::Dialect(SqlServer)
// builds: catalog, change detection (rowversion, Change Tracking) and server-side hashes.
// Pure text, checked word for word by tst_sqlserverdialect: these statements have never run
// against a real SQL Server here (docs/connectors/sqlserver.md).

// Base tables of the login's default schema: one column, the name.
QString tablesStatement();
// Columns of OBJECT_ID(?): name, type name, max_length (-1 for MAX), precision, scale,
// is_nullable; in column order.
QString columnsStatement();
// Primary key columns of OBJECT_ID(?), in key order.
QString primaryKeyStatement();

// HASHBYTES('MD5', ...) over the columns as hex text (32 characters, lower case): each column
// "<bytes>:<text>" (DATALENGTH of its nvarchar text) or "-" for NULL, joined by ','.
QString hashExpression(const odbc::Dialect &dialect, const QList<ColumnInfo> &columns);
// SELECT <hash>, <keys> FROM [table] ORDER BY <keys> OFFSET ? ROWS FETCH NEXT ? ROWS ONLY.
QString hashPage(const odbc::Dialect &dialect, const QString &table, const QList<ColumnInfo> &columns,
                 const QList<ColumnInfo> &keys);
// SELECT <columns> FROM [table] ORDER BY <keys> OFFSET ? ROWS FETCH NEXT ? ROWS ONLY.
QString readPage(const odbc::Dialect &dialect, const QString &table, const QList<ColumnInfo> &columns,
                 const QList<ColumnInfo> &keys);

// Rows changed since a rowversion (bound as bigint), up to MIN_ACTIVE_ROWVERSION(): versions
// at or past it belong to transactions still open, so the checkpoint never passes them.
QString rowversionSince(const odbc::Dialect &dialect, const QString &table, const QList<ColumnInfo> &columns,
                        const QString &rowversion, bool first);
// The horizon: CAST(MIN_ACTIVE_ROWVERSION() AS bigint).
QString rowversionHorizon();

// Change Tracking (ALTER DATABASE ... SET CHANGE_TRACKING = ON; ALTER TABLE ... ENABLE
// CHANGE_TRACKING): the current version, the oldest version still valid for OBJECT_ID(?), and
// the changes since a version (bound) with the rows as they are now (LEFT JOIN: a deleted
// row's columns are NULL, its key comes from CHANGETABLE).
QString changeTrackingCurrentVersion();
QString changeTrackingMinValidVersion();
QString changeTrackingChanges(const odbc::Dialect &dialect, const QString &table, const QList<ColumnInfo> &columns,
                              const QList<ColumnInfo> &keys);
// The log line when a stored version is below the minimum valid one.
QString changeTrackingResyncMessage(const QString &table, qint64 stored, qint64 minValid);

// DELETE of `rows` keys: DELETE t FROM [table] AS t WHERE (t.[k] = ?) OR ...
QString deleteKeys(const odbc::Dialect &dialect, const QString &table, const QList<ColumnInfo> &keys, int rows);

// Rows per batched MERGE/INSERT/DELETE so the parameters stay within SQL Server's 2,100.
int rowsPerStatement(const odbc::Dialect &dialect, int parametersPerRow);

} // namespace tf::sync::sqlserver
