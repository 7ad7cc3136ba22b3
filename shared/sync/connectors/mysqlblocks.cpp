// Hash mode by blocks for a MariaDB/MySQL source (RangeChecksums of MysqlConnector): the server
// sums its row hashes (hashExpression, a 60-bit decimal int8) per block of `width` integer
// keys in one aggregate scan, exactly as the PostgreSQL sync state sums the stored hashes
// (postgresblockstate.cpp: rows, then the high and the low 32-bit halves), and hashes the rows
// of the blocks that differ. Verify does not use it: canRangeBy is false, since the other
// systems' range hashes are not MD5 texts.
#include "core/errors.h"
#include "mysqlblocks.h"
#include "mysqlconnector.h"
#include "mysqlpagedread.h"
#include "mysqlsession.h"
#include "mysqlvalues.h"

namespace tf::sync {

using mysql::ColumnInfo;
using mysql::Session;

namespace {

// floor(key / width) of an integer key, in integers only (DIV truncates toward zero); the
// width is bound twice, as the first two parameters.
QString blockOf(const QString &key)
{
    return QStringLiteral("CASE WHEN %1 >= 0 THEN %1 DIV ? ELSE (%1 + 1) DIV ? - 1 END").arg(key);
}

} // namespace

namespace mysql {

QList<KeyCut> blockQueryRanges(qint64 least, qint64 greatest, qint64 rows, qint64 width, qint64 rowsPerQuery)
{
    const qint64 parts = qMax<qint64>(1, (rows + rowsPerQuery - 1) / rowsPerQuery);
    // In 128 bits: the first block's first key may lie below the int8 range; every cut lies
    // strictly above the least key and at most at the greatest, so it fits.
    const __int128 first = __int128(least >= 0 ? least / width : (least + 1) / width - 1) * width;
    const __int128 span = __int128(greatest) - first + 1;
    const __int128 step = ((span + parts - 1) / parts + width - 1) / width * width;
    QList<KeyCut> cuts;
    for (__int128 low = first; low <= greatest; low += step) {
        KeyCut cut;
        if (low != first)
            cut.from = qint64(low);
        if (low + step <= greatest)
            cut.to = qint64(low + step);
        cuts << cut;
    }
    return cuts;
}

} // namespace mysql

const mysql::ColumnInfo *MysqlConnector::blockKey(const ReadRequest &request)
{
    const mysql::Table &t = table(request.entity);
    const QStringList keys = request.keyColumns.isEmpty() ? t.description.keyColumns : request.keyColumns;
    if (keys.size() != 1)
        return nullptr;
    const ColumnInfo &key = t.column(keys.constFirst());
    // A signed integer column: every value is an int8 (BIGINT UNSIGNED is Decimal, BIT apart).
    if (key.type != ValueType::Integer || key.dataType == QLatin1String("bit"))
        return nullptr;
    return &key;
}

std::optional<QHash<qint64, RangeSum>> MysqlConnector::blockSums(const ReadRequest &request, qint64 width)
{
    const ColumnInfo *key = width >= 1 ? blockKey(request) : nullptr;
    if (!key)
        return std::nullopt;
    const mysql::Table &t = table(request.entity);
    const QString k = Session::quote(key->name);
    const QString from = Session::quote(request.entity);
    const QString hash = mysql::hashExpression(selected(t, request.columns), m_session->settings().zeroDate);
    QHash<qint64, RangeSum> sums;
    QSqlQuery bounds = m_session->run(Session::Role::Read,
                                      QStringLiteral("SELECT MIN(%1), MAX(%1), (SELECT TABLE_ROWS FROM information_schema.TABLES"
                                                     " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?) FROM %2")
                                          .arg(k, from),
                                      { request.entity }, "checksumming blocks");
    if (!bounds.next() || bounds.value(0).isNull())
        return sums; // no rows
    const qint64 least = bounds.value(0).toLongLong();
    const qint64 greatest = bounds.value(1).toLongLong();
    const qint64 estimate = qMax<qint64>(1, bounds.value(2).toLongLong());
    // The halves as the state sums them: CAST(h >> 32 AS int4) (h < 2^60: no sign) and
    // CAST((h & 2^32-1) - 2^31 AS int4). A derived table that is merged into the outer query
    // evaluates h once per reference, and the row's text is most of a scan's cost (9.6 s
    // against 5.4 s for one reference, 300,000 rows): the LIMIT keeps it materialised, so h is
    // computed once per row (MySQL and MariaDB never merge a derived table with a LIMIT), and
    // ORDER BY NULL spares the sort GROUP BY would otherwise do. The materialised rows stay in
    // memory only up to max_heap_table_size (16 MB by default, some 600,000 rows; past it the
    // server writes them to disk: 1M rows took 3 - 4 times as long as 300,000), so the table is
    // summed in key ranges of about kRowsPerQuery rows (InnoDB's estimate), cut at block edges.
    constexpr qint64 kRowsPerQuery = 250000;
    const QString sql = QStringLiteral(
        "SELECT b, COUNT(*), CAST(SUM(h >> 32) AS SIGNED),"
        " CAST(SUM(CAST(h & 4294967295 AS SIGNED) - 2147483648) AS SIGNED)"
        " FROM (SELECT %1 AS b, CAST(%2 AS UNSIGNED) AS h FROM %3 WHERE %4 LIMIT 18446744073709551615) AS s"
        " GROUP BY b ORDER BY NULL");
    mysql::bindZeroDate(*m_session);
    for (const mysql::KeyCut &cut : mysql::blockQueryRanges(least, greatest, estimate, width, kRowsPerQuery)) {
        QStringList where;
        QVariantList values { width, width };
        if (cut.from) {
            where << QStringLiteral("%1 >= ?").arg(k);
            values << *cut.from;
        }
        if (cut.to) {
            where << QStringLiteral("%1 < ?").arg(k);
            values << *cut.to;
        }
        const QString range = where.isEmpty() ? QStringLiteral("TRUE") : where.join(QStringLiteral(" AND "));
        QSqlQuery query = m_session->run(Session::Role::Read, sql.arg(blockOf(k), hash, from, range), values,
                                         "checksumming blocks");
        while (query.next()) {
            sums.insert(query.value(0).toLongLong(), RangeSum { query.value(1).toLongLong(), query.value(2).toLongLong(),
                                                                query.value(3).toLongLong() });
        }
    }
    return sums;
}

QHash<QString, qint64> MysqlConnector::rangeHashes(const ReadRequest &request, const QList<KeyRange> &ranges,
                                                   RangeHash)
{
    const ColumnInfo *key = blockKey(request);
    if (!key)
        throw Error(Error::Kind::Internal,
                    QStringLiteral("'%1': row hashes by key range need a single integer key").arg(request.entity));
    QHash<QString, qint64> hashes;
    if (ranges.isEmpty())
        return hashes;
    const mysql::Table &t = table(request.entity);
    const QString k = Session::quote(key->name);
    QStringList where;
    QVariantList values;
    for (const KeyRange &range : ranges) {
        QStringList bounds;
        if (range.from) {
            bounds << QStringLiteral("%1 >= ?").arg(k);
            values << range.from->toLongLong();
        }
        if (range.to) {
            bounds << QStringLiteral("%1 < ?").arg(k);
            values << range.to->toLongLong();
        }
        where << (bounds.isEmpty() ? QStringLiteral("TRUE") : QLatin1Char('(') + bounds.join(QStringLiteral(" AND ")) + QLatin1Char(')'));
    }
    const QString sql = QStringLiteral("SELECT CAST(%1 AS CHAR), %2 FROM %3 WHERE %4")
                            .arg(k, mysql::hashExpression(selected(t, request.columns), m_session->settings().zeroDate),
                                 Session::quote(request.entity), where.join(QStringLiteral(" OR ")));
    mysql::bindZeroDate(*m_session);
    QSqlQuery query = m_session->run(Session::Role::Read, sql, values, "hashing rows");
    while (query.next())
        hashes.insert(query.value(0).toString(), query.value(1).toLongLong());
    return hashes;
}

// Key-range checksums against another system (verify) are not offered: canRangeBy is false,
// so these are never asked.
QList<RangeSum> MysqlConnector::rangeSums(const ReadRequest &request, const KeyRange &, const QStringList &, RangeHash)
{
    throw Error(Error::Kind::Internal, QStringLiteral("'%1': MySQL sources have no key-range checksums").arg(request.entity));
}

QStringList MysqlConnector::splitPoints(const ReadRequest &request, const KeyRange &, int)
{
    throw Error(Error::Kind::Internal, QStringLiteral("'%1': MySQL sources have no key-range checksums").arg(request.entity));
}

} // namespace tf::sync
