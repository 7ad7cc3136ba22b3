#pragma once

#include "sqlitetable.h"
#include "sync/connector.h"

#include <QHash>

#include <memory>

class QSqlQuery;

namespace tf::db {
class Database;
}

namespace tf::sync {

class ControlDbStateStore;

// An SQLite database file as source and target. settings.settings: {"path": "/abs/file.db"}.
// Entities are its tables. Values are stored so they come back exactly (see
// sqlite::toStored); a Decimal keeps more than 15 significant digits only in a column of
// TEXT affinity (declare it e.g. "DECIMAL TEXT"), and writing one that SQLite would round
// is refused rather than silently changed.
//
// The sync state of a pair whose target this is lives in the same file (tf_sync_state,
// tf_sync_checkpoint, created on first use) and commits with the data.
//
// One instance is used from one thread at a time; the file must exist (it is never created:
// an empty new file would read as "every row deleted").
class SqliteConnector final : public SourceConnector, public TargetConnector
{
    Q_DISABLE_COPY_MOVE(SqliteConnector)
public:
    // Throws tf::Error(Validation) naming the field when "path" is missing or relative.
    explicit SqliteConnector(const SystemSettings &settings);
    ~SqliteConnector() override;

    const QString &path() const { return m_path; }

    EntityDescription describe(const QString &entity) override;
    QStringList entities() override;

    // Forward-only, one snapshot, in request.batchSize batches; ordered by request.keyColumns
    // (the primary key when empty).
    void readAll(const ReadRequest &request, const BatchSink &sink) override;
    bool hashesAtSource() const override { return false; }
    // Up to 500 keys per statement: `k IN (...)`, or `(k1, k2) IN (VALUES (?, ?), ...)`.
    void readByKeys(const ReadRequest &request, const QList<KeyValues> &keys, const BatchSink &sink) override;
    // (cursor, key) > (checkpoint) by row-value comparison. NULL cursors sort first: after a
    // checkpoint whose cursor is NULL, the rest of the NULLs (by key) and every non-NULL follow.
    void readSince(const ReadRequest &request, const QString &cursorColumn, const std::optional<Checkpoint> &after,
                   const BatchSink &sink) override;
    // A whole table: count(*) (SQLite walks its smallest b-tree; no statistics to ask).
    // Past a checkpoint: unknown. In sqliteestimate.cpp.
    qint64 estimateRows(const ReadRequest &request, const QString &cursorColumn,
                        const std::optional<Checkpoint> &after) override;

    bool isTransactional() const override { return true; }
    // One BEGIN IMMEDIATE transaction: upserts, deletes, sync state, checkpoint. Throws
    // tf::Error(Validation) naming the constraint when one is violated; nothing is kept.
    void apply(const ChangeBatch &batch) override;
    StateStore &stateStore() override;
    QList<FieldError> unrepresentable(const QString &entity, const Schema &schema,
                                      const Row &row) override;
    QSet<QString> existingValues(const QString &entity, const QString &column, ValueType type,
                                 const QList<QVariant> &values) override;
    bool hasUniqueKey(const QString &entity, const QStringList &columns) override;

    // The file's database (one connection per thread); throws tf::Error(Unavailable) when the
    // file is gone. cdc's SqliteCdcTarget writes through it, beside the full load.
    const db::Database &database();

private:
    const sqlite::Table &table(const QString &entity);
    ControlDbStateStore &ownStateStore();
    // Runs a prepared forward-only SELECT of `schema`'s columns and feeds the sink; false
    // when the sink asked to stop.
    bool stream(QSqlQuery &query, const QString &entity, const SchemaPtr &schema, int batchSize, const BatchSink &sink);

    QString m_path;
    std::unique_ptr<db::Database> m_database;
    std::unique_ptr<ControlDbStateStore> m_stateStore;
    QHash<QString, sqlite::Table> m_tables; // described once per connector (one run)
};

} // namespace tf::sync
