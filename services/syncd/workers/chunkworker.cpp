#include "chunkworker.h"

#include "chunkrun.h"
#include "core/errors.h"
#include "failureclass.h"
#include "sync/engine/chunkedload.h"
#include "sync/engine/chunksource.h"
#include "sync/engine/syncrunner.h"
#include "sync/queue/operationqueue.h"
#include "sync/runtime/pairruntime.h"

namespace tf::syncd {

namespace {

// The ChunkedLoad of a chunk worker's run: exactly its one chunk.
class OneChunk final : public sync::ChunkedLoad
{
public:
    OneChunk(const sync::ChunkRecord &chunk, ChunkLease &lease)
        : m_chunk(chunk)
        , m_lease(lease)
    { }

    bool load(sync::RunContext &context, const sync::EntityPlan &plan, sync::ChangeMode,
              sync::SourceConnector &source, sync::TargetConnector &target,
              sync::StateRoute &state, sync::EntityStats &stats) override
    {
        auto *chunks = dynamic_cast<sync::ChunkSource *>(&source);
        if (!chunks)
            throw Error(Error::Kind::Internal,
                        QStringLiteral("the source of %1 can no longer be read in chunks")
                            .arg(m_chunk.entity));
        stats = runClaimedChunk(context, plan, *chunks, target, state, m_chunk, m_lease, {});
        done = stats;
        return true;
    }

    sync::EntityStats done;

private:
    const sync::ChunkRecord &m_chunk;
    ChunkLease &m_lease;
};

void logLine(db::Database &control, qint64 operationId, const QString &line)
{
    try {
        sync::OperationQueue(control).appendLog(operationId, line);
    } catch (const Error &error) {
        qCWarning(lcChunks, "operation %lld: could not write '%s': %s",
                  static_cast<long long>(operationId), qPrintable(line), qPrintable(error.message()));
    }
}

} // namespace

ChunkWorker::ChunkWorker(Context context)
    : m_context(std::move(context))
{ }

void ChunkWorker::run(const sync::ChunkRecord &chunk)
{
    sync::ChunkQueue queue(m_context.control);
    const QString &node = m_context.nodeId;
    logLine(m_context.control, chunk.operationId, chunkStartLine(chunk, node));
    ChunkLease lease { queue, node, m_context.settings.lease, m_context.stopping };
    OneChunk load(chunk, lease);
    std::atomic_bool cancel { false };
    sync::RunResult result;
    try {
        auto runtime = sync::PairRuntime::open(m_context.control, m_context.secrets,
                                               QString::number(chunk.pairId));
        sync::PairSpec spec = runtime->spec;
        spec.entities.clear();
        for (const sync::EntitySpec &entity : std::as_const(runtime->spec.entities)) {
            if (entity.name == chunk.entity)
                spec.entities << entity;
        }
        if (spec.entities.isEmpty())
            throw Error(Error::Kind::Validation,
                        QStringLiteral("the pair no longer has the entity %1").arg(chunk.entity));
        sync::RunOptions options;
        options.operationId = chunk.operationId;
        options.forceFull = true; // planned as full mode plans it
        options.cancel = &cancel;
        if (m_context.stopping.load())
            cancel.store(true);
        sync::SyncRunner runner(spec, *runtime->source, *runtime->target, *runtime->quarantine,
                                runtime->detachedState());
        runner.setChunkedLoad(&load);
        result = runner.run(options);
    } catch (const Error &error) {
        result.status = sync::RunStatus::Failed;
        result.error = error.message();
        result.errorCode = error.code();
    }

    try {
        switch (result.status) {
        case sync::RunStatus::Completed:
        case sync::RunStatus::CompletedWithErrors:
            queue.finish(chunk, node, load.done);
            logLine(m_context.control, chunk.operationId,
                    QStringLiteral("%1 done on node %2: %3 rows").arg(chunk.describe(), node).arg(load.done.read));
            return;
        case sync::RunStatus::Cancelled:
            // The lease was lost (someone else has it now) or the node is stopping: hand it
            // back untouched; its checkpoint says where the next worker goes on.
            queue.release(chunk, node, std::chrono::milliseconds(0), QString(), false);
            return;
        case sync::RunStatus::Failed: {
            const FailureClass failure = classifyFailure(result.errorCode, result.error);
            const bool again = failure == FailureClass::Transient
                && chunk.attempt < m_context.settings.maxAttempts && !m_context.stopping.load();
            const auto delay = again ? retryDelay(chunk.attempt, m_context.settings.retryBase,
                                                  m_context.settings.retryMax)
                                     : std::chrono::milliseconds(0);
            queue.release(chunk, node, delay, result.error, !again);
            logLine(m_context.control, chunk.operationId,
                    QStringLiteral("%1 failed on node %2 (%3)%4: %5")
                        .arg(chunk.describe(), node, failureClassName(failure),
                             again ? QStringLiteral(", tried again later") : QString(), result.error));
            return;
        }
        }
    } catch (const Error &error) {
        // The lease runs out and the chunk is claimed again.
        qCWarning(lcChunks, "%s: recording the outcome failed: %s", qPrintable(chunk.describe()),
                  qPrintable(error.message()));
    }
}

} // namespace tf::syncd
