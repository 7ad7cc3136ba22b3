#include "quarantinecommand.h"

#include "common/auditlog.h"

#include "core/errors.h"
#include "core/redact.h"
#include "db/controldatabase.h"
#include "db/repositories/syncpairrepository.h"
#include "sync/engine/quarantinereplayer.h"
#include "tfctl/platformlocation.h"
#include "sync/engine/quarantinestore.h"
#include "sync/runtime/pairruntime.h"
#include "tfctl/toolcontext.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QJsonDocument>

#include <cstdio>

namespace tf::tfctl {

namespace {

const QString kProgram = QStringLiteral("tfctl quarantine");

qint64 parseId(const QString &text)
{
    bool ok = false;
    const qint64 id = text.toLongLong(&ok);
    if (!ok || id <= 0)
        CommandLine::exitWithUsageError(kProgram, QStringLiteral("'%1' is not a quarantine entry id").arg(text));
    return id;
}

void printEntry(const sync::QuarantineEntry &entry)
{
    std::printf("%-6lld %-5s %-9s %-10s %-38s %-10s %s\n", static_cast<long long>(entry.id), qPrintable(entry.pairId),
                qPrintable(entry.status), qPrintable(entry.entity), qPrintable(entry.sourceKey.left(38)), qPrintable(entry.rule),
                qPrintable(entry.message));
}

// "2024-05-01", "2024-05-01T02:00:00" (local time unless it says Z or an offset), "36h" or "7d".
QDateTime parseSince(const QString &text)
{
    static const QRegularExpression relative(QStringLiteral("^(\\d{1,5})([hd])$"));
    const QRegularExpressionMatch match = relative.match(text);
    if (match.hasMatch()) {
        const qint64 amount = match.captured(1).toLongLong();
        return QDateTime::currentDateTimeUtc().addSecs(-amount * (match.captured(2) == QLatin1String("h") ? 3600 : 86400));
    }
    QDateTime at = QDateTime::fromString(text, Qt::ISODate);
    if (!at.isValid()) {
        const QDate day = QDate::fromString(text, Qt::ISODate);
        if (day.isValid())
            at = day.startOfDay();
    }
    if (!at.isValid())
        CommandLine::exitWithUsageError(kProgram, QStringLiteral("--since '%1' is not a date (2024-05-01), a time "
                                                                 "(2024-05-01T02:00) or an age (36h, 7d)").arg(text));
    return at.toUTC();
}

int list(ToolContext &context, sync::QuarantineStore::Filter filter, const QString &pair, bool json)
{
    if (!pair.isEmpty()) {
        db::SyncPairRepository pairs(context.database().database());
        filter.pairId = QString::number(sync::findPair(pairs, pair).id);
    }
    const sync::QuarantineStore store(context.database().database());
    const auto page = store.search(filter);
    if (json) {
        QJsonArray all;
        for (const auto &entry : page.entries)
            all.append(entry.toJson());
        std::printf("%s\n", QJsonDocument(all).toJson(QJsonDocument::Indented).constData());
    } else {
        std::printf("%-6s %-5s %-9s %-10s %-38s %-10s %s\n", "id", "pair", "status", "entity", "source key", "rule", "message");
        for (const auto &entry : page.entries)
            printEntry(entry);
        if (page.entries.isEmpty())
            std::printf("(no quarantined rows match)\n");
    }
    if (page.nextAfterId > 0)
        std::fprintf(stderr, "tfctl quarantine: more than %d entries match; raise --limit or narrow the filters\n",
                     filter.limit);
    return 0;
}

int edit(ToolContext &context, qint64 id, const QStringList &assignments)
{
    sync::QuarantineStore store(context.database().database());
    sync::QuarantineEntry entry = store.get(id);
    QJsonObject row = entry.transformedRow;
    for (const QString &assignment : assignments) {
        const qsizetype equals = assignment.indexOf(QLatin1Char('='));
        if (equals <= 0)
            CommandLine::exitWithUsageError(kProgram, QStringLiteral("'%1' is not field=value").arg(assignment));
        const QString field = assignment.left(equals);
        if (!row.contains(field)) {
            throw Error(Error::Kind::Validation, QStringLiteral("entry %1 has no field '%2'; fields: %3")
                                                     .arg(id).arg(field, row.keys().join(QStringLiteral(", "))));
        }
        const QString value = assignment.mid(equals + 1);
        row.insert(field, value == QLatin1String("null") ? QJsonValue(QJsonValue::Null) : QJsonValue(value));
    }
    store.edit(id, row);
    platform::audit(context.database(),
                    { QStringLiteral("quarantine.edited"), QStringLiteral("info"), QStringLiteral("quarantine"),
                      QString::number(id), entry.operationId,
                      QStringLiteral("quarantined row %1 (%2 %3) of sync pair %4 edited")
                          .arg(id)
                          .arg(entry.entity, entry.sourceKey, entry.pairId),
                      QJsonObject { { QStringLiteral("transformed_row"), entry.transformedRow } },
                      QJsonObject { { QStringLiteral("transformed_row"), row } } });
    std::printf("entry %lld edited; replay it with `tfctl quarantine replay %lld`\n", static_cast<long long>(id),
                static_cast<long long>(id));
    return 0;
}

int replay(ToolContext &context, QList<qint64> ids, const QString &pair)
{
    sync::QuarantineStore store(context.database().database());
    QString pairId = pair;
    if (pair.isEmpty())
        pairId = store.get(ids.first()).pairId;
    auto runtime = sync::PairRuntime::open(context.database().database(), context.secrets(), pairId);
    if (!pair.isEmpty()) {
        qint64 after = 0;
        do {
            const auto page = runtime->quarantine->list(runtime->spec.pairId, QStringLiteral("open"), 500, after);
            for (const auto &entry : page.entries)
                ids << entry.id;
            after = page.nextAfterId;
        } while (after > 0);
    }
    for (const qint64 id : std::as_const(ids)) {
        if (store.get(id).pairId != runtime->spec.pairId)
            throw Error(Error::Kind::Validation, QStringLiteral("entry %1 belongs to another pair; replay one pair at a time").arg(id));
    }
    sync::QuarantineReplayer replayer(runtime->spec, *runtime->source, *runtime->target, *runtime->quarantine,
                                      runtime->detachedState());
    int landed = 0;
    QJsonArray replayedIds;
    QJsonArray stillInvalidIds;
    for (const auto &outcome : replayer.replay(ids)) {
        (outcome.replayed ? replayedIds : stillInvalidIds).append(outcome.id);
        if (outcome.replayed) {
            ++landed;
            std::printf("%lld replayed\n", static_cast<long long>(outcome.id));
            continue;
        }
        QStringList reasons;
        for (const auto &error : outcome.errors)
            reasons << error.message;
        if (!outcome.error.isEmpty())
            reasons << outcome.error;
        std::printf("%lld still invalid: %s\n", static_cast<long long>(outcome.id), qPrintable(reasons.join(QStringLiteral("; "))));
    }
    platform::audit(context.database(),
                    { QStringLiteral("quarantine.replayed"), QStringLiteral("info"),
                      ids.size() == 1 ? QStringLiteral("quarantine") : QStringLiteral("sync_pair"),
                      ids.size() == 1 ? QString::number(ids.first()) : runtime->spec.pairId, 0,
                      QStringLiteral("%1 quarantined row(s) of sync pair %2 replayed, %3 still invalid")
                          .arg(replayedIds.size())
                          .arg(runtime->spec.pairId)
                          .arg(stillInvalidIds.size()),
                      {},
                      QJsonObject { { QStringLiteral("pair_id"), runtime->spec.pairId },
                                    { QStringLiteral("replayed_ids"), replayedIds },
                                    { QStringLiteral("still_invalid_ids"), stillInvalidIds } } });
    std::printf("%d of %lld replayed\n", landed, static_cast<long long>(ids.size()));
    return landed == ids.size() ? 0 : 1;
}

} // namespace

int runQuarantineCommand(const QStringList &arguments)
{
    CommandLine commandLine(kProgram, QStringLiteral("List, edit, replay and discard quarantined rows."));
    commandLine.addPositional(QStringLiteral("quarantine"), QStringLiteral("The command group."), QStringLiteral("quarantine"));
    commandLine.addPositional(QStringLiteral("command"), QStringLiteral("list [pair] | show <id> | edit <id> field=value... | replay <id>... | discard <id>..."));
    addToolOptions(commandLine);
    commandLine.addValueOption(QStringLiteral("status"), QStringLiteral("STATUS"),
                               QStringLiteral("list: open (default), replayed, discarded or all."), QStringLiteral("quarantine/status"));
    commandLine.addValueOption(QStringLiteral("pair"), QStringLiteral("PAIR"),
                               QStringLiteral("list: only this pair (id or name); replay: every open entry of this pair."),
                               QStringLiteral("quarantine/pair"));
    commandLine.addValueOption(QStringLiteral("entity"), QStringLiteral("NAME"), QStringLiteral("list: only this entity of the pair(s)."),
                               QStringLiteral("quarantine/entity"));
    commandLine.addValueOption(QStringLiteral("rule"), QStringLiteral("RULE"),
                               QStringLiteral("list: only rows that failed this rule (required, pattern, mapping, target_type...)."),
                               QStringLiteral("quarantine/rule"));
    commandLine.addValueOption(QStringLiteral("since"), QStringLiteral("WHEN"),
                               QStringLiteral("list: only rows detected or changed since WHEN: 2024-05-01, 2024-05-01T02:00, 36h, 7d."),
                               QStringLiteral("quarantine/since"));
    commandLine.addValueOption(QStringLiteral("limit"), QStringLiteral("N"),
                               QStringLiteral("list: at most N entries, newest first (default 100, at most 10000)."),
                               QStringLiteral("quarantine/limit"));
    commandLine.addSwitch(QStringLiteral("json"), QStringLiteral("list/show: print JSON."), QStringLiteral("quarantine/json"),
                          QStringLiteral("true"));
    commandLine.process(arguments);
    const QStringList positional = commandLine.positionalArguments();
    const QString command = positional.value(1);
    const QStringList rest = positional.mid(2);
    const QString status = commandLine.isSet(QStringLiteral("status")) ? commandLine.value(QStringLiteral("status")) : QStringLiteral("open");
    static const QStringList statuses { QStringLiteral("open"), QStringLiteral("replayed"), QStringLiteral("discarded"), QStringLiteral("all") };
    if (!statuses.contains(status))
        CommandLine::exitWithUsageError(kProgram, QStringLiteral("--status must be open, replayed, discarded or all"));
    const QString pair = commandLine.value(QStringLiteral("pair"));
    if (command == QLatin1String("list") && (rest.size() > 1 || (rest.size() == 1 && !pair.isEmpty())))
        CommandLine::exitWithUsageError(kProgram, QStringLiteral("list takes at most one pair (id or name), as argument or --pair"));
    sync::QuarantineStore::Filter filter;
    filter.entity = commandLine.value(QStringLiteral("entity"));
    filter.rule = commandLine.value(QStringLiteral("rule"));
    filter.status = status == QLatin1String("all") ? QString() : status;
    if (commandLine.isSet(QStringLiteral("since")))
        filter.since = parseSince(commandLine.value(QStringLiteral("since")));
    if (commandLine.isSet(QStringLiteral("limit"))) {
        bool ok = false;
        filter.limit = commandLine.value(QStringLiteral("limit")).toInt(&ok);
        if (!ok || filter.limit < 1 || filter.limit > 10000)
            CommandLine::exitWithUsageError(kProgram, QStringLiteral("--limit must be a number from 1 to 10000"));
    }
    for (const QString &option : { QStringLiteral("entity"), QStringLiteral("rule"), QStringLiteral("since"), QStringLiteral("limit") }) {
        if (commandLine.isSet(option) && command != QLatin1String("list"))
            CommandLine::exitWithUsageError(kProgram, QStringLiteral("--%1 is for list only").arg(option));
    }
    if ((command == QLatin1String("show")) && rest.size() != 1)
        CommandLine::exitWithUsageError(kProgram, QStringLiteral("show takes one entry id"));
    if (command == QLatin1String("edit") && rest.size() < 2)
        CommandLine::exitWithUsageError(kProgram, QStringLiteral("edit takes an entry id and at least one field=value"));
    if (command == QLatin1String("replay") && rest.isEmpty() == pair.isEmpty())
        CommandLine::exitWithUsageError(kProgram, QStringLiteral("replay takes entry ids or --pair, not both"));
    if (command == QLatin1String("discard") && rest.isEmpty())
        CommandLine::exitWithUsageError(kProgram, QStringLiteral("discard takes at least one entry id"));
    static const QStringList commands { QStringLiteral("list"), QStringLiteral("show"), QStringLiteral("edit"),
                                        QStringLiteral("replay"), QStringLiteral("discard") };
    if (!commands.contains(command))
        CommandLine::exitWithUsageError(kProgram, QStringLiteral("use list, show, edit, replay or discard"));
    QList<qint64> ids;
    if (command == QLatin1String("replay") || command == QLatin1String("discard")) {
        for (const QString &text : rest)
            ids << parseId(text);
    }
    const qint64 firstId = (command == QLatin1String("show") || command == QLatin1String("edit")) ? parseId(rest.first()) : 0;

    try {
        auto context = ToolContext::open(commandLine);
        if (command == QLatin1String("list"))
            return list(*context, filter, rest.isEmpty() ? pair : rest.first(), commandLine.isSet(QStringLiteral("json")));
        if (command == QLatin1String("show")) {
            sync::QuarantineStore store(context->database().database());
            std::printf("%s\n", QJsonDocument(store.get(firstId).toJson()).toJson(QJsonDocument::Indented).constData());
            return 0;
        }
        if (command == QLatin1String("edit"))
            return edit(*context, firstId, rest.mid(1));
        if (command == QLatin1String("replay"))
            return replay(*context, ids, pair);
        sync::QuarantineStore store(context->database().database());
        for (const qint64 id : std::as_const(ids)) {
            const sync::QuarantineEntry before = store.get(id);
            store.discard(id);
            platform::audit(context->database(),
                            { QStringLiteral("quarantine.discarded"), QStringLiteral("info"), QStringLiteral("quarantine"),
                              QString::number(id), before.operationId,
                              QStringLiteral("quarantined row %1 (%2 %3) of sync pair %4 discarded")
                                  .arg(id)
                                  .arg(before.entity, before.sourceKey, before.pairId),
                              QJsonObject { { QStringLiteral("status"), before.status } },
                              QJsonObject { { QStringLiteral("status"), QStringLiteral("discarded") } } });
            std::printf("%lld discarded\n", static_cast<long long>(id));
        }
        return 0;
    } catch (const Error &error) {
        return reportError(kProgram, error);
    }
}

} // namespace tf::tfctl
