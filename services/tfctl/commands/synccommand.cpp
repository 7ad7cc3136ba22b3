#include "synccommand.h"

#include "common/auditlog.h"

#include "core/errors.h"
#include "core/jsonutil.h"
#include "core/redact.h"
#include "db/controldatabase.h"
#include "db/repositories/operationrepository.h"
#include "db/repositories/syncpairrepository.h"
#include "sync/connectors/controldbstatestore.h"
#include "sync/connectors/fileconnector.h"
#include "sync/definition/pairrecord.h"
#include "sync/engine/pairspec.h"
#include "sync/engine/quarantinestore.h"
#include "sync/engine/syncrunner.h"
#include "sync/systems/systemregistry.h"
#include "sync/runtime/pairruntime.h"
#include "tfctl/progressprinter.h"
#include "tfctl/platformlocation.h"
#include "tfctl/toolcontext.h"

#include <QJsonDocument>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <csignal>
#include <cstdio>

namespace tf::tfctl {

namespace {

std::atomic_bool g_cancel { false };

void requestCancel(int)
{
    g_cancel.store(true);
}

int list(ToolContext &context)
{
    db::SyncPairRepository pairs(context.database().database());
    const auto records = pairs.list();
    std::printf("%-5s %-40s %-8s %-22s %s\n", "id", "name", "enabled", "schedule", "source -> target");
    for (const auto &r : records) {
        std::printf("%-5lld %-40s %-8s %-22s %s -> %s\n", static_cast<long long>(r.id), qPrintable(r.name),
                    r.enabled ? "yes" : "no", qPrintable(r.schedule.isEmpty() ? QStringLiteral("-") : r.schedule),
                    qPrintable(r.sourceEntity), qPrintable(r.targetEntity));
    }
    if (records.isEmpty())
        std::printf("(no sync pairs; `tfctl demo install` adds four demo pairs)\n");
    return 0;
}

int run(ToolContext &context, const QString &reference, bool dryRun, bool full, bool json)
{
    db::Database &control = context.database().database();
    auto runtime = sync::PairRuntime::open(context.database().database(), context.secrets(), reference);
    const db::SyncPairRecord &record = runtime->record;
    const sync::PairSpec &spec = runtime->spec;

    db::OperationRepository operations(control);
    const QString mode = full ? QStringLiteral("full") : sync::changeModeName(spec.entities.value(0).mode);
    const qint64 operationId = operations.start(record.id, mode, dryRun, QStringLiteral("cli"), context.service().nodeId);
    platform::audit(context.database(),
                    { QStringLiteral("sync_operation.started"), QStringLiteral("info"), QStringLiteral("sync_operation"),
                      QString::number(operationId), operationId,
                      QStringLiteral("operation %1 of sync pair %2 run by tfctl (mode %3%4)")
                          .arg(operationId)
                          .arg(record.id)
                          .arg(mode, dryRun ? QStringLiteral(", dry run") : QString()),
                      {},
                      QJsonObject { { QStringLiteral("pair_id"), record.id },
                                    { QStringLiteral("mode"), mode },
                                    { QStringLiteral("dry_run"), dryRun } } });
    // With --json stdout holds the JSON only: the rest goes to stderr.
    std::FILE *const talk = json ? stderr : stdout;
    std::fprintf(talk, "sync pair %lld \"%s\"%s: operation %lld\n", static_cast<long long>(record.id), qPrintable(record.name),
                dryRun ? " (dry run: nothing is written)" : "", static_cast<long long>(operationId));
    std::fflush(talk);

    ProgressPrinter printer(talk);
    sync::RunOptions options;
    options.operationId = operationId;
    options.dryRun = dryRun;
    options.forceFull = full;
    options.cancel = &g_cancel;
    options.progress = [&](const sync::RunProgress &progress) {
        printer(progress);
        try {
            operations.progress(operationId, qMax(0.0, progress.percent), progress.entity, progress.totals.toJson());
        } catch (const Error &) {
            // Progress is advisory; the run goes on.
        }
    };
    std::signal(SIGINT, requestCancel);
    std::signal(SIGTERM, requestCancel);

    sync::SyncRunner runner(spec, *runtime->source, *runtime->target, *runtime->quarantine, runtime->detachedState());
    // Staging a large source reports no progress for a while: keep the lease alive meanwhile.
    std::mutex leaseMutex;
    std::condition_variable leaseWake;
    bool runDone = false;
    std::thread leaseKeeper([&] {
        std::unique_lock<std::mutex> lock(leaseMutex);
        while (!leaseWake.wait_for(lock, std::chrono::milliseconds(db::OperationRepository::kDirectRunLeaseMs / 4),
                                   [&] { return runDone; })) {
            try {
                db::OperationRepository(control).renewLease(operationId);
            } catch (const Error &) {
                // The next progress() renews it too.
            }
        }
        control.closeThreadConnection();
    });
    const sync::RunResult result = runner.run(options);
    {
        std::lock_guard<std::mutex> lock(leaseMutex);
        runDone = true;
    }
    leaseWake.notify_all();
    leaseKeeper.join();
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);

