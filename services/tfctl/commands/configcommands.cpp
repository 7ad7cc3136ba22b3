#include "configcommands.h"

#include "core/errors.h"
#include "core/jsonutil.h"
#include "core/redact.h"
#include "db/controldatabase.h"
#include "db/repositories/syncpairrepository.h"
#include "db/repositories/systemrepository.h"
#include "sync/definition/pairrecord.h"
#include "sync/systems/systemdefinition.h"
#include "sync/systems/systemregistry.h"
#include "common/auditlog.h"
#include "tfctl/platformlocation.h"
#include "tfctl/toolcontext.h"

#include <QFile>
#include <QJsonArray>

#include <cstdio>

namespace tf::tfctl {

namespace {

QJsonObject readJsonArgument(const QString &path)
{
    QFile file;
    if (path == QLatin1String("-")) {
        if (!file.open(stdin, QIODevice::ReadOnly))
            throw Error(Error::Kind::Validation, QStringLiteral("cannot read standard input"));
    } else {
        file.setFileName(path);
        if (!file.open(QIODevice::ReadOnly))
            throw Error(Error::Kind::Validation, QStringLiteral("cannot read '%1': %2").arg(path, file.errorString()));
    }
    return json::parseObject(file.readAll());
}

// Parses "<group> <command> [file]" with the tool options; exits 2 on bad usage.
QStringList parse(CommandLine &commandLine, const QStringList &arguments, const QString &program)
{
    commandLine.addPositional(QStringLiteral("group"), QStringLiteral("The command group."));
    commandLine.addPositional(QStringLiteral("command"), QStringLiteral("add <file.json|-> | list"));
    commandLine.addPositional(QStringLiteral("file"), QStringLiteral("JSON definition ('-' reads standard input)."), QStringLiteral("[file]"));
    addToolOptions(commandLine);
    commandLine.process(arguments);
    const QStringList positional = commandLine.positionalArguments();
    const QString command = positional.value(1);
    if (command == QLatin1String("add") && positional.size() == 3)
        return positional;
    if (command == QLatin1String("list") && positional.size() == 2)
        return positional;
    CommandLine::exitWithUsageError(program, QStringLiteral("use: add <file.json|-> or list"));
}

} // namespace

int runSystemCommand(const QStringList &arguments)
{
    const QString program = QStringLiteral("tfctl system");
    CommandLine commandLine(program, QStringLiteral("Register and list external systems."));
    const QStringList positional = parse(commandLine, arguments, program);
    try {
        auto context = ToolContext::open(commandLine);
        db::Database &control = context->database().database();
        if (positional.at(1) == QLatin1String("list")) {
            db::SystemRepository systems(control);
            std::printf("%-5s %-30s %-9s %s\n", "id", "name", "kind", "credentials");
            for (const auto &system : systems.list()) {
                std::printf("%-5lld %-30s %-9s %s\n", static_cast<long long>(system.id), qPrintable(system.name),
                            qPrintable(system.kind), system.hasCredentials ? "stored (encrypted)" : "none");
            }
            return 0;
        }
        const sync::SystemDefinition definition = sync::SystemDefinition::parse(readJsonArgument(positional.at(2)));
        db::SystemRepository systems(control);
        sync::SystemRegistry registry(control, context->secrets());
        const qint64 id = registry.create(definition);
        // The same entry the API writes (system.created), credentials redacted by recordAudit.
        platform::audit(context->database(),
                        { QStringLiteral("system.created"), QStringLiteral("info"), QStringLiteral("system"),
                          QString::number(id), 0,
                          QStringLiteral("system %1 '%2' (%3) created").arg(id).arg(definition.name, definition.kind),
                          {}, systems.get(id).toJson() });
        std::printf("system %lld \"%s\" added\n", static_cast<long long>(id), qPrintable(definition.name));
        return 0;
    } catch (const Error &error) {
        return reportError(program, error);
    }
}

int runPairCommand(const QStringList &arguments)
{
    const QString program = QStringLiteral("tfctl pair");
    CommandLine commandLine(program, QStringLiteral("Store and list sync pair definitions."));
    const QStringList positional = parse(commandLine, arguments, program);
    try {
        auto context = ToolContext::open(commandLine);
        db::Database &control = context->database().database();
        db::SyncPairRepository pairs(control);
        if (positional.at(1) == QLatin1String("list")) {
            for (const auto &pair : pairs.list())
                std::printf("%lld\t%s\n", static_cast<long long>(pair.id), qPrintable(pair.name));
            return 0;
        }
        const sync::SyncPairDefinition definition = sync::SyncPairDefinition::parse(readJsonArgument(positional.at(2)));
        db::SystemRepository systems(control);
        systems.get(definition.sourceSystem); // NotFound names the missing system
        systems.get(definition.targetSystem);
        const qint64 id = pairs.insert(sync::pairRecordFrom(definition));
        const db::SyncPairRecord created = pairs.get(id);
        platform::audit(context->database(),
                        { QStringLiteral("sync_pair.created"), QStringLiteral("info"), QStringLiteral("sync_pair"),
                          QString::number(id), 0, QStringLiteral("sync pair %1 '%2' created").arg(id).arg(created.name),
                          {}, created.toJson() });
        std::printf("sync pair %lld \"%s\" added\n", static_cast<long long>(id), qPrintable(definition.name));
        return 0;
    } catch (const Error &error) {
        return reportError(program, error);
    }
}

} // namespace tf::tfctl
