#pragma once

// The source side of a crash scenario: the rows the test changes between kills, recorded in a
// ledger, and the check of a tortured target against that ledger alone. The source is a
// database URL (PostgreSQL, SQLite: db::Database) or a MariaDB connection (QSqlDatabase by name,
// opened on the calling thread).

#include "crashharness.h"

#include <QHash>
#include <QList>
#include <QSet>
#include <QString>
#include <functional>

namespace tf::test::crash {

// The source rows a scenario changes, as the test wrote them.
struct Ledger
{
    QSet<qint64> live;        // every row in the source now
    QList<qint64> candidates; // live rows that are valid: these get updated or deleted
    QSet<qint64> invalid;     // live rows the pair's validation rejects (quarantined)
    QHash<qint64, double> updated; // key -> the value last written
    QSet<qint64> deleted;
    QSet<qint64> inserted;
    qint64 nextId = 1;
    int stamp = 0;            // makes every change's LastModified later than the one before
};

// Statements of one source table, in the order the ledger binds them.
struct SourceSql
{
    QString url;    // a db::Database URL, or empty with mysqlConnection
    QString keys;   // SELECT key
    QString update; // value, stamp, key
    QString remove; // key
    QString insert; // key, value, stamp, key of a row to copy the other columns from
    QString mysqlConnection = {}; // instead of url: a QSqlDatabase connection name (QMYSQL)
};

// "2031-01-01 00:00:00.000" plus `stamp` seconds: a timestamp later than every one before.
QString stampText(int stamp);

// The source's keys into the ledger; `invalid` are the ones validation rejects.
void loadLedger(const SourceSql &sql, const QSet<qint64> &invalid, Ledger *ledger);

// Updates, deletes and inserts in the source, in one transaction, recorded in the ledger; one
// in four rounds also inserts a row the validation rule rejects.
Mutation mutation(SourceSql sql, Ledger *ledger, int updates, int deletes, int inserts);

// The tortured target against the ledger alone: exactly the live valid keys, no deleted key,
// every recorded value. Empty when it holds; otherwise the first problems, one per line.
QString checkLedger(const TableSnapshot &target, const Ledger &ledger, const std::function<QString(qint64)> &targetKey,
                    const QString &valueColumn, bool deletesFound = true);

} // namespace tf::test::crash
