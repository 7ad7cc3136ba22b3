#pragma once

#include "core/errors.h"
#include "databaseurl.h"

#include <QSqlError>
#include <QString>

#include <optional>

namespace tf::db {

// A statement that failed because the database cannot store anything: the disk is full, the
// file or the server is read-only, or the disk reports an I/O error. SQLite SQLITE_FULL,
// SQLITE_READONLY, SQLITE_IOERR (with their extended codes); PostgreSQL 53100 disk_full,
// 53200 out_of_memory and 25006 read_only_sql_transaction.
bool isStorageFailure(const QSqlError &error, const QString &text);

// The Error(InsufficientStorage) for such a failure: what is full and where, in words
// ("the disk holding /var/lib/terrafusion/control.db is full (12 KiB available)..."), with
// details.path (SQLite) or details.server/database (PostgreSQL) and bytes_available when known.
// std::nullopt when the failure is not one of those.
std::optional<Error> storageError(const DatabaseUrl &url, const QSqlError &error, const QString &text,
                                  const QString &what);

} // namespace tf::db
