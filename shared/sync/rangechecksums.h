#pragma once

#include "connector.h"

#include <QHash>

#include <optional>

namespace tf::sync {

// A half-open range of a single-column key: from <= key < to; an absent end is unbounded.
// The ends are canonical key texts (canonicalValue) of a type every server orders alike
// (integer, decimal, uuid, and text compared byte by byte).
struct KeyRange
{
    std::optional<QString> from;
    std::optional<QString> to;
};

// The checksum of the rows of one key range: their number and two 32-bit halves of the sum
// of every row's hash, so the order of rows does not matter and a changed row changes it.
struct RangeSum
{
    qint64 rows = 0;
    qint64 a = 0;
    qint64 b = 0;
    bool operator==(const RangeSum &other) const
    {
        return rows == other.rows && a == other.a && b == other.b;
    }
    bool operator!=(const RangeSum &other) const { return !(*this == other); }
};

// How rows are hashed for range sums; both sides must use the same. Typed hashes the values
// themselves, normalised by value type (integers as int8, floats by their bits, text byte-wise),
// with no text conversion (PostgreSQL 14's hash_record_extended): several times faster. Text
// hashes each row's session-independent text, as readKeyHashes does (any version).
enum class RangeHash { Text, Typed };

// Optional capability of a source: checksums of key ranges computed inside its own database,
// so verify compares two databases without moving unchanged rows (PostgreSQL). The row hash
// is the one readKeyHashes computes, over request.columns in request's order: two systems
// holding equal values in columns of the same value types give equal sums.
class RangeChecksums
{
public:
    virtual ~RangeChecksums() = default;

    // True when `column` of `entity` can key ranges (a type every server orders alike).
    virtual bool canRangeBy(const QString &entity, const QString &column) = 0;
    // Whether RangeHash::Typed is available (else only Text).
    virtual bool typedRangeHash() = 0;
    // splits.size() + 1 sums: rows of range below splits[0], between splits, and from the last.
    // request.keyColumns holds exactly the range's key column.
    virtual QList<RangeSum> rangeSums(const ReadRequest &request, const KeyRange &range,
                                      const QStringList &splits, RangeHash hash) = 0;
    // True when splitPoints costs next to nothing (integer keys: equal widths between the key's
    // least and greatest value, read from its index), so a verify may cut before it sums.
    virtual bool splitsCheaply(const ReadRequest &request) = 0;
    // At most parts - 1 distinct keys, ascending, cutting the range's rows into about equal parts.
    virtual QStringList splitPoints(const ReadRequest &request, const KeyRange &range, int parts) = 0;
    // Every row of the ranges as (canonical key text, the row's hash), in one query: what small
    // differing ranges are narrowed down with before only the rows that differ are read by key.
    virtual QHash<QString, qint64> rangeHashes(const ReadRequest &request, const QList<KeyRange> &ranges,
                                               RangeHash hash) = 0;
    // Hash mode by blocks: typed checksums of every block of `width` keys (block =
    // floor(key / width)) of a single integer key, in one scan; blocks without rows absent.
    // Empty optional when this source cannot (no typed hashes, another kind of key).
    virtual std::optional<QHash<qint64, RangeSum>> blockSums(const ReadRequest &request, qint64 width)
    {
        Q_UNUSED(request);
        Q_UNUSED(width);
        return std::nullopt;
    }
    // The same for the rows in these key ranges only (the differing blocks of a coarser level,
    // narrowed down to their sub-blocks): no scan of the whole table. Empty optional: cannot.
    virtual std::optional<QHash<qint64, RangeSum>> blockSumsWithin(const ReadRequest &request, qint64 width,
                                                                   const QList<KeyRange> &ranges)
    {
        Q_UNUSED(request);
        Q_UNUSED(width);
        Q_UNUSED(ranges);
        return std::nullopt;
    }
};

} // namespace tf::sync
