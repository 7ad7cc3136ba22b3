#include "activeoperations.h"

#include <QMutexLocker>

namespace tf::syncd {

void ActiveOperations::add(qint64 id, qint64 pairId, std::atomic_bool *cancel)
{
    QMutexLocker locker(&m_mutex);
    Entry entry;
    entry.progress.id = id;
    entry.progress.pairId = pairId;
    entry.cancel = cancel;
    m_entries.insert(id, entry);
}

void ActiveOperations::remove(qint64 id)
{
    QMutexLocker locker(&m_mutex);
    m_entries.remove(id);
}

void ActiveOperations::update(qint64 id, double percent, const QString &entity,
                              const QJsonObject &statistics)
{
    QMutexLocker locker(&m_mutex);
    auto it = m_entries.find(id);
    if (it == m_entries.end())
        return;
    if (percent >= 0)
        it->progress.percent = percent;
    it->progress.entity = entity;
    it->progress.statistics = statistics;
}

void ActiveOperations::cancel(qint64 id)
{
    QMutexLocker locker(&m_mutex);
    auto it = m_entries.find(id);
    if (it != m_entries.end() && it->cancel)
        it->cancel->store(true);
}

void ActiveOperations::cancelAll()
{
    QMutexLocker locker(&m_mutex);
    for (Entry &entry : m_entries) {
        if (entry.cancel)
            entry.cancel->store(true);
    }
}

QList<ActiveOperations::Progress> ActiveOperations::snapshot() const
{
    QMutexLocker locker(&m_mutex);
    QList<Progress> list;
    for (const Entry &entry : m_entries)
        list << entry.progress;
    return list;
}

int ActiveOperations::size() const
{
    QMutexLocker locker(&m_mutex);
    return int(m_entries.size());
}

QJsonArray ActiveOperations::toJson() const
{
    QJsonArray array;
    for (const Progress &progress : snapshot()) {
        array.append(QJsonObject { { QStringLiteral("operation_id"), progress.id },
                                   { QStringLiteral("pair_id"), progress.pairId },
                                   { QStringLiteral("progress"), qMax(0.0, progress.percent) },
                                   { QStringLiteral("current_entity"), progress.entity } });
    }
    return array;
}

} // namespace tf::syncd
