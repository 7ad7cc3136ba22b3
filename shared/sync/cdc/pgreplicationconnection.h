#pragma once

#include "lsn.h"

#include <QString>
#include <QStringList>

typedef struct pg_conn PGconn;

namespace tf::db {
struct DatabaseUrl;
}

namespace tf::sync::cdc {

// What IDENTIFY_SYSTEM answers. A changed system id or timeline means the source was
// restored or failed over: positions stored against the old one mean nothing there.
struct SystemIdentity
{
    QString systemId; // a decimal 64-bit number, kept as text
    int timeline = 0;
    Lsn walPosition = 0; // the current WAL flush position
    QString database;
};

// A slot just made by CREATE_REPLICATION_SLOT ... (SNAPSHOT 'export').
struct CreatedSlot
{
    QString name;
    Lsn consistentPoint = 0; // every change committed after it is streamed, none before
    // The snapshot to copy the tables under (SET TRANSACTION SNAPSHOT). It stays valid only
    // while this connection runs no other command.
    QString snapshotName;
};

// A libpq connection in logical walsender mode (replication=database), which QPSQL cannot
// open. It runs the replication commands; startReplication() switches it to COPY BOTH mode,
// after which only PgReplicationStream uses it. Only the simple query protocol works on such
// a connection, so it takes no values from users: slot and publication names are checked by
// isValidSlotName() before they go into a command. Values stream in the text of ISO dates
// and UTC times (DateStyle ISO, TimeZone UTC), exact floats (extra_float_digits 3) and hex
// bytea, whatever the server's defaults.
class PgReplicationConnection final
{
    Q_DISABLE_COPY_MOVE(PgReplicationConnection)
public:
    // Connects; throws tf::Error(Unavailable) with libpq's reason (never the password).
    explicit PgReplicationConnection(const db::DatabaseUrl &url);
    ~PgReplicationConnection();

    SystemIdentity identifySystem();
    // Throws tf::Error(Conflict) when the slot already exists.
    CreatedSlot createSlot(const QString &slot);
    // Drops the slot, waiting for a session still using it to end. Nothing when absent.
    void dropSlot(const QString &slot);
    // START_REPLICATION SLOT slot LOGICAL start (proto_version '1', publication_names ...).
    void startReplication(const QString &slot, Lsn start, const QStringList &publications);

    // Lower-case letters, digits and '_', 1 to 63 characters: what PostgreSQL accepts as a
    // slot name, and what we use for publication names too.
    static bool isValidSlotName(const QString &name);

    PGconn *handle() const { return m_conn; }

private:
    [[noreturn]] void raise(const QString &what) const;
    void checkName(const QString &name) const;

    PGconn *m_conn = nullptr;
};

} // namespace tf::sync::cdc
