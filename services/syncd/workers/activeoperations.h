#pragma once

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QMutex>
#include <QString>
#include <atomic>

namespace tf::syncd {

// The operations this node's workers are running right now, with their latest progress:
// what the lease keeper renews between batches and what /health shows. Thread-safe.
class ActiveOperations final
{
    Q_DISABLE_COPY_MOVE(ActiveOperations)
public:
    struct Progress
    {
        qint64 id = 0;
        qint64 pairId = 0;
        double percent = -1;
        QString entity;
        QJsonObject statistics;
    };

    ActiveOperations() = default;

    // The cancel flag must outlive the entry (remove() before it goes).
    void add(qint64 id, qint64 pairId, std::atomic_bool *cancel);
    void remove(qint64 id);
    void update(qint64 id, double percent, const QString &entity, const QJsonObject &statistics);
    // Sets the entry's cancel flag, if it is still running here.
    void cancel(qint64 id);
    void cancelAll();

    QList<Progress> snapshot() const;
    int size() const;
    QJsonArray toJson() const;

private:
    struct Entry
    {
        Progress progress;
        std::atomic_bool *cancel = nullptr;
    };
    mutable QMutex m_mutex;
    QHash<qint64, Entry> m_entries;
};

} // namespace tf::syncd
