#include "createplancommand.h"

#include "core/errors.h"
#include "core/paths.h"
#include "ops/recoveryplan.h"
#include "servicetargets.h"
#include "tfctl/toolcontext.h"

#include <QCoreApplication>
#include <QJsonDocument>

#include <cstdio>

namespace tf::tfctl {

namespace {

const QString kProgram = QStringLiteral("tfctl create-plan");

} // namespace

int runCreatePlanCommand(const QStringList &arguments)
{
    const QString scenarios = ops::RecoveryPlans::scenarios().join(QLatin1Char('|'));
    CommandLine commandLine(kProgram, QStringLiteral(
        "Write a recovery plan (Markdown) and an executable script of its tfctl steps into\n"
        "<data>/recovery_scripts/."));
    commandLine.addPositional(QStringLiteral("create-plan"), QStringLiteral("The command."), QStringLiteral("create-plan"));
    commandLine.addPositional(QStringLiteral("scenario"), scenarios, QStringLiteral("<%1>").arg(scenarios));
    addToolOptions(commandLine);
    addServiceTargetOptions(commandLine, 60);
    commandLine.addValueOption(QStringLiteral("components"), QStringLiteral("LIST"),
                               QStringLiteral("Affected components, comma-separated: gateway, syncd, database (default: by scenario)."),
                               QStringLiteral("plan/components"));
    commandLine.addSwitch(QStringLiteral("json"), QStringLiteral("Print the plan's description as JSON."), QStringLiteral("plan/json"), QStringLiteral("true"));
    commandLine.process(arguments);
    const QStringList positional = commandLine.positionalArguments();
    if (positional.size() != 2) {
        CommandLine::exitWithUsageError(kProgram, positional.size() < 2
            ? QStringLiteral("a scenario is required: %1").arg(scenarios)
            : QStringLiteral("one scenario only, got '%1' too").arg(positional.at(2)));
    }
    ops::RecoveryPlanRequest request;
    request.scenario = positional.at(1);
    if (!ops::RecoveryPlans::scenarios().contains(request.scenario))
        CommandLine::exitWithUsageError(kProgram, QStringLiteral("unknown scenario '%1'; use %2").arg(request.scenario, scenarios));
    if (commandLine.isSet(QStringLiteral("components"))) {
        for (const QString &part : commandLine.value(QStringLiteral("components")).split(QLatin1Char(','))) {
            const QString component = part.trimmed();
            if (!ops::RecoveryPlans::componentNames().contains(component)) {
                CommandLine::exitWithUsageError(kProgram, QStringLiteral("--components: unknown component '%1'; use %2")
                                                              .arg(component, ops::RecoveryPlans::componentNames().join(QStringLiteral(", "))));
            }
            request.components << component;
        }
    }
    try {
        const ServiceTargets targets = resolveServiceTargets(commandLine, 60);
        const ops::ServiceControl control(targets.control);
        request.tfctl = QCoreApplication::applicationFilePath();
        request.tfctlArguments = { QStringLiteral("--data-dir"), targets.service.dataDir };
        if (!targets.service.config.configFile().isEmpty())
            request.tfctlArguments << QStringLiteral("--config") << targets.service.config.configFile();
        request.gatewayUrl = control.gatewayUrl(control.gateway());
        request.syncUrl = control.syncUrl(control.sync());
        request.createdBy = osActor();
        ops::RecoveryPlans plans(paths::recoveryScriptsDir(targets.service.dataDir));
        const ops::RecoveryPlan plan = plans.create(request);
        auditAction(targets.service.databaseUrl,
                    http::AuditEvent { QStringLiteral("recovery_plan.created"), QStringLiteral("info"), QStringLiteral("recovery_plan"),
                                       plan.name, 0, QStringLiteral("recovery plan for %1 written").arg(plan.scenario), {}, plan.toJson() });
        if (commandLine.isSet(QStringLiteral("json"))) {
            std::printf("%s", QJsonDocument(plan.toJson()).toJson(QJsonDocument::Indented).constData());
            return 0;
        }
        std::printf("recovery plan: %s/%s\n", qPrintable(plans.directory()), qPrintable(plan.name));
        std::printf("script:        %s/%s\n", qPrintable(plans.directory()), qPrintable(plan.scriptName));
        std::printf("steps:\n");
        for (const QString &command : plan.commands)
            std::printf("  %s\n", qPrintable(command));
        return 0;
    } catch (const Error &error) {
        return reportError(kProgram, error);
    }
}

} // namespace tf::tfctl
