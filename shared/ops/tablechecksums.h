#pragma once

#include "backupmanager.h"

#include <QJsonObject>
#include <QMap>
#include <QSqlDatabase>
#include <QString>
#include <QStringList>

namespace tf::db {
class Dialect;
}

namespace tf::ops {

// What a table holds, in two numbers: its row count and a checksum of its rows that does not
// depend on the order the rows are read in (the sum of each row's SHA-256, in two 64-bit
// halves). Two tables with the same rows have the same checksum on the same backend.
// PostgreSQL rows are hashed by the server as their canonical text (UTC, ISO dates, full float
// precision) and the halves summed as exact numbers; SQLite rows by the client, each value
// with its storage class. A backup's manifest keeps one per table, and a restore proves with
// them that every table is back as it was.
struct TableChecksum
{
    qint64 rows = 0;
    QString checksum;

    bool operator==(const TableChecksum &other) const
    {
        return rows == other.rows && checksum == other.checksum;
    }
    bool operator!=(const TableChecksum &other) const { return !(*this == other); }
};
using TableChecksums = QMap<QString, TableChecksum>;

// The tables of the control database: PostgreSQL's schema public, SQLite's tables without
// its internal sqlite_* ones. Sorted.
QStringList controlTables(const QSqlDatabase &connection, const db::Dialect &dialect);

// PostgreSQL: the session settings that shape row text (SET LOCAL, inside a transaction) and
// the one query per table that answers (rows, checksum). The restore runs the same text inside
// its own transaction, so both agree by construction.
QStringList postgresChecksumSessionSql();
QString postgresChecksumSql(const QString &table);

// Reads every row of every table on `connection`. On PostgreSQL the caller runs it inside one
// REPEATABLE READ transaction (a consistent picture); the session settings that shape row
// text are set here with SET LOCAL. Reports progress from `from` to `to` of the whole step.
TableChecksums computeTableChecksums(const QSqlDatabase &connection, const db::Dialect &dialect,
                                     const ProgressFn &progress = {}, double from = 0,
                                     double to = 1);

// The same for a database URL: opens its own connection, one read-only transaction.
TableChecksums tableChecksums(const QString &databaseUrl, const ProgressFn &progress = {});

// "table: 12 rows, expected 13" lines for every table that differs (missing, extra, rows or
// checksum); empty when both are the same.
QStringList compareTableChecksums(const TableChecksums &expected, const TableChecksums &actual);

QJsonObject tableChecksumsToJson(const TableChecksums &checksums);
TableChecksums tableChecksumsFromJson(const QJsonObject &object);

} // namespace tf::ops
