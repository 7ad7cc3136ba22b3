#include "fixcorruptioncommand.h"

#include "core/errors.h"
#include "db/controldatabase.h"
#include "ops/corruptionfixer.h"
#include "servicetargets.h"
#include "tfctl/toolcontext.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

#include <cstdio>

namespace tf::tfctl {

namespace {

const QString kProgram = QStringLiteral("tfctl fix-corruption");

void printReport(const ops::CorruptionReport &report)
{
    QStringList checked;
    for (auto it = report.rowsChecked.begin(); it != report.rowsChecked.end(); ++it)
        checked << QStringLiteral("%1 (%2 rows)").arg(it.key()).arg(it.value().toInteger());
    std::printf("checked: %s\n", qPrintable(checked.join(QStringLiteral(", "))));
    for (const ops::CorruptionFinding &finding : report.findings) {
        std::printf("%-16s %-28s %-17s %s\n", qPrintable(finding.table), qPrintable(finding.key), qPrintable(finding.problem),
                    qPrintable(finding.detail));
        std::printf("%-16s %-28s %-17s -> %s: %s\n", "", "", "", qPrintable(finding.action), qPrintable(finding.resolution));
    }
    if (!report.validationScript.isEmpty()) {
        std::printf("validation: %s exited with %d%s\n", qPrintable(report.validationScript), report.validationExitCode,
                    report.validationExitCode == 0 ? "" : report.rolledBack ? "; the changes were undone" : "");
        if (!report.validationOutput.isEmpty())
            std::printf("  %s\n", qPrintable(QString(report.validationOutput).replace(QLatin1Char('\n'), QStringLiteral("\n  "))));
        for (const QString &problem : report.rollbackProblems)
            std::printf("  not undone: %s\n", qPrintable(problem));
    }
    std::printf("summary: %d problem(s): %d repaired, %d set aside, %d reported, %d skipped%s\n",
                static_cast<int>(report.findings.size()), report.count(QStringLiteral("repaired")), report.count(QStringLiteral("set_aside")),
                report.count(QStringLiteral("reported")), report.count(QStringLiteral("skipped")),
                report.dryRun ? " (dry run: nothing changed)" : "");
    if (!report.setAsideFile.isEmpty())
        std::printf("rows as they were: %s\n", qPrintable(report.setAsideFile));
}

} // namespace

int runFixCorruptionCommand(const QStringList &arguments)
{
    CommandLine commandLine(kProgram, QStringLiteral(
        "Check control tables for invalid JSON, broken references, stuck operations and audit-chain\n"
        "breaks; repair what is safe, set the rest aside (the rows as they were go to\n"
        "<data>/set_aside/), report. Exit code 0 all resolved, 1 something needs a person or the\n"
        "validation script refused the result (the changes are undone), 2 bad usage."));
    commandLine.addPositional(QStringLiteral("fix-corruption"), QStringLiteral("The command."), QStringLiteral("fix-corruption"));
    commandLine.addPositional(QStringLiteral("entity_type"), ops::CorruptionFixer::entityTypes().join(QStringLiteral(", ")),
                              QStringLiteral("<entity_type>"));
    addToolOptions(commandLine);
    commandLine.addValueOption(QStringLiteral("validation"), QStringLiteral("SCRIPT"),
                               QStringLiteral("An executable run afterwards as `SCRIPT <entity_type>`; a non-zero exit code undoes the changes."),
                               QStringLiteral("fix/validation"));
    commandLine.addValueOption(QStringLiteral("validation-timeout"), QStringLiteral("SECONDS"),
                               QStringLiteral("How long the validation script may run (default 300)."), QStringLiteral("fix/validation_timeout"));
    commandLine.addSwitch(QStringLiteral("dry-run"), QStringLiteral("Report only; change nothing."), QStringLiteral("fix/dry_run"), QStringLiteral("true"));
    commandLine.addSwitch(QStringLiteral("json"), QStringLiteral("Print the report as JSON."), QStringLiteral("fix/json"), QStringLiteral("true"));
    commandLine.process(arguments);
    const QStringList positional = commandLine.positionalArguments();
    if (positional.size() != 2) {
        CommandLine::exitWithUsageError(kProgram, positional.size() < 2
            ? QStringLiteral("an entity type is required: %1").arg(ops::CorruptionFixer::entityTypes().join(QStringLiteral(", ")))
            : QStringLiteral("one entity type only, got '%1' too").arg(positional.at(2)));
    }
    const QString entityType = positional.at(1);
    if (!ops::CorruptionFixer::entityTypes().contains(entityType)) {
        CommandLine::exitWithUsageError(kProgram, QStringLiteral("unknown entity type '%1'; use %2")
                                                      .arg(entityType, ops::CorruptionFixer::entityTypes().join(QStringLiteral(", "))));
    }
    ops::CorruptionFixer::Options options;
    options.entityType = entityType;
    options.dryRun = commandLine.isSet(QStringLiteral("dry-run"));
    if (commandLine.isSet(QStringLiteral("validation"))) {
        const QFileInfo script(commandLine.value(QStringLiteral("validation")));
        if (!script.isFile() || !script.isExecutable())
            CommandLine::exitWithUsageError(kProgram, QStringLiteral("--validation: '%1' is not an executable file").arg(script.filePath()));
        options.validationScript = script.absoluteFilePath();
    }
    if (commandLine.isSet(QStringLiteral("validation-timeout"))) {
        bool ok = false;
        const int seconds = commandLine.value(QStringLiteral("validation-timeout")).toInt(&ok);
        if (!ok || seconds < 1 || seconds > 86400)
            CommandLine::exitWithUsageError(kProgram, QStringLiteral("--validation-timeout must be a number of seconds from 1 to 86400"));
        options.validationTimeoutMs = seconds * 1000;
    }
    const bool json = commandLine.isSet(QStringLiteral("json"));
    try {
        auto context = ToolContext::open(commandLine);
        options.dataDir = context->service().dataDir;
        options.databaseUrl = context->service().databaseUrl;
        ops::CorruptionFixer fixer(context->database().database(), options);
        const ops::CorruptionReport report = fixer.run([json](double fraction, const QString &message) {
            std::fprintf(json ? stderr : stdout, "[%5.1f%%] %s\n", fraction * 100.0, qPrintable(message));
            std::fflush(json ? stderr : stdout);
        });
        if (!report.dryRun) {
            QJsonObject summary = report.toJson();
            summary.remove(QStringLiteral("findings"));
            http::recordAudit(context->database().database(), osActor(), QStringLiteral("local"),
                              http::AuditEvent { QStringLiteral("data_corruption.fixed"), report.resolved() ? QStringLiteral("warning") : QStringLiteral("error"),
                                                 QStringLiteral("table"), entityType, 0,
                                                 QStringLiteral("fix-corruption %1: %2 repaired, %3 set aside, %4 reported%5")
                                                     .arg(entityType).arg(report.count(QStringLiteral("repaired")))
                                                     .arg(report.count(QStringLiteral("set_aside"))).arg(report.count(QStringLiteral("reported")))
                                                     .arg(report.rolledBack ? QStringLiteral("; undone: the validation script refused it") : QString()),
                                                 {}, summary });
            QJsonArray breaks;
            for (const ops::CorruptionFinding &finding : report.findings) {
                if (finding.problem == QLatin1String("chain_break"))
                    breaks.append(finding.toJson());
            }
            if (!breaks.isEmpty()) {
                http::recordAudit(context->database().database(), osActor(), QStringLiteral("local"),
                                  http::AuditEvent { QStringLiteral("audit.chain_break"), QStringLiteral("critical"), QStringLiteral("audit_entries"),
                                                     {}, 0, QStringLiteral("the audit chain is broken at %1 entr(y/ies)").arg(breaks.size()),
                                                     {}, QJsonObject { { QStringLiteral("breaks"), breaks } } });
            }
        }
        if (json)
            std::printf("%s", QJsonDocument(report.toJson()).toJson(QJsonDocument::Indented).constData());
        else
            printReport(report);
        return report.resolved() ? 0 : 1;
    } catch (const Error &error) {
        const int code = reportError(kProgram, error);
        return code == 2 && error.kind() == Error::Kind::Conflict ? 1 : code;
    }
}

} // namespace tf::tfctl
