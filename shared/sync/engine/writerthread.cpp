#include "writerthread.h"

#include <QMutex>
#include <QThread>
#include <QWaitCondition>
#include <deque>

namespace tf::sync {

struct WriterThread::State
{
    QMutex mutex;
    QWaitCondition changed; // a job queued, finished or failed, or stop
    std::deque<Job> queued;
    std::deque<Job> finished; // written; `done` not yet run
    std::exception_ptr error;
    Job failedJob;
    bool failedReported = false;
    bool busy = false; // a job is being written
    bool stop = false;
    size_t depth = 2;
    std::unique_ptr<QThread> thread;

    void write()
    {
        QMutexLocker lock(&mutex);
        while (true) {
            while (queued.empty() && !stop)
                changed.wait(&mutex);
            if (stop)
                return;
            Job job = std::move(queued.front());
            queued.pop_front();
            busy = true;
            changed.wakeAll(); // a slot is free
            lock.unlock();
            std::exception_ptr thrown;
            try {
                job.work();
            } catch (...) {
                thrown = std::current_exception();
            }
            lock.relock();
            busy = false;
            if (thrown) {
                error = thrown;
                failedJob = std::move(job);
                queued.clear(); // never written after a failed job
            } else {
                finished.push_back(std::move(job));
            }
            changed.wakeAll();
        }
    }

    // Caller's side: waits with the lock held until `until` holds or the writer failed.
    template<typename Predicate> void waitFor(QMutexLocker<QMutex> &lock, Predicate until)
    {
        Q_UNUSED(lock);
        while (!error && !until())
            changed.wait(&mutex);
    }
};

WriterThread::WriterThread(int depth)
    : m_state(std::make_unique<State>())
{
    m_state->depth = size_t(qMax(1, depth));
    m_state->thread.reset(QThread::create([state = m_state.get()] { state->write(); }));
    m_state->thread->setObjectName(QStringLiteral("tf-writer"));
    m_state->thread->start();
}

WriterThread::~WriterThread()
{
    waitIdle();
    {
        QMutexLocker lock(&m_state->mutex);
        m_state->stop = true;
        m_state->changed.wakeAll();
    }
    m_state->thread->wait();
}

void WriterThread::collect()
{
    std::deque<Job> finished;
    std::exception_ptr error;
    Job failed;
    {
        QMutexLocker lock(&m_state->mutex);
        finished.swap(m_state->finished);
        error = m_state->error;
        if (error && !m_state->failedReported) {
            m_state->failedReported = true;
            failed = std::move(m_state->failedJob);
        }
    }
    // Every finished job was written before the failed one.
    for (Job &job : finished) {
        if (job.done)
            job.done();
    }
    if (!error)
        return;
    if (failed.failed)
        failed.failed();
    std::rethrow_exception(error);
}

void WriterThread::submit(Job job)
{
    collect();
    {
        QMutexLocker lock(&m_state->mutex);
        m_state->waitFor(lock, [&] { return m_state->queued.size() < m_state->depth; });
        if (!m_state->error) {
            m_state->queued.push_back(std::move(job));
            m_state->changed.wakeAll();
            return;
        }
    }
    collect(); // rethrows the writer's error
}

void WriterThread::waitIdle()
{
    QMutexLocker lock(&m_state->mutex);
    m_state->waitFor(lock, [&] { return m_state->queued.empty() && !m_state->busy; });
}

void WriterThread::drain()
{
    waitIdle();
    collect();
}

} // namespace tf::sync
