#pragma once

#include "common/router.h"

#include <QObject>
#include <QThreadPool>
#include <functional>

namespace tf::syncd {

// Runs the work of an asynchronous route (connecting to external systems, replaying rows)
// on a small thread pool and answers on the HTTP thread, so a slow system never stalls the
// event loop. Each pool thread gets its own control-database connection (tf::db::Database is
// per-thread). A tf::Error thrown by the work becomes the usual JSON error answer.
class BackgroundJobs final
{
    Q_DISABLE_COPY_MOVE(BackgroundJobs)
public:
    explicit BackgroundJobs(int maxThreads = 4);
    // Waits for running jobs (bounded by the connectors' timeouts); their answers are dropped.
    ~BackgroundJobs();

    using Work = std::function<http::ApiResponse()>;
    // Call on the HTTP thread.
    void run(const http::ApiRequest &request, http::Router::Reply reply, Work work);

    // Waits until every job has finished (tests).
    void waitForDone() { m_pool.waitForDone(); }

private:
    QObject m_context; // lives on the HTTP thread; answers are queued to it
    QThreadPool m_pool; // declared after m_context: destroyed (and drained) first
};

} // namespace tf::syncd
