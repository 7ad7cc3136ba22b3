#pragma once

#include <QtGlobal>
#include <exception>
#include <functional>
#include <memory>

namespace tf::sync {

// Writes on its own thread(s) while the caller's thread reads and transforms: each job's `work`
// runs on a writer thread (so a database write there uses that thread's own connection,
// closed when the thread ends), started in the order submitted; its `done` then runs on the
// caller's thread, in the order submitted, from submit(), collect() or drain(). With one
// thread the jobs are also written one after the other in that order; with `threads` > 1 up
// to that many are written at once (each on its own connection, each its own transaction), so
// a later job can commit before an earlier one. At most `depth` jobs wait behind the ones being
// written: submit() blocks while the queue is full, so memory stays bounded.
//
// A job that throws stops the writer: the jobs queued behind it are dropped, never run. The
// jobs being written on other threads meanwhile end first; the `done` of every job submitted
// before the failed one runs, then its `failed`, on the caller's thread, and the error is
// rethrown there, unchanged, by the next submit(), collect() or drain(). A job submitted after
// the failed one that was already being written is never reported (as after a crash: the
// caller's pending list, or state written with the rows, accounts for it). The destructor
// lets the writer finish the jobs queued (without running their `done`: a caller unwinding
// from its own error writes what it had handed over, as it would have without the thread, but
// records nothing about it) and joins the threads: no write runs on behind the caller.
class WriterThread final
{
    Q_DISABLE_COPY_MOVE(WriterThread)
public:
    struct Job
    {
        std::function<void()> work; // writer thread
        std::function<void()> done; // caller's thread, after work returned
        std::function<void()> failed; // caller's thread, after work threw
    };

    explicit WriterThread(int depth = 2, int threads = 1);
    ~WriterThread();

    // Queues a job; blocks while `depth` jobs wait. Runs the `done` of finished jobs first, and
    // rethrows a writer error (then the job is not queued).
    void submit(Job job);
    // Runs the `done` of the jobs finished so far; rethrows a writer error.
    void collect();
    // Waits until every job submitted has been written, then collect().
    void drain();
    // Waits until the writer has nothing queued or running (every job before it committed or
    // failed, on every thread), without running any `done`: for a caller that must read what
    // those jobs wrote.
    void waitIdle();

private:
    struct State;
    std::unique_ptr<State> m_state;
};

} // namespace tf::sync
