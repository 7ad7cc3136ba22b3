// Parsing and checking of a sync pair definition. Serialisation and the dependency order
// live in syncpairjson.cpp.
#include "syncpairdefinition.h"

#include "jsonreader.h"
#include "core/errors.h"
#include "sync/mapping/mappingplan.h"
#include "sync/schedule/cronschedule.h"
#include "sync/validation/validationplan.h"

#include <QHash>

#include <functional>

namespace tf::sync {

namespace {

const QStringList &modeNames()
{
    static const QStringList names { QStringLiteral("hash"), QStringLiteral("cursor"), QStringLiteral("full"),
                                     QStringLiteral("cdc") };
    return names;
}

const QStringList &cursorKindNames()
{
    static const QStringList names { QStringLiteral("column"), QStringLiteral("change_tracking") };
    return names;
}

const QStringList &deleteActionNames()
{
    static const QStringList names { QStringLiteral("propagate"), QStringLiteral("soft_delete"), QStringLiteral("ignore") };
    return names;
}

std::optional<SyncMode> readMode(JsonReader &reader, int fallback)
{
    if (!reader.has(QStringLiteral("mode")) && fallback < 0)
        return std::nullopt;
    return SyncMode(reader.choice(QStringLiteral("mode"), modeNames(), false, std::max(fallback, 0)));
}

std::optional<DeletePolicy> readDeletePolicy(JsonReader &parent, DefinitionErrors *errors)
{
    const auto json = parent.object(QStringLiteral("delete_policy"), false);
    if (!json)
        return std::nullopt;
    JsonReader reader(*json, parent.path(QStringLiteral("delete_policy")), errors,
                      { QStringLiteral("action"), QStringLiteral("column") });
    DeletePolicy policy;
    policy.action = DeletePolicy::Action(reader.choice(QStringLiteral("action"), deleteActionNames(), true, 0));
    policy.column = reader.text(QStringLiteral("column"), policy.action == DeletePolicy::Action::SoftDelete);
    return policy;
}

std::optional<CursorSettings> readCursor(JsonReader &parent, DefinitionErrors *errors)
{
    const auto json = parent.object(QStringLiteral("cursor"), false);
    if (!json)
        return std::nullopt;
    JsonReader reader(*json, parent.path(QStringLiteral("cursor")), errors,
                      { QStringLiteral("kind"), QStringLiteral("column"), QStringLiteral("reconcile_every") });
    CursorSettings cursor;
    cursor.kind = CursorSettings::Kind(reader.choice(QStringLiteral("kind"), cursorKindNames(), false, 0));
    if (cursor.kind == CursorSettings::Kind::ChangeTracking) {
        // The source's change log is the cursor and names deletes itself: no column, no
        // reconciliation (docs/connectors/sqlserver.md).
        for (const QString &key : { QStringLiteral("column"), QStringLiteral("reconcile_every") }) {
            if (reader.has(key))
                reader.fail(key, QStringLiteral("must be absent when kind is change_tracking"));
        }
        return cursor;
    }
    cursor.column = reader.text(QStringLiteral("column"), true);
    cursor.reconcileEvery = reader.integer(QStringLiteral("reconcile_every"), 1, 10000, 10);
    return cursor;
}

EntityEndpoint readEndpoint(JsonReader &parent, const QString &key, DefinitionErrors *errors)
{
    EntityEndpoint endpoint;
    const auto json = parent.object(key, true);
    if (!json)
        return endpoint;
    JsonReader reader(*json, parent.path(key), errors, { QStringLiteral("entity"), QStringLiteral("key") });
    endpoint.entity = reader.text(QStringLiteral("entity"), true);
    endpoint.key = reader.names(QStringLiteral("key"), true);
    return endpoint;
}

EntityDefinition readEntity(const QJsonObject &json, const QString &path, DefinitionErrors *errors)
{
    JsonReader reader(json, path, errors,
                      { QStringLiteral("name"), QStringLiteral("source"), QStringLiteral("target"),
                        QStringLiteral("mapping"), QStringLiteral("validation"), QStringLiteral("depends_on"),
                        QStringLiteral("mode"), QStringLiteral("cursor"), QStringLiteral("delete_policy") });
    EntityDefinition entity;
    entity.name = reader.text(QStringLiteral("name"), true);
    entity.source = readEndpoint(reader, QStringLiteral("source"), errors);
    entity.target = readEndpoint(reader, QStringLiteral("target"), errors);
    if (const auto mapping = reader.object(QStringLiteral("mapping"), true)) {
        entity.mapping = *mapping;
        const int before = errors->size();
        MappingPlan::checkStructure(entity.mapping, path + QLatin1Char('.'), errors);
        // Upserts go by target key, so every key column must receive a value.
        const QStringList targets = MappingPlan::targetNames(entity.mapping);
        for (const QString &key : entity.target.key) {
            if (errors->size() == before && !targets.contains(key))
                reader.fail(QStringLiteral("target.key"), QStringLiteral("'%1' is not a target of the mapping").arg(key));
        }
    }
    if (const auto validation = reader.array(QStringLiteral("validation"), false)) {
        entity.validation = *validation;
        ValidationPlan::checkStructure(entity.validation, path + QLatin1Char('.'), errors);
    }
    entity.dependsOn = reader.names(QStringLiteral("depends_on"), false);
    entity.mode = readMode(reader, -1);
    entity.cursor = readCursor(reader, errors);
    entity.deletePolicy = readDeletePolicy(reader, errors);
    return entity;
}

// Reports each dependency cycle once, at the entity where the walk found it closed.
void checkCycles(const QList<EntityDefinition> &entities, DefinitionErrors *errors)
{
    QHash<QString, int> indexOf;
    for (int i = 0; i < entities.size(); ++i)
        indexOf.insert(entities.at(i).name, i);
    enum State { Unvisited, Visiting, Done };
    QList<State> state(entities.size(), Unvisited);
    QList<int> stack;
    std::function<void(int)> visit = [&](int i) {
        state[i] = Visiting;
        stack << i;
        for (const QString &parent : entities.at(i).dependsOn) {
            const int p = indexOf.value(parent, -1);
            if (p < 0 || p == i)
                continue; // reported elsewhere
            if (state.at(p) == Visiting) {
                QStringList cycle;
                for (qsizetype s = stack.indexOf(p); s < stack.size(); ++s)
                    cycle << entities.at(stack.at(s)).name;
                cycle << entities.at(p).name;
                errors->add(QStringLiteral("entities[%1].depends_on").arg(i),
                            QStringLiteral("dependency cycle: %1").arg(cycle.join(QStringLiteral(" -> "))));
            } else if (state.at(p) == Unvisited) {
                visit(p);
            }
        }
        stack.removeLast();
        state[i] = Done;
    };
    for (int i = 0; i < entities.size(); ++i) {
        if (state.at(i) == Unvisited)
            visit(i);
    }
}

void checkEntities(const SyncPairDefinition &pair, DefinitionErrors *errors)
{
    QHash<QString, int> firstIndex;
    for (int i = 0; i < pair.entities.size(); ++i) {
        const QString &name = pair.entities.at(i).name;
        if (name.isEmpty())
            continue;
        if (firstIndex.contains(name))
            errors->add(QStringLiteral("entities[%1].name").arg(i), QStringLiteral("duplicate entity name '%1'").arg(name));
        else
            firstIndex.insert(name, i);
    }
    bool pairCursorMissing = false;
    for (int i = 0; i < pair.entities.size(); ++i) {
        const EntityDefinition &entity = pair.entities.at(i);
        for (int d = 0; d < entity.dependsOn.size(); ++d) {
            const QString path = QStringLiteral("entities[%1].depends_on[%2]").arg(i).arg(d);
            if (entity.dependsOn.at(d) == entity.name)
                errors->add(path, QStringLiteral("an entity cannot depend on itself"));
            else if (!firstIndex.contains(entity.dependsOn.at(d)))
                errors->add(path, QStringLiteral("'%1' is not an entity of this pair").arg(entity.dependsOn.at(d)));
        }
        if (pair.modeOf(i) == SyncMode::Cursor && !pair.cursorOf(i)) {
            if (entity.mode)
                errors->add(QStringLiteral("entities[%1].cursor").arg(i), QStringLiteral("is required when mode is cursor"));
            else
                pairCursorMissing = true;
        }
    }
    if (pairCursorMissing)
        errors->add(QStringLiteral("cursor"), QStringLiteral("is required when mode is cursor"));
    // cdc streams the whole pair from one replication slot: it is the pair's mode or none.
    for (int i = 0; i < pair.entities.size(); ++i) {
        const auto &mode = pair.entities.at(i).mode;
        if (mode && (pair.mode == SyncMode::Cdc) != (*mode == SyncMode::Cdc))
            errors->add(QStringLiteral("entities[%1].mode").arg(i),
                        pair.mode == SyncMode::Cdc
                            ? QStringLiteral("cannot be overridden in a cdc pair: every entity streams from its slot")
                            : QStringLiteral("cdc is a mode of the whole pair, not of one entity"));
    }
    checkCycles(pair.entities, errors);
}

} // namespace

QString syncModeName(SyncMode mode)
{
    return modeNames().value(int(mode));
}

QString deleteActionName(DeletePolicy::Action action)
{
    return deleteActionNames().value(int(action));
}

QString SyncPairDefinition::systemKey(const QJsonObject &json, const QString &key)
{
    const QString legacy = key.chopped(3); // "source_system_id" -> "source_system"
    return json.contains(legacy) && !json.contains(key) ? legacy : key;
}

SyncPairDefinition SyncPairDefinition::parse(const QJsonObject &json)
{
    DefinitionErrors errors;
    const QString sourceKey = systemKey(json, QStringLiteral("source_system_id"));
    const QString targetKey = systemKey(json, QStringLiteral("target_system_id"));
    for (const QString &key : { sourceKey, targetKey }) {
        const QString legacy = key.endsWith(QLatin1String("_id")) ? key.chopped(3) : key;
        if (json.contains(legacy) && json.contains(legacy + QStringLiteral("_id")))
            errors.add(legacy, QStringLiteral("give %1_id only (%1 is its deprecated name)").arg(legacy));
    }
    JsonReader reader(json, QString(), &errors,
                      { QStringLiteral("name"), QStringLiteral("description"), QStringLiteral("source_system_id"),
                        QStringLiteral("target_system_id"), QStringLiteral("source_system"),
                        QStringLiteral("target_system"), QStringLiteral("mode"), QStringLiteral("schedule"), QStringLiteral("verify_schedule"),
                        QStringLiteral("batch_size"), QStringLiteral("workers_per_pair"), QStringLiteral("invalid_rows"), QStringLiteral("delete_policy"),
                        QStringLiteral("cursor"), QStringLiteral("enabled"), QStringLiteral("entities") });
    SyncPairDefinition pair;
    pair.name = reader.text(QStringLiteral("name"), true);
    if (pair.name.size() > 200)
        reader.fail(QStringLiteral("name"), QStringLiteral("must be at most 200 characters"));
    pair.description = reader.text(QStringLiteral("description"), false);
    pair.sourceSystem = reader.positiveId(sourceKey);
    pair.targetSystem = reader.positiveId(targetKey);
    pair.mode = *readMode(reader, int(SyncMode::Hash));
    pair.schedule = reader.text(QStringLiteral("schedule"), false).trimmed();
    if (!pair.schedule.isEmpty()) {
        try {
            pair.schedule = CronSchedule::parse(pair.schedule).expression();
        } catch (const Error &error) {
            reader.fail(QStringLiteral("schedule"), error.message());
        }
    }
    pair.verifySchedule = reader.text(QStringLiteral("verify_schedule"), false).trimmed();
    if (!pair.verifySchedule.isEmpty()) {
        try {
            pair.verifySchedule = CronSchedule::parse(pair.verifySchedule).expression();
        } catch (const Error &error) {
            reader.fail(QStringLiteral("verify_schedule"), error.message());
        }
    }
    pair.batchSize = reader.integer(QStringLiteral("batch_size"), 1, 100000, 5000);
    pair.workersPerPair = reader.integer(QStringLiteral("workers_per_pair"), 1, 64, 1);
    pair.quarantineInvalidRows = reader.choice(QStringLiteral("invalid_rows"),
                                               { QStringLiteral("quarantine"), QStringLiteral("fail") }, false, 0) == 0;
    pair.deletePolicy = readDeletePolicy(reader, &errors).value_or(DeletePolicy());
    pair.cursor = readCursor(reader, &errors);
    pair.enabled = reader.boolean(QStringLiteral("enabled"), true);
    bool entitiesComplete = false; // indexes in messages must match the JSON's
    if (const auto entities = reader.array(QStringLiteral("entities"), true)) {
        if (entities->isEmpty())
            reader.fail(QStringLiteral("entities"), QStringLiteral("must list at least one entity"));
        for (int i = 0; i < entities->size(); ++i) {
            const QString path = QStringLiteral("entities[%1]").arg(i);
            if (!entities->at(i).isObject()) {
                errors.add(path, QStringLiteral("must be an object"));
                continue;
            }
            pair.entities << readEntity(entities->at(i).toObject(), path, &errors);
        }
        entitiesComplete = pair.entities.size() == entities->size();
    }
    if (entitiesComplete)
        checkEntities(pair, &errors);
    errors.throwIfAny(QStringLiteral("sync pair definition is invalid"));
    return pair;
}

} // namespace tf::sync
