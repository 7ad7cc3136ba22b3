#include "runtypes.h"

#include "pairspec.h"

namespace tf::sync {

QString changeModeName(ChangeMode mode)
{
    switch (mode) {
    case ChangeMode::Hash:
        return QStringLiteral("hash");
    case ChangeMode::Cursor:
        return QStringLiteral("cursor");
    case ChangeMode::Full:
        return QStringLiteral("full");
    }
    return QStringLiteral("hash");
}

QString runStatusName(RunStatus status)
{
    switch (status) {
    case RunStatus::Completed:
        return QStringLiteral("completed");
    case RunStatus::CompletedWithErrors:
        return QStringLiteral("completed_with_errors");
    case RunStatus::Failed:
        return QStringLiteral("failed");
    case RunStatus::Cancelled:
        return QStringLiteral("cancelled");
    }
    return QStringLiteral("failed");
}

EntityStats &EntityStats::operator+=(const EntityStats &other)
{
    read += other.read;
    inserted += other.inserted;
    updated += other.updated;
    deleted += other.deleted;
    unchanged += other.unchanged;
    quarantined += other.quarantined;
    failed += other.failed;
    return *this;
}

bool EntityStats::operator==(const EntityStats &other) const
{
    return read == other.read && inserted == other.inserted && updated == other.updated
        && deleted == other.deleted && unchanged == other.unchanged
        && quarantined == other.quarantined && failed == other.failed;
}

QJsonObject EntityStats::toJson() const
{
    return {
        { QStringLiteral("read"), read },           { QStringLiteral("inserted"), inserted },
        { QStringLiteral("updated"), updated },     { QStringLiteral("deleted"), deleted },
        { QStringLiteral("unchanged"), unchanged }, { QStringLiteral("quarantined"), quarantined },
        { QStringLiteral("failed"), failed }
    };
}

QJsonObject PlannedChange::toJson() const
{
    QJsonObject json { { QStringLiteral("entity"), entity },
                       { QStringLiteral("kind"), kind },
                       { QStringLiteral("key"), key },
                       { QStringLiteral("row"), row } };
    if (beforeAfter) {
        json.insert(QStringLiteral("before"), beforeAfter->first);
        json.insert(QStringLiteral("after"), beforeAfter->second);
    }
    return json;
}

QJsonObject TargetProblem::toJson() const
{
    QJsonObject json { { QStringLiteral("entity"), entity },
                       { QStringLiteral("kind"), kind },
                       { QStringLiteral("table"), table },
                       { QStringLiteral("message"), message } };
    if (!column.isEmpty())
        json.insert(QStringLiteral("column"), column);
    return json;
}

QJsonObject RunResult::toJson() const
{
    QJsonObject perEntity;
    for (const auto &entry : entities)
        perEntity.insert(entry.first, entry.second.toJson());
    QJsonObject json { { QStringLiteral("status"), runStatusName(status) },
                       { QStringLiteral("entities"), perEntity },
                       { QStringLiteral("totals"), totals.toJson() },
                       { QStringLiteral("retries"), retries } };
    if (!error.isEmpty()) {
        json.insert(QStringLiteral("error"), error);
        json.insert(QStringLiteral("error_code"), errorCode);
    }
    if (!changes.isEmpty() || plannedChanges > 0) {
        QJsonArray list;
        for (const PlannedChange &change : changes)
            list.append(change.toJson());
        json.insert(QStringLiteral("changes"), list);
        json.insert(QStringLiteral("planned_changes"), plannedChanges);
    }
    if (!verify.isEmpty())
        json.insert(QStringLiteral("verify"), verify);
    if (!targetProblems.isEmpty()) {
        QJsonArray list;
        for (const TargetProblem &problem : targetProblems)
            list.append(problem.toJson());
        json.insert(QStringLiteral("target_problems"), list);
    }
    return json;
}

} // namespace tf::sync
