#pragma once

#include "sqlitevalues.h"
#include "sync/connector.h"

#include <QList>
#include <QStringList>

namespace tf::db {
class Database;
}

namespace tf::sync::sqlite {

// One table as the SQLite connector sees it: its description plus what writing needs.
struct Table
{
    EntityDescription description;
    QList<QString> declaredTypes;  // per column, as written in CREATE TABLE
    QList<Affinity> affinities;    // per column
    QList<QStringList> uniqueKeys; // PRIMARY KEY and full (non-partial) UNIQUE column sets

    bool hasUniqueKey(const QStringList &columns) const;
};

// Reads the table through pragma_table_info / pragma_index_list / pragma_index_info with the
// name bound as a value. Throws tf::Error(NotFound) when there is no such table.
Table readTable(const db::Database &database, const QString &name);

// User tables, sorted; SQLite's own and the connector's state tables are left out.
QStringList tableNames(const db::Database &database);

} // namespace tf::sync::sqlite
