#pragma once

#include <QtGlobal>

#include <condition_variable>
#include <mutex>
#include <thread>

namespace tf::db {
class Database;
}

namespace tf::tfctl {

// Keeps the lease of an operation tfctl runs itself alive while it lasts (a long read may
// report no progress for minutes), so no tf-syncd node takes it for abandoned. Stops and
// joins on destruction.
class LeaseKeeper final
{
    Q_DISABLE_COPY_MOVE(LeaseKeeper)
public:
    LeaseKeeper(db::Database &control, qint64 operationId);
    ~LeaseKeeper();

private:
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_done = false;
    std::thread m_thread;
};

} // namespace tf::tfctl
