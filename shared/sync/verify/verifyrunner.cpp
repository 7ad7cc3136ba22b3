#include "verifyrunner.h"

#include "core/errors.h"
#include "core/jsonutil.h"
#include "driftcollector.h"
#include "rangebisector.h"
#include "sidethread.h"
#include "sync/engine/batchpipeline.h"
#include "sync/engine/circuitbreaker.h"
#include "sync/engine/entityplan.h"
#include "sync/engine/runcontext.h"
#include "sync/engine/syncrunner.h"
#include "sync/rangechecksums.h"

#include <QElapsedTimer>
#include <QScopeGuard>
#include <QLoggingCategory>

namespace tf::sync {

Q_LOGGING_CATEGORY(lcVerify, "sync.verify")

namespace {

// The requests RangeBisector checksums with, when the entity can be compared range by
// range in both databases; nothing otherwise.
std::optional<QPair<RangeBisector::Side, RangeBisector::Side>>
checksumSides(const EntityPlan &plan, SourceConnector &source, SourceConnector &targetReader)
{
    auto *sourceRanges = dynamic_cast<RangeChecksums *>(&source);
    auto *targetRanges = dynamic_cast<RangeChecksums *>(&targetReader);
    if (!sourceRanges || !targetRanges || plan.spec.sourceKey.size() != 1
        || plan.spec.targetKey.size() != 1)
        return std::nullopt;
    const QList<int> direct = plan.mapping->directSourceIndexes();
    QStringList sourceColumns;
    for (int index : direct) {
        if (index < 0)
            return std::nullopt; // a computed column: only the mapping knows its value
        sourceColumns << plan.readSchema->at(index).name;
    }
    // The target key must be the source key itself, so both sides order rows alike.
    if (direct.value(plan.targetKeyIndexes.constFirst()) != 0)
        return std::nullopt;
    if (!sourceRanges->canRangeBy(plan.spec.sourceEntity, plan.spec.sourceKey.constFirst())
        || !targetRanges->canRangeBy(plan.spec.targetEntity, plan.spec.targetKey.constFirst()))
        return std::nullopt;
    RangeBisector::Side sourceSide { sourceRanges, {} };
    sourceSide.request.entity = plan.spec.sourceEntity;
    sourceSide.request.columns = sourceColumns;
    sourceSide.request.keyColumns = plan.spec.sourceKey;
    RangeBisector::Side targetSide { targetRanges, {} };
    targetSide.request.entity = plan.spec.targetEntity;
    targetSide.request.columns = plan.targetSchema->names();
    targetSide.request.keyColumns = plan.spec.targetKey;
    const RangeHash hash = sourceRanges->typedRangeHash() && targetRanges->typedRangeHash() ? RangeHash::Typed
                                                                                          : RangeHash::Text;
    sourceSide.hash = hash;
    targetSide.hash = hash;
    return qMakePair(sourceSide, targetSide);
}

ReadRequest targetRequest(const EntityPlan &plan, int batchSize)
{
    ReadRequest request;
    request.entity = plan.spec.targetEntity;
    request.columns = plan.targetSchema->names();
    request.keyColumns = plan.spec.targetKey;
    request.batchSize = batchSize;
    return request;
}

} // namespace

VerifyRunner::VerifyRunner(PairSpec pair, SourceConnector &source, TargetConnector &target,
                           SourceConnector &targetReader, QuarantineStore &quarantine,
                           DetachedStateStore controlState)
    : m_pair(std::move(pair))
    , m_source(source)
    , m_target(target)
    , m_targetReader(targetReader)
    , m_quarantine(quarantine)
    , m_controlState(std::move(controlState))
    , m_validators(defaultValidatorFactory())
{ }

void VerifyRunner::checkEntity(const PairSpec &pair, const QString &entity)
{
    if (entity.isEmpty())
        return;
    QStringList names;
    for (const EntitySpec &spec : pair.entities) {
        if (spec.name == entity)
            return;
        names << spec.name;
    }
    throw Error(Error::Kind::Validation,
                QStringLiteral("entity '%1' is not in sync pair %2; its entities are: %3")
                    .arg(entity, pair.pairId, names.join(QStringLiteral(", "))),
                QJsonObject { { QStringLiteral("field"), QStringLiteral("entity") } });
}

RunResult VerifyRunner::run(const VerifyOptions &options)
{
    auto &registry = CircuitBreakerRegistry::instance();
    // No retries: a stream restarted halfway would count its rows twice; a failed verify is
    // simply run again.
    RetryPolicy once;
    once.attempts = 1;
    ResilientCall source(once, registry.breaker(m_pair.sourceSystem), {});
    ResilientCall target(once, registry.breaker(m_pair.targetSystem), {});
    RunOptions runOptions = options.run;
    runOptions.dryRun = !options.repair;
    runOptions.forceFull = false;
    RunContext context(m_pair, runOptions, m_quarantine, source, target);
    RunResult &result = context.result();
    VerifyReport report;
    m_repairedKeys.clear();
    captureRunFailure(result, [&] {
        checkEntity(m_pair, options.entity);
        report = verifyAll(context, options, options.repair);
        if (options.repair && report.differences() > 0) {
            report.repaired = true;
            if (m_target.rewritesEntity()) {
                // A file is written whole: a full run rewrites it from the source.
                RunOptions full = runOptions;
                full.forceFull = true;
                full.dryRun = false;
                SyncRunner runner(m_pair, m_source, m_target, m_quarantine, m_controlState);
                runner.setValidatorFactory(m_validators);
                const RunResult fullRun = runner.run(full);
                result.totals += fullRun.totals;
                if (fullRun.status == RunStatus::Failed)
                    throw Error(Error::Kind::Internal, QStringLiteral("repair by a full run failed: ") + fullRun.error);
            }
            RunContext again(m_pair, options.run, m_quarantine, source, target);
            m_recheck = !m_target.rewritesEntity(); // a full run rewrote everything: verify it all
            const auto recheckOff = qScopeGuard([this] { m_recheck = false; });
            const VerifyReport after = verifyAll(again, options, false);
            report.differencesAfterRepair = after.differences();
        }
        result.status = RunStatus::Completed;
    });
    result.verify = report.toJson();
    result.retries = source.retries() + target.retries();
    qCInfo(lcVerify).noquote() << "pair" << m_pair.pairId << "verify" << runStatusName(result.status)
                               << report.summary() << result.error;
    return result;
}

VerifyReport VerifyRunner::verifyAll(RunContext &context, const VerifyOptions &options, bool repair)
{
    VerifyReport report;
    for (int i = 0; i < m_pair.entities.size(); ++i) {
        const EntitySpec &spec = m_pair.entities.at(i);
        if (!options.entity.isEmpty() && spec.name != options.entity)
            continue;
        context.throwIfCancelled();
        report.entities << verifyEntity(context, spec, i, repair);
    }
    return report;
}

EntityDrift VerifyRunner::verifyEntity(RunContext &context, const EntitySpec &spec, int index,
                                       bool repair)
{
    context.beginEntity(spec.name, index, int(m_pair.entities.size()));
    EntityStats stats;
    EntityDrift drift;
    drift.entity = spec.name;
    context.source().call(QStringLiteral("describing %1").arg(spec.sourceEntity),
                          [&] { m_source.describe(spec.sourceEntity); });
    context.target().call(QStringLiteral("describing %1").arg(spec.targetEntity),
                          [&] { m_target.describe(spec.targetEntity); });
    const EntityPlan plan = planEntity(spec, ChangeMode::Full, m_source, m_target, m_validators);
    const int batchSize = m_pair.batchSize;
    const RowTransformer transformer(plan, m_target, context.target());
    DriftCollector collector(plan, transformer, drift);

    // Repair writes through the run's own pipeline while the comparison streams.
    const bool writeHere = repair && !m_target.rewritesEntity();
    std::unique_ptr<StateRoute> state;
    std::unique_ptr<BatchPipeline> pipeline;
    qsizetype described = 0; // firstDifferent() rows whose columns are named
    bool begun = false;
    if (writeHere) {
        state = std::make_unique<StateRoute>(m_target, m_controlState);
        context.target().call(QStringLiteral("starting %1").arg(spec.targetEntity), [&] {
            m_target.beginEntity(spec.targetEntity, plan.targetSchema, spec.targetKey);
        });
        begun = true;
        pipeline = std::make_unique<BatchPipeline>(context, plan, m_target, *state, stats);
        collector.setRepairSink({ [&](const QList<Row> &rows, const QList<BatchPipeline::Known> &kinds) {
                                     // Name the differing columns before the rows are overwritten.
                                     describeDifferences(plan, drift, collector.firstDifferent().mid(described));
                                     described = collector.firstDifferent().size();
                                     pipeline->upsert(rows, {}, kinds, BatchPipeline::Known::Update);
                                 },
                                  [&](const QStringList &keys) { pipeline->removeTargetRows(keys); } });
    }
    const auto progress = [&] {
        stats.read = drift.sourceRows;
        context.reportProgress(stats, -1);
        return !context.cancelRequested();
    };
    try {
        const ReadRequest sourceRows = plan.readRequest(batchSize);
        const ReadRequest targetRows = targetRequest(plan, batchSize);
        if (const auto sides = checksumSides(plan, m_source, m_targetReader)) {
            drift.method = QStringLiteral("checksum");
            SideThread sourceThread;
            QElapsedTimer clock;
            clock.start();
            RangeBisector::Result ranges;
            const bool recheck = m_recheck && m_repairedKeys.contains(spec.name);
            if (repair)
                m_repairedKeys[spec.name]; // known, even with nothing to write
            if (!recheck) {
                context.source().call(QStringLiteral("checksumming %1").arg(spec.sourceEntity), [&] {
                    ranges = RangeBisector(sourceThread, sides->first, sides->second, context.options().cancel).run();
                });
            }
            context.throwIfCancelled();
            qCInfo(lcVerify, "entity %s: %lld source and %lld target rows checksummed, %lld differing range(s), "
                             "%d queries per side, %lld ms",
                   qPrintable(spec.name), static_cast<long long>(ranges.sourceRows),
                   static_cast<long long>(ranges.targetRows), static_cast<long long>(ranges.differing.size()),
                   ranges.queries, static_cast<long long>(clock.restart()));
            // In each small differing range, the rows' hashes (both sides at once) tell which
            // keys differ; only those rows are read, by key, and compared value by value.
            QStringList keys;
            // After a repair, the rows it wrote are compared again (every other row was equal a
            // moment before): its keys, read again from both sides.
            if (recheck)
                keys = m_repairedKeys.value(spec.name);
            const auto compareKeys = [&] {
                if (keys.isEmpty())
                    return;
                if (repair && !recheck)
                    m_repairedKeys[spec.name] << keys;
                QList<KeyValues> targetKeys, sourceKeys;
                for (const QString &key : std::as_const(keys)) {
                    targetKeys << keyFromText(key, plan.targetKeyTypes);
                    sourceKeys << keyFromText(key, plan.sourceKeyTypes);
                }
                context.target().call(QStringLiteral("reading %1").arg(spec.targetEntity), [&] {
                    m_targetReader.readByKeys(targetRows, targetKeys, [&](const RowBatch &batch) {
                        collector.addTargetRows(batch.rows);
                        return true;
                    });
                });
                context.source().call(QStringLiteral("reading %1").arg(spec.sourceEntity), [&] {
                    m_source.readByKeys(sourceRows, sourceKeys, [&](const RowBatch &batch) {
                        collector.addSourceRows(plan.conform(batch));
                        return progress();
                    });
                });
                context.throwIfCancelled();
                collector.endRange();
                keys.clear();
            };
            // Up to 100 ranges (about 400,000 rows at most) per query and side.
            constexpr qsizetype kRangesPerQuery = 100;
            for (qsizetype start = 0; start < ranges.differing.size(); start += kRangesPerQuery) {
                const QList<KeyRange> chunk = ranges.differing.mid(start, kRangesPerQuery);
                QHash<QString, qint64> sourceHashes, targetHashes;
                context.target().call(QStringLiteral("hashing rows of %1").arg(spec.targetEntity), [&] {
                    auto fromSource = sourceThread.run([&] {
                        return sides->first.ranges->rangeHashes(sides->first.request, chunk, sides->first.hash);
                    });
                    try {
                        targetHashes = sides->second.ranges->rangeHashes(sides->second.request, chunk, sides->second.hash);
                    } catch (...) {
                        fromSource.wait();
                        throw;
                    }
                    sourceHashes = fromSource.get();
                });
                for (auto it = sourceHashes.cbegin(); it != sourceHashes.cend(); ++it) {
                    const auto target = targetHashes.constFind(it.key());
                    if (target == targetHashes.cend() || target.value() != it.value())
                        keys << it.key();
                    if (target != targetHashes.cend())
                        targetHashes.erase(target);
                }
                keys << targetHashes.keys(); // in the target only
                if (keys.size() >= batchSize)
                    compareKeys();
                context.throwIfCancelled();
            }
            compareKeys();
            qCInfo(lcVerify, "entity %s: differing ranges compared row by row in %lld ms",
                   qPrintable(spec.name), static_cast<long long>(clock.elapsed()));
            drift.rowsFetched = drift.sourceRows + drift.targetRows;
            const qint64 fetchedSource = drift.sourceRows;
            drift.sourceRows = ranges.sourceRows;
            drift.targetRows = ranges.targetRows;
            // Rows in equal ranges matched without being fetched.
            if (!recheck)
                drift.matching += ranges.sourceRows - fetchedSource;
        } else {
            drift.method = QStringLiteral("merge");
            context.target().call(QStringLiteral("reading %1").arg(spec.targetEntity), [&] {
                m_targetReader.readAll(targetRows, [&](const RowBatch &batch) {
                    collector.addTargetRows(batch.rows);
                    return !context.cancelRequested();
                });
            });
            context.throwIfCancelled();
            context.source().call(QStringLiteral("reading %1").arg(spec.sourceEntity), [&] {
                m_source.readAll(sourceRows, [&](const RowBatch &batch) {
                    collector.addSourceRows(plan.conform(batch));
                    return progress();
                });
            });
            context.throwIfCancelled();
            collector.endRange();
            drift.rowsFetched = drift.sourceRows + drift.targetRows;
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
                qCWarning(lcVerify) << "ending entity" << spec.name << "after a failure failed too:" << error.what();
            }
        }
        context.endEntity(stats);
        throw;
    }
    describeDifferences(plan, drift, collector.firstDifferent().mid(described));
    stats.read = drift.sourceRows;
    stats.unchanged = drift.matching;
    stats.quarantined = 0;
    context.reportProgress(stats, 1.0);
    context.endEntity(stats);
    return drift;
}

