#include "chunkcoordinator.h"

#include "core/errors.h"
#include "db/repositories/servicenoderepository.h"
#include "sync/engine/batchpipeline.h"
#include "sync/engine/chunkexecutor.h"
#include "sync/engine/chunksource.h"
#include "sync/engine/entityplan.h"
#include "sync/engine/runcontext.h"
#include "sync/engine/stateroute.h"

#include <QThread>
#include <algorithm>
#include <cmath>

namespace tf::syncd {

namespace {

constexpr int kMaxChunks = 1000;

QList<sync::KeyRange> rangesBetween(const QStringList &splits)
{
    QList<sync::KeyRange> ranges;
    std::optional<QString> from;
    for (const QString &split : splits) {
        ranges << sync::KeyRange { from, split };
        from = split;
    }
    ranges << sync::KeyRange { from, std::nullopt };
    return ranges;
}

} // namespace

ChunkCoordinator::ChunkCoordinator(db::Database &control, qint64 operationId, QString nodeId,
                                   const WorkerSettings &settings, const std::atomic_bool &stopping,
                                   std::function<void(const QString &)> log)
    : m_control(control)
    , m_operationId(operationId)
    , m_nodeId(std::move(nodeId))
    , m_settings(settings)
    , m_stopping(stopping)
    , m_log(std::move(log))
{ }

bool ChunkCoordinator::chunksCanOverlap(int workersPerPair) const
{
    if (workersPerPair < 2)
        return false;
    if (m_settings.workers > 1)
        return true;
    // One worker here: the other workers would have to be on other live nodes.
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QList<db::ServiceNodeRecord> nodes = db::ServiceNodeRepository(m_control).list();
    return std::any_of(nodes.cbegin(), nodes.cend(), [&](const db::ServiceNodeRecord &node) {
        return node.service == QLatin1String("tf-syncd") && node.nodeId != m_nodeId
            && node.statusAt(now) == QLatin1String("running");
    });
}

bool ChunkCoordinator::planChunks(sync::RunContext &context, const sync::EntityPlan &plan,
                                  sync::ChangeMode mode, sync::SourceConnector &source,
                                  sync::TargetConnector &target, sync::StateRoute &state)
{
    auto *chunks = dynamic_cast<sync::ChunkSource *>(&source);
    auto *ranges = dynamic_cast<sync::RangeChecksums *>(&source);
    if (!chunks || !ranges || m_settings.chunkRows <= 0 || mode == sync::ChangeMode::Cursor)
        return false;
    if (!chunksCanOverlap(context.pair().workersPerPair))
        return false;
    const sync::ReadRequest request = plan.readRequest(context.pair().batchSize);
    bool qualifies = false;
    qint64 stored = 0;
    qint64 estimate = 0;
    QStringList splits;
    context.source().call(QStringLiteral("sizing %1").arg(plan.spec.sourceEntity), [&] {
        if (!chunks->chunksBy(request))
            return;
        stored = state.store().count(context.pair().pairId, plan.spec.name);
        // A hash run of an entity with state compares; only a first one loads everything.
        if (mode != sync::ChangeMode::Full && stored > 0)
            return;
        estimate = chunks->estimateRows(plan.spec.sourceEntity);
        if (estimate < m_settings.chunkRows)
            return;
        const int workers = context.pair().workersPerPair;
        const qint64 wanted = qint64(std::ceil(double(estimate) / double(m_settings.chunkRows)));
        const int parts = int(std::clamp<qint64>(wanted, qMax(2, workers), kMaxChunks));
        splits = ranges->splitPoints(request, sync::KeyRange {}, parts);
        qualifies = !splits.isEmpty();
    });
    if (!qualifies)
        return false;
    sync::ChunkQueue::Plan chunkPlan;
    context.target().call(QStringLiteral("looking into %1").arg(plan.spec.targetEntity),
                          [&] { chunkPlan.targetEmpty = target.isEmpty(plan.spec.targetEntity); });
    chunkPlan.entity = plan.spec.name;
    chunkPlan.ranges = rangesBetween(splits);
    chunkPlan.estimate = estimate;
    chunkPlan.maxWorkers = context.pair().workersPerPair;
    chunkPlan.sweep = stored > 0; // nothing to delete when the state knew of no row
    sync::ChunkQueue(m_control).plan(m_operationId, chunkPlan);
    m_log(QStringLiteral("entity %1: about %2 rows in %3 key-range chunks, up to %4 at once%5")
              .arg(plan.spec.name)
              .arg(estimate)
              .arg(chunkPlan.ranges.size())
              .arg(chunkPlan.maxWorkers)
              .arg(chunkPlan.sweep ? QStringLiteral(", then a sweep for deletes")
                   : chunkPlan.targetEmpty ? QStringLiteral(", into an empty target")
                                           : QString()));
    return true;
}

bool ChunkCoordinator::load(sync::RunContext &context, const sync::EntityPlan &plan,
                            sync::ChangeMode mode, sync::SourceConnector &source,
                            sync::TargetConnector &target, sync::StateRoute &state,
                            sync::EntityStats &stats)
{
    auto *chunkSource = dynamic_cast<sync::ChunkSource *>(&source);
    if (!chunkSource)
        return false;
    sync::ChunkQueue queue(m_control);
    sync::ChunkSummary summary = queue.summary(m_operationId, plan.spec.name);
    if (summary.total == 0) {
        if (!planChunks(context, plan, mode, source, target, state))
            return false;
    } else if (const int again = queue.requeueFailed(m_operationId, plan.spec.name); again > 0) {
        m_log(QStringLiteral("entity %1: %2 failed chunk(s) queued again").arg(plan.spec.name).arg(again));
    } else {
        m_log(QStringLiteral("entity %1: going on with its %2 chunks (%3 done)")
                  .arg(plan.spec.name)
                  .arg(summary.total)
                  .arg(summary.done));
    }

    ChunkLease lease { queue, m_nodeId, m_settings.lease, m_stopping };
    // After each batch of a chunk run here: the whole operation's progress, from every chunk.
    const auto progress = [&](const sync::EntityStats &) {
        const sync::ChunkSummary now = queue.summary(m_operationId, plan.spec.name);
        context.reportProgress(now.stats, now.fraction());
    };
    const unsigned long idle = static_cast<unsigned long>(
        std::clamp<qint64>(m_settings.pollInterval.count(), 50, 500));
    for (;;) {
        context.throwIfCancelled();
        if (m_stopping.load())
            throw sync::RunCancelled {};
        if (const std::optional<sync::ChunkRecord> chunk
            = queue.claim(m_nodeId, m_settings.lease, m_operationId)) {
            m_log(chunkStartLine(*chunk, m_nodeId));
            try {
                const sync::EntityStats done
                    = runClaimedChunk(context, plan, *chunkSource, target, state, *chunk, lease, progress);
                queue.finish(*chunk, m_nodeId, done);
                m_log(QStringLiteral("%1 done on node %2: %3 rows").arg(chunk->describe(), m_nodeId).arg(done.read));
            } catch (...) {
                // Handed back at once (not failed): the operation's own failure handling
                // decides whether it is tried again.
                try {
                    queue.release(*chunk, m_nodeId, std::chrono::milliseconds(0), QString(), false);
                } catch (const Error &) {
                    // Its lease runs out instead.
                }
                throw;
            }
            continue;
        }
        summary = queue.summary(m_operationId, plan.spec.name);
        if (summary.failed > 0)
            throw Error(Error::Kind::Internal,
                        QStringLiteral("a chunk of %1 failed: %2").arg(plan.spec.name, summary.error));
        if (summary.done == summary.total)
            break;
        context.reportProgress(summary.stats, summary.fraction());
        QThread::msleep(idle);
    }
    stats = summary.stats;
    if (summary.sweep) {
        sync::BatchPipeline pipeline(context, plan, target, state, stats);
        sync::ChunkExecutor::sweep(context, plan, source, state, pipeline);
    }
    m_log(QStringLiteral("entity %1: all %2 chunks done").arg(plan.spec.name).arg(summary.total));
    return true;
}

} // namespace tf::syncd
