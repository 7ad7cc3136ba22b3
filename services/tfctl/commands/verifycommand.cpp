#include "verifycommand.h"

#include "common/auditlog.h"
#include "core/cli.h"
#include "core/errors.h"
#include "db/controldatabase.h"
#include "db/repositories/operationrepository.h"
#include "sync/engine/quarantinestore.h"
#include "sync/runtime/pairruntime.h"
#include "sync/verify/verifyrunner.h"
#include "tfctl/leasekeeper.h"
#include "tfctl/platformlocation.h"
#include "tfctl/progressprinter.h"
#include "tfctl/toolcontext.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <atomic>
#include <csignal>
#include <cstdio>

namespace tf::tfctl {

namespace {

std::atomic_bool g_cancel { false };

void requestCancel(int)
{
    g_cancel.store(true);
}

// At most this many keys of each kind in the human output; --json has the report's 100.
constexpr int kKeysShown = 10;

void printKeys(const char *label, const QJsonArray &keys, qint64 count)
{
    if (keys.isEmpty())
        return;
    QStringList shown;
    for (int i = 0; i < keys.size() && i < kKeysShown; ++i) {
        const QJsonValue key = keys.at(i);
        if (key.isObject()) {
            const QJsonObject different = key.toObject();
            const QStringList columns = different.value(QStringLiteral("columns")).toVariant().toStringList();
            shown << different.value(QStringLiteral("key")).toString()
                    + (columns.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(columns.join(QLatin1Char(','))));
        } else {
            shown << key.toString();
        }
    }
    std::printf("    %s: %s%s\n", label, qPrintable(shown.join(QStringLiteral(", "))),
                count > shown.size() ? qPrintable(QStringLiteral(" ... (%1 in all)").arg(count)) : "");
}

void printReport(const QJsonObject &report)
{
    for (const QJsonValue &value : report.value(QStringLiteral("entities")).toArray()) {
        const QJsonObject entity = value.toObject();
        const auto count = [&](const char *name) {
            return static_cast<long long>(entity.value(QLatin1String(name)).toInteger());
        };
        std::printf("entity %s (%s): source %lld rows, target %lld rows; %lld matching, %lld missing, "
                    "%lld extra, %lld different",
                    qPrintable(entity.value(QStringLiteral("entity")).toString()),
                    qPrintable(entity.value(QStringLiteral("method")).toString()), count("source_rows"),
                    count("target_rows"), count("matching"), count("missing"), count("extra"), count("different"));
        if (count("invalid") > 0)
            std::printf(", %lld invalid at the source (quarantined by runs)", count("invalid"));
        if (count("retained") > 0)
            std::printf(", %lld kept in the target by the delete policy", count("retained"));
        std::printf("\n");
        printKeys("missing", entity.value(QStringLiteral("missing_keys")).toArray(), count("missing"));
        printKeys("extra", entity.value(QStringLiteral("extra_keys")).toArray(), count("extra"));
        printKeys("different", entity.value(QStringLiteral("different_keys")).toArray(), count("different"));
    }
}

int verify(ToolContext &context, const QString &reference, const QString &entity, bool repair, bool json)
{
    db::Database &control = context.database().database();
    auto runtime = sync::PairRuntime::open(control, context.secrets(), reference);
    const db::SyncPairRecord &record = runtime->record;
    sync::VerifyRunner::checkEntity(runtime->spec, entity);
    sync::SourceConnector &targetReader = runtime->targetReader();

    db::OperationRepository operations(control);
    const QString mode = repair ? QStringLiteral("repair") : QStringLiteral("verify");
    // A run of the same pair holds it: Conflict, exit 2.
    const qint64 operationId = operations.start(record.id, mode, !repair, QStringLiteral("cli"), context.service().nodeId);
    platform::audit(context.database(),
                    { QStringLiteral("sync_operation.started"), QStringLiteral("info"), QStringLiteral("sync_operation"),
                      QString::number(operationId), operationId,
                      QStringLiteral("operation %1 of sync pair %2 run by tfctl (%3%4)")
                          .arg(operationId)
                          .arg(record.id)
                          .arg(repair ? QStringLiteral("verify and repair") : QStringLiteral("verify"),
                               entity.isEmpty() ? QString() : QStringLiteral(", entity ") + entity),
                      {},
                      QJsonObject { { QStringLiteral("pair_id"), record.id },
                                    { QStringLiteral("mode"), mode },
                                    { QStringLiteral("entity"), entity } } });
    std::FILE *const talk = json ? stderr : stdout;
    std::fprintf(talk, "sync pair %lld \"%s\": operation %lld, %s\n", static_cast<long long>(record.id),
                 qPrintable(record.name), static_cast<long long>(operationId),
                 repair ? "verify and repair (differences are written to the target)"
                        : "verify (nothing is written; --repair applies the differences)");
    std::fflush(talk);

    ProgressPrinter printer(talk);
    sync::VerifyOptions options;
    options.repair = repair;
    options.entity = entity;
    options.run.operationId = operationId;
    options.run.cancel = &g_cancel;
    options.run.progress = [&](const sync::RunProgress &progress) {
        printer(progress);
        try {
            operations.progress(operationId, qMax(0.0, progress.percent), progress.entity, progress.totals.toJson());
        } catch (const Error &) {
            // Progress is advisory.
        }
    };
    std::signal(SIGINT, requestCancel);
    std::signal(SIGTERM, requestCancel);
    sync::VerifyRunner runner(runtime->spec, *runtime->source, *runtime->target, targetReader,
                              *runtime->quarantine, runtime->detachedState());
    sync::RunResult result;
    {
        LeaseKeeper lease(control, operationId);
        result = runner.run(options);
    }
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);

