#pragma once

#include "sync/connector.h"
#include "sync/engine/chunksource.h"
#include "sync/rangechecksums.h"

#include <memory>

namespace tf::db {
class Database;
struct DatabaseUrl;
} // namespace tf::db

namespace tf::sync {

namespace pg {
class PgCatalog;
class PgReader;
class PgWriter;
class PgRanges;
class PgChunkReader;
} // namespace pg
class PostgresStateStore;

// A PostgreSQL database as source and target. Entities are the tables of one schema.
//
// settings.settings: {"url": "postgresql://..."} or {"host", "port", "database", "sslmode"},
// plus "schema" (default "public"); settings.credentials {"user", "password"} override the
// URL's. Value conversions are described in postgrestypes.h (every value exact).
//
// Connections (opened lazily, one per thread each): one for streaming reads, one for
// writes, catalog and lookups, one for state staging. A sink may therefore write through
// this connector while one of its reads or diffs is still streaming.
class PostgresConnector final : public SourceConnector,
                                public TargetConnector,
                                public RangeChecksums,
                                public ChunkSource
{
    Q_DISABLE_COPY_MOVE(PostgresConnector)
public:
    explicit PostgresConnector(const SystemSettings &settings);
    ~PostgresConnector() override;

    // The connection URL the settings describe (password included: never log it; use
    // DatabaseUrl::redacted()). Throws tf::Error(Validation) naming the bad setting.
    static db::DatabaseUrl urlFromSettings(const SystemSettings &settings);

    const QString &schemaName() const { return m_schema; }
    const db::DatabaseUrl &url() const;
    // cdc's initial copy: row reads run under the replication slot's exported snapshot until
    // this is called again with an empty name.
    void setReadSnapshot(const QString &snapshot);

    EntityDescription describe(const QString &entity) override;
    QStringList entities() override;

    void readAll(const ReadRequest &request, const BatchSink &sink) override;
    bool hashesAtSource() const override { return true; }
    void readKeyHashes(const ReadRequest &request, const KeyHashSink &sink) override;
    QByteArray hashRow(const Row &row, const Schema &schema) const override;
    QList<QByteArray> hashRows(const ReadRequest &request, const QList<Row> &rows) const override;
    void readByKeys(const ReadRequest &request, const QList<KeyValues> &keys,
                    const BatchSink &sink) override;
    CursorHorizon cursorHorizon(const QString &entity, const QString &cursorColumn) override;
    void readSince(const ReadRequest &request, const QString &cursorColumn,
                   const std::optional<Checkpoint> &after, const BatchSink &sink) override;
    qint64 estimateRows(const ReadRequest &request, const QString &cursorColumn,
                        const std::optional<Checkpoint> &after) override;

    bool isTransactional() const override { return true; }
    void apply(const ChangeBatch &batch) override;
    bool countsWrites() const override { return true; }
    bool isEmpty(const QString &entity) override;
    StateStore &stateStore() override;
    QList<FieldError> unrepresentable(const QString &entity, const Schema &schema,
                                      const Row &row) override;
    QList<QList<FieldError>> unrepresentableRows(const QString &entity, const Schema &schema,
                                                 const QList<const Row *> &rows) override;
    bool hasUniqueKey(const QString &entity, const QStringList &columns) override;
    QSet<QString> existingValues(const QString &entity, const QString &column, ValueType type,
                                 const QList<QVariant> &values) override;

    bool typedRangeHash() override;
    bool canRangeBy(const QString &entity, const QString &column) override;
    QList<RangeSum> rangeSums(const ReadRequest &request, const KeyRange &range,
                              const QStringList &splits, RangeHash hash) override;
    bool splitsCheaply(const ReadRequest &request) override;
    QStringList splitPoints(const ReadRequest &request, const KeyRange &range, int parts) override;
    QHash<QString, qint64> rangeHashes(const ReadRequest &request, const QList<KeyRange> &ranges, RangeHash hash) override;
    std::optional<QHash<qint64, RangeSum>> blockSums(const ReadRequest &request, qint64 width) override;
    std::optional<QHash<qint64, RangeSum>> blockSumsWithin(const ReadRequest &request, qint64 width,
                                                           const QList<KeyRange> &ranges) override;

    qint64 estimateRows(const QString &entity) override;
    bool chunksBy(const ReadRequest &request) override;
    void readKeyRange(const ReadRequest &request, const KeyRange &range, const BatchSink &sink) override;

private:
    QString m_schema;
    std::unique_ptr<db::Database> m_reads;
    std::unique_ptr<db::Database> m_writes;
    std::unique_ptr<db::Database> m_staging;
    std::unique_ptr<pg::PgCatalog> m_catalog;
    std::unique_ptr<PostgresStateStore> m_state;
    std::unique_ptr<pg::PgReader> m_reader;
    std::unique_ptr<pg::PgWriter> m_writer;
    std::unique_ptr<pg::PgRanges> m_ranges;
    std::unique_ptr<pg::PgChunkReader> m_chunks;
};

} // namespace tf::sync
