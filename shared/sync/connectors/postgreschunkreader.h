#pragma once

#include "sync/engine/chunksource.h"

namespace tf::db {
class Database;
}

namespace tf::sync::pg {

class PgCatalog;
class PgRanges;

// The chunked-load reads of the PostgreSQL connector (ChunkSource): the row estimate from
// pg_class.reltuples, and a read of one integer key range on the streaming connection, with
// the same conversions as PgReader::readAll.
class PgChunkReader final
{
public:
    PgChunkReader(const db::Database &streaming, const db::Database &lookups, PgCatalog &catalog);

    qint64 estimateRows(const QString &entity);
    bool chunksBy(const ReadRequest &request);
    void readKeyRange(const ReadRequest &request, const KeyRange &range, const BatchSink &sink);

    // Where the server's hash kind is learnt (ReadRequest::withSourceHashes).
    void setRanges(PgRanges *ranges) { m_ranges = ranges; }

private:
    PgRanges *m_ranges = nullptr;
    const db::Database &m_streaming;
    const db::Database &m_lookups;
    PgCatalog &m_catalog;
};

} // namespace tf::sync::pg
