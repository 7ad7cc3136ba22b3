#pragma once

#include "sync/rangechecksums.h"

#include <optional>

namespace tf::db {
class Database;
}

namespace tf::sync::pg {

class PgCatalog;
struct PgColumn;

// The state hash of a row as SQL (text): the typed row hash of verify (hash_record_extended,
// PostgreSQL 14+) as a decimal int8, else the md5 of the row's session-independent text
// (recordHash() computes that one in C++). One expression for every read that stores a hash.
QString sourceHashExpression(const QList<PgColumn> &columns, bool typed);
// The block of an integer key (floor(key / width)) as SQL over an int8 expression; width is
// bound as the parameter at that place.
QString blockExpression(const QString &key);

// Key-range checksums computed by the server (RangeChecksums for PostgresConnector): one
// aggregate query per call, grouping the range's rows into buckets with width_bucket, so a
// table of a million identical rows costs one scan per side and no row leaves the server.
// Row hashes are hashtextextended over the same session-independent texts readKeyHashes uses
// (readKeyHashes takes their md5); text keys
// are ordered byte-wise (COLLATE "C") so two servers with different collations agree.
// Planner settings for one checksum query on the calling thread's connection, put back
// after it: the planner cannot know that a bucket or block expression of a unique key yields a
// few thousand values, so it would sort every row to group them (enable_sort off makes it hash
// them), and JIT compiling the row-hash expression costs more than it saves for a scan of this
// kind. Also used for the sync state's block sums (postgresblockstate.cpp).
class ChecksumSettings final
{
    Q_DISABLE_COPY_MOVE(ChecksumSettings)
public:
    explicit ChecksumSettings(const db::Database &database);
    ~ChecksumSettings();

private:
    const db::Database &m_database;
};

class PgRanges final
{
public:
    PgRanges(const db::Database &streaming, const db::Database &lookups, PgCatalog &catalog);

    bool typedRangeHash();
    // Whether tfctl computes the typed source hash of a read itself (PgTypedRowHasher) rather
    // than the server: when this server's hash_record_extended of a probe row equals ours
    // (a little-endian server of PostgreSQL 14+). Asked once.
    bool typedHashHere();
    bool canRangeBy(const QString &entity, const QString &column);
    QList<RangeSum> rangeSums(const ReadRequest &request, const KeyRange &range,
                              const QStringList &splits, RangeHash hash);
    bool splitsCheaply(const ReadRequest &request);
    QStringList splitPoints(const ReadRequest &request, const KeyRange &range, int parts);
    QHash<QString, qint64> rangeHashes(const ReadRequest &request, const QList<KeyRange> &ranges, RangeHash hash);
    // Typed checksums of the blocks of `width` keys of a single integer key, in one aggregate
    // scan (block -> sum; empty blocks absent). Empty optional: not possible here (no typed
    // hashes, or a key that is not a single integer column).
    std::optional<QHash<qint64, RangeSum>> blockSums(const ReadRequest &request, qint64 width);
    // The same for the rows in these key ranges only (the blocks of a coarser level that
    // differ): an index range scan per range instead of a scan of the table.
    std::optional<QHash<qint64, RangeSum>> blockSumsWithin(const ReadRequest &request, qint64 width,
                                                           const QList<KeyRange> &ranges);
    // sourceHashExpression() of rows the engine holds (request.columns order), computed by the
    // server from their exact input texts in one query: the state hash of a row written
    // without one (a quarantine replay, a repair). Empty without typed hashes.
    QList<QByteArray> hashRows(const ReadRequest &request, const QList<Row> &rows);

private:
    std::optional<QHash<qint64, RangeSum>> blockSumsIn(const ReadRequest &request, qint64 width,
                                                       const QList<KeyRange> &ranges);

    const db::Database &m_streaming;
    const db::Database &m_lookups;
    PgCatalog &m_catalog;
    int m_serverVersion = -1; // server_version_num, read once
    int m_typedHashHere = -1; // typedHashHere(), asked once
};

} // namespace tf::sync::pg
