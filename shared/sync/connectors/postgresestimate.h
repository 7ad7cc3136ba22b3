#pragma once

#include "sync/connector.h"

namespace tf::db {
class Database;
}

namespace tf::sync::pg {

class PgCatalog;

// SourceConnector::estimateRows for PostgreSQL, run on `lookups`:
// - a whole table: pg_class.reltuples scaled to the table's current size (as the planner
//   does); a table never analyzed is counted only when small (< 1000 pages), else unknown;
// - rows past a cursor checkpoint: count(*) of the readSince filter, capped at 5M rows and
//   2 s (SET LOCAL statement_timeout); at the cap, the larger of the cap and the table's
//   estimate; past the timeout, unknown.
qint64 estimateRows(const db::Database &lookups, PgCatalog &catalog, const ReadRequest &request,
                    const QString &cursorColumn, const std::optional<Checkpoint> &after);

} // namespace tf::sync::pg
