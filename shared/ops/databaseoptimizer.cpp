#include "databaseoptimizer.h"

#include "core/errors.h"
#include "db/connection.h"
#include "db/migrator.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QSet>
#include <QSqlQuery>
#include <algorithm>
#include <cmath>

Q_LOGGING_CATEGORY(lcOptimizer, "ops.optimizer")

namespace tf::ops {

namespace {

// Representative reads of the services, timed before and after: the operations list, a
// pair's history, the queue's claim scan, the audit trail, the metrics of the last hour,
// open alerts.
struct Probe
{
    const char *name;
    const char *sql;
};

constexpr Probe kProbes[] = {
    { "recent operations",
      "SELECT id, status FROM sync_operations ORDER BY created_at DESC LIMIT 50" },
    { "operations of a pair",
      "SELECT id, status FROM sync_operations WHERE pair_id = (SELECT MIN(id) FROM sync_pairs) "
      "ORDER BY created_at DESC LIMIT 50" },
    { "queue claim scan",
      "SELECT id FROM sync_operations WHERE status = 'queued' ORDER BY created_at, id LIMIT 1" },
    { "failures last hour",
      "SELECT COUNT(*) FROM sync_operations WHERE status = 'failed' AND finished_at >= ?" },
    { "latest audit entries",
      "SELECT id, event_type FROM audit_entries ORDER BY id DESC LIMIT 100" },
    { "metrics last hour",
      "SELECT metric, AVG(value) FROM system_metrics WHERE created_at >= ? GROUP BY metric" },
    { "open alerts", "SELECT id FROM alerts WHERE status <> 'resolved'" },
};

double median(QList<double> values)
{
    std::sort(values.begin(), values.end());
    return values.isEmpty() ? 0 : values.at(values.size() / 2);
}

QString ms(double value)
{
    return QString::number(value, 'f', 2);
}

} // namespace

qint64 DatabaseMeasurement::rowsOf(const QString &table) const
{
    for (const TableFigures &figures : tables) {
        if (figures.name == table)
            return figures.rows;
    }
    return -1;
}

QJsonObject DatabaseMeasurement::toJson() const
{
    QJsonObject tableObject;
    for (const TableFigures &t : tables) {
        QJsonObject entry { { QStringLiteral("rows"), t.rows } };
        if (t.tableBytes >= 0)
            entry.insert(QStringLiteral("table_bytes"), t.tableBytes);
        if (t.indexBytes >= 0)
            entry.insert(QStringLiteral("index_bytes"), t.indexBytes);
        tableObject.insert(t.name, entry);
    }
    QJsonArray indexArray;
    for (const IndexFigures &i : indexes) {
        indexArray.append(
            QJsonObject { { QStringLiteral("table"), i.table },
                          { QStringLiteral("index"), i.name },
                          { QStringLiteral("bytes"), i.bytes },
                          { QStringLiteral("expected_bytes"), i.expectedBytes },
                          { QStringLiteral("bloat"), std::round(i.bloat * 1000) / 1000 } });
    }
    QJsonObject queryObject;
    for (const QueryTiming &q : queries)
        queryObject.insert(q.name, std::round(q.medianMs * 1000) / 1000);
    QJsonObject object { { QStringLiteral("backend"), backend },
                         { QStringLiteral("database_bytes"), databaseBytes },
                         { QStringLiteral("rows_total"), rowsTotal },
                         { QStringLiteral("tables"), tableObject },
                         { QStringLiteral("query_ms"), queryObject },
                         { QStringLiteral("missing_indexes"),
                           QJsonArray::fromStringList(missingIndexes) } };
    if (backend == QLatin1String("postgres"))
        object.insert(QStringLiteral("indexes"), indexArray);
    else
        object.insert(QStringLiteral("pages"),
                      QJsonObject { { QStringLiteral("page_size"), pageSize },
                                    { QStringLiteral("page_count"), pageCount },
                                    { QStringLiteral("free_pages"), freePages } });
    return object;
}

QStringList DatabaseMeasurement::markdown() const
{
    QStringList lines;
    lines << QStringLiteral("Database (%1): %2, %3 rows in %4 tables.")
                 .arg(backend, humanBytes(databaseBytes))
                 .arg(rowsTotal)
                 .arg(tables.size());
    if (backend == QLatin1String("sqlite"))
        lines << QStringLiteral("Pages: %1 of %2 bytes, %3 free.")
                     .arg(pageCount)
                     .arg(pageSize)
                     .arg(freePages);
    lines << QString() << QStringLiteral("| table | rows | table size | index size |")
          << QStringLiteral("|---|---:|---:|---:|");
    for (const TableFigures &t : tables) {
        lines << QStringLiteral("| %1 | %2 | %3 | %4 |")
                     .arg(t.name)
                     .arg(t.rows)
                     .arg(t.tableBytes >= 0 ? humanBytes(t.tableBytes) : QStringLiteral("-"),
                          t.indexBytes >= 0 ? humanBytes(t.indexBytes) : QStringLiteral("-"));
    }
    if (!queries.isEmpty()) {
        lines << QString() << QStringLiteral("| query | median ms |")
              << QStringLiteral("|---|---:|");
        for (const QueryTiming &q : queries)
            lines << QStringLiteral("| %1 | %2 |").arg(q.name, ms(q.medianMs));
    }
    return lines;
}

QJsonObject OptimizeResult::toJson() const
{
    QJsonArray findingArray;
    for (const Finding &finding : findings)
        findingArray.append(finding.toJson());
    QJsonObject object { { QStringLiteral("before"), before.toJson() },
                         { QStringLiteral("after"), after.toJson() },
                         { QStringLiteral("actions"), QJsonArray::fromStringList(actions) },
                         { QStringLiteral("reindexed"), QJsonArray::fromStringList(reindexed) },
                         { QStringLiteral("findings"), findingArray } };
    if (!integrity.isEmpty())
        object.insert(QStringLiteral("integrity"), integrity);
    return object;
}

QStringList OptimizeResult::markdown() const
{
    QStringList lines;
    lines << QStringLiteral("| measure | before | after |") << QStringLiteral("|---|---:|---:|");
    lines << QStringLiteral("| database size | %1 | %2 |")
                 .arg(humanBytes(before.databaseBytes), humanBytes(after.databaseBytes));
    lines << QStringLiteral("| rows | %1 | %2 |").arg(before.rowsTotal).arg(after.rowsTotal);
    if (before.backend == QLatin1String("sqlite")) {
        lines << QStringLiteral("| pages | %1 | %2 |").arg(before.pageCount).arg(after.pageCount);
        lines << QStringLiteral("| free pages | %1 | %2 |")
                     .arg(before.freePages)
                     .arg(after.freePages);
    } else {
        qint64 indexBefore = 0, indexAfter = 0;
        for (const IndexFigures &i : before.indexes)
            indexBefore += i.bytes;
        for (const IndexFigures &i : after.indexes)
            indexAfter += i.bytes;
        lines << QStringLiteral("| index size | %1 | %2 |")
                     .arg(humanBytes(indexBefore), humanBytes(indexAfter));
    }
    for (int i = 0; i < before.queries.size() && i < after.queries.size(); ++i)
        lines << QStringLiteral("| %1 (ms) | %2 | %3 |")
                     .arg(before.queries.at(i).name, ms(before.queries.at(i).medianMs),
                          ms(after.queries.at(i).medianMs));
    lines << QString()
          << QStringLiteral("Actions: %1.")
                 .arg(actions.isEmpty() ? QStringLiteral("none")
                                        : actions.join(QStringLiteral("; ")));
    if (!reindexed.isEmpty())
        lines << QStringLiteral("Rebuilt bloated indexes: %1.")
                     .arg(reindexed.join(QStringLiteral(", ")));
    if (!integrity.isEmpty())
        lines << QStringLiteral("Integrity check: %1.").arg(integrity);
    lines << QString();
    lines += after.markdown();
    return lines;
}

qint64 DatabaseOptimizer::scalar(const QString &sql, const char *what) const
{
    QSqlQuery query = m_database.prepare(sql);
    m_database.exec(query, what);
    const qint64 value = query.next() ? query.value(0).toLongLong() : 0;
    query.finish();
    return value;
}

QStringList DatabaseOptimizer::tableNames() const
{
    QSqlQuery query = m_database.prepare(
        m_database.dialect().isPostgres()
            ? QStringLiteral("SELECT table_name FROM information_schema.tables WHERE table_schema "
                             "= current_schema() "
                             "AND table_type = 'BASE TABLE' ORDER BY table_name")
            : QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT "
                             "LIKE 'sqlite_%' ORDER BY name"));
    m_database.exec(query, "listing tables");
    QStringList names;
    while (query.next())
        names << query.value(0).toString();
    return names;
}

