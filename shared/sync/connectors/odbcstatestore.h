#pragma once

#include "sync/connector.h"

namespace tf::sync::odbc {

class Session;

// The sync state of pairs whose target is this ODBC database, in the target itself, so it
// commits with the rows: tf_odbc_sync_state and tf_odbc_sync_checkpoint, created on first use with
// portable SQL (TEXT; nvarchar(max) on SQL Server). Keys are matched by the MD5 hex of the
// source key (key_md5 CHAR(32)), computed here, so no database function is needed. Hash-mode
// staging uses temporary tables of the connection.
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
    void clear(const QString &pairId, const QString &entity) override;
    QList<sync::StateEntry> stateOf(const QString &pairId, const QString &entity, const QStringList &sourceKeys) override;

    // The batch's state and checkpoint inside the caller's open transaction.
    void writeState(const ChangeBatch &batch);

private:
    void writeCheckpoint(const QString &pairId, const QString &entity, const Checkpoint &checkpoint);
    void dropStaging();

    Session &m_session;
    QString m_stageTable;
    QString m_diffTable;
    QString m_pairId;
    QString m_entity;
    bool m_staging = false;
    bool m_created = false;
};

} // namespace tf::sync::odbc
