#include "paircommand.h"

#include "common/auditlog.h"
#include "core/errors.h"
#include "core/jsonutil.h"
#include "db/controldatabase.h"
#include "db/repositories/syncpairrepository.h"
#include "db/repositories/systemrepository.h"
#include "jsonargument.h"
#include "sync/definition/pairstore.h"
#include "sync/runtime/pairruntime.h"
#include "syncd/controllers/pairprobe.h"
#include "tfctl/platformlocation.h"
#include "tfctl/toolcontext.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <cstdio>

namespace tf::tfctl {

namespace {

const QString kProgram = QStringLiteral("tfctl pair");
const QStringList kCommands { QStringLiteral("list"), QStringLiteral("add"), QStringLiteral("show"), QStringLiteral("edit"),
                              QStringLiteral("remove"), QStringLiteral("enable"), QStringLiteral("disable"),
                              QStringLiteral("test") };

int argumentCount(const QString &command)
{
    if (command == QLatin1String("list"))
        return 0;
    if (command == QLatin1String("edit"))
        return 2;
    return kCommands.contains(command) ? 1 : -1;
}

QStringList parse(CommandLine &commandLine, const QStringList &arguments)
{
    commandLine.addPositional(QStringLiteral("pair"), QStringLiteral("The command group."), QStringLiteral("pair"));
    commandLine.addPositional(QStringLiteral("command"),
                              QStringLiteral("list | add <file.json|-> | show <id|name> | edit <id|name> <file.json|-> | "
                                             "remove <id|name> | enable <id|name> | disable <id|name> | test <id|name>"));
    commandLine.addPositional(QStringLiteral("arguments"),
                              QStringLiteral("The pair (id or name) and/or a JSON definition ('-' reads standard input)."),
                              QStringLiteral("[arguments...]"));
    addToolOptions(commandLine);
    commandLine.addSwitch(QStringLiteral("json"), QStringLiteral("show, test: print JSON."), QStringLiteral("pair/json"),
                          QStringLiteral("true"));
    commandLine.process(arguments);
    const QStringList positional = commandLine.positionalArguments();
    const QString command = positional.value(1);
    const int expected = argumentCount(command);
    if (expected < 0) {
        CommandLine::exitWithUsageError(kProgram, command.isEmpty()
                                                      ? QStringLiteral("a command is required: %1").arg(kCommands.join(QStringLiteral(", ")))
                                                      : QStringLiteral("unknown command '%1'; use %2").arg(command, kCommands.join(QStringLiteral(", "))));
    }
    if (positional.size() != expected + 2) {
        CommandLine::exitWithUsageError(kProgram + QLatin1Char(' ') + command,
                                        expected == 0   ? QStringLiteral("takes no arguments")
                                            : command == QLatin1String("add") ? QStringLiteral("name one definition file, or '-'")
                                            : expected == 1 ? QStringLiteral("name exactly one pair (id or name)")
                                                            : QStringLiteral("name one pair and one definition file, or '-'"));
    }
    return positional;
}

void audit(ToolContext &context, const QString &event, const db::SyncPairRecord &pair, const QString &what,
           const QJsonObject &before, const QJsonObject &after)
{
    platform::audit(context.database(),
                    { event, QStringLiteral("info"), QStringLiteral("sync_pair"), QString::number(pair.id), 0,
                      QStringLiteral("sync pair %1 '%2' %3").arg(pair.id).arg(pair.name, what), before, after });
}

QString systemName(db::SystemRepository &systems, qint64 id)
{
    try {
        return QStringLiteral("%1 \"%2\"").arg(id).arg(systems.get(id).name);
    } catch (const Error &) {
        return QStringLiteral("%1 (missing)").arg(id);
    }
}

int list(db::Database &control)
{
    for (const auto &pair : db::SyncPairRepository(control).list())
        std::printf("%lld\t%s\t%s\n", static_cast<long long>(pair.id), qPrintable(pair.name), pair.enabled ? "enabled" : "disabled");
    return 0;
}

int show(db::Database &control, const QString &reference, bool json)
{
    db::SyncPairRepository pairs(control);
    const db::SyncPairRecord pair = sync::findPair(pairs, reference);
    if (json) {
        printJson(pair.toJson());
        return 0;
    }
    db::SystemRepository systems(control);
    std::printf("sync pair %lld \"%s\"\n", static_cast<long long>(pair.id), qPrintable(pair.name));
    std::printf("  enabled      %s\n", pair.enabled ? "yes" : "no");
    std::printf("  schedule     %s\n", pair.schedule.isEmpty() ? "manual only" : qPrintable(pair.schedule));
    std::printf("  next run     %s\n",
                pair.nextRunAt.isValid() ? qPrintable(pair.nextRunAt.toUTC().toString(Qt::ISODate)) : "-");
    std::printf("  source       system %s, %s\n", qPrintable(systemName(systems, pair.sourceSystemId)), qPrintable(pair.sourceEntity));
    std::printf("  target       system %s, %s\n", qPrintable(systemName(systems, pair.targetSystemId)), qPrintable(pair.targetEntity));
    std::printf("  definition\n%s", QJsonDocument(pair.definition).toJson(QJsonDocument::Indented).constData());
    return 0;
}

int add(ToolContext &context, const QString &file)
{
    const db::SyncPairRecord created = sync::PairStore(context.database().database()).create(readJsonArgument(file));
    audit(context, QStringLiteral("sync_pair.created"), created, QStringLiteral("created"), {}, created.toJson());
    std::printf("sync pair %lld \"%s\" added\n", static_cast<long long>(created.id), qPrintable(created.name));
    return 0;
}

int edit(ToolContext &context, const QString &reference, const QString &file)
{
    db::Database &control = context.database().database();
    db::SyncPairRepository pairs(control);
    const qint64 id = sync::findPair(pairs, reference).id;
    const sync::PairStore::Change change = sync::PairStore(control).replace(id, readJsonArgument(file));
    audit(context, QStringLiteral("sync_pair.updated"), change.after, QStringLiteral("updated"), change.before.toJson(),
          change.after.toJson());
    std::printf("sync pair %lld \"%s\" updated\n", static_cast<long long>(id), qPrintable(change.after.name));
    return 0;
}

int remove(ToolContext &context, const QString &reference)
{
    db::Database &control = context.database().database();
    db::SyncPairRepository pairs(control);
    const db::SyncPairRecord removed = sync::PairStore(control).remove(sync::findPair(pairs, reference).id);
    audit(context, QStringLiteral("sync_pair.deleted"), removed, QStringLiteral("deleted with its operations"),
          removed.toJson(), {});
    std::printf("sync pair %lld \"%s\" removed with its operations\n", static_cast<long long>(removed.id),
                qPrintable(removed.name));
    return 0;
}

int setEnabled(ToolContext &context, const QString &reference, bool enabled)
{
    db::Database &control = context.database().database();
    db::SyncPairRepository pairs(control);
    const db::SyncPairRecord pair = sync::findPair(pairs, reference);
    const QString state = enabled ? QStringLiteral("enabled") : QStringLiteral("disabled");
    // As the API: only a real change is recorded.
    if (const auto change = sync::PairStore(control).setEnabled(pair.id, enabled)) {
        audit(context, QStringLiteral("sync_pair.") + state, change->after, state, change->before.toJson(),
              change->after.toJson());
        std::printf("sync pair %lld \"%s\" %s\n", static_cast<long long>(pair.id), qPrintable(pair.name), qPrintable(state));
    } else {
        std::printf("sync pair %lld \"%s\" was already %s\n", static_cast<long long>(pair.id), qPrintable(pair.name),
                    qPrintable(state));
    }
    return 0;
}

int test(ToolContext &context, const QString &reference, bool json)
{
    db::Database &control = context.database().database();
    db::SyncPairRepository pairs(control);
    const db::SyncPairRecord pair = sync::findPair(pairs, reference);
    const QJsonObject result = syncd::pairprobe::test(control, context.secrets(), pair.id);
    const bool ok = result.value(QStringLiteral("ok")).toBool();
    if (json) {
        printJson(result);
        return ok ? 0 : 1;
    }
    std::printf("sync pair %lld \"%s\": %s\n", static_cast<long long>(pair.id), qPrintable(pair.name), ok ? "OK" : "FAILED");
    for (const QString &side : { QStringLiteral("source"), QStringLiteral("target") }) {
        const QJsonObject system = result.value(side).toObject();
        std::printf("  %s system %lld: %s\n", qPrintable(side), static_cast<long long>(system.value(QStringLiteral("system_id")).toInteger()),
                    system.value(QStringLiteral("ok")).toBool() ? "connected"
                                                                : qPrintable(system.value(QStringLiteral("error")).toString()));
    }
    for (const QJsonValue &value : result.value(QStringLiteral("entities")).toArray()) {
        const QJsonObject entity = value.toObject();
        const QJsonArray errors = entity.value(QStringLiteral("errors")).toArray();
        std::printf("  entity %s: %s -> %s: %s\n", qPrintable(entity.value(QStringLiteral("name")).toString()),
                    qPrintable(entity.value(QStringLiteral("source_entity")).toString()),
                    qPrintable(entity.value(QStringLiteral("target_entity")).toString()),
                    errors.isEmpty() ? "OK" : qPrintable(QStringLiteral("%1 problem(s)").arg(errors.size())));
        for (const QJsonValue &error : errors)
            std::printf("    %s: %s\n", qPrintable(error[QStringLiteral("field")].toString()),
                        qPrintable(error[QStringLiteral("message")].toString()));
    }
    return ok ? 0 : 1;
}

} // namespace

int runPairCommand(const QStringList &arguments)
{
    CommandLine commandLine(kProgram, QStringLiteral("Store, inspect, change, remove, enable, disable and test sync pairs."));
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
        if (command == QLatin1String("enable") || command == QLatin1String("disable"))
            return setEnabled(*context, positional.at(2), command == QLatin1String("enable"));
        return test(*context, positional.at(2), json);
    } catch (const Error &error) {
        return reportError(kProgram, error);
    }
}

} // namespace tf::tfctl