DatabaseMeasurement DatabaseOptimizer::measure(bool withQueries) const
{
    DatabaseMeasurement m;
    m.backend = m_database.dialect().name();
    for (const QString &name : tableNames()) {
        TableFigures figures;
        figures.name = name;
        // The name comes from the catalog, never from input.
        figures.rows = scalar(QStringLiteral("SELECT COUNT(*) FROM %1")
                                  .arg(m_database.dialect().quoteIdentifier(name)),
                              "counting rows");
        m.rowsTotal += figures.rows;
        m.tables << figures;
    }
    if (m_database.dialect().isPostgres())
        measurePostgres(m);
    else
        measureSqlite(m);
    if (withQueries)
        m.queries = timeQueries();
    m.missingIndexes = missingIndexes();
    return m;
}

void DatabaseOptimizer::measurePostgres(DatabaseMeasurement &m) const
{
    m.databaseBytes = scalar(QStringLiteral("SELECT pg_database_size(current_database())"),
                             "measuring the database");
    QSqlQuery query = m_database.prepare(QStringLiteral(
        "SELECT c.relname, pg_relation_size(c.oid), pg_indexes_size(c.oid) FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND "
        "c.relkind = 'r'"));
    m_database.exec(query, "measuring tables");
    QHash<QString, QPair<qint64, qint64>> sizes;
    while (query.next())
        sizes.insert(query.value(0).toString(),
                     { query.value(1).toLongLong(), query.value(2).toLongLong() });
    for (TableFigures &t : m.tables) {
        if (sizes.contains(t.name)) {
            t.tableBytes = sizes.value(t.name).first;
            t.indexBytes = sizes.value(t.name).second;
        }
    }
    m.indexes = postgresIndexes();
}

