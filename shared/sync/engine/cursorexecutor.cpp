#include "cursorexecutor.h"

#include "fullexecutor.h"
#include "hashexecutor.h"
#include "stateroute.h"
#include "sync/connectors/filevalues.h"

#include <QLoggingCategory>
#include <algorithm>

namespace tf::sync {

namespace {

Q_LOGGING_CATEGORY(lcCursor, "sync.cursor")

QString runsEntity(const QString &entity)
{
    return entity + QStringLiteral("#runs");
}

// The cursor types whose order the engine knows as the source does: integers and times. (A
// text or decimal cursor's order is the source's collation or number rules.)
bool orderedHere(ValueType type)
{
    switch (type) {
    case ValueType::Integer:
    case ValueType::Date:
    case ValueType::Timestamp:
    case ValueType::TimestampTz:
        return true;
    default:
        return false;
    }
}

// Whether the engine can place `value` among cursor values of `type` (orderedHere): a number,
// a readable time.
bool orderable(const QVariant &value, ValueType type)
{
    if (type != ValueType::Integer)
        return timeValueOf(value, type).isValid();
    bool ok = false;
    value.toLongLong(&ok);
    return ok;
}

} // namespace

CursorExecutor::CursorExecutor(RunContext &context, const EntityPlan &plan, SourceConnector &source,
                               StateRoute &state, BatchPipeline &pipeline, EntityStats &stats)
    : m_context(context)
    , m_plan(plan)
    , m_source(source)
    , m_state(state)
    , m_pipeline(pipeline)
    , m_stats(stats)
{ }

void CursorExecutor::run()
{
    const QString &pairId = m_context.pair().pairId;
    std::optional<Checkpoint> position = m_state.store().checkpoint(pairId, m_plan.spec.name);
    ReadRequest request = m_plan.readRequest(m_context.pair().batchSize);
    // State hashes from the source when it computes them: what hash mode and the key
    // reconciliation below compare.
    request.withSourceHashes = m_source.hashesAtSource();
    // Asked before the read: a transaction open now may still commit rows below what the
    // read will see, so the checkpoint stops short of its start (the safe horizon).
    CursorHorizon horizon;
    m_context.source().call(
        QStringLiteral("finding the safe horizon of %1").arg(m_plan.spec.sourceEntity),
        [&] { horizon = m_source.cursorHorizon(request.entity, m_plan.spec.cursorColumn); });
    if (!position && loadsInFull(horizon)) {
        loadInFull(horizon);
        return;
    }
    m_context.expectRows(m_source, request, m_plan.spec.cursorColumn, position);
    // A retried read resumes after the last batch applied: `position` moves with each one.
    m_context.source().call(
        QStringLiteral("reading %1 since its checkpoint").arg(m_plan.spec.sourceEntity), [&] {
            m_source.readSince(
                request, m_plan.spec.cursorColumn, position, downstream([&](const RowBatch &batch) {
                    const QList<Row> rows = m_plan.conform(batch);
                    if (rows.isEmpty())
                        return !m_context.cancelRequested();
                    const std::optional<Checkpoint> last = m_plan.checkpointOf(rows.constLast());
                    const QList<QByteArray> hashes
                        = batch.hashes.size() == rows.size() ? batch.hashes : QList<QByteArray> {};
                    m_pipeline.upsert(rows, hashes, {}, BatchPipeline::Known::Upsert,
                                      coveredCheckpoint(rows, horizon));
                    m_stats.read += rows.size();
                    position = last;
                    m_context.reportProgress(m_stats, m_context.readFraction(m_stats.read));
                    return !m_context.cancelRequested();
                }));
        });
    m_context.throwIfCancelled();

    qint64 runsAfterThis = 0;
    const bool reconcile = reconciliationDue(&runsAfterThis);
    if (reconcile) {
        HashExecutor reconciliation(m_context, m_plan, m_source, m_state, m_pipeline, m_stats);
        HashExecutor::Options options;
        // Cursor runs store the source's hashes when it has them (readSince above), so the
        // reconciliation compares those (by blocks where it can); otherwise engine hashes.
        options.engineHashes = !m_source.hashesAtSource();
        options.countRows = false;
        // A dry run wrote nothing above, so a diff would list those rows a second time.
        options.deletesOnly = m_context.dryRun();
        reconciliation.run(options);
    }
    if (!m_context.dryRun())
        m_state.store().saveCheckpoint(pairId, runsEntity(m_plan.spec.name),
                                       Checkpoint { runsAfterThis, {} });
}

bool CursorExecutor::loadsInFull(const CursorHorizon &horizon) const
{
    return !m_context.dryRun() && horizon.kind != CursorHorizon::Kind::Hold
        && orderedHere(m_plan.readSchema->at(m_plan.cursorIndex).type);
}

void CursorExecutor::loadInFull(const CursorHorizon &horizon)
{
    const QString &pairId = m_context.pair().pairId;
    const ValueType type = m_plan.readSchema->at(m_plan.cursorIndex).type;
    const TimeValue limit = horizon.kind == CursorHorizon::Kind::Below ? timeValueOf(horizon.value, type)
                                                                       : TimeValue {};
    const bool horizonUnreadable = horizon.kind == CursorHorizon::Kind::Below && !limit.isValid();
    // Integer keys are ordered here as at the source: the checkpoint then names the last key
    // at its cursor value, as a cursor read's would. Other keys: the next run reads from the
    // cursor value on (>=), so the rows sharing it are read once more.
    const bool keyOrderedHere = std::all_of(m_plan.sourceKeyTypes.cbegin(), m_plan.sourceKeyTypes.cend(),
                                            [](ValueType t) { return t == ValueType::Integer; });
    // The newest cursor value read below the horizon: every row at or below it was committed
    // before the horizon was asked, so the full read's snapshot (taken after) holds it.
    std::optional<Checkpoint> newest;
    const auto keyBefore = [](const KeyValues &a, const KeyValues &b) {
        for (qsizetype i = 0; i < a.size() && i < b.size(); ++i) {
            if (const int c = files::compareValues(a.at(i), b.at(i), ValueType::Integer))
                return c < 0;
        }
        return false;
    };
    FullExecutor load(m_context, m_plan, m_source, m_state, m_pipeline, m_stats);
    load.observeRows([&](const QList<Row> &rows) {
        if (horizonUnreadable)
            return;
        for (const Row &row : rows) {
            const QVariant &cursor = row.value(m_plan.cursorIndex);
            // No checkpoint on a NULL cursor; a value the engine cannot place is left out (a
            // checkpoint lower than the newest only means more rows read again next run).
            if (cursor.isNull() || !cursor.isValid() || !orderable(cursor, type))
                continue;
            if (limit.isValid() && TimeValue::compare(timeValueOf(cursor, type), limit) >= 0)
                continue;
            KeyValues key = keyOrderedHere ? m_plan.sourceKey(row) : KeyValues {};
            const int c = newest ? files::compareValues(cursor, newest->cursor, type) : 1;
            if (c > 0 || (c == 0 && !key.isEmpty() && keyBefore(newest->key, key)))
                newest = Checkpoint { cursor, std::move(key) };
        }
    });
    load.run();
    // The state is complete, as after a full run: rows an earlier attempt wrote ahead of its
    // state and whose source rows went meanwhile are settled now (a cursor run never does).
    m_pipeline.settlePending();
    // A full load compared every key, as a reconciliation does: one that falls due now is done.
    qint64 runsAfterThis = 0;
    reconciliationDue(&runsAfterThis);
    if (newest)
        m_state.store().saveCheckpoint(pairId, m_plan.spec.name, *newest);
    m_state.store().saveCheckpoint(pairId, runsEntity(m_plan.spec.name), Checkpoint { runsAfterThis, {} });
    qCInfo(lcCursor).noquote() << "pair" << pairId << "entity" << m_plan.spec.name
                               << "first cursor run loaded in full;"
                               << (newest ? QStringLiteral("checkpoint at %1").arg(newest->cursor.toString())
                                          : QStringLiteral("no row below the horizon, no checkpoint yet"));
}

std::optional<Checkpoint> CursorExecutor::coveredCheckpoint(const QList<Row> &rows,
                                                           const CursorHorizon &horizon) const
{
    if (horizon.kind == CursorHorizon::Kind::None)
        return m_plan.checkpointOf(rows.constLast());
    if (horizon.kind == CursorHorizon::Kind::Hold)
        return std::nullopt;
    // Rows come ordered by cursor: the covered ones are a prefix of the batch.
    const ValueType type = m_plan.readSchema->at(m_plan.cursorIndex).type;
    const TimeValue limit = timeValueOf(horizon.value, type);
    for (qsizetype i = rows.size() - 1; i >= 0; --i) {
        const QVariant &cursor = rows.at(i).value(m_plan.cursorIndex);
        if (cursor.isNull() || !cursor.isValid())
            continue; // never a checkpoint on a NULL cursor here
        const TimeValue value = timeValueOf(cursor, type);
        if (limit.isValid() && value.isValid() && TimeValue::compare(value, limit) < 0)
            return m_plan.checkpointOf(rows.at(i));
    }
    return std::nullopt;
}

bool CursorExecutor::reconciliationDue(qint64 *runsAfterThis)
{
    const int every = m_plan.spec.reconcileEvery;
    const auto stored
        = m_state.store().checkpoint(m_context.pair().pairId, runsEntity(m_plan.spec.name));
    const qint64 runs = (stored ? stored->cursor.toLongLong() : 0) + 1;
    if (every > 0 && runs >= every) {
        *runsAfterThis = 0;
        return true;
    }
    *runsAfterThis = runs;
    return false;
}

} // namespace tf::sync
