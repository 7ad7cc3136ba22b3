#include "synctuning.h"

#include "core/errors.h"
#include "db/repositories/auditrepository.h"
#include "db/repositories/syncpairrepository.h"
#include "sync/engine/syncrunner.h"
#include "sync/runtime/pairruntime.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace tf::ops {

namespace {

// One dry run at the batch size; cancelled when the budget runs out.
SyncTrial dryRun(db::Database &database, const SecretBox &secrets, qint64 pairId, int batchSize,
                 double budgetSeconds)
{
    SyncTrial trial;
    trial.batchSize = batchSize;
    auto runtime = sync::PairRuntime::open(database, secrets, QString::number(pairId));
    runtime->spec.batchSize = batchSize;
    sync::SyncRunner runner(runtime->spec, *runtime->source, *runtime->target, *runtime->quarantine,
                            runtime->detachedState());
    std::atomic_bool cancel { false };
    sync::RunOptions options;
    options.dryRun = true;
    options.changeLimit = 0;
    options.cancel = &cancel;

    std::mutex mutex;
    std::condition_variable wake;
    bool done = false;
    std::thread budget([&] {
        std::unique_lock<std::mutex> lock(mutex);
        if (!wake.wait_for(lock,
                           std::chrono::milliseconds(static_cast<qint64>(budgetSeconds * 1000)),
                           [&] { return done; }))
            cancel.store(true);
    });
    QElapsedTimer timer;
    timer.start();
    const sync::RunResult result = runner.run(options);
    trial.seconds = timer.nsecsElapsed() / 1e9;
    {
        std::lock_guard<std::mutex> lock(mutex);
        done = true;
    }
    wake.notify_all();
    budget.join();
    trial.rows = result.totals.read;
    switch (result.status) {
    case sync::RunStatus::Completed:
    case sync::RunStatus::CompletedWithErrors:
        trial.status = QStringLiteral("completed");
        break;
    case sync::RunStatus::Cancelled:
        trial.status = QStringLiteral("cancelled (budget)");
        break;
    case sync::RunStatus::Failed:
        trial.status = QStringLiteral("failed: ") + result.error;
        break;
    }
    return trial;
}

// A short pair is read again until a second has been measured (at most five times), so
// that timer noise does not pick the batch size.
SyncTrial runTrial(db::Database &database, const SecretBox &secrets, qint64 pairId, int batchSize,
                   double budgetSeconds)
{
    SyncTrial total;
    total.batchSize = batchSize;
    int runs = 0;
    do {
        const SyncTrial trial
            = dryRun(database, secrets, pairId, batchSize, budgetSeconds - total.seconds);
        total.rows += trial.rows;
        total.seconds += trial.seconds;
        total.status = trial.status;
        ++runs;
        if (trial.status != QLatin1String("completed"))
            break;
    } while (total.seconds < 1.0 && runs < 5 && total.seconds < budgetSeconds);
    if (runs > 1)
        total.status += QStringLiteral(", %1 runs").arg(runs);
    const bool failed = total.status.startsWith(QLatin1String("failed"));
    total.rowsPerSecond = failed || total.seconds <= 0 ? 0 : total.rows / total.seconds;
    return total;
}

} // namespace

QJsonObject PairTuning::toJson() const
{
    QJsonArray trialArray;
    for (const SyncTrial &t : trials)
        trialArray.append(QJsonObject { { QStringLiteral("batch_size"), t.batchSize },
                                        { QStringLiteral("rows"), t.rows },
                                        { QStringLiteral("seconds"), t.seconds },
                                        { QStringLiteral("rows_per_second"), t.rowsPerSecond },
                                        { QStringLiteral("status"), t.status } });
    return { { QStringLiteral("pair_id"), pairId },
             { QStringLiteral("name"), name },
             { QStringLiteral("batch_size_before"), before },
             { QStringLiteral("batch_size_after"), after },
             { QStringLiteral("changed"), changed },
             { QStringLiteral("note"), note },
             { QStringLiteral("trials"), trialArray } };
}

