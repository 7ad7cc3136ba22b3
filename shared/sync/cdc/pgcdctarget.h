#pragma once

#include "cdcpositionstore.h"
#include "cdctarget.h"
#include "cdctargetbatch.h"
#include "cdctargetwriter.h"

namespace tf::db {
class Database;
struct DatabaseUrl;
} // namespace tf::db

namespace tf::sync::cdc {

// A PostgreSQL table of a cdc pair: a short run statement by statement (CdcTargetWriter, one
// round trip each), a longer one by COPY into a temporary table and one merge (CdcTargetBatch).
class PgCdcTableWriter final : public CdcTableWriter
{
public:
    PgCdcTableWriter(const db::Database &target, const QString &schema, const QString &table,
                     SchemaPtr rowSchema, const QStringList &keyColumns);

    void upsert(const QList<Row> &rows) override;
    QSet<qsizetype> update(const QList<Row> &rows, const QList<bool> &unchanged) override;
    bool updateAt(const Row &row, const QList<bool> &unchanged, const KeyValues &where) override;
    qint64 remove(const QList<Row> &keyRows, const QString &softDeleteColumn) override;
    qint64 removeAll() override;
    qint64 markAllDeleted(const QString &column) override;

    static constexpr qsizetype kMinSetRows = 8; // shorter runs go statement by statement

private:

    QList<int> m_keyIndexes;
    CdcTargetWriter m_writer;
    CdcTargetBatch m_batch;
};

// A PostgreSQL target: the tables and tf_cdc_position / tf_cdc_snapshot in the target
// connector's schema (CdcPositionStore), on a connection of the stream's own.
class PgCdcTarget final : public CdcTarget
{
public:
    PgCdcTarget(const db::DatabaseUrl &url, const QString &schema);
    ~PgCdcTarget() override;

    std::unique_ptr<CdcTransaction> begin() override;
    std::unique_ptr<CdcTableWriter> tableWriter(const QString &table, SchemaPtr rowSchema,
                                                const QStringList &keyColumns) override;
    CdcPositions &positions() override { return *m_positions; }
    void close() override;

private:
    std::unique_ptr<db::Database> m_database;
    QString m_schema;
    std::unique_ptr<CdcPositionStore> m_positions;
};

} // namespace tf::sync::cdc
