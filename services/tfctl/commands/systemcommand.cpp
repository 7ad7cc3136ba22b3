#include "systemcommand.h"

#include "common/auditlog.h"
#include "core/errors.h"
#include "core/jsonutil.h"
#include "core/redact.h"
#include "db/controldatabase.h"
#include "db/repositories/syncpairrepository.h"
#include "db/repositories/systemrepository.h"
#include "jsonargument.h"
#include "sync/systems/systemdefinition.h"
#include "sync/systems/systemregistry.h"
#include "syncd/controllers/systemprobe.h"
#include "tfctl/platformlocation.h"
#include "tfctl/toolcontext.h"

#include <QJsonArray>

#include <cstdio>

namespace tf::tfctl {

namespace {

const QString kProgram = QStringLiteral("tfctl system");

// Arguments each command takes after "system <command>".
int argumentCount(const QString &command)
{
    if (command == QLatin1String("list"))
        return 0;
    if (command == QLatin1String("add") || command == QLatin1String("show") || command == QLatin1String("remove")
        || command == QLatin1String("test"))
        return 1;
    if (command == QLatin1String("edit"))
        return 2;
    return -1;
}

QStringList parse(CommandLine &commandLine, const QStringList &arguments)
{
    commandLine.addPositional(QStringLiteral("system"), QStringLiteral("The command group."), QStringLiteral("system"));
    commandLine.addPositional(QStringLiteral("command"),
                              QStringLiteral("list | add <file.json|-> | show <id|name> | edit <id|name> <file.json|-> | "
                                             "remove <id|name> | test <id|name>"));
    commandLine.addPositional(QStringLiteral("arguments"),
                              QStringLiteral("The system (id or name) and/or a JSON definition ('-' reads standard input)."),
                              QStringLiteral("[arguments...]"));
    addToolOptions(commandLine);
    commandLine.addSwitch(QStringLiteral("json"), QStringLiteral("show, test: print JSON."), QStringLiteral("system/json"),
                          QStringLiteral("true"));
    commandLine.process(arguments);
    const QStringList positional = commandLine.positionalArguments();
    const QString command = positional.value(1);
    const int expected = argumentCount(command);
    if (expected < 0)
        CommandLine::exitWithUsageError(kProgram, command.isEmpty()
                                                      ? QStringLiteral("a command is required: list, add, show, edit, remove or test")
                                                      : QStringLiteral("unknown command '%1'; use list, add, show, edit, remove or test").arg(command));
    if (positional.size() != expected + 2) {
        CommandLine::exitWithUsageError(kProgram + QLatin1Char(' ') + command,
                                        expected == 0   ? QStringLiteral("takes no arguments")
                                            : command == QLatin1String("add") ? QStringLiteral("name one definition file, or '-'")
                                            : expected == 1 ? QStringLiteral("name exactly one system (id or name)")
                                                            : QStringLiteral("name one system and one definition file, or '-'"));
    }
    return positional;
}

int list(db::Database &control)
{
    db::SystemRepository systems(control);
    std::printf("%-5s %-30s %-9s %s\n", "id", "name", "kind", "credentials");
    for (const auto &system : systems.list()) {
        std::printf("%-5lld %-30s %-9s %s\n", static_cast<long long>(system.id), qPrintable(system.name),
                    qPrintable(system.kind), system.hasCredentials ? "stored (encrypted)" : "none");
    }
    return 0;
}

QStringList pairsUsing(db::Database &control, qint64 id)
{
    QStringList names;
    for (const db::SyncPairRecord &pair : db::SyncPairRepository(control).list()) {
        if (pair.sourceSystemId == id || pair.targetSystemId == id)
            names << QStringLiteral("%1 \"%2\"").arg(pair.id).arg(pair.name);
    }
    return names;
}

int show(db::Database &control, const QString &reference, bool json)
{
    const db::SystemRecord system = sync::findSystem(db::SystemRepository(control), reference);
    const QStringList users = pairsUsing(control, system.id);
    if (json) {
        QJsonObject object = system.toJson(); // the public form: has_credentials, never them
        object.insert(QStringLiteral("used_by"), QJsonArray::fromStringList(users));
        printJson(object);
        return 0;
    }
    std::printf("system %lld \"%s\"\n", static_cast<long long>(system.id), qPrintable(system.name));
    std::printf("  kind         %s\n", qPrintable(system.kind));
    if (!system.description.isEmpty())
        std::printf("  description  %s\n", qPrintable(system.description));
    std::printf("  settings     %s\n", qPrintable(redactSecrets(QString::fromUtf8(json::compact(system.settings)))));
    std::printf("  credentials  %s\n", system.hasCredentials ? "stored, encrypted (never shown)" : "none");
    std::printf("  used by      %s\n", users.isEmpty() ? "no sync pair" : qPrintable(users.join(QStringLiteral(", "))));
    return 0;
}

int add(ToolContext &context, const QString &file)
{
    db::Database &control = context.database().database();
    const sync::SystemDefinition definition = sync::SystemDefinition::parse(readJsonArgument(file));
    const qint64 id = sync::SystemRegistry(control, context.secrets()).create(definition);
    // The same entry the API writes (system.created), credentials redacted by recordAudit.
    platform::audit(context.database(),
                    { QStringLiteral("system.created"), QStringLiteral("info"), QStringLiteral("system"), QString::number(id), 0,
                      QStringLiteral("system %1 '%2' (%3) created").arg(id).arg(definition.name, definition.kind), {},
                      db::SystemRepository(control).get(id).toJson() });
    std::printf("system %lld \"%s\" added\n", static_cast<long long>(id), qPrintable(definition.name));
    return 0;
}

int edit(ToolContext &context, const QString &reference, const QString &file)
{
    db::Database &control = context.database().database();
    db::SystemRepository systems(control);
    const db::SystemRecord before = sync::findSystem(systems, reference);
    const QJsonObject body = readJsonArgument(file);
    const sync::SystemDefinition definition = sync::SystemDefinition::parse(body);
    const bool newCredentials = body.contains(QStringLiteral("credentials"));
    sync::SystemRegistry(control, context.secrets()).update(before.id, definition, newCredentials);
    // As the API's PUT /systems/<id>: the credentials never reach the trail, only that they changed.
    platform::audit(context.database(),
                    { QStringLiteral("system.updated"), QStringLiteral("info"), QStringLiteral("system"),
                      QString::number(before.id), 0,
                      QStringLiteral("system %1 '%2' updated%3")
                          .arg(before.id)
                          .arg(definition.name, newCredentials ? QStringLiteral(" (credentials replaced)") : QString()),
                      before.toJson(), systems.get(before.id).toJson() });
    std::printf("system %lld \"%s\" updated%s\n", static_cast<long long>(before.id), qPrintable(definition.name),
                newCredentials ? " (credentials replaced)" : " (credentials kept)");
    return 0;
}

int remove(ToolContext &context, const QString &reference)
{
    db::Database &control = context.database().database();
    const db::SystemRecord found = sync::findSystem(db::SystemRepository(control), reference);
    const db::SystemRecord system = sync::SystemRegistry(control, context.secrets()).remove(found.id);
    platform::audit(context.database(),
                    { QStringLiteral("system.deleted"), QStringLiteral("info"), QStringLiteral("system"),
                      QString::number(system.id), 0, QStringLiteral("system %1 '%2' deleted").arg(system.id).arg(system.name),
                      system.toJson(), {} });
    std::printf("system %lld \"%s\" removed\n", static_cast<long long>(system.id), qPrintable(system.name));
    return 0;
}

int test(ToolContext &context, const QString &reference, bool json)
{
    db::Database &control = context.database().database();
    const db::SystemRecord system = sync::findSystem(db::SystemRepository(control), reference);
    QJsonObject result = syncd::systemprobe::test(control, context.secrets(), system.id);
    const bool ok = result.value(QStringLiteral("ok")).toBool();
    if (json) {
        result.insert(QStringLiteral("system_id"), system.id);
        printJson(result);
    } else if (ok) {
        std::printf("system %lld \"%s\" (%s): OK, %lld entities, %lld ms\n", static_cast<long long>(system.id),
                    qPrintable(system.name), qPrintable(system.kind),
                    static_cast<long long>(result.value(QStringLiteral("entities_count")).toInteger()),
                    static_cast<long long>(result.value(QStringLiteral("elapsed_ms")).toInteger()));
    } else {
        std::printf("system %lld \"%s\" (%s): FAILED: %s\n", static_cast<long long>(system.id), qPrintable(system.name),
                    qPrintable(system.kind), qPrintable(redactSecrets(result.value(QStringLiteral("error")).toString())));
    }
    return ok ? 0 : 1;
}

} // namespace

int runSystemCommand(const QStringList &arguments)
{
    CommandLine commandLine(kProgram, QStringLiteral("Register, inspect, change, remove and test external systems."));
    const QStringList positional = parse(commandLine, arguments);
    const QString command = positional.at(1);
    const bool json = commandLine.isSet(QStringLiteral("json"));
    try {
        auto context = ToolContext::open(commandLine);
        db::Database &control = context->database().database();
        if (command == QLatin1String("list"))
            return list(control);
        if (command == QLatin1String("show"))
            return show(control, positional.at(2), json);
        if (command == QLatin1String("add"))
            return add(*context, positional.at(2));
        if (command == QLatin1String("edit"))
            return edit(*context, positional.at(2), positional.at(3));
        if (command == QLatin1String("remove"))
            return remove(*context, positional.at(2));
        return test(*context, positional.at(2), json);
    } catch (const Error &error) {
        return reportError(kProgram, error);
    }
}

} // namespace tf::tfctl
