#pragma once

#include "pairspec.h"
#include "sync/connector.h"
#include "resilientcall.h"
#include "runtypes.h"

#include <QElapsedTimer>

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

    // Progress of the entity being run; fraction of it done, or negative when unknown. The
    // fraction shown never goes backwards within an entity (a retried read, a reconciliation
    // after a cursor read), and the run's progress carries an ETA from the rate so far.
    void beginEntity(const QString &name, int index, int count);
    void reportProgress(const EntityStats &stats, double fraction);
    void endEntity(const EntityStats &stats);

    // Asks `source` how many rows the coming read returns (SourceConnector::estimateRows);
    // a failure only leaves the size unknown. readFraction: rows read over that estimate,
    // at most 0.99 until the entity ends (the estimate may be low), or -1 when unknown.
    void expectRows(SourceConnector &source, const ReadRequest &request,
                    const QString &cursorColumn = {},
                    const std::optional<Checkpoint> &after = std::nullopt);
    double readFraction(qint64 rowsRead) const;

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
    qint64 m_expectedRows = SourceConnector::kUnknownRows;
    double m_shownFraction = -1;
    QElapsedTimer m_clock;
};

} // namespace tf::sync
