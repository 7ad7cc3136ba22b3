#pragma once

#include "db/databaseurl.h"

#include <QThread>
#include <functional>
#include <memory>

namespace tf::syncd {

// Wakes this node's workers when any node enqueues an operation, on PostgreSQL: the queue
// sends NOTIFY on OperationQueue::kQueuedChannel in the enqueue's transaction, and this
// LISTENs on a connection of its own, in a thread of its own (an outage never blocks the HTTP
// thread). Without it, only the node that enqueued woke at once and the others claimed at
// their next poll, so the work did not spread. After a lost connection it listens again within
// kCheckIntervalMs and wakes the workers once for what it may have missed. Nothing on SQLite
// (one node; OperationQueue's in-process listener covers it).
class QueueNotifications final
{
    Q_DISABLE_COPY_MOVE(QueueNotifications)
public:
    static constexpr int kCheckIntervalMs = 5000;

    QueueNotifications(db::DatabaseUrl url, std::function<void()> wake);
    ~QueueNotifications();
    void start();

private:
    db::DatabaseUrl m_url;
    std::function<void()> m_wake;
    QThread m_thread;
    std::unique_ptr<QObject> m_context; // lives in m_thread
};

} // namespace tf::syncd
