#pragma once

#include "sync/connector.h"

#include <QHash>
#include <QMap>
#include <QPair>

namespace tf::test {

// A StateStore in memory, for the fake connector (as its transactional store) and as the
// "control database" store of non-transactional fake targets (applyState).
class MemoryStateStore final : public sync::StateStore
{
public:
    std::optional<sync::Checkpoint> checkpoint(const QString &pairId,
                                               const QString &entity) override;
    void saveCheckpoint(const QString &pairId, const QString &entity,
                        const sync::Checkpoint &checkpoint) override;
    void beginStaging(const QString &pairId, const QString &entity) override;
    void stage(const QList<QPair<QString, QByteArray>> &keyHashes) override;
    void diff(int batchSize, const std::function<bool(const QList<KeyChange> &)> &sink) override;
    void endStaging() override;
    qint64 count(const QString &pairId, const QString &entity) override;
    QList<sync::StateEntry> stateOf(const QString &pairId, const QString &entity,
                                    const QStringList &sourceKeys) override;
    void clear(const QString &pairId, const QString &entity) override;

    // The state changes and checkpoint of a batch (what a transactional target commits).
    void applyState(const sync::ChangeBatch &batch);

    // sourceKey -> entry, sorted by source key.
    QMap<QString, sync::StateEntry> entries(const QString &pairId, const QString &entity) const;
    bool isStaging() const { return m_staging; }

private:
    using Scope = QPair<QString, QString>;
    QHash<Scope, QMap<QString, sync::StateEntry>> m_state;
    QHash<Scope, sync::Checkpoint> m_checkpoints;
    Scope m_stagingScope;
    QMap<QString, QByteArray> m_staged;
    bool m_staging = false;
};

} // namespace tf::test
