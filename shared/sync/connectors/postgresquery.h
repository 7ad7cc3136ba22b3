#pragma once

#include "postgrescatalog.h"
#include "sync/connector.h"

#include <QSqlQuery>
#include <QVariantList>
#include <functional>

namespace tf::db {
class Database;
}

namespace tf::sync::pg {

// Query helpers every PostgreSQL read shares (PgReader, PgRanges).

// The columns a read returns and the key it is ordered by.
struct Selection
{
    PgTable table;
    QList<PgColumn> columns;
    QList<PgColumn> keys;
    SchemaPtr schema;
};

Selection selectionFor(PgCatalog &catalog, const ReadRequest &request);
QString columnRef(const PgColumn &column);
// The session-independent texts of the columns (textExpression), comma-separated.
QString textList(const QList<PgColumn> &columns);
QString refList(const QList<PgColumn> &columns, const QString &prefix = QStringLiteral("t."));
QString orderBy(const QList<PgColumn> &columns);
QVariant cell(const QSqlQuery &query, int index, const PgColumn &column);
// Runs one forward-only query and hands each row to onRow until it returns false.
void stream(const db::Database &database, const QString &sql, const QVariantList &binds,
            const QString &label, const std::function<bool(const QSqlQuery &)> &onRow);
QString labelFor(const PgTable &table);
// A PostgreSQL array literal of text elements, each quoted and escaped.
QString arrayLiteral(const QList<QByteArray> &elements);

// Takes one row read and, when the read asks for it (ReadRequest::withSourceHashes), the row's
// source hash (null otherwise); returns false to stop.
using RowSink = std::function<bool(Row &&row, QByteArray &&hash)>;

// Groups rows into batches of batchSize for the sink.
class Batcher final
{
public:
    Batcher(SchemaPtr schema, int batchSize, const BatchSink &sink)
        : m_batchSize(qMax(1, batchSize))
        , m_sink(sink)
    {
        m_batch.schema = std::move(schema);
        m_batch.rows.reserve(m_batchSize);
    }

    bool add(Row row, const QByteArray &hash = {})
    {
        m_batch.rows << std::move(row);
        if (!hash.isNull())
            m_batch.hashes << hash;
        return m_batch.rows.size() < m_batchSize || flush();
    }

    bool flush()
    {
        if (m_batch.rows.isEmpty())
            return true;
        const bool more = m_sink(m_batch);
        m_batch.rows.clear();
        m_batch.hashes.clear();
        return more;
    }

private:
    int m_batchSize;
    const BatchSink &m_sink;
    RowBatch m_batch;
};

// withHash: the query has one more column after the selection's, the row's source hash.
bool readRow(const QSqlQuery &query, const Selection &selection, Batcher &batcher, bool withHash = false);

} // namespace tf::sync::pg