QList<PairTuning> tuneSyncBatchSizes(db::Database &database, const SecretBox &secrets,
                                     const SyncTuningOptions &options,
                                     const SyncTuningProgress &progress)
{
    if (options.batchSizes.isEmpty())
        throw Error(Error::Kind::Validation, QStringLiteral("give at least one batch size to try"));
    for (int size : options.batchSizes) {
        if (size < 1 || size > 100000)
            throw Error(Error::Kind::Validation,
                        QStringLiteral("batch sizes must be 1 to 100000 (got %1)").arg(size),
                        QJsonObject { { QStringLiteral("field"), QStringLiteral("batch-sizes") } });
    }
    if (!(options.trialSeconds > 0 && options.trialSeconds <= 3600))
        throw Error(Error::Kind::Validation,
                    QStringLiteral("the trial budget must be 0 to 3600 seconds"),
                    QJsonObject { { QStringLiteral("field"), QStringLiteral("trial-seconds") } });
    const auto say = [&](const QString &line) {
        if (progress)
            progress(line);
    };

    db::SyncPairRepository pairs(database);
    QList<db::SyncPairRecord> records;
    if (!options.pair.isEmpty()) {
        records << sync::PairRuntime::open(database, secrets, options.pair)->record;
    } else {
        for (const db::SyncPairRecord &record : pairs.list()) {
            if (record.enabled)
                records << record;
        }
    }

    QList<PairTuning> tunings;
    for (const db::SyncPairRecord &record : std::as_const(records)) {
        PairTuning tuning;
        tuning.pairId = record.id;
        tuning.name = record.name;
        tuning.before = record.definition.value(QStringLiteral("batch_size")).toInt(5000);
        say(QStringLiteral("sync pair %1 \"%2\": batch size now %3")
                .arg(record.id)
                .arg(record.name)
                .arg(tuning.before));
        QList<int> sizes = options.batchSizes;
        if (!sizes.contains(tuning.before))
            sizes.prepend(tuning.before); // the current size is measured too, the same way
        for (int size : std::as_const(sizes)) {
            const SyncTrial trial
                = runTrial(database, secrets, record.id, size, options.trialSeconds);
            say(QStringLiteral("  batch %1: %2 rows in %3 s = %4 rows/s (%5)")
                    .arg(size, 6)
                    .arg(trial.rows)
                    .arg(QString::number(trial.seconds, 'f', 2),
                         QString::number(trial.rowsPerSecond, 'f', 0), trial.status));
            tuning.trials << trial;
        }
        const SyncTrial *best = nullptr;
        const SyncTrial *current = nullptr;
        for (const SyncTrial &trial : std::as_const(tuning.trials)) {
            if (trial.batchSize == tuning.before)
                current = &trial;
            if (trial.rows > 0 && (!best || trial.rowsPerSecond > best->rowsPerSecond))
                best = &trial;
        }
        tuning.after = tuning.before;
        if (!best) {
            tuning.note = QStringLiteral("no trial read any row; batch size left as it is");
        } else if (current && current->rowsPerSecond > 0
                   && best->rowsPerSecond
                       < current->rowsPerSecond * (1 + options.minGainPercent / 100)) {
            tuning.note
                = QStringLiteral(
                      "batch %1 was fastest but within %2% of the current %3; left as it is")
                      .arg(best->batchSize)
                      .arg(options.minGainPercent)
                      .arg(tuning.before);
        } else {
            tuning.after = best->batchSize;
            tuning.changed = tuning.after != tuning.before;
            tuning.note = tuning.changed
                ? QStringLiteral("batch %1 read fastest").arg(best->batchSize)
                : QStringLiteral("the current batch size read fastest");
        }
        if (tuning.changed && options.apply) {
            db::SyncPairRecord updated = pairs.get(record.id);
            const QJsonObject beforeDefinition = updated.definition;
            updated.definition.insert(QStringLiteral("batch_size"), tuning.after);
            pairs.update(updated);
            db::AuditEntry entry;
            entry.eventType = QStringLiteral("sync_pair.updated");
            entry.resourceType = QStringLiteral("sync_pair");
            entry.resourceId = QString::number(record.id);
            entry.description
                = QStringLiteral("batch size tuned from %1 to %2 by measured dry runs")
                      .arg(tuning.before)
                      .arg(tuning.after);
            entry.previousState = QJsonObject { { QStringLiteral("batch_size"), tuning.before } };
            entry.newState = QJsonObject { { QStringLiteral("batch_size"), tuning.after } };
            entry.username = options.actor;
            db::AuditRepository(database).append(std::move(entry));
        } else if (tuning.changed) {
            tuning.note += QStringLiteral(" (not stored: --dry-run)");
        }
        say(QStringLiteral("  batch size: before %1, after %2: %3")
                .arg(tuning.before)
                .arg(tuning.after)
                .arg(tuning.note));
        tunings << tuning;
    }
    return tunings;
}

} // namespace tf::ops
