#pragma once

#include "connection.h"

#include <QList>
#include <QString>

namespace tf::db {

// Brings the control database schema up to date from the migration scripts compiled into
// the binary (:/migrations/<backend>/NNNN_name.sql). Each migration runs in its own
// transaction and is recorded in schema_migrations (version, name, sha256 checksum,
// applied_at). Safe when several processes start at once on the same database: each
// transaction takes the migration lock (advisory lock / BEGIN IMMEDIATE) and re-reads.
class Migrator final
{
    Q_DISABLE_COPY_MOVE(Migrator)
public:
    struct Status
    {
        int current = 0; // highest applied version, 0 for an empty database
        int latest = 0; // highest version this binary knows
        QList<int> pending; // known versions not applied yet, ascending
    };

    struct Migration
    {
        int version = 0;
        QString name; // "0001_initial"
        QString resourcePath;
    };

    explicit Migrator(Database &database);

    // Read-only; throws tf::Error(Unavailable) when the database cannot be reached.
    Status status() const;
    // Applies every pending migration; returns how many this call applied. Throws
    // tf::Error(Conflict) when the database is newer than this binary.
    int migrate();

    static QList<Migration> knownMigrations(const Dialect &dialect);
    static int latestKnownVersion(const Dialect &dialect);
    // Highest applied version (0 when schema_migrations does not exist). Cheap: one query.
    static int currentVersion(const Database &database);

private:
    bool applyNext(const QList<Migration> &known);
    void ensureTable() const;
    void checkNotNewer(int current, int latest) const;
    void apply(const Migration &migration) const;

    Database &m_database;
};

} // namespace tf::db
