// Serialisation of a sync pair definition (the inverse of parse()), the dependency order
// and the per-entity settings after overrides.
#include "syncpairdefinition.h"

namespace tf::sync {

namespace {

QJsonObject toJson(const DeletePolicy &policy)
{
    QJsonObject json { { QStringLiteral("action"), deleteActionName(policy.action) } };
    if (!policy.column.isEmpty())
        json.insert(QStringLiteral("column"), policy.column);
    return json;
}

QJsonObject toJson(const CursorSettings &cursor)
{
    if (cursor.kind == CursorSettings::Kind::ChangeTracking)
        return { { QStringLiteral("kind"), QStringLiteral("change_tracking") } };
    return { { QStringLiteral("column"), cursor.column }, { QStringLiteral("reconcile_every"), cursor.reconcileEvery } };
}

QJsonObject toJson(const EntityEndpoint &endpoint)
{
    return { { QStringLiteral("entity"), endpoint.entity }, { QStringLiteral("key"), QJsonArray::fromStringList(endpoint.key) } };
}

QJsonObject toJson(const EntityDefinition &entity)
{
    QJsonObject json {
        { QStringLiteral("name"), entity.name },
        { QStringLiteral("source"), toJson(entity.source) },
        { QStringLiteral("target"), toJson(entity.target) },
        { QStringLiteral("mapping"), entity.mapping },
        { QStringLiteral("validation"), entity.validation },
        { QStringLiteral("depends_on"), QJsonArray::fromStringList(entity.dependsOn) },
    };
    if (entity.mode)
        json.insert(QStringLiteral("mode"), syncModeName(*entity.mode));
    if (entity.cursor)
        json.insert(QStringLiteral("cursor"), toJson(*entity.cursor));
    if (entity.deletePolicy)
        json.insert(QStringLiteral("delete_policy"), toJson(*entity.deletePolicy));
    return json;
}

} // namespace

QJsonObject SyncPairDefinition::toJson() const
{
    QJsonArray entityList;
    for (const EntityDefinition &entity : entities)
        entityList.append(tf::sync::toJson(entity));
    QJsonObject json {
        { QStringLiteral("name"), name },
        { QStringLiteral("description"), description },
        { QStringLiteral("source_system_id"), sourceSystem },
        { QStringLiteral("target_system_id"), targetSystem },
        { QStringLiteral("mode"), syncModeName(mode) },
        { QStringLiteral("batch_size"), batchSize },
        { QStringLiteral("invalid_rows"), quarantineInvalidRows ? QStringLiteral("quarantine") : QStringLiteral("fail") },
        { QStringLiteral("delete_policy"), tf::sync::toJson(deletePolicy) },
        { QStringLiteral("enabled"), enabled },
        { QStringLiteral("entities"), entityList },
    };
    if (!schedule.isEmpty())
        json.insert(QStringLiteral("schedule"), schedule);
    if (!verifySchedule.isEmpty())
        json.insert(QStringLiteral("verify_schedule"), verifySchedule);
    if (cursor)
        json.insert(QStringLiteral("cursor"), tf::sync::toJson(*cursor));
    if (workersPerPair != 1) // the default is left out, as definitions written before it read
        json.insert(QStringLiteral("workers_per_pair"), workersPerPair);
    return json;
}

QList<int> SyncPairDefinition::executionOrder() const
{
    // Kahn's algorithm, always taking the first ready entity in definition order, so the
    // order is stable and reads like the definition wherever dependencies allow.
    QList<int> order;
    QList<bool> placed(entities.size(), false);
    QStringList placedNames;
    while (order.size() < entities.size()) {
        int ready = -1;
        for (int i = 0; i < entities.size() && ready < 0; ++i) {
            if (placed.at(i))
                continue;
            bool parentsPlaced = true;
            for (const QString &parent : entities.at(i).dependsOn)
                parentsPlaced = parentsPlaced && (placedNames.contains(parent) || parent == entities.at(i).name);
            if (parentsPlaced)
                ready = i;
        }
        if (ready < 0) { // a cycle parse() would have refused: keep definition order
            for (int i = 0; i < entities.size() && ready < 0; ++i) {
                if (!placed.at(i))
                    ready = i;
            }
        }
        placed[ready] = true;
        placedNames << entities.at(ready).name;
        order << ready;
    }
    return order;
}

SyncMode SyncPairDefinition::modeOf(int entity) const
{
    return entities.at(entity).mode.value_or(mode);
}

std::optional<CursorSettings> SyncPairDefinition::cursorOf(int entity) const
{
    return entities.at(entity).cursor ? entities.at(entity).cursor : cursor;
}

DeletePolicy SyncPairDefinition::deletePolicyOf(int entity) const
{
    return entities.at(entity).deletePolicy.value_or(deletePolicy);
}

} // namespace tf::sync
