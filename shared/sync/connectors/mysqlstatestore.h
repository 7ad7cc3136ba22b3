#pragma once

#include "sync/connector.h"

namespace tf::sync::mysql {

class Session;

// The sync state of pairs whose target is this MySQL database, in the target itself, so it
// commits with the rows (InnoDB): tf_sync_state and tf_sync_checkpoint, created on first use.
// Keys are matched by MD5 (key_md5 BINARY(16)): source keys have any length, and an InnoDB
// index cannot hold every length; the state table compares them byte-wise, whatever the
// database's collation. Staging for hash-mode diffs uses TEMPORARY tables of the write
// connection; everything runs on the session's write connection.
class StateStore final : public tf::sync::StateStore
{
    Q_DISABLE_COPY_MOVE(StateStore)
public:
    explicit StateStore(Session &session);
    ~StateStore() override;

    std::optional<Checkpoint> checkpoint(const QString &pairId, const QString &entity) override;
    void saveCheckpoint(const QString &pairId, const QString &entity, const Checkpoint &checkpoint) override;
    void beginStaging(const QString &pairId, const QString &entity) override;
    void stage(const QList<QPair<QString, QByteArray>> &keyHashes) override;
    void diff(int batchSize, const std::function<bool(const QList<KeyChange> &)> &sink) override;
    void endStaging() override;
    qint64 count(const QString &pairId, const QString &entity) override;
    QList<sync::StateEntry> stateOf(const QString &pairId, const QString &entity, const QStringList &sourceKeys) override;
    void clear(const QString &pairId, const QString &entity) override;

    // The batch's state and checkpoint inside the caller's open transaction.
    void writeState(const ChangeBatch &batch);

private:
    void writeCheckpoint(const QString &pairId, const QString &entity, const Checkpoint &checkpoint);

    Session &m_session;
    QString m_stageTable;
    QString m_diffTable;
    QString m_pairId;
    QString m_entity;
    bool m_staging = false;
};

} // namespace tf::sync::mysql