    QJsonObject statistics = result.toJson();
    operations.finish(operationId, sync::runStatusName(result.status), statistics, result.error);
    if (json) {
        statistics.insert(QStringLiteral("operation_id"), operationId);
        std::printf("%s\n", QJsonDocument(statistics).toJson(QJsonDocument::Indented).constData());
    } else {
        printer.summary(result);
        if (dryRun) {
            std::printf("planned changes: %lld", static_cast<long long>(result.plannedChanges));
            if (result.plannedChanges > result.changes.size())
                std::printf(" (first %lld listed with --json)", static_cast<long long>(result.changes.size()));
            std::printf("\n");
        }
        if (result.totals.quarantined > 0 && dryRun)
            std::printf("%lld row(s) would be quarantined (a dry run stores nothing); fix them at the source "
                        "before the real run, or edit and replay them after it\n",
                        static_cast<long long>(result.totals.quarantined));
        else if (result.totals.quarantined > 0)
            std::printf("%lld row(s) quarantined for pair %lld; fix them at the source or edit and replay them\n",
                        static_cast<long long>(result.totals.quarantined), static_cast<long long>(record.id));
    }
    switch (result.status) {
    case sync::RunStatus::Completed:
    case sync::RunStatus::CompletedWithErrors:
        return 0;
    case sync::RunStatus::Cancelled:
        return 130;
    case sync::RunStatus::Failed:
        return 1;
    }
    return 1;
}

} // namespace

int runSyncCommand(const QStringList &arguments)
{
    CommandLine commandLine(QStringLiteral("tfctl sync"), QStringLiteral("Run and inspect sync pairs."));
    commandLine.addPositional(QStringLiteral("sync"), QStringLiteral("The command group."), QStringLiteral("sync"));
    commandLine.addPositional(QStringLiteral("command"), QStringLiteral("run <pair> | list"));
    commandLine.addPositional(QStringLiteral("pair"), QStringLiteral("Pair id or name (run)."), QStringLiteral("[pair]"));
    addToolOptions(commandLine);
    commandLine.addSwitch(QStringLiteral("dry-run"), QStringLiteral("Compute and report the changes; write nothing."),
                          QStringLiteral("sync/dry_run"), QStringLiteral("true"));
    commandLine.addSwitch(QStringLiteral("full"), QStringLiteral("Rewrite every entity (full resync)."),
                          QStringLiteral("sync/full"), QStringLiteral("true"));
    commandLine.addSwitch(QStringLiteral("json"), QStringLiteral("Print the result as JSON."),
                          QStringLiteral("sync/json"), QStringLiteral("true"));
    commandLine.process(arguments);
    const QStringList positional = commandLine.positionalArguments();
    const QString command = positional.value(1);
    if (command != QLatin1String("run") && command != QLatin1String("list"))
        CommandLine::exitWithUsageError(QStringLiteral("tfctl sync"),
                                        command.isEmpty() ? QStringLiteral("a command is required: run or list")
                                                          : QStringLiteral("unknown command '%1'; use run or list").arg(command));
    if (command == QLatin1String("run") && positional.size() != 3)
        CommandLine::exitWithUsageError(QStringLiteral("tfctl sync run"), QStringLiteral("name exactly one pair (id or name)"));
    if (command == QLatin1String("list") && positional.size() != 2)
        CommandLine::exitWithUsageError(QStringLiteral("tfctl sync list"), QStringLiteral("takes no arguments"));

    try {
        auto context = ToolContext::open(commandLine);
        if (command == QLatin1String("list"))
            return list(*context);
        return run(*context, positional.value(2), commandLine.isSet(QStringLiteral("dry-run")),
                   commandLine.isSet(QStringLiteral("full")), commandLine.isSet(QStringLiteral("json")));
    } catch (const Error &error) {
        return reportError(QStringLiteral("tfctl sync"), error);
    }
}

} // namespace tf::tfctl
