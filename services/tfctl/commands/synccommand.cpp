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
#include "tfctl/leasekeeper.h"
#include "tfctl/progressprinter.h"
#include "tfctl/platformlocation.h"
#include "tfctl/toolcontext.h"

#include <QJsonDocument>

#include <atomic>
#include <csignal>
#include <QJsonArray>
#include <cstdio>

namespace tf::tfctl {

namespace {

std::atomic_bool g_cancel { false };

void requestCancel(int)
{
    g_cancel.store(true);
}

QString shortTime(const QDateTime &at)
{
    return at.isValid() ? at.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm")) : QStringLiteral("-");
}

QString totalsText(const QJsonObject &statistics)
{
    const QJsonObject t = statistics.value(QStringLiteral("totals")).toObject();
    if (t.isEmpty())
        return QStringLiteral("-");
    return QStringLiteral("read %1 +%2 ~%3 -%4 quarantined %5")
        .arg(t.value(QStringLiteral("read")).toInteger())
        .arg(t.value(QStringLiteral("inserted")).toInteger())
        .arg(t.value(QStringLiteral("updated")).toInteger())
        .arg(t.value(QStringLiteral("deleted")).toInteger())
        .arg(t.value(QStringLiteral("quarantined")).toInteger());
}

// sync history <pair>: the pair's operations, newest first.
int history(ToolContext &context, const QString &reference, int limit, bool json)
{
    db::SyncPairRepository pairs(context.database().database());
    const db::SyncPairRecord pair = sync::findPair(pairs, reference);
    const QList<db::OperationRecord> runs = db::OperationRepository(context.database().database()).listForPair(pair.id, limit);
    if (json) {
        QJsonArray array;
        for (const db::OperationRecord &run : runs)
            array.append(run.toJson());
        std::printf("%s", QJsonDocument(array).toJson(QJsonDocument::Indented).constData());
        return 0;
    }
    std::printf("sync pair %lld \"%s\": %lld run(s), newest first\n", static_cast<long long>(pair.id),
                qPrintable(pair.name), static_cast<long long>(runs.size()));
    std::printf("%-6s %-22s %-7s %-9s %-16s %-16s %s\n", "id", "status", "mode", "trigger", "started (UTC)",
                "finished (UTC)", "totals");
    for (const db::OperationRecord &run : runs) {
        std::printf("%-6lld %-22s %-7s %-9s %-16s %-16s %s%s\n", static_cast<long long>(run.id),
                    qPrintable(run.status + (run.dryRun ? QStringLiteral(" (dry)") : QString())), qPrintable(run.mode),
                    qPrintable(run.trigger), qPrintable(shortTime(run.startedAt)), qPrintable(shortTime(run.finishedAt)),
                    qPrintable(totalsText(run.statistics)),
                    run.error.isEmpty() ? "" : qPrintable(QStringLiteral("  error: ") + run.error));
    }
    return 0;
}

int list(ToolContext &context)
{
    db::SyncPairRepository pairs(context.database().database());
    db::OperationRepository operations(context.database().database());
    const auto records = pairs.list();
    std::printf("%-5s %-40s %-8s %-22s %-40s %s\n", "id", "name", "enabled", "schedule", "source -> target",
                "last run");
    for (const auto &r : records) {
        const QList<db::OperationRecord> last = operations.listForPair(r.id, 1);
        const QString lastRun = last.isEmpty()
            ? QStringLiteral("never")
            : QStringLiteral("%1 %2 (operation %3)")
                  .arg(last.first().status, shortTime(last.first().finishedAt.isValid() ? last.first().finishedAt
                                                                                        : last.first().createdAt))
                  .arg(last.first().id);
        std::printf("%-5lld %-40s %-8s %-22s %-40s %s\n", static_cast<long long>(r.id), qPrintable(r.name),
                    r.enabled ? "yes" : "no", qPrintable(r.schedule.isEmpty() ? QStringLiteral("-") : r.schedule),
                    qPrintable(r.sourceEntity + QStringLiteral(" -> ") + r.targetEntity), qPrintable(lastRun));
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
    sync::RunResult result;
    {
        // Staging a large source reports no progress for a while: keep the lease alive meanwhile.
        LeaseKeeper lease(control, operationId);
        result = runner.run(options);
    }
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
    commandLine.addPositional(QStringLiteral("command"), QStringLiteral("run <pair> | list | history <pair>"));
    commandLine.addPositional(QStringLiteral("pair"), QStringLiteral("Pair id or name (run, history)."), QStringLiteral("[pair]"));
    addToolOptions(commandLine);
    commandLine.addSwitch(QStringLiteral("dry-run"), QStringLiteral("Compute and report the changes; write nothing."),
                          QStringLiteral("sync/dry_run"), QStringLiteral("true"));
    commandLine.addSwitch(QStringLiteral("full"), QStringLiteral("Rewrite every entity (full resync)."),
                          QStringLiteral("sync/full"), QStringLiteral("true"));
    commandLine.addSwitch(QStringLiteral("json"), QStringLiteral("Print the result as JSON."),
                          QStringLiteral("sync/json"), QStringLiteral("true"));
    commandLine.addValueOption(QStringLiteral("limit"), QStringLiteral("N"),
                               QStringLiteral("history: at most N runs (default 20, at most 1000)."),
                               QStringLiteral("sync/limit"));
    commandLine.process(arguments);
    const QStringList positional = commandLine.positionalArguments();
    const QString command = positional.value(1);
    if (command != QLatin1String("run") && command != QLatin1String("list") && command != QLatin1String("history"))
        CommandLine::exitWithUsageError(QStringLiteral("tfctl sync"),
                                        command.isEmpty() ? QStringLiteral("a command is required: run, list or history")
                                                          : QStringLiteral("unknown command '%1'; use run, list or history").arg(command));
    if (command == QLatin1String("history") && positional.size() != 3)
        CommandLine::exitWithUsageError(QStringLiteral("tfctl sync history"), QStringLiteral("name exactly one pair (id or name)"));
    int limit = 20;
    if (commandLine.isSet(QStringLiteral("limit"))) {
        bool ok = false;
        limit = commandLine.value(QStringLiteral("limit")).toInt(&ok);
        if (!ok || limit < 1 || limit > 1000)
            CommandLine::exitWithUsageError(QStringLiteral("tfctl sync history"), QStringLiteral("--limit must be a number from 1 to 1000"));
    }
    if (command == QLatin1String("run") && positional.size() != 3)
        CommandLine::exitWithUsageError(QStringLiteral("tfctl sync run"), QStringLiteral("name exactly one pair (id or name)"));
    if (command == QLatin1String("list") && positional.size() != 2)
        CommandLine::exitWithUsageError(QStringLiteral("tfctl sync list"), QStringLiteral("takes no arguments"));

    try {
        auto context = ToolContext::open(commandLine);
        if (command == QLatin1String("list"))
            return list(*context);
        if (command == QLatin1String("history"))
            return history(*context, positional.value(2), limit, commandLine.isSet(QStringLiteral("json")));
        return run(*context, positional.value(2), commandLine.isSet(QStringLiteral("dry-run")),
                   commandLine.isSet(QStringLiteral("full")), commandLine.isSet(QStringLiteral("json")));
    } catch (const Error &error) {
        return reportError(QStringLiteral("tfctl sync"), error);
    }
}

} // namespace tf::tfctl
