#pragma once

#include "sync/connector.h"

#include <QString>

namespace tf::db {
class Database;
}

namespace tf::sync {

// Names of the two state tables. The control database holds every non-transactional
// target's state in sync_state / sync_checkpoints; an SQLite target keeps its own in
// tf_sync_state / tf_sync_checkpoint, so state commits with the data.
struct StateTables
{
    QString state;
    QString checkpoints;

    static StateTables controlDatabase();
    static StateTables insideTarget();
};

// Sync state over a tf::db::Database (SQLite or PostgreSQL; only Dialect differences).
//
// Tables (created IF NOT EXISTS by the constructor until migration 0002 owns them):
//   <state>(pair_id, entity, source_key, hash, target_key, PRIMARY KEY(pair_id, entity, source_key))
//   <checkpoints>(pair_id, entity, cursor_value, cursor_type, key_text, updated_at,
//                 PRIMARY KEY(pair_id, entity))
// A checkpoint is stored as canonicalValue() texts. cursor_type is the cursor's type name,
// then ';' and the key values' type names separated by ',' ("timestamptz;text,integer"),
// so checkpoint() gives back typed values although the StateStore API does not pass types.
//
// Staging and diff use TEMP tables, which live on one connection: a staging session
// (beginStaging .. endStaging) must stay on the thread that began it.
class ControlDbStateStore final : public StateStore
{
    Q_DISABLE_COPY_MOVE(ControlDbStateStore)
public:
    explicit ControlDbStateStore(const db::Database &database,
                                 StateTables tables = StateTables::controlDatabase());
    ~ControlDbStateStore() override;

    std::optional<Checkpoint> checkpoint(const QString &pairId, const QString &entity) override;
    void saveCheckpoint(const QString &pairId, const QString &entity, const Checkpoint &checkpoint) override;

    void beginStaging(const QString &pairId, const QString &entity) override;
    void stage(const QList<QPair<QString, QByteArray>> &keyHashes) override;
    void diff(int batchSize, const std::function<bool(const QList<KeyChange> &)> &sink) override;
    void endStaging() override;

    qint64 count(const QString &pairId, const QString &entity) override;
    QList<StateEntry> stateOf(const QString &pairId, const QString &entity, const QStringList &sourceKeys) override;
    void clear(const QString &pairId, const QString &entity) override;

    // The batch's state changes and checkpoint in one transaction of their own. The engine
    // calls this after a file target's endEntity() succeeded.
    void applyState(const ChangeBatch &batch);
    // The same inside the caller's open transaction on this database (SQLite targets write
    // their state this way, in the transaction that writes the data).
    void writeState(const ChangeBatch &batch);

private:
    void createTables();
    void writeCheckpoint(const QString &pairId, const QString &entity, const Checkpoint &checkpoint);
    void dropTempTables();
    QString quoted(const QString &name) const;

    const db::Database &m_database;
    StateTables m_tables;
    QString m_stageTable;
    QString m_diffTable;
    QString m_pairId;
    QString m_entity;
    bool m_staging = false;
};

} // namespace tf::sync
