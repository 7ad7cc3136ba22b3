#include "postgreschunkreader.h"

#include "core/errors.h"
#include "postgrescatalog.h"
#include "postgresquery.h"
#include "postgresranges.h"

#include <QSqlQuery>

namespace tf::sync::pg {

PgChunkReader::PgChunkReader(const db::Database &streaming, const db::Database &lookups,
                             PgCatalog &catalog)
    : m_streaming(streaming)
    , m_lookups(lookups)
    , m_catalog(catalog)
{ }

qint64 PgChunkReader::estimateRows(const QString &entity)
{
    const QString table = m_catalog.table(entity).qualifiedName();
    double estimate = -1;
    // reltuples is -1 for a table never vacuumed or analysed (PostgreSQL 14+), 0 before 14.
    stream(m_lookups, QStringLiteral("SELECT reltuples FROM pg_class WHERE oid = CAST(? AS regclass)"),
           { table }, QStringLiteral("estimating the rows of %1").arg(table), [&](const QSqlQuery &row) {
               estimate = row.value(0).toDouble();
               return false;
           });
    if (estimate > 0)
        return qint64(estimate);
    qint64 count = 0;
    stream(m_lookups, QStringLiteral("SELECT count(*) FROM %1").arg(table), {},
           QStringLiteral("counting the rows of %1").arg(table), [&](const QSqlQuery &row) {
               count = row.value(0).toLongLong();
               return false;
           });
    return count;
}

bool PgChunkReader::chunksBy(const ReadRequest &request)
{
    const Selection selection = selectionFor(m_catalog, request);
    return selection.keys.size() == 1 && selection.keys.constFirst().type == ValueType::Integer;
}

void PgChunkReader::readKeyRange(const ReadRequest &request, const KeyRange &range,
                                 const BatchSink &sink)
{
    const Selection selection = selectionFor(m_catalog, request);
    if (selection.keys.size() != 1 || selection.keys.constFirst().type != ValueType::Integer)
        throw Error(Error::Kind::Internal,
                    QStringLiteral("a chunk of %1 needs one integer key column").arg(request.entity));
    // The column itself against int8 bounds: its index serves int2, int4 and int8 alike.
    const QString key = columnRef(selection.keys.constFirst());
    QStringList conditions;
    QVariantList binds;
    if (range.from) {
        conditions << key + QStringLiteral(" >= CAST(? AS int8)");
        binds << *range.from;
    }
    if (range.to) {
        conditions << key + QStringLiteral(" < CAST(? AS int8)");
        binds << *range.to;
    }
    QString columns = textList(selection.columns);
    if (request.withSourceHashes) // the row's state hash, as PgReader reads it
        columns += QStringLiteral(", ") + sourceHashExpression(selection.columns, m_ranges && m_ranges->typedRangeHash());
    const QString sql = QStringLiteral("SELECT %1 FROM %2 AS t%3%4")
                            .arg(columns, selection.table.qualifiedName(),
                                 conditions.isEmpty() ? QString()
                                                 : QStringLiteral(" WHERE ") + conditions.join(QLatin1String(" AND ")),
                                 orderBy(selection.keys));
    Batcher batcher(selection.schema, request.batchSize, sink);
    bool more = true;
    stream(m_streaming, sql, binds, labelFor(selection.table), [&](const QSqlQuery &query) {
        more = readRow(query, selection, batcher, request.withSourceHashes);
        return more;
    });
    if (more)
        batcher.flush();
}

} // namespace tf::sync::pg
