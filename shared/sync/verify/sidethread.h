#pragma once

#include <QThreadPool>

#include <future>
#include <memory>

namespace tf::sync {

// One long-lived thread that runs the source side's queries of a verify while the calling
// thread runs the target's, so both databases work at once. Connections are per thread, so
// keeping the thread (instead of one per call) keeps the source's connection open too.
class SideThread final
{
    Q_DISABLE_COPY_MOVE(SideThread)
public:
    SideThread()
    {
        m_pool.setMaxThreadCount(1);
        m_pool.setExpiryTimeout(-1);
    }
    ~SideThread() { m_pool.waitForDone(); }

    template<typename F> auto run(F work) -> std::future<decltype(work())>
    {
        auto task = std::make_shared<std::packaged_task<decltype(work())()>>(std::move(work));
        auto future = task->get_future();
        m_pool.start([task] { (*task)(); });
        return future;
    }

private:
    QThreadPool m_pool;
};

} // namespace tf::sync