QList<IndexFigures> DatabaseOptimizer::postgresIndexes() const
{
    // Key width: the sum of the indexed columns' average widths from pg_stats; expression
    // indexes (attnum 0) have none and are left out.
    QSqlQuery query = m_database.prepare(QStringLiteral(
        "SELECT t.relname, c.relname, pg_relation_size(c.oid), GREATEST(c.reltuples, 0), "
        "  (SELECT SUM(s.avg_width) FROM pg_attribute a JOIN pg_stats s ON s.schemaname = "
        "n.nspname "
        "     AND s.tablename = t.relname AND s.attname = a.attname "
        "   WHERE a.attrelid = t.oid AND a.attnum = ANY (i.indkey)), "
        "  (SELECT COUNT(*) FROM unnest(i.indkey) k WHERE k = 0), array_length(i.indkey, 1), "
        "  current_setting('block_size')::int "
        "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = "
        "i.indrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_am am ON am.oid = c.relam "
        "WHERE n.nspname = current_schema() AND am.amname = 'btree' ORDER BY t.relname, "
        "c.relname"));
    m_database.exec(query, "measuring indexes");
    QList<IndexFigures> indexes;
    while (query.next()) {
        IndexFigures figures;
        figures.table = query.value(0).toString();
        figures.name = query.value(1).toString();
        figures.bytes = query.value(2).toLongLong();
        const double tuples = query.value(3).toDouble();
        const bool haveWidth = !query.value(4).isNull() && query.value(5).toInt() == 0;
        const double keyWidth = query.value(4).toDouble();
        const int blockSize = query.value(7).toInt() > 0 ? query.value(7).toInt() : 8192;
        if (haveWidth) {
            const double entry = std::ceil((8.0 + keyWidth) / 8.0) * 8.0 + 4.0;
            const double usable = (blockSize - 24 - 16) * 0.9;
            const double leafPages = std::ceil(tuples * entry / usable);
            // Inner pages add about one per (usable / entry) leaves; one meta page; a root.
            const double innerPages = leafPages > 1 ? std::ceil(leafPages * entry / usable) : 0;
            figures.expectedBytes = static_cast<qint64>(
                (leafPages + innerPages + 1 + (leafPages > 0 ? 0 : 1)) * blockSize);
            if (figures.bytes > figures.expectedBytes && figures.bytes > 0)
                figures.bloat = 1.0 - double(figures.expectedBytes) / double(figures.bytes);
        } else {
            figures.expectedBytes = figures.bytes;
        }
        indexes << figures;
    }
    return indexes;
}

