#include "checkcommand.h"

#include "core/errors.h"
#include "core/secretbox.h"
#include "db/controldatabase.h"
#include "ops/healthcheck.h"
#include "ops/orphanslots.h"
#include "servicetargets.h"
#include "tfctl/toolcontext.h"

#include <QJsonArray>
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

// The tf_ replication slots no cdc pair owns (docs/cdc.md, "Names"), when the control database
// answers; what could not be asked goes to `problems`.
QList<ops::OrphanSlot> orphanSlots(const ServiceTargets &targets, const ops::HealthReport &report,
                                   QStringList *problems)
{
    const ops::ComponentHealth *database = report.component(QStringLiteral("database"));
    if (!database || database->status != QLatin1String("healthy"))
        return {};
    try {
        auto control = db::ControlDatabase::open(targets.service.databaseUrl, false);
        const SecretBox secrets = SecretBox::fromEnvironmentOrKeyFile(targets.service.dataDir);
        return ops::findOrphanSlots(control->database(), secrets, problems);
    } catch (const Error &error) {
        problems->append(error.message());
        return {};
    }
}

QString megabytes(qint64 bytes)
{
    return QStringLiteral("%1 MB").arg(double(bytes) / (1024.0 * 1024.0), 0, 'f', 1);
}

void printOrphans(const QList<ops::OrphanSlot> &orphans, const QStringList &problems)
{
    for (const ops::OrphanSlot &orphan : orphans)
        std::printf("warning: orphan replication slot %s on system %lld '%s' (%s%s) retains %s of WAL; drop it "
                    "there: %s\n",
                    qPrintable(orphan.slot), static_cast<long long>(orphan.systemId), qPrintable(orphan.systemName),
                    qPrintable(orphan.reason), orphan.active ? ", in use: stop its reader first" : "",
                    qPrintable(megabytes(orphan.retainedBytes)), qPrintable(orphan.dropStatement()));
    for (const QString &problem : problems)
        std::printf("warning: replication slots not checked on %s\n", qPrintable(problem));
}

QJsonObject orphansJson(const QList<ops::OrphanSlot> &orphans, const QStringList &problems)
{
    QJsonArray found;
    for (const ops::OrphanSlot &orphan : orphans)
        found.append(QJsonObject { { QStringLiteral("slot"), orphan.slot },
                                   { QStringLiteral("system_id"), orphan.systemId },
                                   { QStringLiteral("system"), orphan.systemName },
                                   { QStringLiteral("reason"), orphan.reason },
                                   { QStringLiteral("retained_wal_bytes"), orphan.retainedBytes },
                                   { QStringLiteral("active"), orphan.active },
                                   { QStringLiteral("drop"), orphan.dropStatement() } });
    return { { QStringLiteral("orphan_slots"), found },
             { QStringLiteral("slot_check_errors"), QJsonArray::fromStringList(problems) } };
}

} // namespace

int runCheckCommand(const QStringList &arguments)
{
    CommandLine commandLine(kProgram, QStringLiteral(
        "Check tf-gateway, tf-syncd, the control database and the free space of the data directory\n"
        "(above [alerts] disk_percent, 85 %: warning; full: degraded), and list orphan tf_ replication\n"
        "slots (no cdc pair owns them: they hold WAL for nobody) on the PostgreSQL systems, as warnings.\n"
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
        QStringList problems;
        const QList<ops::OrphanSlot> orphans = orphanSlots(targets, report, &problems);
        if (commandLine.isSet(QStringLiteral("json"))) {
            QJsonObject json = report.toJson();
            const QJsonObject orphanJson = orphansJson(orphans, problems);
            for (auto it = orphanJson.begin(); it != orphanJson.end(); ++it)
                json.insert(it.key(), it.value());
            std::printf("%s", QJsonDocument(json).toJson(QJsonDocument::Indented).constData());
        } else {
            printTable(report);
            printOrphans(orphans, problems);
        }
        return report.exitCode();
    } catch (const Error &error) {
        return reportError(kProgram, error);
    }
}

} // namespace tf::tfctl
