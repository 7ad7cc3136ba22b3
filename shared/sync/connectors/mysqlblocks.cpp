// Hash mode by blocks for a MariaDB/MySQL source (RangeChecksums of MysqlConnector): the server
// sums its row hashes (hashExpression, a 52-bit decimal int8) per block of `width` integer
// keys in one aggregate scan, exactly as the PostgreSQL sync state sums the stored hashes
// (postgresblockstate.cpp: rows, then the high and the low 32-bit halves), and hashes the rows
// of the blocks that differ. Verify does not use it: canRangeBy is false, since the other
// systems' range hashes are not MD5 texts.
#include "core/errors.h"
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
    // The low halves of a block's row hashes (each below 2^24, hashRow) sum below 2^32 only
    // for blocks of at most 256 keys: wider blocks are compared row by row.
    const ColumnInfo *key = width >= 1 && width <= 256 ? blockKey(request) : nullptr;
    if (!key)
        return std::nullopt;
    const mysql::Table &t = table(request.entity);
    // One SUM of the row hashes per block, each row's hash computed once (the row's text is
    // most of a scan's cost: summing the two halves apart, over a derived table, evaluated it
    // twice or materialised every row). S = a * 2^32 + (sum of the low halves), and that sum
    // is below 2^32, so S gives both sums as the state keeps them: a = sum of
    // CAST(h >> 32 AS int4), b = sum of CAST((h & 2^32-1) - 2^31 AS int4).
    const QString sql = QStringLiteral("SELECT %1 AS b, COUNT(*), CAST(SUM(CAST(%2 AS UNSIGNED)) AS CHAR) FROM %3"
                                       " GROUP BY b ORDER BY NULL")
                            .arg(blockOf(Session::quote(key->name)),
                                 mysql::hashExpression(selected(t, request.columns), m_session->settings().zeroDate),
                                 Session::quote(request.entity));
    mysql::bindZeroDate(*m_session);
    QSqlQuery query = m_session->run(Session::Role::Read, sql, { width, width }, "checksumming blocks");
    QHash<qint64, RangeSum> sums;
    while (query.next()) {
        const qint64 rows = query.value(1).toLongLong();
        __extension__ unsigned __int128 total = 0; // below 256 * 2^60
        for (const QChar c : query.value(2).toString())
            total = total * 10 + unsigned(c.unicode() - u'0');
        const qint64 low = qint64(total & 0xffffffffu);
        sums.insert(query.value(0).toLongLong(),
                    RangeSum { rows, qint64(total >> 32), low - rows * Q_INT64_C(2147483648) });
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
