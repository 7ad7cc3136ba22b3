#include "writerthread.h"

#include <QMutex>
#include <QThread>
#include <QWaitCondition>
#include <deque>
#include <map>
#include <vector>

namespace tf::sync {

struct WriterThread::State
{
    QMutex mutex;
    QWaitCondition changed; // a job queued, started, finished or failed, or stop
    std::deque<std::pair<quint64, Job>> queued; // (sequence number, job)
    std::map<quint64, Job> written; // written out of order, waiting for the jobs before them
    std::deque<Job> finished; // written, in submission order; `done` not yet run
    quint64 nextSequence = 0; // of the next job submitted
    quint64 nextFinished = 0; // the job whose `done` comes next
    int running = 0; // jobs being written
    std::exception_ptr thrown; // the first failed job's error, until the others have ended
    quint64 failedSequence = 0;
    std::exception_ptr error; // the failed job's error, once no job is running
    Job failedJob;
    bool failedReported = false;
    bool stop = false;
    size_t depth = 2;
    std::vector<std::unique_ptr<QThread>> threads;

    void write()
    {
        QMutexLocker lock(&mutex);
        while (true) {
            while (queued.empty() && !stop)
                changed.wait(&mutex);
            if (stop)
                return;
            auto [sequence, job] = std::move(queued.front());
            queued.pop_front();
            ++running;
            changed.wakeAll(); // a slot is free
            lock.unlock();
            std::exception_ptr failure;
            try {
                job.work();
            } catch (...) {
                failure = std::current_exception();
            }
            lock.relock();
            --running;
            if (failure && (!thrown || sequence < failedSequence)) {
                thrown = failure;
                failedSequence = sequence;
                failedJob = std::move(job);
                queued.clear(); // never written after a failed job
            } else if (!failure) {
                written.emplace(sequence, std::move(job));
            }
            // In submission order; after a failure only the jobs before the failed one.
            for (auto it = written.begin(); it != written.end() && it->first == nextFinished; it = written.erase(it)) {
                if (thrown && it->first > failedSequence)
                    break;
                finished.push_back(std::move(it->second));
                ++nextFinished;
            }
            if (thrown && running == 0) {
                // Every job that was being written has ended: those before the failed one are
                // finished, those after it were written but are never reported (as a job
                // dropped from the queue, after a crash).
                error = thrown;
                written.clear();
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

WriterThread::WriterThread(int depth, int threads)
    : m_state(std::make_unique<State>())
{
    m_state->depth = size_t(qMax(1, depth));
    for (int i = 0; i < qMax(1, threads); ++i) {
        auto thread = std::unique_ptr<QThread>(QThread::create([state = m_state.get()] { state->write(); }));
        thread->setObjectName(QStringLiteral("tf-writer"));
        thread->start();
        m_state->threads.push_back(std::move(thread));
    }
}

WriterThread::~WriterThread()
{
    waitIdle();
    {
        QMutexLocker lock(&m_state->mutex);
        m_state->stop = true;
        m_state->changed.wakeAll();
    }
    for (const std::unique_ptr<QThread> &thread : m_state->threads)
        thread->wait();
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
    // Every finished job was submitted before the failed one.
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
        m_state->waitFor(lock, [&] { return !m_state->thrown && m_state->queued.size() < m_state->depth; });
        if (!m_state->error) {
            m_state->queued.emplace_back(m_state->nextSequence++, std::move(job));
            m_state->changed.wakeAll();
            return;
        }
    }
    collect(); // rethrows the writer's error
}

void WriterThread::waitIdle()
{
    QMutexLocker lock(&m_state->mutex);
    m_state->waitFor(lock, [&] { return m_state->queued.empty() && m_state->running == 0; });
}

void WriterThread::drain()
{
    waitIdle();
    collect();
}

} // namespace tf::sync
