#include "maintenancecommand.h"

#include "tfctl/platformlocation.h"

#include "core/errors.h"
#include "db/controldatabase.h"
#include "ops/maintenancerunner.h"
#include "ops/maintenancerunstore.h"
#include "ops/maintenanceschedule.h"
#include "tfctl/toolcontext.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <cstdio>
#include <optional>

namespace tf::tfctl {

namespace {

const QString kProgram = QStringLiteral("tfctl maintenance");


void printJson(const QJsonObject &object)
{
    std::printf("%s", QJsonDocument(object).toJson(QJsonDocument::Indented).constData());
}

int run(ToolContext &context, ops::MaintenanceKind kind, bool json)
{
    const ServiceContext &service = context.service();
    ops::MaintenanceRunner runner(
        context.database().database(),
        ops::MaintenanceSettings::fromConfig(service.config, service.dataDir, service.databaseUrl,
                                             service.nodeId));
    ops::MaintenanceRequest request;
    request.kind = kind;
    request.triggeredBy = platform::actor();
    const qint64 runId = runner.claim(request);
    if (!json) {
        std::printf("%s maintenance: run %lld (%s)\n", qPrintable(ops::maintenanceKindName(kind)),
                    static_cast<long long>(runId),
                    qPrintable(ops::maintenanceWindow(kind).tasks.join(QStringLiteral(", "))));
        std::fflush(stdout);
    }
    QElapsedTimer clock;
    clock.start();
    QString lastTask;
    qint64 lastPrintMs = -1000;
    // One line when a task starts or ends, else at most four a second.
    const ops::MaintenanceReport report = runner.execute(
        runId, request, [&](double fraction, const QString &message) {
            const QString task = message.section(QLatin1Char(':'), 0, 0);
            if (json || (task == lastTask && clock.elapsed() - lastPrintMs < 250 && fraction < 1.0))
                return;
            lastTask = task;
            lastPrintMs = clock.elapsed();
            std::printf("[%6.1fs] %3.0f%%  %s\n", clock.elapsed() / 1000.0, fraction * 100,
                        qPrintable(message));
            std::fflush(stdout);
        });
    if (json) {
        printJson(report.toJson());
    } else {
        std::printf("\n");
        for (const ops::StepResult &step : report.steps)
            std::printf("%-8s %s (%lld ms): %s\n", qPrintable(step.status), qPrintable(step.name),
                        static_cast<long long>(step.durationMs), qPrintable(step.summary));
        const QList<ops::Finding> findings = report.findings();
        std::printf("\nfindings: %lld\n", static_cast<long long>(findings.size()));
        for (const ops::Finding &finding : findings)
            std::printf("  [%s] %s\n", qPrintable(finding.severity), qPrintable(finding.message));
        std::printf("\n%s maintenance run %lld %s in %.1f s\nreport: %s\n",
                    qPrintable(ops::maintenanceKindName(kind)), static_cast<long long>(runId),
                    qPrintable(report.status), report.startedAt.msecsTo(report.finishedAt) / 1000.0,
                    qPrintable(report.markdownPath));
    }
    return report.status == QLatin1String("completed") ? 0 : 1;
}

int next(const QDateTime &now, bool json)
{
    QJsonArray windows;
    for (ops::MaintenanceKind kind : ops::allMaintenanceKinds())
        windows.append(ops::maintenanceWindowJson(kind, now));
    if (json) {
        printJson(QJsonObject { { QStringLiteral("now"), ops::isoWithOffset(now) },
                                { QStringLiteral("windows"), windows } });
        return 0;
    }
    std::printf("now: %s\n", qPrintable(ops::isoWithOffset(now)));
    std::printf("%-10s %-36s %-26s %s\n", "type", "when", "next run", "tasks");
    for (const QJsonValue &value : std::as_const(windows)) {
        const QJsonObject window = value.toObject();
        QStringList tasks;
        for (const QJsonValue &task : window.value(QStringLiteral("tasks")).toArray())
            tasks << task.toString();
        std::printf("%-10s %-36s %-26s %s\n",
                    qPrintable(window.value(QStringLiteral("type")).toString()),
                    qPrintable(window.value(QStringLiteral("when")).toString()),
                    qPrintable(window.value(QStringLiteral("next_run")).toString()),
                    qPrintable(tasks.join(QStringLiteral("; "))));
    }
    return 0;
}

int history(ToolContext &context, const QString &kind, int limit, bool json)
{
    const QList<ops::MaintenanceRunRecord> runs
        = ops::MaintenanceRunStore(context.database().database()).list(limit, kind);
    if (json) {
        QJsonArray array;
        for (const ops::MaintenanceRunRecord &run : runs)
            array.append(run.toJson(false));
        printJson(QJsonObject { { QStringLiteral("runs"), array } });
        return 0;
    }
    std::printf("%-6s %-10s %-22s %-21s %-21s %s\n", "id", "type", "status", "started (UTC)",
                "finished (UTC)", "triggered by");
    for (const ops::MaintenanceRunRecord &run : runs)
        std::printf("%-6lld %-10s %-22s %-21s %-21s %s\n", static_cast<long long>(run.id),
                    qPrintable(run.kind), qPrintable(run.status),
                    qPrintable(run.startedAt.toUTC().toString(Qt::ISODate)),
                    qPrintable(run.finishedAt.isValid()
                                   ? run.finishedAt.toUTC().toString(Qt::ISODate)
                                   : QStringLiteral("-")),
                    qPrintable(run.triggeredBy));
    if (runs.isEmpty())
        std::printf("(no maintenance runs yet)\n");
    return 0;
}

} // namespace

int runMaintenanceCommand(const QStringList &arguments)
{
    CommandLine commandLine(
        kProgram, QStringLiteral("Run and schedule maintenance (weekly, monthly, quarterly)."));
    commandLine.addPositional(QStringLiteral("maintenance"), QStringLiteral("The command group."),
                              QStringLiteral("maintenance"));
    commandLine.addPositional(QStringLiteral("command"), QStringLiteral("run | next | history"));
    addToolOptions(commandLine);
    commandLine.addValueOption(
        QStringLiteral("type"), QStringLiteral("TYPE"),
        QStringLiteral("weekly, monthly or quarterly (run; history filter)."),
        QStringLiteral("maintenance/type"));
    commandLine.addValueOption(QStringLiteral("now"), QStringLiteral("TIME"),
                               QStringLiteral("next: compute from this ISO-8601 time instead of "
                                              "now (local time unless it has an offset)."),
                               QStringLiteral("maintenance/now"));
    commandLine.addValueOption(QStringLiteral("limit"), QStringLiteral("N"),
                               QStringLiteral("history: runs shown (default 20)."),
                               QStringLiteral("maintenance/limit"));
    commandLine.addSwitch(QStringLiteral("json"), QStringLiteral("Print JSON."),
                          QStringLiteral("maintenance/json"), QStringLiteral("true"));
    commandLine.process(arguments);
    const QStringList positional = commandLine.positionalArguments();
    const QString command = positional.value(1);
    const QString usage = QStringLiteral("usage: tfctl maintenance run --type "
                                         "weekly|monthly|quarterly | next [--now TIME] | history");
    if (command != QLatin1String("run") && command != QLatin1String("next")
        && command != QLatin1String("history"))
        CommandLine::exitWithUsageError(
            kProgram,
            command.isEmpty() ? QStringLiteral("a command is required; ") + usage
                              : QStringLiteral("unknown command '%1'; ").arg(command) + usage);
    if (positional.size() != 2)
        CommandLine::exitWithUsageError(
            kProgram + QLatin1Char(' ') + command,
            QStringLiteral("unexpected argument '%1'; ").arg(positional.value(2)) + usage);
    const bool json = commandLine.isSet(QStringLiteral("json"));
    const QString type = commandLine.value(QStringLiteral("type"));
    std::optional<ops::MaintenanceKind> kind;
    if (!type.isEmpty() || command == QLatin1String("run")) {
        if (type.isEmpty())
            CommandLine::exitWithUsageError(kProgram + QStringLiteral(" run"),
                                            QStringLiteral("--type is required; ") + usage);
        try {
            kind = ops::parseMaintenanceKind(type, QStringLiteral("--type"));
        } catch (const Error &error) {
            CommandLine::exitWithUsageError(kProgram + QLatin1Char(' ') + command, error.message());
        }
    }
    if (command == QLatin1String("next")) {
        QDateTime now = QDateTime::currentDateTime();
        if (commandLine.isSet(QStringLiteral("now"))) {
            now = QDateTime::fromString(commandLine.value(QStringLiteral("now")).trimmed(),
                                        Qt::ISODate);
            if (!now.isValid())
                CommandLine::exitWithUsageError(
                    kProgram + QStringLiteral(" next"),
                    QStringLiteral("--now '%1' is not an ISO-8601 time such as 2025-07-14T12:00:00")
                        .arg(commandLine.value(QStringLiteral("now"))));
        }
        return next(now, json);
    }
    int limit = 20;
    if (commandLine.isSet(QStringLiteral("limit"))) {
        bool ok = false;
        limit = commandLine.value(QStringLiteral("limit")).toInt(&ok);
        if (!ok || limit < 1 || limit > 1000)
            CommandLine::exitWithUsageError(kProgram + QStringLiteral(" history"),
                                            QStringLiteral("--limit must be 1 to 1000"));
    }
    try {
        auto context = ToolContext::open(commandLine);
        if (command == QLatin1String("run"))
            return run(*context, *kind, json);
        return history(*context, kind ? ops::maintenanceKindName(*kind) : QString(), limit, json);
    } catch (const Error &error) {
        return reportError(kProgram, error);
    }
}

} // namespace tf::tfctl
