#pragma once

#include "sync/connector.h"

namespace tf::db {
class Database;
}

namespace tf::sync {
class PostgresStateStore;
}

namespace tf::sync::pg {

class PgCatalog;

// The write side of the PostgreSQL connector: one ChangeBatch, one transaction.
//   upserts  COPY into a temporary table, then one INSERT ... ON CONFLICT (key) DO UPDATE
//            that skips rows whose values are unchanged (they are not rewritten)
//   deletes  COPY the keys into a temporary table, then one DELETE ... USING
//   state    the same way into tf_sync_state, plus the checkpoint
// No statement per row. Any failure rolls everything back.
class PgWriter final
{
    Q_DISABLE_COPY_MOVE(PgWriter)
public:
    PgWriter(const db::Database &database, PgCatalog &catalog, PostgresStateStore &state);

    void apply(const ChangeBatch &batch);

private:
    const db::Database &m_database;
    PgCatalog &m_catalog;
    PostgresStateStore &m_state;
};

} // namespace tf::sync::pg
