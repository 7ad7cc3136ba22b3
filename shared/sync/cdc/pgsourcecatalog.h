#pragma once

#include "lsn.h"
#include "pgoutputmessages.h"

#include <QString>
#include <QStringList>
#include <optional>

namespace tf::db {
class Database;
}

namespace tf::sync::cdc {

// A replication slot as pg_replication_slots shows it, with the server's current position.
struct SlotState
{
    QString name;
    QString plugin;
    bool active = false;
    Lsn restartLsn = 0;
    Lsn confirmedFlushLsn = 0;
    QString walStatus; // reserved, extended, unreserved or lost
    Lsn currentWalLsn = 0; // pg_current_wal_lsn()
    qint64 retainedBytes = 0; // current - restart_lsn: the WAL the slot holds back
    qint64 lagBytes = 0; // current - confirmed_flush_lsn
};

// The publications and slots of a cdc pair, through an ordinary (QPSQL) connection to the
// source database, with bound values; names are checked by
// PgReplicationConnection::isValidSlotName() and tables quoted as identifiers.
class PgSourceCatalog final
{
public:
    explicit PgSourceCatalog(const db::Database &source);

    // Creates the publication for exactly these tables of the schema, or sets its table
    // list when it exists.
    void ensurePublication(const QString &publication, const QString &schema,
                           const QStringList &tables);
    void dropPublication(const QString &publication); // nothing when absent
    std::optional<SlotState> slot(const QString &slot);
    // The tables as pgoutput's Relation messages would describe them (published columns in
    // order, types, replica identity and its key columns), read under an exported snapshot:
    // the shape the initial copy saw. A table the snapshot does not see is left out.
    QList<RelationMessage> relationsAt(const QString &snapshot, const QString &schema,
                                       const QStringList &tables);
    // The slots whose names start with prefix (tf_ for ours), for orphan checks.
    QStringList slotNames(const QString &prefix);

private:
    const db::Database &m_source;
};

} // namespace tf::sync::cdc
