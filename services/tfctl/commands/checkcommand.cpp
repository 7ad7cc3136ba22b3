#include "checkcommand.h"

#include "core/errors.h"
#include "ops/healthcheck.h"
#include "servicetargets.h"
#include "tfctl/toolcontext.h"

#include <QJsonDocument>

#include <cstdio>

namespace tf::tfctl {

namespace {

const QString kProgram = QStringLiteral("tfctl check");

void printTable(const ops::HealthReport &report)
{
    std::printf("%-9s %-9s %8s %8s  %s\n", "COMPONENT", "STATUS", "LATENCY", "PID", "WHERE / DETAIL");
    for (const ops::ComponentHealth &component : report.components) {
        const QString latency = component.latencyMs < 0 ? QStringLiteral("-") : QStringLiteral("%1 ms").arg(component.latencyMs);
        const QString pid = component.pid > 0 ? QString::number(component.pid) : QStringLiteral("-");
        QString detail = component.where;
        if (!component.detail.isEmpty())
            detail += QStringLiteral(" (%1)").arg(component.detail);
        std::printf("%-9s %-9s %8s %8s  %s\n", qPrintable(component.name), qPrintable(component.status), qPrintable(latency),
                    qPrintable(pid), qPrintable(detail));
        if (!component.error.isEmpty())
            std::printf("%-9s %-9s %8s %8s  %s\n", "", "", "", "", qPrintable(component.error));
    }
    std::printf("overall: %s\n", qPrintable(report.overall));
}

} // namespace

int runCheckCommand(const QStringList &arguments)
{
    CommandLine commandLine(kProgram, QStringLiteral(
        "Check tf-gateway, tf-syncd, the control database and the free space of the data directory\n"
        "(above [alerts] disk_percent, 85 %: warning; full: degraded).\n"
        "Exit code: 0 healthy, 1 degraded (something answers but not everything is healthy),\n"
        "2 down (the gateway does not answer or the database cannot be reached) or bad usage."));
    commandLine.addPositional(QStringLiteral("check"), QStringLiteral("The command."), QStringLiteral("check"));
    addToolOptions(commandLine);
    addServiceTargetOptions(commandLine, 3);
    commandLine.addSwitch(QStringLiteral("json"), QStringLiteral("Print the result as JSON."), QStringLiteral("check/json"), QStringLiteral("true"));
    commandLine.process(arguments);
    if (commandLine.positionalArguments().size() > 1)
        CommandLine::exitWithUsageError(kProgram, QStringLiteral("check takes no arguments, got '%1'").arg(commandLine.positionalArguments().at(1)));
    try {
        const ServiceTargets targets = resolveServiceTargets(commandLine, 3);
        const ops::ServiceControl control(targets.control);
        const ops::HealthReport report = ops::HealthCheck::run(targets.healthTargets(control));
        if (commandLine.isSet(QStringLiteral("json")))
            std::printf("%s", QJsonDocument(report.toJson()).toJson(QJsonDocument::Indented).constData());
        else
            printTable(report);
        return report.exitCode();
    } catch (const Error &error) {
        return reportError(kProgram, error);
    }
}

} // namespace tf::tfctl
