#include "runcontext.h"

#include "core/errors.h"
#include "core/eta.h"

#include <QLoggingCategory>

namespace tf::sync {

Q_DECLARE_LOGGING_CATEGORY(lcEngine) // syncrunner.cpp

void captureRunFailure(RunResult &result, const std::function<void()> &body)
{
    try {
        body();
    } catch (const RunCancelled &) {
        result.status = RunStatus::Cancelled;
    } catch (const Error &error) {
        result.status = RunStatus::Failed;
        result.error = error.message();
        result.errorCode = error.code();
    } catch (const std::exception &error) {
        result.status = RunStatus::Failed;
        result.error = QString::fromUtf8(error.what());
        result.errorCode = Error::codeFor(Error::Kind::Internal);
    }
}

RunContext::RunContext(const PairSpec &pair, const RunOptions &options, QuarantineStore &quarantine,
                       ResilientCall &source, ResilientCall &target)
    : m_pair(pair)
    , m_options(options)
    , m_quarantine(quarantine)
    , m_source(source)
    , m_target(target)
{
    m_clock.start();
}

bool RunContext::cancelRequested() const
{
    return m_options.cancel && m_options.cancel->load();
}

void RunContext::throwIfCancelled() const
{
    if (cancelRequested())
        throw RunCancelled {};
}

void RunContext::holding(qsizetype rows)
{
    m_result.maxRowsHeld = qMax(m_result.maxRowsHeld, qint64(rows));
}

void RunContext::plan(PlannedChange change)
{
    ++m_result.plannedChanges;
    if (m_result.changes.size() < m_options.changeLimit)
        m_result.changes << std::move(change);
}

void RunContext::beginEntity(const QString &name, int index, int count)
{
    m_entity = name;
    m_entityIndex = index;
    m_entityCount = count;
    m_expectedRows = SourceConnector::kUnknownRows;
    m_shownFraction = -1;
}

void RunContext::expectRows(SourceConnector &source, const ReadRequest &request,
                            const QString &cursorColumn, const std::optional<Checkpoint> &after)
{
    try {
        m_expectedRows = source.estimateRows(request, cursorColumn, after);
    } catch (const std::exception &error) {
        // Progress without a size is what every run had before: not worth failing a run for.
        qCWarning(lcEngine) << "estimating the rows of" << request.entity << "failed:" << error.what();
        m_expectedRows = SourceConnector::kUnknownRows;
    }
}

double RunContext::readFraction(qint64 rowsRead) const
{
    if (m_expectedRows < 0)
        return -1;
    return qMin(0.99, double(rowsRead) / double(qMax<qint64>(1, m_expectedRows)));
}

void RunContext::reportProgress(const EntityStats &stats, double fraction)
{
    if (!m_options.progress)
        return;
    m_shownFraction = qMax(m_shownFraction, qMin(fraction, 1.0));
    RunProgress progress;
    progress.entity = m_entity;
    progress.entityIndex = m_entityIndex;
    progress.entityCount = m_entityCount;
    if (m_shownFraction >= 0 && m_entityCount > 0)
        progress.percent = 100.0 * (m_entityIndex + m_shownFraction) / m_entityCount;
    if (progress.percent > 0)
        progress.etaSeconds = remainingSeconds(double(m_clock.elapsed()) / 1000.0, progress.percent);
    progress.entityStats = stats;
    progress.totals = m_result.totals;
    progress.totals += stats;
    m_options.progress(progress);
}

void RunContext::endEntity(const EntityStats &stats)
{
    m_result.entities.append({ m_entity, stats });
    m_result.totals += stats;
}

} // namespace tf::sync
