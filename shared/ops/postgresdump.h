#pragma once

#include "backupmanager.h"
#include "db/databaseurl.h"
#include "tablechecksums.h"

#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace tf::ops {

// pg_dump, pg_restore and psql as child processes, for backups of a PostgreSQL control
// database. The password travels in the child's environment (PGPASSWORD), never in argv,
// where `ps` would show it; the rest of the connection is a libpq conninfo string.
class PostgresDump final
{
public:
    explicit PostgresDump(db::DatabaseUrl url);

    // The program on PATH, else the newest /usr/lib/postgresql/<major>/bin/<name>. Throws
    // tf::Error(Unavailable) naming where it looked.
    static QString findProgram(const QString &name);
    // "pg_dump (PostgreSQL) 15.18"
    QString version() const;

    // pg_dump --format=custom of the whole database as of `snapshot` (pg_export_snapshot()
    // of a transaction the caller keeps open). Progress from its --verbose lines, one per
    // table: `tableCount` is how many to expect. Throws tf::Error(Unavailable) with
    // pg_dump's own message.
    void dump(const QString &snapshot, const QString &path, int tableCount,
              const ProgressFn &progress, double from, double to) const;

    // How many TABLE DATA entries the archive's table of contents lists. Throws
    // tf::Error(Validation) when pg_restore cannot read the archive.
    int tableDataEntries(const QString &path) const;

    // Replaces the database's content with the archive's in ONE transaction: psql runs
    // `preamble` (the caller's DROP statements for everything now in schema public), then the
    // SQL that pg_restore makes of the archive, then, still inside the transaction, every
    // table's checksum (postgresChecksumSql) to compare with `expected`. COMMIT only when
    // pg_restore finished cleanly and every table matches; otherwise ROLLBACK, and the
    // database is as it was. Returns the checksums found. Throws tf::Error: Unavailable when
    // a program fails, Internal when the tables would differ from `expected`.
    TableChecksums restore(const QString &path, const QString &preamble, int tableDataEntries,
                           const TableChecksums &expected, const ProgressFn &progress, double from,
                           double to) const;

private:
    QString conninfo() const;
    QProcessEnvironment environment() const;

    db::DatabaseUrl m_url;
};

} // namespace tf::ops
