#pragma once

#include "odbcdialect.h"
#include "sync/connector.h"

namespace tf::sync::odbc {

class Session;

struct Table
{
    EntityDescription description; // name, columns, primary key
    QList<ColumnInfo> columns;     // in description.schema order

    const ColumnInfo &column(const QString &name) const; // throws Validation naming it
    QList<ColumnInfo> columnsNamed(const QStringList &names) const; // empty: all
};

// Base tables the driver lists (SQLTables; SQL Server: sys.tables of the default schema),
// without the sync state and cdc position tables, by name.
QStringList tableNames(Session &session);
// The columns (SQLColumns, with information_schema's type names on PostgreSQL and sys.columns
// on SQL Server) and the primary key (SQLPrimaryKeys). Throws tf::Error(NotFound) naming it.
Table readTable(Session &session, const QString &name);

} // namespace tf::sync::odbc
