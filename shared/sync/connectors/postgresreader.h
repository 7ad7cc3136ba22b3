#pragma once

#include "pgcopyread.h"
#include "sync/connector.h"

#include <QSet>

#include "postgresquery.h"

namespace tf::db {
class Database;
}

namespace tf::sync::pg {

class PgCatalog;
class PgRanges;

// The read side of the PostgreSQL connector. Rows are read through COPY (SELECT ...) TO STDOUT
// (copyRows: no PGresult and no QVariant detour per value), turned into RowBatches of
// request.batchSize rows, so memory does not grow with the table. readAll and readSince run
// on their own thread with their own connection of `streaming`, at most two batches ahead of
// the sink (PrefetchingBatchSource), so reading overlaps transforming and writing; readByKeys
// reads on the calling thread's `streaming` connection. A sink may write through the same
// connector while a read is still streaming; hashes and one-shot lookups run as queries
// (`lookups` for the latter).
class PgReader final
{
    Q_DISABLE_COPY_MOVE(PgReader)
public:
    PgReader(const db::Database &streaming, const db::Database &lookups, PgCatalog &catalog);
    // Where the server's hash kind is learnt (typed from PostgreSQL 14, else md5 of text).
    void setRanges(PgRanges *ranges) { m_ranges = ranges; }
    // Reads of rows (readAll, readByKeys) run under this exported snapshot; empty: none.
    void setSnapshot(const QString &snapshot) { m_snapshot = snapshot; }

    void readAll(const ReadRequest &request, const BatchSink &sink);
    void readKeyHashes(const ReadRequest &request, const KeyHashSink &sink);
    // One query per request.batchSize keys, matched through a JSON array of key records.
    void readByKeys(const ReadRequest &request, const QList<KeyValues> &keys,
                    const BatchSink &sink);
    // The start of the oldest open transaction of another client session of this database
    // (any transaction: one that has not written yet may still write with now() = its start),
    // or now() when there is none, as the cursor column's type. Date and time cursors only;
    // other cursors Hold while a transaction holding an xid is open. Runs on `lookups`.
    CursorHorizon cursorHorizon(const QString &entity, const QString &cursorColumn);
    void readSince(const ReadRequest &request, const QString &cursorColumn,
                   const std::optional<Checkpoint> &after, const BatchSink &sink);
    // One query: which of `values` exist in entity.column, as canonicalValue() texts.
    QSet<QString> existingValues(const QString &entity, const QString &column, ValueType type,
                                 const QList<QVariant> &values);

private:
    // Runs the read on its own thread (PrefetchingBatchSource) through COPY (copyRows).
    void prefetch(const Selection &selection, const QList<QByteArray> &params,
                  const SelectBuilder &buildSelect, const ReadRequest &request,
                  const BatchSink &sink);

    bool typedHashes();
    // The SELECT list of a row read: the columns, then the row's source hash when the request
    // asks for it (RowBatch::hashes).
    SourceHash sourceHash(const ReadRequest &request);
    QString rowColumns(const Selection &selection, const ReadRequest &request);

    PgRanges *m_ranges = nullptr;
    QString m_snapshot;
    const db::Database &m_streaming;
    const db::Database &m_lookups;
    PgCatalog &m_catalog;
};

} // namespace tf::sync::pg
