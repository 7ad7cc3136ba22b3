#pragma once

#include "sync/blockstates.h"
#include "sync/connector.h"
#include "sync/firstloads.h"

#include <QMutex>
#include <QSet>

#include <atomic>

namespace tf::db {
class Database;
}

namespace tf::sync::pg {
class PgCatalog;
class PgSession;
} // namespace tf::sync::pg

namespace tf::sync {

// Sync state kept in the target PostgreSQL database (tables described in
// postgresstatetables.h), so PostgresConnector::apply commits it with the data.
//
// Staging (beginStaging .. endStaging) uses a temporary table on the `staging` connection of
// the calling thread: one diff at a time per store and thread. diff() streams from that
// connection, so its sink may apply batches (which use `writes`) while it runs.
class PostgresStateStore final : public StateStore, public BlockStates, public FirstLoads
{
    Q_DISABLE_COPY_MOVE(PostgresStateStore)
public:
    PostgresStateStore(const db::Database &writes, const db::Database &staging,
                       const pg::PgCatalog &catalog);

    // Creates the state tables on first use; cheap afterwards.
    void ensureTables();

    std::optional<Checkpoint> checkpoint(const QString &pairId, const QString &entity) override;
    void saveCheckpoint(const QString &pairId, const QString &entity,
                        const Checkpoint &checkpoint) override;

    void beginStaging(const QString &pairId, const QString &entity) override;
    void stage(const QList<QPair<QString, QByteArray>> &keyHashes) override;
    void diff(int batchSize, const std::function<bool(const QList<KeyChange> &)> &sink) override;
    void endStaging() override;
    // Full mode: the state of written rows goes into tf_staged with their target keys and
    // into tf_sync_state with one INSERT ... SELECT at the end (on the staging connection,
    // after every batch it describes has committed).
    bool stagesState() const override { return true; }
    void stageWritten(const QList<StateEntry> &entries) override;
    void applyStaged() override;
    void applyStagedNew() override;

    // tf_sync_pending (ChangeBatch::pendingTargetKeys).
    QStringList unaccountedPending(const QString &pairId, const QString &entity) override;
    void clearPending(const QString &pairId, const QString &entity, const QString &run = {}) override;

    // A first load (FirstLoads): PgWriter asks firstLoad() per batch (on any thread) and then
    // writes the batch's state with it (postgresfirstload.h); endFirstLoad(true) analyses the
    // state tables, as insertStaged() does after the plain INSERT of the staged path.
    bool beginFirstLoad(const QString &pairId, const QString &entity) override;
    void endFirstLoad(const QString &pairId, const QString &entity, bool complete) override;
    bool firstLoad(const QString &pairId, const QString &entity) const;

    qint64 count(const QString &pairId, const QString &entity) override;
    QList<StateEntry> stateOf(const QString &pairId, const QString &entity,
                              const QStringList &sourceKeys) override;
    // Forgets the state and the checkpoint of (pair, entity), in one transaction.
    void clear(const QString &pairId, const QString &entity) override;

    // Hash mode by blocks (postgresblockstate.h), on `writes`.
    std::optional<QHash<qint64, RangeSum>> blockSums(const QString &pairId, const QString &entity,
                                                     qint64 width) override;
    std::optional<QHash<qint64, RangeSum>> blockSumsOf(const QString &pairId, const QString &entity, qint64 width,
                                                       const QList<qint64> &blocks) override;
    QList<StateEntry> blockEntries(const QString &pairId, const QString &entity, qint64 width,
                                   const QList<qint64> &blocks) override;
    // tf_sync_source_checksum (postgressourcechecksum.cpp), on `writes`.
    std::optional<SourceChecksum> sourceChecksum(const QString &pairId, const QString &entity) override;
    void recordSourceChecksum(const QString &pairId, const QString &entity, const SourceChecksum &recorded) override;

private:
    void requireStaging(const char *what) const;
    void analyseStaged();
    void insertStaged(); // the plain INSERT of a first load
    void analyseState(pg::PgSession &session, const QString &what); // statistics after a first load

    const db::Database &m_writes;
    const db::Database &m_staging;
    const pg::PgCatalog &m_catalog;
    std::atomic_bool m_tablesReady { false };
    QString m_pairId;
    QString m_entity;
    bool m_stagingOpen = false;
    bool m_stagedAnalysed = false;
    bool m_blocksStaged = true; // every staged key and hash is one stateInteger() reads
    mutable QMutex m_firstLoadMutex;
    QSet<QPair<QString, QString>> m_firstLoads; // (pair, entity) of the first loads running
};

} // namespace tf::sync
