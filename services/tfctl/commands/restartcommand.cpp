#include "restartcommand.h"

#include "core/errors.h"
#include "ops/servicecontrol.h"
#include "servicetargets.h"
#include "tfctl/toolcontext.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>

#include <cstdio>

namespace tf::tfctl {

int runRestartCommand(const QStringList &arguments)
{
    // The command is the first argument that is not an option (main() found it).
    QString verb;
    for (int i = 1; i < arguments.size(); ++i) {
        if (!arguments.at(i).startsWith(QLatin1Char('-'))) {
            verb = arguments.at(i);
            break;
        }
    }
    const QString program = QStringLiteral("tfctl ") + verb;
    CommandLine commandLine(program, verb == QLatin1String("restart-api")
        ? QStringLiteral("Restart tf-gateway (and the tf-syncd it supervises) and wait until it is ready.")
        : verb == QLatin1String("restart-sync") ? QStringLiteral("Restart tf-syncd and wait until it is healthy.")
                                                 : QStringLiteral("Restart tf-syncd, then tf-gateway, and wait until both are healthy."));
    commandLine.addPositional(verb, QStringLiteral("The command."), verb);
    addToolOptions(commandLine);
    addServiceTargetOptions(commandLine, 60);
    commandLine.addSwitch(QStringLiteral("json"), QStringLiteral("Print the outcome as JSON."), QStringLiteral("restart/json"), QStringLiteral("true"));
    commandLine.process(arguments);
    if (commandLine.positionalArguments().size() > 1)
        CommandLine::exitWithUsageError(program, QStringLiteral("%1 takes no arguments, got '%2'").arg(verb, commandLine.positionalArguments().at(1)));
    const bool json = commandLine.isSet(QStringLiteral("json"));

    QString databaseUrl;
    try {
        const ServiceTargets targets = resolveServiceTargets(commandLine, 60);
        databaseUrl = targets.service.databaseUrl;
        QElapsedTimer clock;
        clock.start();
        ops::ServiceControl control(targets.control, [&clock, json](const QString &line) {
            if (!json)
                std::printf("[%6.1fs] %s\n", double(clock.elapsed()) / 1000.0, qPrintable(line));
            std::fflush(stdout);
        });
        QList<ops::RestartOutcome> outcomes;
        if (verb == QLatin1String("restart-api"))
            outcomes << control.restartGateway();
        else if (verb == QLatin1String("restart-sync"))
            outcomes << control.restartSync();
        else
            outcomes = control.restartAll();
        QJsonArray list;
        for (const ops::RestartOutcome &outcome : std::as_const(outcomes)) {
            list.append(outcome.toJson());
            if (!json)
                std::printf("[%6.1fs] %s\n", double(clock.elapsed()) / 1000.0, qPrintable(outcome.detail));
        }
        auditAction(databaseUrl, http::AuditEvent { QStringLiteral("service.restarted"), QStringLiteral("info"), QStringLiteral("service"),
                                                    verb.mid(8), 0, QStringLiteral("%1 through tfctl").arg(verb), {},
                                                    QJsonObject { { QStringLiteral("outcomes"), list } } });
        if (json)
            std::printf("%s", QJsonDocument(QJsonObject { { QStringLiteral("ok"), true }, { QStringLiteral("outcomes"), list } })
                                  .toJson(QJsonDocument::Indented).constData());
        return 0;
    } catch (const Error &error) {
        if (!databaseUrl.isEmpty()) {
            auditAction(databaseUrl, http::AuditEvent { QStringLiteral("service.restart_failed"), QStringLiteral("error"), QStringLiteral("service"),
                                                        verb.mid(8), 0, QStringLiteral("%1 through tfctl failed: %2").arg(verb, error.message()), {}, {} });
        }
        if (json) {
            std::printf("%s", QJsonDocument(QJsonObject { { QStringLiteral("ok"), false }, { QStringLiteral("error"), error.message() } })
                                  .toJson(QJsonDocument::Indented).constData());
        }
        const int code = reportError(program, error);
        return code == 2 && error.kind() != Error::Kind::Validation ? 1 : code;
    }
}

} // namespace tf::tfctl
