#pragma once

#include "sync/connector.h"

namespace tf::db {
class Database;
}

namespace tf::sync {

// StateStore::stateOf for the stores whose state table has a source_key column and lives in a
// db::Database (PostgreSQL targets, the control database and SQLite targets): `stateTable` as
// it goes into the SQL (quoted or qualified), keys looked up 500 a statement.
QList<StateEntry> lookUpState(const db::Database &database, const QString &stateTable, const QString &pairId,
                              const QString &entity, const QStringList &sourceKeys);

} // namespace tf::sync
