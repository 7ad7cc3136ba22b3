#pragma once

#include "pairspec.h"
#include "resilientcall.h"
#include "runtypes.h"

#include <functional>

namespace tf::sync {

class QuarantineStore;

// Unwinds a run when its cancel flag is seen between batches.
struct RunCancelled
{
};

// Runs body (a whole run); a cancel, a tf::Error or another exception ends it with that status
// and message in result instead of escaping (SyncRunner and VerifyRunner never throw).
void captureRunFailure(RunResult &result, const std::function<void()> &body);

// What every executor of one run shares: the pair, the options, the two systems' resilient
// callers, the quarantine, and the result being built.
class RunContext final
{
    Q_DISABLE_COPY_MOVE(RunContext)
public:
    RunContext(const PairSpec &pair, const RunOptions &options, QuarantineStore &quarantine,
               ResilientCall &source, ResilientCall &target);

    const PairSpec &pair() const { return m_pair; }
    const RunOptions &options() const { return m_options; }
    bool dryRun() const { return m_options.dryRun; }
    QuarantineStore &quarantine() { return m_quarantine; }
    ResilientCall &source() { return m_source; }
    ResilientCall &target() { return m_target; }
    RunResult &result() { return m_result; }

    bool cancelRequested() const;
    void throwIfCancelled() const;
    // Records how many rows or keys the engine holds at once (RunResult::maxRowsHeld).
    void holding(qsizetype rows);
    void plan(PlannedChange change);

    // Progress of the entity being run; fraction of it done, or negative when unknown.
    void beginEntity(const QString &name, int index, int count);
    void reportProgress(const EntityStats &stats, double fraction);
    void endEntity(const EntityStats &stats);

private:
    const PairSpec &m_pair;
    const RunOptions &m_options;
    QuarantineStore &m_quarantine;
    ResilientCall &m_source;
    ResilientCall &m_target;
    RunResult m_result;
    QString m_entity;
    int m_entityIndex = 0;
    int m_entityCount = 0;
};

} // namespace tf::sync
