#pragma once

#include "maintenancereport.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <functional>

namespace tf::db {
class Database;
}

namespace tf::ops {

using ProgressFn = std::function<void(double fraction, const QString &message)>;

struct TableFigures
{
    QString name;
    qint64 rows = 0; // exact (COUNT(*))
    qint64 tableBytes = -1; // -1: not known (SQLite without the dbstat table)
    qint64 indexBytes = -1;
};

// A btree index's size against the size its live entries need (PostgreSQL). The expected
// size follows the btree layout: per entry MAXALIGN(8 + key width) + 4 bytes, leaf pages
// 90% full, plus the meta page; key widths come from pg_stats (so measure after ANALYZE).
struct IndexFigures
{
    QString table;
    QString name;
    qint64 bytes = 0;
    qint64 expectedBytes = 0;
    double bloat = 0; // 1 - expected/actual, 0 when not larger than expected
};

struct QueryTiming
{
    QString name;
    double medianMs = 0; // of five runs
};

struct DatabaseMeasurement
{
    QString backend; // postgres, sqlite
    qint64 databaseBytes = 0; // pg_database_size, or SQLite page_count * page_size
    qint64 rowsTotal = 0;
    QList<TableFigures> tables;
    QList<IndexFigures> indexes; // PostgreSQL
    qint64 pageSize = 0; // SQLite
    qint64 pageCount = 0;
    qint64 freePages = 0;
    QList<QueryTiming> queries;
    QStringList missingIndexes; // indexes the migrations create that are not there

    qint64 rowsOf(const QString &table) const; // -1: no such table
    QJsonObject toJson() const;
    QStringList markdown() const;
};

struct OptimizeResult
{
    DatabaseMeasurement before;
    DatabaseMeasurement after;
    QStringList actions; // statements run, in order
    QStringList reindexed; // PostgreSQL indexes rebuilt
    QString integrity; // SQLite quick_check ("ok")
    QList<Finding> findings;
    QJsonObject toJson() const;
    QStringList markdown() const;
};

// Measures the control database and keeps it in shape (the monthly "optimize database" and
// `tfctl tune optimize-db`). PostgreSQL: VACUUM (ANALYZE) per table, then REINDEX
// CONCURRENTLY of btree indexes at least `bloatThreshold` bloated and 64 KiB large. SQLite:
// ANALYZE, PRAGMA optimize, VACUUM (and PRAGMA quick_check). Never inside a transaction.
class DatabaseOptimizer final
{
    Q_DISABLE_COPY_MOVE(DatabaseOptimizer)
public:
    static constexpr qint64 kMinReindexBytes = 64 * 1024;

    explicit DatabaseOptimizer(db::Database &database)
        : m_database(database)
    { }

    DatabaseMeasurement measure(bool timeQueries = true) const;
    OptimizeResult optimize(const ProgressFn &progress = {}, double bloatThreshold = 0.3);

private:
    QStringList tableNames() const;
    void measurePostgres(DatabaseMeasurement &m) const;
    void measureSqlite(DatabaseMeasurement &m) const;
    QList<IndexFigures> postgresIndexes() const;
    QList<QueryTiming> timeQueries() const;
    QStringList missingIndexes() const;
    qint64 scalar(const QString &sql, const char *what) const;

    db::Database &m_database;
};

} // namespace tf::ops
