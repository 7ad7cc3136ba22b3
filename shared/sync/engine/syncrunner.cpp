#include "syncrunner.h"

#include "batchpipeline.h"
#include "changetrackingexecutor.h"
#include "chunkedload.h"
#include "core/errors.h"
#include "core/jsonutil.h"
#include "cursorexecutor.h"
#include "entityplan.h"
#include "fullexecutor.h"
#include "hashexecutor.h"
#include "quarantinestore.h"
#include "runcontext.h"
#include "targetcheck.h"

#include <QLoggingCategory>

namespace tf::sync {

Q_LOGGING_CATEGORY(lcEngine, "sync.engine")

SyncRunner::SyncRunner(PairSpec pair, SourceConnector &source, TargetConnector &target,
                       QuarantineStore &quarantine, DetachedStateStore controlState)
    : m_pair(std::move(pair))
    , m_source(source)
    , m_target(target)
    , m_quarantine(quarantine)
    , m_controlState(std::move(controlState))
    , m_validators(defaultValidatorFactory())
{ }

SyncRunner::~SyncRunner() = default;

void SyncRunner::setBreakers(std::shared_ptr<CircuitBreaker> source,
                             std::shared_ptr<CircuitBreaker> target)
{
    m_sourceBreaker = std::move(source);
    m_targetBreaker = std::move(target);
}

RunResult SyncRunner::run(const RunOptions &options)
{
    auto &registry = CircuitBreakerRegistry::instance();
    ResilientCall source(m_retry,
                         m_sourceBreaker ? m_sourceBreaker : registry.breaker(m_pair.sourceSystem),
                         m_sleeper);
    ResilientCall target(m_retry,
                         m_targetBreaker ? m_targetBreaker : registry.breaker(m_pair.targetSystem),
                         m_sleeper);
    RunContext context(m_pair, options, m_quarantine, source, target);
    RunResult &result = context.result();
    captureRunFailure(result, [&] {
        // A dry run first checks the target as the real run will use it (failing with every
        // problem listed); a real run meets the same problems at its first write.
        if (!options.dryRun || checkTargetFirst(context)) {
            for (int i = 0; i < m_pair.entities.size(); ++i) {
                context.throwIfCancelled();
                runEntity(context, m_pair.entities.at(i), i);
            }
            result.status = result.totals.quarantined > 0 ? RunStatus::CompletedWithErrors
                                                          : RunStatus::Completed;
        }
    });
    result.retries = source.retries() + target.retries();
    qCInfo(lcEngine).noquote() << "pair" << m_pair.pairId << runStatusName(result.status)
                               << QString::fromUtf8(json::compact(result.totals.toJson()))
                               << result.error;
    return result;
}

bool SyncRunner::checkTargetFirst(RunContext &context)
{
    QList<TargetProblem> problems;
    context.target().call(QStringLiteral("checking the target"),
                          [&] { problems = checkTarget(m_pair, m_source, m_target); });
    if (problems.isEmpty())
        return true;
    RunResult &result = context.result();
    result.status = RunStatus::Failed;
    result.targetProblems = problems;
    QStringList messages;
    for (const TargetProblem &problem : problems)
        messages << problem.message;
    result.error = QStringLiteral("the target is not ready, the real run would fail: %1 problem(s): %2")
                       .arg(problems.size())
                       .arg(messages.join(QStringLiteral("; ")));
    result.errorCode = Error::codeFor(Error::Kind::Validation);
    qCInfo(lcEngine).noquote() << "pair" << m_pair.pairId << "dry run:" << result.error;
    return false;
}

void SyncRunner::runEntity(RunContext &context, const EntitySpec &spec, int index)
{
    context.beginEntity(spec.name, index, int(m_pair.entities.size()));
    EntityStats stats;
    bool begun = false;
    std::unique_ptr<StateRoute> state;
    try {
        // A target rewritten whole each run (a file) needs every row every run.
        const ChangeMode mode = context.options().forceFull || m_target.rewritesEntity()
            ? ChangeMode::Full
            : spec.mode;
        // Reach each system through its breaker first: a system that is down counts against
        // its own breaker (and an open breaker fails fast) before any planning is done.
        context.source().call(QStringLiteral("describing %1").arg(spec.sourceEntity),
                              [&] { m_source.describe(spec.sourceEntity); });
        context.target().call(QStringLiteral("describing %1").arg(spec.targetEntity),
                              [&] { m_target.describe(spec.targetEntity); });
        // Change Tracking's first load and resyncs store the version they started from, so
        // they are never split into chunks.
        const bool changeTracking = mode == ChangeMode::Cursor && spec.changeTracking;
        const EntityPlan plan = planEntity(spec, mode, m_source, m_target, m_validators);
        state = std::make_unique<StateRoute>(m_target, m_controlState);
        if (!context.dryRun()) {
            context.target().call(QStringLiteral("starting %1").arg(spec.targetEntity), [&] {
                m_target.beginEntity(spec.targetEntity, plan.targetSchema, spec.targetKey);
            });
            begun = true;
        }
        const bool chunked = !changeTracking && m_chunked && begun && state->stateTravelsWithData()
            && m_chunked->load(context, plan, mode, m_source, m_target, *state, stats);
        if (!chunked) {
            BatchPipeline pipeline(context, plan, m_target, *state, stats);
            switch (mode) {
            case ChangeMode::Hash:
                HashExecutor(context, plan, m_source, *state, pipeline, stats).run({});
                break;
            case ChangeMode::Cursor:
                if (changeTracking)
                    ChangeTrackingExecutor(context, plan, m_source, *state, pipeline, stats).run();
                else
                    CursorExecutor(context, plan, m_source, *state, pipeline, stats).run();
                break;
            case ChangeMode::Full:
                FullExecutor(context, plan, m_source, *state, pipeline, stats).run();
                break;
            }
            // Full and hash runs leave state for every source row written: rows that a run
            // stopped between data and state wrote and that no state names now are settled.
            // (A cursor run reads only changes: such rows may be unchanged, so it waits.)
            if (mode != ChangeMode::Cursor)
                pipeline.settlePending();
        }
        if (begun) {
            begun = false;
            state->finish(spec.targetEntity, true);
        }
    } catch (...) {
        if (begun) {
            try {
                state->finish(spec.targetEntity, false);
            } catch (const std::exception &error) {
                qCWarning(lcEngine) << "ending entity" << spec.name
                                    << "after a failure failed too:" << error.what();
            }
        }
        context.endEntity(stats);
        throw;
    }
    context.reportProgress(stats, 1.0);
    context.endEntity(stats);
}

} // namespace tf::sync