void DatabaseOptimizer::measureSqlite(DatabaseMeasurement &m) const
{
    m.pageSize = scalar(QStringLiteral("PRAGMA page_size"), "reading the page size");
    m.pageCount = scalar(QStringLiteral("PRAGMA page_count"), "reading the page count");
    m.freePages = scalar(QStringLiteral("PRAGMA freelist_count"), "reading the free pages");
    m.databaseBytes = m.pageSize * m.pageCount;

    // Per-table sizes need the dbstat table (compiled into Debian's SQLite); without it the
    // sizes stay unknown.
    QSqlQuery tables(m_database.connection());
    if (!tables.exec(QStringLiteral("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name")))
        return;
    QHash<QString, qint64> bytes;
    while (tables.next())
        bytes.insert(tables.value(0).toString(), tables.value(1).toLongLong());
    tables.finish();
    QSqlQuery indexes = m_database.prepare(
        QStringLiteral("SELECT name, tbl_name FROM sqlite_master WHERE type = 'index'"));
    m_database.exec(indexes, "listing indexes");
    QHash<QString, qint64> indexBytes;
    while (indexes.next())
        indexBytes[indexes.value(1).toString()] += bytes.value(indexes.value(0).toString());
    for (TableFigures &t : m.tables) {
        t.tableBytes = bytes.value(t.name);
        t.indexBytes = indexBytes.value(t.name);
    }
}

QList<QueryTiming> DatabaseOptimizer::timeQueries() const
{
    QList<QueryTiming> timings;
    const QVariant hourAgo
        = m_database.dialect().toDb(QDateTime::currentDateTimeUtc().addSecs(-3600));
    for (const Probe &probe : kProbes) {
        QList<double> runs;
        for (int i = 0; i < 5; ++i) {
            QElapsedTimer timer;
            timer.start();
            QSqlQuery query = m_database.prepare(QString::fromLatin1(probe.sql));
            if (QString::fromLatin1(probe.sql).contains(QLatin1Char('?')))
                query.addBindValue(hourAgo);
            m_database.exec(query, probe.name);
            while (query.next()) { }
            query.finish();
            runs << timer.nsecsElapsed() / 1e6;
        }
        timings << QueryTiming { QString::fromLatin1(probe.name), median(runs) };
    }
    return timings;
}

