#include "memorystatestore.h"

#include "core/errors.h"

namespace tf::test {

using namespace tf::sync;

std::optional<Checkpoint> MemoryStateStore::checkpoint(const QString &pairId, const QString &entity)
{
    const auto it = m_checkpoints.constFind({ pairId, entity });
    if (it == m_checkpoints.cend())
        return std::nullopt;
    return it.value();
}

void MemoryStateStore::saveCheckpoint(const QString &pairId, const QString &entity,
                                      const Checkpoint &checkpoint)
{
    m_checkpoints.insert({ pairId, entity }, checkpoint);
}

void MemoryStateStore::beginStaging(const QString &pairId, const QString &entity)
{
    if (m_staging)
        throw Error(Error::Kind::Internal, QStringLiteral("staging already begun"));
    m_staging = true;
    m_stagingScope = { pairId, entity };
    m_staged.clear();
}

void MemoryStateStore::stage(const QList<QPair<QString, QByteArray>> &keyHashes)
{
    if (!m_staging)
        throw Error(Error::Kind::Internal, QStringLiteral("stage() outside a staging session"));
    for (const auto &keyHash : keyHashes)
        m_staged.insert(keyHash.first, keyHash.second);
}

void MemoryStateStore::diff(int batchSize,
                            const std::function<bool(const QList<KeyChange> &)> &sink)
{
    if (!m_staging)
        throw Error(Error::Kind::Internal, QStringLiteral("diff() outside a staging session"));
    // Materialised first, as a database store's diff table would be: the sink applies
    // batches (and their state) while the diff is being streamed.
    const QMap<QString, StateEntry> stored = m_state.value(m_stagingScope);
    QList<KeyChange> changes;
    for (auto it = m_staged.cbegin(); it != m_staged.cend(); ++it) {
        const auto found = stored.constFind(it.key());
        if (found == stored.cend())
            changes.append({ ChangeKind::Insert, it.key(), it.value(), QString() });
        else if (found->hash != it.value())
            changes.append({ ChangeKind::Update, it.key(), it.value(), found->targetKey });
    }
    for (auto it = stored.cbegin(); it != stored.cend(); ++it) {
        if (!m_staged.contains(it.key()))
            changes.append({ ChangeKind::Delete, it.key(), QByteArray(), it->targetKey });
    }
    for (qsizetype start = 0; start < changes.size(); start += qMax(1, batchSize)) {
        if (!sink(changes.mid(start, qMax(1, batchSize))))
            return;
    }
}

void MemoryStateStore::endStaging()
{
    m_staging = false;
    m_staged.clear();
}

qint64 MemoryStateStore::count(const QString &pairId, const QString &entity)
{
    return m_state.value({ pairId, entity }).size();
}

QList<sync::StateEntry> MemoryStateStore::stateOf(const QString &pairId, const QString &entity,
                                                  const QStringList &sourceKeys)
{
    QList<sync::StateEntry> found;
    const QMap<QString, sync::StateEntry> state = m_state.value({ pairId, entity });
    for (const QString &key : sourceKeys) {
        if (state.contains(key))
            found << state.value(key);
    }
    return found;
}

void MemoryStateStore::clear(const QString &pairId, const QString &entity)
{
    m_state.remove({ pairId, entity });
    m_checkpoints.remove({ pairId, entity });
}

void MemoryStateStore::applyState(const ChangeBatch &batch)
{
    auto &entries = m_state[{ batch.pairId, batch.stateEntity }];
    for (const QString &key : batch.stateDeletes)
        entries.remove(key);
    for (const StateEntry &entry : batch.stateUpserts)
        entries.insert(entry.sourceKey, entry);
    if (batch.checkpoint)
        m_checkpoints.insert({ batch.pairId, batch.stateEntity }, *batch.checkpoint);
}

QMap<QString, StateEntry> MemoryStateStore::entries(const QString &pairId,
                                                    const QString &entity) const
{
    return m_state.value({ pairId, entity });
}

} // namespace tf::test
