#include "postgresranges.h"

#include "core/errors.h"
#include "db/connection.h"
#include "postgrescatalog.h"
#include "postgresquery.h"
#include "postgrestypes.h"

#include "pgtypedhash.h"
#include "postgresrowhashes.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

namespace tf::sync::pg {

namespace {

// How a key column is compared and what its range ends are cast to; empty when the column's
// order could differ between servers.
struct KeyOrder
{
    QString expression; // t."k", COLLATE "C" for text
    QString castType; // the type range ends and splits are parsed as
};

KeyOrder keyOrder(const PgColumn &column)
{
    const QString ref = columnRef(column);
    switch (column.type) {
    case ValueType::Integer: return { ref, QStringLiteral("int8") };
    case ValueType::Decimal: return { ref, QStringLiteral("numeric") };
    case ValueType::Uuid: return { ref, QStringLiteral("uuid") };
    case ValueType::Text:
        if (column.baseName == QLatin1String("text") || column.baseName == QLatin1String("varchar"))
            return { QStringLiteral("(%1 COLLATE \"C\")").arg(ref), QStringLiteral("text") };
        return {};
    default: return {};
    }
}

// A value normalised by its value type for hash_record_extended: the same value hashes the
// same whatever the column's exact type, and equal-comparing but different values (-0 and 0,
// 'a' and 'A' under a case-insensitive collation) hash apart.
QString typedExpression(const PgColumn &column)
{
    const QString ref = columnRef(column);
    switch (column.type) {
    // Integers and times by their bytes: int8's own hash folds the high half into the low one
    // (-5 and 4294967291 hash alike, for int4 compatibility in hash joins).
    case ValueType::Integer: return QStringLiteral("int8send(CAST(%1 AS int8))").arg(ref);
    // Not numeric's own hash: it leaves out the sign (1.00 and -1.00 hash alike), fine for
    // hash joins, not for telling values apart. Its text without trailing zeros instead.
    case ValueType::Decimal: return QStringLiteral("CAST(trim_scale(CAST(%1 AS numeric)) AS text)").arg(ref);
    case ValueType::Double: return QStringLiteral("float8send(CAST(%1 AS float8))").arg(ref);
    case ValueType::Boolean: return QStringLiteral("CAST(%1 AS bool)").arg(ref);
    case ValueType::Date: return QStringLiteral("date_send(CAST(%1 AS date))").arg(ref);
    case ValueType::Timestamp: return QStringLiteral("timestamp_send(CAST(%1 AS timestamp))").arg(ref);
    case ValueType::TimestampTz: return QStringLiteral("timestamptz_send(CAST(%1 AS timestamptz))").arg(ref);
    case ValueType::Bytes: return QStringLiteral("CAST(%1 AS bytea)").arg(ref);
    case ValueType::Uuid: return QStringLiteral("CAST(%1 AS uuid)").arg(ref);
    case ValueType::Text:
    case ValueType::Json:
        // Text of every other type (arrays, intervals, json as the source wrote it), byte-wise.
        return QStringLiteral("(CAST(%1 AS text) COLLATE \"C\")").arg(ref);
    }
    return QStringLiteral("(CAST(%1 AS text) COLLATE \"C\")").arg(ref);
}

QString typedList(const QList<PgColumn> &columns)
{
    QStringList parts;
    for (const PgColumn &column : columns)
        parts << typedExpression(column);
    return parts.join(QLatin1String(", "));
}

// The common difference of splits of an integer key that step evenly, if they do.
std::optional<qint64> equalStep(const PgColumn &key, const QStringList &splits)
{
    if (key.type != ValueType::Integer || splits.size() < 2)
        return std::nullopt;
    bool ok = false;
    const qint64 first = splits.constFirst().toLongLong(&ok);
    if (!ok)
        return std::nullopt;
    const qint64 second = splits.at(1).toLongLong(&ok);
    if (!ok || second <= first || (first < 0 && second > std::numeric_limits<qint64>::max() + first))
        return std::nullopt;
    const qint64 step = second - first;
    for (int i = 2; i < splits.size(); ++i) {
        const qint64 value = splits.at(i).toLongLong(&ok);
        if (!ok || value - splits.at(i - 1).toLongLong() != step)
            return std::nullopt;
    }
    return step;
}

QString rowHashExpression(const QList<PgColumn> &columns, RangeHash hash)
{
    return hash == RangeHash::Typed
        ? QStringLiteral("hash_record_extended(ROW(%1), 0)").arg(typedList(columns))
        : QStringLiteral("hashtextextended(CAST(ROW(%1) AS text) COLLATE \"C\", 0)").arg(textList(columns));
}

// The three sums of a RangeSum over a column h of int8 row hashes, as rangeSums adds them.
const char *const kHashSums = "count(*), sum(CAST(h >> 32 AS int4)), sum(CAST((h & 4294967295) - 2147483648 AS int4))";

struct RangeQuery
{
    Selection selection;
    KeyOrder order;
    QString from; // the table AS t, or joined to the ranges (rangesQuery); with binds first
    QString where; // " WHERE ..." or empty
    QVariantList binds;
};

RangeQuery rangesQuery(PgCatalog &catalog, const ReadRequest &request, const QList<KeyRange> &ranges);

RangeQuery rangeQuery(PgCatalog &catalog, const ReadRequest &request, const KeyRange &range)
{
    return rangesQuery(catalog, request, { range });
}

// Rows in any of the ranges (one index scan per range, OR'ed by the planner).
RangeQuery rangesQuery(PgCatalog &catalog, const ReadRequest &request, const QList<KeyRange> &ranges)
{
    RangeQuery query;
    query.selection = selectionFor(catalog, request);
    if (query.selection.keys.size() != 1)
        throw Error(Error::Kind::Internal, QStringLiteral("a key range needs exactly one key column"));
    query.order = keyOrder(query.selection.keys.constFirst());
    if (query.order.expression.isEmpty())
        throw Error(Error::Kind::Internal,
                    QStringLiteral("column %1 cannot key ranges").arg(query.selection.keys.constFirst().name));
    query.from = query.selection.table.qualifiedName() + QStringLiteral(" AS t");
    // Several closed ranges of an integer key that leads the primary key: joined to the array
    // of their ends, one index range scan each (a third of the time of the OR'ed ranges'
    // bitmap scan, whose every row is checked against every range). The ranges are disjoint.
    const PgColumn &key = query.selection.keys.constFirst();
    const bool closed = std::all_of(ranges.cbegin(), ranges.cend(),
                                    [](const KeyRange &range) { return range.from && range.to; });
    if (ranges.size() > 1 && closed && key.type == ValueType::Integer
        && query.selection.table.primaryKey.value(0) == key.name) {
        QList<QByteArray> lows, highs;
        for (const KeyRange &range : ranges) {
            lows << range.from->toUtf8();
            highs << range.to->toUtf8();
        }
        query.from = QStringLiteral("unnest(CAST(? AS int8[]), CAST(? AS int8[])) AS r(lo, hi) JOIN %1"
                                    " ON %2 >= r.lo AND %2 < r.hi")
                         .arg(query.from, query.order.expression);
        query.binds << arrayLiteral(lows) << arrayLiteral(highs);
        return query;
    }
    QStringList any;
    for (const KeyRange &range : ranges) {
        QStringList conditions;
        if (range.from) {
            conditions << QStringLiteral("%1 >= CAST(? AS %2)").arg(query.order.expression, query.order.castType);
            query.binds << *range.from;
        }
        if (range.to) {
            conditions << QStringLiteral("%1 < CAST(? AS %2)").arg(query.order.expression, query.order.castType);
            query.binds << *range.to;
        }
        if (conditions.isEmpty())
            return query; // one range is everything: no condition at all
        any << conditions.join(QLatin1String(" AND "));
    }
    if (any.size() == 1)
        query.where = QStringLiteral(" WHERE ") + any.constFirst();
    else if (!any.isEmpty())
        query.where = QStringLiteral(" WHERE (") + any.join(QLatin1String(") OR (")) + QLatin1Char(')');
    return query;
}

} // namespace

ChecksumSettings::ChecksumSettings(const db::Database &database)
    : m_database(database)
{
    m_database.execDirect(QStringLiteral("SET jit = off"), "preparing a checksum");
    m_database.execDirect(QStringLiteral("SET enable_sort = off"), "preparing a checksum");
}

ChecksumSettings::~ChecksumSettings()
{
    try {
        m_database.execDirect(QStringLiteral("RESET jit"), "ending a checksum");
        m_database.execDirect(QStringLiteral("RESET enable_sort"), "ending a checksum");
    } catch (const Error &) {
        // A broken connection is dropped and reopened with the defaults anyway.
    }
}

QString sourceHashExpression(const QList<PgColumn> &columns, bool typed)
{
    // The canonical text of a row is its record of session-independent texts: NULL and ''
    // differ there, and separators inside values are quoted.
    return typed ? QStringLiteral("CAST(%1 AS text)").arg(rowHashExpression(columns, RangeHash::Typed))
                 : QStringLiteral("md5(CAST(ROW(%1) AS text))").arg(textList(columns));
}

QString blockExpression(const QString &key)
{
    // Floor division: blocks of negative keys are as wide as the others. (key + 1) cannot
    // overflow for key < 0.
    return QStringLiteral("CASE WHEN %1 >= 0 THEN %1 / CAST(? AS int8) ELSE (%1 + 1) / CAST(? AS int8) - 1 END")
        .arg(key);
}

PgRanges::PgRanges(const db::Database &streaming, const db::Database &lookups, PgCatalog &catalog)
    : m_streaming(streaming)
    , m_lookups(lookups)
    , m_catalog(catalog)
{ }

bool PgRanges::canRangeBy(const QString &entity, const QString &column)
{
    const PgTable table = m_catalog.table(entity);
    for (const PgColumn &candidate : table.columns) {
        if (candidate.name == column)
            return !keyOrder(candidate).expression.isEmpty();
    }
    return false;
}

bool PgRanges::typedRangeHash()
{
    if (m_serverVersion < 0) {
        int version = 0;
        stream(m_lookups, QStringLiteral("SELECT current_setting('server_version_num')"), {},
               QStringLiteral("reading the server version"), [&](const QSqlQuery &row) {
                   version = row.value(0).toInt();
                   return false;
               });
        m_serverVersion = version;
    }
    return m_serverVersion >= 140000; // hash_record_extended
}

bool PgRanges::typedHashHere()
{
    if (m_typedHashHere < 0) {
        bool equal = false;
        if (typedRangeHash()) {
            stream(m_lookups, QString::fromLatin1(typedHashProbeSql()), {},
                   QStringLiteral("comparing the row hash"), [&](const QSqlQuery &row) {
                       equal = row.value(0).toString().toLatin1() == typedHashProbeExpected();
                       return false;
                   });
        }
        m_typedHashHere = equal ? 1 : 0;
    }
    return m_typedHashHere == 1;
}

QList<RangeSum> PgRanges::rangeSums(const ReadRequest &request, const KeyRange &range,
                                    const QStringList &splits, RangeHash hash)
{
    RangeQuery query = rangeQuery(m_catalog, request, range);
    QVariantList binds;
    QString bucket = QStringLiteral("0");
    if (!splits.isEmpty()) {
        QList<QByteArray> elements;
        for (const QString &split : splits)
            elements << split.toUtf8();
        const std::optional<qint64> step = equalStep(query.selection.keys.constFirst(), splits);
        if (step) {
            // Equal widths (integer keys): the bucket by arithmetic, no search. In the ELSE
            // branch first <= key < last, so key - first cannot overflow.
            bucket = QStringLiteral("CASE WHEN %1 < CAST(? AS int8) THEN 0 WHEN %1 >= CAST(? AS int8) THEN %2 "
                                    "ELSE (CAST(%1 AS int8) - CAST(? AS int8)) / CAST(? AS int8) + 1 END")
                         .arg(query.order.expression)
                         .arg(splits.size());
            binds << splits.constFirst() << splits.constLast() << splits.constFirst() << QString::number(*step);
        } else {
            // The parameter typed as the array itself: a cast of a text[] parameter would be
            // evaluated again for every row.
            bucket = QStringLiteral("width_bucket(%1, CAST(? AS %2[]))")
                         .arg(query.order.expression, query.order.castType);
            binds << arrayLiteral(elements);
        }
    }
    binds << query.binds;
    // Each row's hash is hashtextextended (64 bits; the hash of hash partitioning, so it stays
    // the same across PostgreSQL versions) of the row's session-independent text, byte-wise; its
    // two 32-bit halves are summed as int8: exact for up to 2^31 rows per range. It was the md5
    // of that text, whose hex digits cost more to turn into integers ('x' || ... AS bit(32))
    // than the rest of the query: 5.1-5.9 s per 1M rows of bench/run.sh's table, 2.8-3.7 s now.
    // Only ranges are compared this way: rows of ranges whose sums differ are fetched and
    // compared value by value, so a hash that differed between two servers for equal rows
    // (one of each byte order) would cost time, never report a difference that is not there.
    // Typed: the values themselves, each normalised by its value type so that two tables whose
    // column types differ within one value type (int4 and int8, varchar and text, numeric(p,s)
    // and numeric) hash equal values alike; 0.27 s per 1M rows of bench/run.sh's table against
    // 0.54 s for the text of the row and about 3 s for its session-independent text.
    const QString rowHash = rowHashExpression(query.selection.columns, hash);
    const QString sql
        = QStringLiteral("SELECT b, %5 FROM (SELECT %1 AS b, %2 AS h FROM %3 AS t%4) AS s GROUP BY b")
              .arg(bucket, rowHash, query.selection.table.qualifiedName(), query.where, QLatin1String(kHashSums));
    QList<RangeSum> sums(splits.size() + 1);
    const ChecksumSettings settings(m_lookups);
    stream(m_lookups, sql, binds, QStringLiteral("checksumming %1").arg(query.selection.table.qualifiedName()),
           [&](const QSqlQuery &row) {
               const int index = row.value(0).toInt();
               if (index >= 0 && index < sums.size())
                   sums[index] = RangeSum { row.value(1).toLongLong(), row.value(2).toLongLong(),
                                            row.value(3).toLongLong() };
               return true;
           });
    return sums;
}

bool PgRanges::splitsCheaply(const ReadRequest &request)
{
    return rangeQuery(m_catalog, request, KeyRange {}).selection.keys.constFirst().type == ValueType::Integer;
}

QStringList PgRanges::splitPoints(const ReadRequest &request, const KeyRange &range, int parts)
{
    QStringList splits;
    if (parts < 2)
        return splits;
    RangeQuery query = rangeQuery(m_catalog, request, range);
    if (query.selection.keys.constFirst().type == ValueType::Integer) {
        // Integer keys are cut into equal widths between their least and greatest value, which
        // the key's index answers at once: no sort of every key.
        qint64 low = 0, high = 0;
        bool any = false;
        stream(m_lookups,
               QStringLiteral("SELECT min(%1), max(%1) FROM %2 AS t%3")
                   .arg(query.order.expression, query.selection.table.qualifiedName(), query.where),
               query.binds, QStringLiteral("splitting %1").arg(query.selection.table.qualifiedName()),
               [&](const QSqlQuery &row) {
                   any = !row.value(0).isNull();
                   low = row.value(0).toLongLong();
                   high = row.value(1).toLongLong();
                   return false;
               });
        if (!any || high <= low)
            return splits;
        // An integral width, so the parts step evenly (rangeSums buckets them by arithmetic).
        // In long double: high - low may not fit in qint64.
        const long double span = (long double)high - (long double)low + 1;
        const qint64 width = qMax<qint64>(1, qint64(std::ceil(span / parts)));
        for (int i = 1; i < parts; ++i) {
            const long double split = (long double)low + (long double)width * i;
            if (split > (long double)high)
                break;
            splits << QString::number(qint64(split));
        }
        return splits;
    }
    QList<QByteArray> fractions;
    for (int i = 1; i < parts; ++i)
        fractions << QByteArray::number(double(i) / parts, 'g', 17);
    QVariantList binds { arrayLiteral(fractions) };
    binds << query.binds;
    const QString sql = QStringLiteral("SELECT CAST(p AS text) FROM unnest((SELECT percentile_disc("
                                       "CAST(? AS float8[])) WITHIN GROUP (ORDER BY %1) FROM %2 AS t%3)) AS p")
                            .arg(query.order.expression, query.selection.table.qualifiedName(), query.where);
    stream(m_lookups, sql, binds, QStringLiteral("splitting %1").arg(query.selection.table.qualifiedName()),
           [&](const QSqlQuery &row) {
               const QString split = row.value(0).toString();
               // Ascending already; equal neighbours (few distinct keys) collapse.
               if (!row.value(0).isNull() && (splits.isEmpty() || splits.constLast() != split))
                   splits << split;
               return true;
           });
    // The range's lowest key as a split would leave an empty first bucket: harmless.
    return splits;
}

QHash<QString, qint64> PgRanges::rangeHashes(const ReadRequest &request, const QList<KeyRange> &ranges,
                                             RangeHash hash)
{
    RangeQuery query = rangesQuery(m_catalog, request, ranges);
    const PgColumn &key = query.selection.keys.constFirst();
    // The key as keyText() spells it: numeric without trailing zeros, uuid in lower case.
    const QString keyText = key.type == ValueType::Decimal
        ? QStringLiteral("CAST(trim_scale(%1) AS text)").arg(columnRef(key))
        : QStringLiteral("CAST(%1 AS text)").arg(columnRef(key));
    const QString sql = QStringLiteral("SELECT %1, %2 FROM %3%4")
                            .arg(keyText, rowHashExpression(query.selection.columns, hash), query.from, query.where);
    QHash<QString, qint64> hashes;
    stream(m_lookups, sql, query.binds, QStringLiteral("hashing rows of %1").arg(query.selection.table.qualifiedName()),
           [&](const QSqlQuery &row) {
               hashes.insert(row.value(0).toString(), row.value(1).toLongLong());
               return true;
           });
    return hashes;
}

std::optional<QHash<qint64, RangeSum>> PgRanges::blockSums(const ReadRequest &request, qint64 width)
{
    return blockSumsIn(request, width, { KeyRange {} });
}

std::optional<QHash<qint64, RangeSum>> PgRanges::blockSumsWithin(const ReadRequest &request, qint64 width,
                                                                 const QList<KeyRange> &ranges)
{
    if (ranges.isEmpty())
        return QHash<qint64, RangeSum> {};
    return blockSumsIn(request, width, ranges);
}

std::optional<QHash<qint64, RangeSum>> PgRanges::blockSumsIn(const ReadRequest &request, qint64 width,
                                                             const QList<KeyRange> &ranges)
{
    const Selection selection = selectionFor(m_catalog, request);
    if (width < 1 || selection.keys.size() != 1 || selection.keys.constFirst().type != ValueType::Integer
        || !typedRangeHash())
        return std::nullopt;
    // A few ranges (the blocks of a coarser level that differ): one index range scan each.
    const RangeQuery query = rangesQuery(m_catalog, request, ranges);
    const QString sql
        = QStringLiteral("SELECT b, %1 FROM (SELECT %2 AS b, %3 AS h FROM %4%5) AS s GROUP BY b")
              .arg(QLatin1String(kHashSums),
                   blockExpression(QStringLiteral("CAST(%1 AS int8)").arg(query.order.expression)),
                   rowHashExpression(query.selection.columns, RangeHash::Typed), query.from, query.where);
    QHash<qint64, RangeSum> sums;
    const ChecksumSettings settings(m_lookups);
    const QString bound = QString::number(width);
    QVariantList binds { bound, bound };
    binds << query.binds;
    stream(m_lookups, sql, binds,
           QStringLiteral("checksumming blocks of %1").arg(query.selection.table.qualifiedName()),
           [&](const QSqlQuery &row) {
               sums.insert(row.value(0).toLongLong(), RangeSum { row.value(1).toLongLong(), row.value(2).toLongLong(),
                                                                 row.value(3).toLongLong() });
               return true;
           });
    return sums;
}

QList<QByteArray> PgRanges::hashRows(const ReadRequest &request, const QList<Row> &rows)
{
    if (rows.isEmpty() || !typedRangeHash())
        return {};
    return serverRowHashes(m_lookups, m_catalog, request, rows);
}

} // namespace tf::sync::pg
