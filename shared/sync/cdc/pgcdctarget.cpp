#include "pgcdctarget.h"

#include "db/connection.h"

namespace tf::sync::cdc {

PgCdcTableWriter::PgCdcTableWriter(const db::Database &target, const QString &schema,
                                   const QString &table, SchemaPtr rowSchema,
                                   const QStringList &keyColumns)
    : m_keyIndexes(rowSchema->indexesOf(keyColumns))
    , m_writer(target, schema, table, rowSchema, keyColumns)
    , m_batch(target, schema, table, rowSchema, keyColumns)
{ }

void PgCdcTableWriter::upsert(const QList<Row> &rows)
{
    if (rows.size() >= kMinSetRows) {
        m_batch.upsert(rows);
        return;
    }
    for (const Row &row : rows)
        m_writer.upsert(row);
}

QSet<qsizetype> PgCdcTableWriter::update(const QList<Row> &rows, const QList<bool> &unchanged)
{
    if (rows.size() >= kMinSetRows)
        return m_batch.update(rows, unchanged);
    return updateEach(*this, rows, unchanged, m_keyIndexes); // updateAt(): m_writer
}

bool PgCdcTableWriter::updateAt(const Row &row, const QList<bool> &unchanged,
                                const KeyValues &where)
{
    return m_writer.update(row, unchanged, where);
}

qint64 PgCdcTableWriter::remove(const QList<Row> &keyRows, const QString &softDeleteColumn)
{
    if (keyRows.size() >= kMinSetRows)
        return m_batch.remove(keyRows, softDeleteColumn);
    qint64 found = 0;
    for (const Row &row : keyRows) {
        const KeyValues key = keyOfRow(row, m_keyIndexes);
        found += (softDeleteColumn.isEmpty() ? m_writer.remove(key)
                                             : m_writer.markDeleted(key, softDeleteColumn))
            ? 1
            : 0;
    }
    return found;
}

qint64 PgCdcTableWriter::removeAll()
{
    return m_writer.removeAll();
}

qint64 PgCdcTableWriter::markAllDeleted(const QString &column)
{
    return m_writer.markAllDeleted(column);
}

PgCdcTarget::PgCdcTarget(const db::DatabaseUrl &url, const QString &schema)
    : m_database(std::make_unique<db::Database>(url))
    , m_schema(schema)
    , m_positions(std::make_unique<CdcPositionStore>(*m_database, schema))
{ }

PgCdcTarget::~PgCdcTarget() = default;

std::unique_ptr<CdcTransaction> PgCdcTarget::begin()
{
    return beginDbTransaction(*m_database);
}

std::unique_ptr<CdcTableWriter> PgCdcTarget::tableWriter(const QString &table, SchemaPtr rowSchema,
                                                         const QStringList &keyColumns)
{
    return std::make_unique<PgCdcTableWriter>(*m_database, m_schema, table, std::move(rowSchema),
                                              keyColumns);
}

void PgCdcTarget::close()
{
    m_database->closeThreadConnection();
}

} // namespace tf::sync::cdc
