#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace tf {
class SecretBox;
namespace db {
class Database;
}
} // namespace tf

namespace tf::ops {

// A tf_ replication slot no cdc pair owns: it holds the source's WAL for nobody.
struct OrphanSlot
{
    QString slot;
    qint64 systemId = 0;      // the PostgreSQL system it was found through
    QString systemName;
    QString reason;           // "pair 7 no longer exists", ...
    qint64 retainedBytes = 0; // WAL the slot holds back (current - restart_lsn)
    bool active = false;      // a walsender uses it now
    // The statement that drops it, to run on that system: "SELECT pg_drop_replication_slot('tf_pair_7');"
    QString dropStatement() const;
};

// The tf_ slots on the servers of the control database's PostgreSQL systems, each server
// asked once (systems on one host and port share their slots), against the cdc pairs: a slot
// is owned when it is named tf_pair_<id> after a cdc pair whose source system is on that
// server. `unreachable` gets one line per server that could not be asked ("system 3 'pacs':
// <why>"). Throws tf::Error only for the control database.
QList<OrphanSlot> findOrphanSlots(db::Database &control, const SecretBox &secrets, QStringList *unreachable);

} // namespace tf::ops
