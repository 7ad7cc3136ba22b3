#pragma once

#include "backupmanager.h"

#include <QSqlDatabase>
#include <QString>

namespace tf::ops {

// SQLite's online backup API (sqlite3_backup_*), on handles of its own, beside whatever
// QtSql connections the services hold.

// Copies the database at `sourcePath` page by page into the new file `destinationPath`.
// The source stays readable and writable by others throughout: the copy holds one read
// transaction, so it is the database as of its start (WAL lets writers go on meanwhile). The
// copy is left in rollback-journal mode: one self-contained file. Throws tf::Error
// (Unavailable) with SQLite's message.
void sqliteOnlineCopy(const QString &sourcePath, const QString &destinationPath,
                      const ProgressFn &progress = {}, double from = 0, double to = 1);

// Replaces the content of the live database at `livePath` with the backup file's, in one
// write transaction on the live file (other connections see the old content or the new,
// nothing in between; a failure leaves the old). Throws tf::Error(Unavailable).
void sqliteRestoreInto(const QString &backupPath, const QString &livePath,
                       const ProgressFn &progress = {}, double from = 0, double to = 1);

// PRAGMA quick_check of a database file opened read-only: empty when it is a sound SQLite
// database, else what is wrong.
QString sqliteQuickCheck(const QString &path);

QString sqliteLibraryVersion();

// A read-only QtSql connection to an SQLite file that does not change the file (no WAL
// switch, unlike the control database's connections); removed on destruction.
class SqliteFileConnection final
{
    Q_DISABLE_COPY_MOVE(SqliteFileConnection)
public:
    // Throws tf::Error(Unavailable) when the file cannot be opened.
    explicit SqliteFileConnection(const QString &path);
    ~SqliteFileConnection();

    QSqlDatabase database() const { return QSqlDatabase::database(m_name, false); }

private:
    QString m_name;
};

} // namespace tf::ops
