#include "operationexecutor.h"

#include "activeoperations.h"
#include "chunkcoordinator.h"
#include "core/errors.h"
#include "db/connection.h"
#include "db/repositories/serviceeventrepository.h"
#include "failureclass.h"
#include "db/repositories/syncpairrepository.h"
#include "sync/cdc/lsn.h"
#include "sync/connectors/postgresconnector.h"
#include "sync/engine/cdcexecutor.h"
#include "sync/engine/syncrunner.h"
#include "sync/queue/operationqueue.h"
#include "sync/runtime/pairruntime.h"
#include "sync/verify/verifyrunner.h"
#include "syncd/monitoring/cdclatency.h"

#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QSet>

#include <algorithm>

Q_LOGGING_CATEGORY(lcExecutor, "syncd.workers")

namespace tf::syncd {

namespace {

QString describeStats(const sync::EntityStats &stats)
{
    return QStringLiteral("read %1, +%2 ~%3 -%4 =%5, quarantined %6")
        .arg(stats.read)
        .arg(stats.inserted)
        .arg(stats.updated)
        .arg(stats.deleted)
        .arg(stats.unchanged)
        .arg(stats.quarantined);
}

// The operation's mode when it differs from the pair's own: "full" (or a full resync) rewrites
// every entity; "hash" / "cursor" override each entity's mode (cursor only where the entity
// has a cursor column). The pair's own mode keeps the per-entity choices of its definition.
void applyMode(sync::PairRuntime &runtime, const db::OperationRecord &operation,
               sync::RunOptions &options)
{
    options.forceFull = operation.fullResync || operation.mode == QLatin1String("full");
    const QString pairMode
        = runtime.record.definition.value(QStringLiteral("mode")).toString(QStringLiteral("hash"));
    if (options.forceFull || operation.mode.isEmpty() || operation.mode == pairMode)
        return;
    for (sync::EntitySpec &entity : runtime.spec.entities) {
        if (operation.mode == QLatin1String("hash"))
            entity.mode = sync::ChangeMode::Hash;
        else if (operation.mode == QLatin1String("cursor")
                 && (!entity.cursorColumn.isEmpty() || entity.changeTracking))
            entity.mode = sync::ChangeMode::Cursor;
    }
}

// Logging must never end a run: the outcome matters more than its log line.
void logLine(sync::OperationQueue &queue, qint64 id, const QString &line)
{
    try {
        queue.appendLog(id, line);
    } catch (const Error &error) {
        qCWarning(lcExecutor, "operation %lld: could not write the log line '%s': %s",
                  static_cast<long long>(id), qPrintable(line), qPrintable(error.message()));
    }
}

// What an alert raised for an operation is about: DELETE of the pair resolves its alerts.
QJsonObject alertDetails(const db::OperationRecord &operation)
{
    return { { QStringLiteral("pair_id"), operation.pairId },
             { QStringLiteral("operation_id"), operation.id } };
}

} // namespace

OperationExecutor::OperationExecutor(Context context)
    : m_context(std::move(context))
{ }

void OperationExecutor::run(const db::OperationRecord &operation)
{
    sync::OperationQueue queue(m_context.control);
    const QString &node = m_context.nodeId;
    logLine(queue, operation.id,
            QStringLiteral("started on node %1 (attempt %2 of %3)")
                .arg(node)
                .arg(operation.attempt)
                .arg(m_context.settings.maxAttempts));
    qCInfo(lcExecutor, "operation %lld (pair %lld, %s) started, attempt %d",
           static_cast<long long>(operation.id), static_cast<long long>(operation.pairId),
           qPrintable(operation.trigger), operation.attempt);

    if (operation.attempt > m_context.settings.maxAttempts) {
        // Claimed again after its node died on every attempt: something in this operation
        // kills nodes, or they keep losing it. Stop here instead of looping forever.
        const QString message
            = QStringLiteral("gave up after %1 attempts: the nodes running it stopped or lost "
                             "the lease every time; look at the logs of %2")
                  .arg(operation.attempt - 1)
                  .arg(operation.nodeId.isEmpty() ? node : operation.nodeId);
        queue.finish(operation.id, node, QStringLiteral("failed"), operation.statistics, message);
        logLine(queue, operation.id, QStringLiteral("failed: ") + message);
        reportPermanentFailure(operation, message);
        return;
    }

    std::atomic_bool cancel { false };
    m_context.active.add(operation.id, operation.pairId, &cancel);
    sync::RunResult result;
    try {
        result = execute(queue, operation, cancel);
    } catch (const Error &error) {
        result.status = sync::RunStatus::Failed;
        result.error = error.message();
        result.errorCode = error.code();
    }
    m_context.active.remove(operation.id);
    conclude(queue, operation, result);
}

sync::RunResult OperationExecutor::execute(sync::OperationQueue &queue,
                                           const db::OperationRecord &operation,
                                           std::atomic_bool &cancel)
{
    // Opening the pair can fail (a system that is down, a definition that no longer
    // parses); that failure is classified like any other.
    auto runtime = sync::PairRuntime::open(m_context.control, m_context.secrets,
                                           QString::number(operation.pairId));
    sync::RunOptions options;
    options.operationId = operation.id;
    options.dryRun = operation.dryRun;
    options.cancel = &cancel;
    applyMode(*runtime, operation, options);

    QString lastEntity;
    sync::EntityStats lastEntityStats;
    QSet<QString> logged;
    options.progress = [&](const sync::RunProgress &progress) {
        if (progress.entity != lastEntity) {
            if (!lastEntity.isEmpty() && !logged.contains(lastEntity)) {
                logLine(queue, operation.id,
                        QStringLiteral("entity %1 done: %2")
                            .arg(lastEntity, describeStats(lastEntityStats)));
                logged.insert(lastEntity);
            }
            lastEntity = progress.entity;
        }
        lastEntityStats = progress.entityStats;
        const QJsonObject totals = progress.totals.toJson();
        m_context.active.update(operation.id, progress.percent, progress.entity, totals);
        try {
            if (!queue.heartbeat(operation.id, m_context.nodeId, m_context.settings.lease,
                                 progress.percent, progress.entity, totals))
                cancel.store(true);
        } catch (const Error &error) {
            // The control database blinked; the lease keeper keeps trying between batches.
            qCWarning(lcExecutor, "operation %lld: heartbeat failed: %s",
                      static_cast<long long>(operation.id), qPrintable(error.message()));
        }
    };
    if (m_context.stopping.load())
        cancel.store(true);

    sync::RunResult result;
    if (runtime->spec.cdc && !sync::OperationQueue::isVerifyMode(operation.mode))
        return streamCdc(queue, operation, *runtime, cancel);
    if (sync::OperationQueue::isVerifyMode(operation.mode)) {
        sync::VerifyRunner verifier(runtime->spec, *runtime->source, *runtime->target,
                                    runtime->targetReader(), *runtime->quarantine,
                                    runtime->detachedState());
        sync::VerifyOptions verify;
        verify.run = options;
        verify.repair = operation.mode == QLatin1String("repair");
        result = verifier.run(verify);
    } else {
        sync::SyncRunner runner(runtime->spec, *runtime->source, *runtime->target,
                                *runtime->quarantine, runtime->detachedState());
        ChunkCoordinator chunks(m_context.control, operation.id, m_context.nodeId, m_context.settings,
                                m_context.stopping,
                                [&](const QString &line) { logLine(queue, operation.id, line); });
        runner.setChunkedLoad(&chunks);
        result = runner.run(options);
    }
    // The last entity of a run that failed or stopped did not finish.
    const bool completed = result.status == sync::RunStatus::Completed
        || result.status == sync::RunStatus::CompletedWithErrors;
    for (int i = 0; i < result.entities.size(); ++i) {
        const auto &entity = result.entities.at(i);
        if (logged.contains(entity.first))
            continue;
        const bool done = completed || i + 1 < result.entities.size();
        logLine(queue, operation.id,
                QStringLiteral("entity %1 %2: %3")
                    .arg(entity.first, done ? QStringLiteral("done") : QStringLiteral("stopped"),
                         describeStats(entity.second)));
    }
    return result;
}

// A cdc pair: one long-lived operation that streams until the pair is disabled, the node
// stops, a cancel is asked or the lease is lost; the heartbeat carries the stream's position.
sync::RunResult OperationExecutor::streamCdc(sync::OperationQueue &queue,
                                             const db::OperationRecord &operation,
                                             sync::PairRuntime &runtime, std::atomic_bool &cancel)
{
    // The target: any kind with a cdc::CdcTarget (the executor refuses another, naming them).
    auto *source = dynamic_cast<sync::PostgresConnector *>(runtime.source.get());
    if (!source)
        throw Error(Error::Kind::Validation,
                    QStringLiteral("sync pair %1 is in cdc mode, which needs a PostgreSQL source "
                                   "(logical replication)").arg(operation.pairId));
    sync::CdcExecutor executor(runtime.spec, *source, *runtime.target, *runtime.quarantine,
                               runtime.detachedState());
    sync::CdcRunOptions options;
    options.operationId = operation.id;
    options.cancel = &cancel;
    // The heartbeat renews the lease at each check: check at least as often as [sync] heartbeat_ms.
    options.checkIntervalMs = int(std::clamp<qint64>(m_context.settings.heartbeat.count(), 50, 5000));
    if (m_context.alert)
        options.alert = [this, &operation](const QString &rule, const QString &message) {
            m_context.alert(rule, message, alertDetails(operation));
        };
    options.control = &m_context.control; // held schema changes (cdc_schema_changes)
    options.log = [&](const QString &line) { logLine(queue, operation.id, line); };
    const qint64 pairId = operation.pairId;
    options.latency = [pairId](double seconds) { CdcLatency::instance().record(pairId, seconds); };
    bool disabled = false;
    options.progress = [&](const sync::CdcProgress &progress) {
        if (m_context.stopping.load())
            return false;
        QJsonObject totals = progress.totals.toJson();
        totals.insert(QStringLiteral("cdc_applied_lsn"), sync::cdc::formatLsn(progress.applied));
        totals.insert(QStringLiteral("cdc_transactions"), progress.transactions);
        totals.insert(QStringLiteral("cdc_lag_bytes"), progress.lagBytes);
        totals.insert(QStringLiteral("cdc_wal_status"), progress.walStatus);
        CdcLatency::addFigures(totals, CdcLatency::instance().of(pairId));
        m_context.active.update(operation.id, -1, QStringLiteral("streaming"), totals);
        try {
            if (!db::SyncPairRepository(m_context.control).get(operation.pairId).enabled) {
                disabled = true;
                return false;
            }
            return queue.heartbeat(operation.id, m_context.nodeId, m_context.settings.lease, -1,
                                   QStringLiteral("streaming"), totals);
        } catch (const Error &error) {
            qCWarning(lcExecutor, "operation %lld: heartbeat failed: %s",
                      static_cast<long long>(operation.id), qPrintable(error.message()));
            return true; // the control database blinked; the lease outlives a few misses
        }
    };
    sync::RunResult result = executor.run(options);
    if (disabled && result.status == sync::RunStatus::Cancelled) {
        logLine(queue, operation.id, QStringLiteral("the pair was disabled: streaming stopped"));
        result.status = sync::RunStatus::Completed;
    }
    return result;
}

void OperationExecutor::conclude(sync::OperationQueue &queue, const db::OperationRecord &operation,
                                 const sync::RunResult &result)
{
    const QString &node = m_context.nodeId;
    const qint64 id = operation.id;
    switch (result.status) {
    case sync::RunStatus::Completed:
    case sync::RunStatus::CompletedWithErrors: {
        if (operation.dryRun) {
            QJsonArray changes;
            for (const sync::PlannedChange &change : result.changes)
                changes.append(change.toJson());
            queue.saveChanges(id, changes);
        }
        const QString status = sync::runStatusName(result.status);
        queue.finish(id, node, status, result.toJson(), QString());
        if (!result.verify.isEmpty())
            concludeVerify(queue, operation, result.verify);
        logLine(queue, id,
                QStringLiteral("finished: %1 (%2)%3")
                    .arg(status, describeStats(result.totals),
                         operation.dryRun ? QStringLiteral(", dry run: %1 planned change(s)")
                                                .arg(result.plannedChanges)
                                          : QString()));
        qCInfo(lcExecutor, "operation %lld %s", static_cast<long long>(id), qPrintable(status));
        return;
    }
    case sync::RunStatus::Cancelled: {
        if (m_context.stopping.load()) {
            if (queue.release(id, node, std::chrono::milliseconds(0), QString(), false))
                logLine(queue, id,
                        QStringLiteral(
                            "node %1 is stopping; re-queued (resumes from the pair's checkpoint)")
                            .arg(node));
            return;
        }
        const db::OperationRecord now = queue.get(id);
        if (now.status == QLatin1String("running") && now.leaseOwner == node
            && now.cancelRequested) {
            queue.finish(id, node, QStringLiteral("cancelled"), result.toJson(),
                         QStringLiteral("cancelled on request"));
            logLine(queue, id,
                    QStringLiteral("cancelled on request (%1)").arg(describeStats(result.totals)));
        } else {
            logLine(queue, id,
                    QStringLiteral("node %1 lost the lease and stopped; the operation is %2%3")
                        .arg(node, now.status,
                             now.leaseOwner.isEmpty()
                                 ? QString()
                                 : QStringLiteral(" on node ") + now.leaseOwner));
        }
        return;
    }
    case sync::RunStatus::Failed:
        concludeFailure(queue, operation, result);
        return;
    }
}

void OperationExecutor::concludeVerify(sync::OperationQueue &queue, const db::OperationRecord &operation,
                                       const QJsonObject &report)
{
    const qint64 found = report.value(QStringLiteral("differences")).toInteger();
    const qint64 left = report.contains(QStringLiteral("differences_after_repair"))
        ? report.value(QStringLiteral("differences_after_repair")).toInteger()
        : found;
    QStringList firstKeys;
    for (const QJsonValue &value : report.value(QStringLiteral("entities")).toArray()) {
        const QJsonObject entity = value.toObject();
        const QString name = entity.value(QStringLiteral("entity")).toString();
        logLine(queue, operation.id,
                QStringLiteral("verify %1 (%2): %3 missing, %4 extra, %5 different, %6 matching")
                    .arg(name, entity.value(QStringLiteral("method")).toString())
                    .arg(entity.value(QStringLiteral("missing")).toInteger())
                    .arg(entity.value(QStringLiteral("extra")).toInteger())
                    .arg(entity.value(QStringLiteral("different")).toInteger())
                    .arg(entity.value(QStringLiteral("matching")).toInteger()));
        for (const char *kind : { "missing_keys", "extra_keys" }) {
            const QJsonArray keys = entity.value(QLatin1String(kind)).toArray();
            if (!keys.isEmpty())
                logLine(queue, operation.id,
                        QStringLiteral("verify %1 %2: %3")
                            .arg(name, QString::fromLatin1(kind).section(QLatin1Char('_'), 0, 0),
                                 keys.toVariantList().value(0).toString()
                                     + (keys.size() > 1 ? QStringLiteral(" and %1 more listed in the result").arg(keys.size() - 1)
                                                        : QString())));
        }
    }
    if (report.value(QStringLiteral("repaired")).toBool())
        logLine(queue, operation.id,
                QStringLiteral("repair: %1 difference(s) written; verified again: %2 left").arg(found).arg(left));
    if (left <= 0)
        return;
    // The runbook's alert: drift the sync did not fix (or that verify found on a schedule).
    const QString text = QStringLiteral("Sync drift detected on pair %1: %2 difference(s) between source "
                                        "and target (operation %3); run a repair or look at its result")
                             .arg(operation.pairId)
                             .arg(left)
                             .arg(operation.id);
    qCWarning(lcExecutor, "%s", qPrintable(text));
    if (m_context.alert)
        m_context.alert(QStringLiteral("sync_drift"), text, alertDetails(operation));
}

void OperationExecutor::concludeFailure(sync::OperationQueue &queue,
                                        const db::OperationRecord &operation,
                                        const sync::RunResult &result)
{
    const QString &node = m_context.nodeId;
    const qint64 id = operation.id;
    const FailureClass failure = classifyFailure(result.errorCode, result.error);
    if (failure == FailureClass::Transient && operation.attempt < m_context.settings.maxAttempts
        && !m_context.stopping.load()) {
        const auto delay = retryDelay(operation.attempt, m_context.settings.retryBase,
                                      m_context.settings.retryMax);
        if (queue.release(id, node, delay, result.error))
            logLine(queue, id,
                    QStringLiteral("attempt %1 failed (transient): %2; retry in %3 s")
                        .arg(operation.attempt)
                        .arg(result.error)
                        .arg(double(delay.count()) / 1000.0, 0, 'f', 1));
        qCWarning(lcExecutor, "operation %lld attempt %d failed (transient), retry in %lld ms: %s",
                  static_cast<long long>(id), operation.attempt,
                  static_cast<long long>(delay.count()), qPrintable(result.error));
        // A full disk needs a person now, not after the last attempt; the message names the
        // path (db::storageError). Once per operation: the free space in the message changes.
        if (operation.attempt == 1 && isStorageFailure(result.errorCode, result.error) && m_context.alert)
            m_context.alert(QStringLiteral("disk_full"),
                            QStringLiteral("sync pair %1: operation %2 is waiting for disk space, "
                                           "retrying: %3")
                                .arg(operation.pairId)
                                .arg(id)
                                .arg(result.error),
                            alertDetails(operation));
        return;
    }
    QString message = result.error.isEmpty() ? QStringLiteral("the sync failed without a message")
                                             : result.error;
    if (failure == FailureClass::Transient)
        message
            = QStringLiteral("gave up after %1 attempts: %2").arg(operation.attempt).arg(message);
    queue.finish(id, node, QStringLiteral("failed"), result.toJson(), message);
    logLine(queue, id, QStringLiteral("failed (%1): %2").arg(failureClassName(failure), message));
    qCWarning(lcExecutor, "operation %lld failed (%s): %s", static_cast<long long>(id),
              qPrintable(failureClassName(failure)), qPrintable(message));
    reportPermanentFailure(operation, message);
}

void OperationExecutor::reportPermanentFailure(const db::OperationRecord &operation,
                                               const QString &message)
{
    const QString text = QStringLiteral("sync pair %1: operation %2 failed: %3")
                             .arg(operation.pairId)
                             .arg(operation.id)
                             .arg(message);
    try {
        db::ServiceEventRepository events(m_context.control);
        events.record(QStringLiteral("tf-syncd"), QStringLiteral("sync_failed"), text,
                      QJsonObject { { QStringLiteral("operation_id"), operation.id },
                                    { QStringLiteral("pair_id"), operation.pairId } },
                      m_context.nodeId);
    } catch (const Error &error) {
        qCWarning(lcExecutor, "could not record the failure of operation %lld: %s",
                  static_cast<long long>(operation.id), qPrintable(error.message()));
    }
    if (m_context.alert)
        m_context.alert(QStringLiteral("sync_failed"), text, alertDetails(operation));
}

} // namespace tf::syncd
