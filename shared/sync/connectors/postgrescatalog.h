#pragma once

#include "postgrestypes.h"

#include <QHash>
#include <QMutex>
#include <QString>
#include <QStringList>

namespace tf::db {
class Database;
}

namespace tf::sync::pg {

// Tables of one schema as pg_catalog describes them. Descriptions are cached: reads and
// applies run many times per table and need column types, describe() refreshes.
class PgCatalog final
{
    Q_DISABLE_COPY_MOVE(PgCatalog)
public:
    PgCatalog(const db::Database &database, QString schema);

    const QString &schema() const { return m_schema; }

    // Throws tf::Error(NotFound) naming schema and table when there is no such table or view.
    PgTable table(const QString &name, bool refresh = false);
    // The column sets of the table's primary key and full unique indexes (not partial, not
    // on expressions): what INSERT ... ON CONFLICT (columns) can use. Read fresh each call.
    QList<QStringList> uniqueKeys(const QString &name) const;
    // Ordinary and partitioned tables (not partitions), without our own state tables.
    QStringList tables() const;

    QString stateTable() const; // "schema"."tf_sync_state"
    QString checkpointTable() const; // "schema"."tf_sync_checkpoint"
    QString pendingTable() const; // "schema"."tf_sync_pending"
    QString stateBlocksTable() const; // "schema"."tf_sync_state_blocks_w10"
    QString sourceChecksumTable() const; // "schema"."tf_sync_source_checksum"
    QString schemaObject(const QString &name) const; // "schema"."name"

private:
    PgTable load(const QString &name) const;

    const db::Database &m_database;
    QString m_schema;
    QMutex m_mutex;
    QHash<QString, PgTable> m_cache;
};

} // namespace tf::sync::pg
