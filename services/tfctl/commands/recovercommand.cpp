#include "recovercommand.h"

#include "core/errors.h"
#include "ops/recovery.h"
#include "servicetargets.h"
#include "tfctl/toolcontext.h"

#include <QElapsedTimer>
#include <QJsonDocument>

#include <cstdio>

namespace tf::tfctl {

namespace {

const QString kProgram = QStringLiteral("tfctl recover");

} // namespace

int runRecoverCommand(const QStringList &arguments)
{
    CommandLine commandLine(kProgram, QStringLiteral(
        "Full system recovery: verify the backup (the newest verified one, or --backup), stop the\n"
        "services, restore the control database, migrate it, start the services the way they ran\n"
        "and verify their health."));
    commandLine.addPositional(QStringLiteral("recover"), QStringLiteral("The command."), QStringLiteral("recover"));
    addToolOptions(commandLine);
    addServiceTargetOptions(commandLine, 60);
    commandLine.addValueOption(QStringLiteral("backup"), QStringLiteral("FILE"),
                               QStringLiteral("Backup to restore: a name in <data>/backups or a path (default: the newest verified)."),
                               QStringLiteral("recover/backup"));
    commandLine.addSwitch(QStringLiteral("no-start"), QStringLiteral("Restore and migrate only; leave the services alone."),
                          QStringLiteral("recover/no_start"), QStringLiteral("true"));
    commandLine.addSwitch(QStringLiteral("no-safety-backup"), QStringLiteral("Do not back up the current data before replacing it."),
                          QStringLiteral("recover/no_safety_backup"), QStringLiteral("true"));
    commandLine.addSwitch(QStringLiteral("json"), QStringLiteral("Print the result as JSON (steps still go to stderr)."),
                          QStringLiteral("recover/json"), QStringLiteral("true"));
    commandLine.process(arguments);
    if (commandLine.positionalArguments().size() > 1)
        CommandLine::exitWithUsageError(kProgram, QStringLiteral("recover takes no arguments, got '%1'; use --backup FILE")
                                                      .arg(commandLine.positionalArguments().at(1)));
    const bool json = commandLine.isSet(QStringLiteral("json"));
    FILE *out = json ? stderr : stdout;
    try {
        const ServiceTargets targets = resolveServiceTargets(commandLine, 60);
        QElapsedTimer clock;
        clock.start();
        ops::ServiceControl control(targets.control, [&](const QString &line) {
            std::fprintf(out, "[%6.1fs]       %s\n", double(clock.elapsed()) / 1000.0, qPrintable(line));
            std::fflush(out);
        });
        ops::RecoverOptions options;
        options.dataDir = targets.service.dataDir;
        options.databaseUrl = targets.service.databaseUrl;
        options.backup = commandLine.value(QStringLiteral("backup"));
        options.startServices = !commandLine.isSet(QStringLiteral("no-start"));
        options.safetyBackup = !commandLine.isSet(QStringLiteral("no-safety-backup"));
        ops::DisasterRecovery recovery(control, targets.healthTargets(control), options);
        const auto report = [&](const ops::RecoverStep &step) {
            if (step.status == QLatin1String("running")) {
                std::fprintf(out, "[%6.1fs] step %d/%d: %s\n", double(clock.elapsed()) / 1000.0, step.number,
                             ops::DisasterRecovery::kSteps, qPrintable(step.name));
            } else {
                std::fprintf(out, "[%6.1fs] step %d/%d: %s %s: %s\n", double(clock.elapsed()) / 1000.0, step.number,
                             ops::DisasterRecovery::kSteps, qPrintable(step.name), qPrintable(step.status), qPrintable(step.detail));
            }
            std::fflush(out);
        };
        const auto progress = [&](double fraction, const QString &message) {
            std::fprintf(out, "[%6.1fs]       %5.1f%% %s\n", double(clock.elapsed()) / 1000.0, fraction * 100.0, qPrintable(message));
            std::fflush(out);
        };
        const ops::RecoverResult result = recovery.recover(report, progress);
        auditAction(targets.service.databaseUrl,
                    http::AuditEvent { result.ok ? QStringLiteral("recovery.completed") : QStringLiteral("recovery.failed"),
                                       result.ok ? QStringLiteral("warning") : QStringLiteral("error"), QStringLiteral("database"),
                                       result.backup.name, 0,
                                       result.ok ? QStringLiteral("full system recovery from backup %1").arg(result.backup.name)
                                                 : QStringLiteral("full system recovery failed: %1").arg(result.error),
                                       {}, result.toJson() });
        if (json)
            std::printf("%s", QJsonDocument(result.toJson()).toJson(QJsonDocument::Indented).constData());
        if (!result.ok) {
            std::fprintf(stderr, "%s: %s\n", qPrintable(kProgram), qPrintable(result.error));
            return result.badInput ? 2 : 1;
        }
        std::fprintf(out, "recovered from %s in %.1f s; the system is healthy\n", qPrintable(result.backup.name),
                     double(clock.elapsed()) / 1000.0);
        return 0;
    } catch (const Error &error) {
        return reportError(kProgram, error);
    }
}

} // namespace tf::tfctl