void VerifyRunner::describeDifferences(const EntityPlan &plan, EntityDrift &drift,
                                       const QList<QPair<QString, Row>> &firstDifferent)
{
    if (firstDifferent.isEmpty())
        return;
    // Which columns differ, for the rows the report lists: their target rows read again by key.
    QHash<QString, Row> expected;
    QList<KeyValues> keys;
    for (const auto &entry : firstDifferent) {
        expected.insert(entry.first, entry.second);
        keys << keyFromText(entry.first, plan.targetKeyTypes);
    }
    QHash<QString, Row> actual;
    try {
        m_targetReader.readByKeys(targetRequest(plan, int(keys.size())), keys, [&](const RowBatch &batch) {
            for (const Row &row : batch.rows)
                actual.insert(plan.targetKeyText(row), row);
            return true;
        });
    } catch (const Error &error) {
        // The counts stand without the column names.
        qCWarning(lcVerify) << "could not read back differing rows:" << error.message();
        return;
    }
    const Schema &schema = *plan.targetSchema;
    for (EntityDrift::Different &different : drift.differentKeys) {
        const auto want = expected.constFind(different.key);
        const auto have = actual.constFind(different.key);
        if (want == expected.constEnd() || have == actual.constEnd())
            continue;
        for (int c = 0; c < schema.size(); ++c) {
            const bool wantNull = !want->value(c).isValid() || want->value(c).isNull();
            const bool haveNull = !have->value(c).isValid() || have->value(c).isNull();
            if (wantNull != haveNull
                || canonicalValue(want->value(c), schema.at(c).type)
                    != canonicalValue(have->value(c), schema.at(c).type))
                different.columns << schema.at(c).name;
        }
    }
}

} // namespace tf::sync