    QJsonObject statistics = result.toJson();
    operations.finish(operationId, sync::runStatusName(result.status), statistics, result.error);
    const QJsonObject report = result.verify;
    const qint64 differences = report.value(QStringLiteral("differences")).toInteger();
    const qint64 left = report.contains(QStringLiteral("differences_after_repair"))
        ? report.value(QStringLiteral("differences_after_repair")).toInteger()
        : differences;
    if (repair && report.value(QStringLiteral("repaired")).toBool()) {
        platform::audit(context.database(),
                        { QStringLiteral("sync_pair.repaired"), QStringLiteral("warning"), QStringLiteral("sync_pair"),
                          QString::number(record.id), operationId,
                          QStringLiteral("sync pair %1 repaired by tfctl: %2 difference(s) written to the target, %3 left")
                              .arg(record.id)
                              .arg(differences)
                              .arg(left),
                          {},
                          QJsonObject { { QStringLiteral("missing"), report.value(QStringLiteral("missing")) },
                                        { QStringLiteral("extra"), report.value(QStringLiteral("extra")) },
                                        { QStringLiteral("different"), report.value(QStringLiteral("different")) },
                                        { QStringLiteral("differences_after_repair"), left } } });
    }
    if (json) {
        statistics.insert(QStringLiteral("operation_id"), operationId);
        std::printf("%s\n", QJsonDocument(statistics).toJson(QJsonDocument::Indented).constData());
    } else if (result.status == sync::RunStatus::Completed) {
        printReport(report);
        if (differences == 0)
            std::printf("verify: no differences: the target holds exactly what the source maps to\n");
        else if (!repair)
            std::printf("verify: %lld difference(s); `tfctl verify %s --repair` writes them to the target\n",
                        static_cast<long long>(differences), qPrintable(reference));
        else
            std::printf("repair: %lld difference(s) written; verified again: %lld left\n",
                        static_cast<long long>(differences), static_cast<long long>(left));
    }
    switch (result.status) {
    case sync::RunStatus::Completed:
        return left > 0 ? 3 : 0;
    case sync::RunStatus::Cancelled:
        return 130;
    case sync::RunStatus::CompletedWithErrors:
    case sync::RunStatus::Failed:
        std::fprintf(stderr, "tfctl verify: %s\n", qPrintable(result.error));
        return 1;
    }
    return 1;
}

} // namespace

int runVerifyCommand(const QStringList &arguments)
{
    CommandLine commandLine(QStringLiteral("tfctl verify"),
                            QStringLiteral("Compare a pair's target with its source, row by row, and optionally repair it.\n"
                                           "Exit 0: no differences; 3: differences found; 1: failed; 2: bad input."));
    commandLine.addPositional(QStringLiteral("verify"), QStringLiteral("The command."), QStringLiteral("verify"));
    commandLine.addPositional(QStringLiteral("pair"), QStringLiteral("Pair id or name."));
    addToolOptions(commandLine);
    commandLine.addValueOption(QStringLiteral("entity"), QStringLiteral("NAME"),
                               QStringLiteral("Only this entity of the pair."), QStringLiteral("verify/entity"));
    commandLine.addSwitch(QStringLiteral("repair"),
                          QStringLiteral("Write the differences to the target (missing and different rows, delete "
                                         "extra ones), then verify again."),
                          QStringLiteral("verify/repair"), QStringLiteral("true"));
    commandLine.addSwitch(QStringLiteral("json"), QStringLiteral("Print the result as JSON (progress on stderr)."),
                          QStringLiteral("verify/json"), QStringLiteral("true"));
    commandLine.process(arguments);
    const QStringList positional = commandLine.positionalArguments();
    if (positional.size() != 2)
        CommandLine::exitWithUsageError(QStringLiteral("tfctl verify"), QStringLiteral("name exactly one pair (id or name)"));
    try {
        auto context = ToolContext::open(commandLine);
        return verify(*context, positional.value(1), commandLine.value(QStringLiteral("entity")),
                      commandLine.isSet(QStringLiteral("repair")), commandLine.isSet(QStringLiteral("json")));
    } catch (const Error &error) {
        return reportError(QStringLiteral("tfctl verify"), error);
    }
}

} // namespace tf::tfctl
