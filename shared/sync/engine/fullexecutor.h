#pragma once

#include "batchpipeline.h"

#include <functional>

namespace tf::sync {

class StateRoute;
class WriterThread;

// Full mode: every source row is written again (an idempotent upsert) with its state, and
// target rows whose source rows are gone are deleted. One pass: each readAll batch is
// staged and written; the diff afterwards then differs only by the keys stored but not
// staged, i.e. the deletes. Where the state store stages next to the state (a PostgreSQL
// target), the batches go without state: each committed batch's (key, hash, target key) is
// staged, and the state is written once, set-based, after the last batch committed (it
// lags the data, never leads it). There the batches are written on a thread of their own
// (WriterThread, its own target connection, at most 2 batches queued) while the next ones are
// read and transformed; each batch's state is staged on this thread once it has committed. A target
// with no rows at the start is filled by plain inserts (ChangeBatch::intoEmpty) until a read
// restarts. The stored state is never cleared up front: every surviving row's state is overwritten
// anyway, and a crash after a clear would lose the knowledge of which target rows to delete.
// The batches written ahead of their state list their target keys in the target
// (BatchPipeline::setPendingRun, tf_sync_pending): a run killed before its state leaves that
// list, and the next full or hash run settles it (BatchPipeline::settlePending). Target rows
// no run of the pair ever wrote are never deleted.
// A first load (no state for the pair's entity when the run begins, and a store that can:
// FirstLoads) stages nothing: each batch carries its rows' state and commits it with them, so
// nothing is written ahead of its state (no pending list) and nothing is left to write after
// the last batch. Its batches are written by two writer threads at once (kFirstLoadWriters),
// each batch its own transaction: one may commit before the batch ahead of it, and a run
// stopped or killed leaves batches that each have all their rows and state. A read that restarts goes on the usual way from there (with the diff at the
// end, since the first attempt's rows have state).
class FullExecutor final
{
public:
    FullExecutor(RunContext &context, const EntityPlan &plan, SourceConnector &source,
                 StateRoute &state, BatchPipeline &pipeline, EntityStats &stats);

    void run();
    // Called with each batch of rows as read (conformed), before it is written: a cursor
    // pair's first run loads in full and takes its checkpoint from the rows (CursorExecutor).
    void observeRows(std::function<void(const QList<Row> &)> observer) { m_observer = std::move(observer); }

private:
    bool targetEmpty();
    void stageBatch(const QList<Row> &rows, const QList<QByteArray> &sourceHashes);
    void stageWritten(const QList<StateEntry> &written, const QList<Row> &rows,
                      const QList<QByteArray> &hashes);
    static QList<QByteArray> hashesOf(const QList<QPair<QString, QByteArray>> &keyHashes);

    RunContext &m_context;
    const EntityPlan &m_plan;
    SourceConnector &m_source;
    StateRoute &m_state;
    BatchPipeline &m_pipeline;
    EntityStats &m_stats;
    std::function<void(const QList<Row> &)> m_observer;
    bool m_stagedState = false;
    bool m_firstLoad = false; // batches carry their state (FirstLoads)
    WriterThread *m_writer
        = nullptr; // during the read, where batches are written on their own thread
    static constexpr int kWriteQueueDepth = 2; // batches waiting for the writer, as for the reader
    static constexpr int kFirstLoadWriters = 2; // threads (connections) writing a first load's batches
};

} // namespace tf::sync
