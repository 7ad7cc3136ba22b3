#pragma once

#include "postgrestemptables.h"
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
//            that skips rows whose values are unchanged (they are not rewritten) and counts
//            what it inserted and updated (ChangeBatch::counts); with intoEmpty, COPY
//            straight into the table
//   deletes  COPY the keys into a temporary table, then one DELETE ... USING
//   state    the same way into tf_sync_state, plus the checkpoint
// No statement per row. Any failure rolls everything back. The temporary tables are made
// once per connection (PgTempTables) and emptied by every commit.
class PgWriter final
{
    Q_DISABLE_COPY_MOVE(PgWriter)
public:
    PgWriter(const db::Database &database, PgCatalog &catalog, PostgresStateStore &state);

    void apply(const ChangeBatch &batch);
    // True when the table holds no rows.
    bool isEmpty(const QString &entity);

private:
    const db::Database &m_database;
    PgCatalog &m_catalog;
    PostgresStateStore &m_state;
    PgTempTables m_temps;
};

} // namespace tf::sync::pg
