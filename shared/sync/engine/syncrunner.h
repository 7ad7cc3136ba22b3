#pragma once

#include "batchvalidator.h"
#include "circuitbreaker.h"
#include "pairspec.h"
#include "retrypolicy.h"
#include "runtypes.h"
#include "stateroute.h"
#include "sync/connector.h"

#include <memory>

namespace tf::sync {

class ChunkedLoad;
class QuarantineStore;
class RunContext;

// Runs one sync pair once (DESIGN.md section 4). For each entity, in dependency order:
// plan (describe both sides, compile mapping and validation, pick the state store and the
// mode) and hand it to the mode's executor (HashExecutor, CursorExecutor, FullExecutor),
// which streams batches through one BatchPipeline: transform, validate, quarantine, apply
// with the state in the same ChangeBatch, progress.
//
// The state store is target.stateStore() for a transactional target; otherwise the
// control database's store given here, written after target.endEntity(true) (StateRoute).
// Calls to each system go through its circuit breaker (CircuitBreakerRegistry, by system
// id) and the retry policy. Errors end the run as `failed`; everything applied before
// stays consistent because state and checkpoints commit with the data, which is also why
// a run after a crash needs no recovery step: it simply converges.
class SyncRunner final
{
    Q_DISABLE_COPY_MOVE(SyncRunner)
public:
    SyncRunner(PairSpec pair, SourceConnector &source, TargetConnector &target,
               QuarantineStore &quarantine, DetachedStateStore controlState = {});
    ~SyncRunner();

    void setValidatorFactory(ValidatorFactory factory) { m_validators = std::move(factory); }
    void setRetryPolicy(RetryPolicy policy) { m_retry = policy; }
    void setSleeper(Sleeper sleeper) { m_sleeper = std::move(sleeper); }
    // Loads entities in key-range chunks where it decides to (chunkedload.h); not owned.
    void setChunkedLoad(ChunkedLoad *load) { m_chunked = load; }
    // Default: CircuitBreakerRegistry::instance().breaker(pair.sourceSystem / targetSystem).
    void setBreakers(std::shared_ptr<CircuitBreaker> source,
                     std::shared_ptr<CircuitBreaker> target);

    // Never throws for a failure of the sync itself: it is reported in the result.
    RunResult run(const RunOptions &options = {});

private:
    // Dry run: checks the target as the real run would use it (targetcheck.h); false, with
    // the result failed and every problem listed, when it cannot take the writes.
    bool checkTargetFirst(RunContext &context);
    void runEntity(RunContext &context, const EntitySpec &spec, int index);

    PairSpec m_pair;
    SourceConnector &m_source;
    TargetConnector &m_target;
    QuarantineStore &m_quarantine;
    DetachedStateStore m_controlState;
    ValidatorFactory m_validators;
    RetryPolicy m_retry;
    Sleeper m_sleeper;
    std::shared_ptr<CircuitBreaker> m_sourceBreaker;
    std::shared_ptr<CircuitBreaker> m_targetBreaker;
    ChunkedLoad *m_chunked = nullptr;
};

} // namespace tf::sync
