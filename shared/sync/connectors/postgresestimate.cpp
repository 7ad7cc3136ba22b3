#include "postgresestimate.h"

#include "core/errors.h"
#include "db/connection.h"
#include "postgrescatalog.h"
#include "postgresquery.h"
#include "postgressince.h"

#include <QLoggingCategory>

#include <cmath>

namespace tf::sync::pg {

namespace {

Q_LOGGING_CATEGORY(lcEstimate, "sync.postgres.estimate")

constexpr qint64 kSmallTablePages = 1000; // counted exactly when statistics are missing
constexpr qint64 kCountCap = 5'000'000;
constexpr int kCountTimeoutMs = 2000;

// Runs a count(*) query bounded by kCountTimeoutMs; nullopt when it ran out of time.
std::optional<qint64> boundedCount(const db::Database &lookups, const QString &sql,
                                   const QVariantList &binds, const QString &label)
{
    db::Transaction transaction(lookups); // SET LOCAL ends with it (rolled back: read only)
    lookups.execDirect(QStringLiteral("SET LOCAL statement_timeout = %1").arg(kCountTimeoutMs),
                       "bounding a row count");
    qint64 count = -1;
    try {
        stream(lookups, sql, binds, label, [&](const QSqlQuery &query) {
            count = query.value(0).toLongLong();
            return true;
        });
    } catch (const Error &error) {
        qCInfo(lcEstimate).noquote() << label << "gave up:" << error.message();
        return std::nullopt;
    }
    return count;
}

qint64 tableEstimate(const db::Database &lookups, const PgTable &table)
{
    const QString label = QStringLiteral("estimating the rows of %1").arg(table.qualifiedName());
    double tuples = -1;
    qint64 statPages = 0;
    qint64 pages = 0;
    bool plainTable = false;
    stream(lookups,
           QStringLiteral("SELECT c.reltuples, c.relpages, pg_relation_size(c.oid) / "
                          "CAST(current_setting('block_size') AS int8), c.relkind IN ('r', 'm') "
                          "FROM pg_class c WHERE c.oid = CAST(CAST(? AS text) AS regclass)"),
           { table.qualifiedName() }, label, [&](const QSqlQuery &query) {
               tuples = query.value(0).toDouble();
               statPages = query.value(1).toLongLong();
               pages = query.value(2).toLongLong();
               plainTable = query.value(3).toBool();
               return true;
           });
    if (tuples > 0) {
        // Rows per page as of the last ANALYZE times the pages now: a table that grew since.
        const double density = statPages > 0 ? tuples / double(statPages) : 0;
        return qint64(std::llround(density > 0 && pages > 0 ? density * double(pages) : tuples));
    }
    if (!plainTable || pages >= kSmallTablePages)
        return SourceConnector::kUnknownRows; // never analyzed and large: not worth a scan
    const auto count = boundedCount(
        lookups, QStringLiteral("SELECT count(*) FROM %1").arg(table.qualifiedName()), {}, label);
    return count.value_or(SourceConnector::kUnknownRows);
}

} // namespace

qint64 estimateRows(const db::Database &lookups, PgCatalog &catalog, const ReadRequest &request,
                    const QString &cursorColumn, const std::optional<Checkpoint> &after)
{
    const Selection selection = selectionFor(catalog, request);
    SinceFilter filter;
    if (!cursorColumn.isEmpty())
        filter = sinceFilter(selection.table.column(cursorColumn), selection.keys, after);
    if (filter.where.isEmpty())
        return tableEstimate(lookups, selection.table);
    const QString sql
        = QStringLiteral("SELECT count(*) FROM (SELECT 1 FROM %1 AS t%2 LIMIT %3) AS past")
              .arg(selection.table.qualifiedName(), filter.where)
              .arg(kCountCap);
    const auto count = boundedCount(
        lookups, sql, filter.binds,
        QStringLiteral("counting the rows of %1 past the checkpoint").arg(selection.table.qualifiedName()));
    if (!count)
        return SourceConnector::kUnknownRows;
    if (*count >= kCountCap)
        return qMax(*count, tableEstimate(lookups, selection.table));
    return *count;
}

} // namespace tf::sync::pg
