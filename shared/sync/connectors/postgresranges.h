#pragma once

#include "sync/rangechecksums.h"

namespace tf::db {
class Database;
}

namespace tf::sync::pg {

class PgCatalog;

// Key-range checksums computed by the server (RangeChecksums for PostgresConnector): one
// aggregate query per call, grouping the range's rows into buckets with width_bucket, so a
// table of a million identical rows costs one scan per side and no row leaves the server.
// Row hashes are hashtextextended over the same session-independent texts readKeyHashes uses
// (readKeyHashes takes their md5); text keys
// are ordered byte-wise (COLLATE "C") so two servers with different collations agree.
class PgRanges final
{
public:
    PgRanges(const db::Database &streaming, const db::Database &lookups, PgCatalog &catalog);

    bool typedRangeHash();
    bool canRangeBy(const QString &entity, const QString &column);
    QList<RangeSum> rangeSums(const ReadRequest &request, const KeyRange &range,
                              const QStringList &splits, RangeHash hash);
    bool splitsCheaply(const ReadRequest &request);
    QStringList splitPoints(const ReadRequest &request, const KeyRange &range, int parts);
    QHash<QString, qint64> rangeHashes(const ReadRequest &request, const QList<KeyRange> &ranges, RangeHash hash);

private:
    const db::Database &m_streaming;
    const db::Database &m_lookups;
    PgCatalog &m_catalog;
    int m_serverVersion = -1; // server_version_num, read once
};

} // namespace tf::sync::pg