QStringList DatabaseOptimizer::missingIndexes() const
{
    // What the migrations create (and do not drop again), against what the catalog has.
    static const QRegularExpression create(
        QStringLiteral(R"(CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+))"),
        QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression drop(
        QStringLiteral(R"(DROP\s+INDEX\s+(?:IF\s+EXISTS\s+)?(\w+))"),
        QRegularExpression::CaseInsensitiveOption);
    const int applied = db::Migrator::currentVersion(m_database);
    QStringList expected;
    for (const db::Migrator::Migration &migration :
         db::Migrator::knownMigrations(m_database.dialect())) {
        if (migration.version > applied)
            continue;
        QFile file(migration.resourcePath);
        if (!file.open(QIODevice::ReadOnly))
            continue;
        const QString sql = QString::fromUtf8(file.readAll());
        for (auto it = create.globalMatch(sql); it.hasNext();)
            expected << it.next().captured(1);
        for (auto it = drop.globalMatch(sql); it.hasNext();)
            expected.removeAll(it.next().captured(1));
    }
    QSqlQuery query = m_database.prepare(
        m_database.dialect().isPostgres()
            ? QStringLiteral("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()")
            : QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'index'"));
    m_database.exec(query, "listing indexes");
    QSet<QString> present;
    while (query.next())
        present.insert(query.value(0).toString());
    QStringList missing;
    for (const QString &name : std::as_const(expected)) {
        if (!present.contains(name) && !missing.contains(name))
            missing << name;
    }
    return missing;
}

OptimizeResult DatabaseOptimizer::optimize(const ProgressFn &progress, double bloatThreshold)
{
    const auto report = [&](double fraction, const QString &message) {
        if (progress)
            progress(fraction, message);
    };
    OptimizeResult result;
    report(0.0, QStringLiteral("measuring the database"));
    result.before = measure();
    const db::Dialect &dialect = m_database.dialect();
    if (dialect.isPostgres()) {
        const QStringList tables = tableNames();
        for (int i = 0; i < tables.size(); ++i) {
            const QString statement
                = QStringLiteral("VACUUM (ANALYZE) %1").arg(dialect.quoteIdentifier(tables.at(i)));
            report(0.1 + 0.5 * i / qMax<qsizetype>(1, tables.size()), statement);
            m_database.execDirect(statement, "vacuuming a table");
        }
        result.actions << QStringLiteral("VACUUM (ANALYZE) on %1 tables").arg(tables.size());
        // Decide on fresh statistics.
        const QList<IndexFigures> indexes = postgresIndexes();
        for (const IndexFigures &index : indexes) {
            if (index.bloat < bloatThreshold || index.bytes < kMinReindexBytes)
                continue;
            const QString statement = QStringLiteral("REINDEX INDEX CONCURRENTLY %1")
                                          .arg(dialect.quoteIdentifier(index.name));
            report(0.7, statement);
            try {
                m_database.execDirect(statement, "rebuilding a bloated index");
                result.reindexed << index.name;
                result.actions << QStringLiteral("%1 (%2 bloated, %3)")
                                      .arg(statement,
                                           QString::number(index.bloat * 100, 'f', 0)
                                               + QLatin1Char('%'),
                                           humanBytes(index.bytes));
            } catch (const Error &error) {
                result.findings << Finding {
                    QStringLiteral("medium"),
                    QStringLiteral("database"),
                    QStringLiteral("reindex_failed"),
                    QStringLiteral("index %1 is %2% bloated but could not be rebuilt: %3")
                        .arg(index.name, QString::number(index.bloat * 100, 'f', 0),
                             error.message()),
                    {}
                };
            }
        }
    } else {
        report(0.2, QStringLiteral("ANALYZE"));
        m_database.execDirect(QStringLiteral("ANALYZE"), "analyzing");
        report(0.4, QStringLiteral("PRAGMA optimize"));
        QSqlQuery optimize(m_database.connection());
        optimize.exec(QStringLiteral("PRAGMA optimize"));
        optimize.finish();
        report(0.5, QStringLiteral("VACUUM"));
        m_database.execDirect(QStringLiteral("VACUUM"), "vacuuming");
        result.actions << QStringLiteral("ANALYZE") << QStringLiteral("PRAGMA optimize")
                       << QStringLiteral("VACUUM");
        QSqlQuery check(m_database.connection());
        if (check.exec(QStringLiteral("PRAGMA quick_check")) && check.next())
            result.integrity = check.value(0).toString();
        check.finish();
        if (!result.integrity.isEmpty() && result.integrity != QLatin1String("ok"))
            result.findings << Finding {
                QStringLiteral("critical"),
                QStringLiteral("database"),
                QStringLiteral("integrity_check_failed"),
                QStringLiteral("PRAGMA quick_check reports: %1").arg(result.integrity),
                {}
            };
    }
    report(0.9, QStringLiteral("measuring again"));
    result.after = measure();
    for (const QString &missing : std::as_const(result.after.missingIndexes))
        result.findings << Finding {
            QStringLiteral("high"), QStringLiteral("database"), QStringLiteral("missing_index"),
            QStringLiteral("index %1 created by the migrations is missing").arg(missing),
            QJsonObject { { QStringLiteral("index"), missing } }
        };
    qCInfo(lcOptimizer, "database optimized: %s -> %s (%s)",
           qPrintable(humanBytes(result.before.databaseBytes)),
           qPrintable(humanBytes(result.after.databaseBytes)),
           qPrintable(result.actions.join(QStringLiteral("; "))));
    report(1.0, QStringLiteral("database optimized"));
    return result;
}

} // namespace tf::ops
