#pragma once

#include "sync/connector.h"

namespace tf::db {
class Database;
}

namespace tf::sync::pg {

class PgCatalog;

// The typed sourceHashExpression() (PostgreSQL 14+) of rows the engine holds, in
// request.columns order, computed by the server in one query from their exact input texts:
// the state hash of a row written without one (a quarantine replay, a repair). Empty when the
// server answered otherwise than one hash per row.
QList<QByteArray> serverRowHashes(const db::Database &database, PgCatalog &catalog, const ReadRequest &request,
                                  const QList<Row> &rows);

} // namespace tf::sync::pg
