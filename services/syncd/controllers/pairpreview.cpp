#include "pairpreview.h"

#include "core/errors.h"
#include "db/repositories/systemrepository.h"
#include "sync/definition/definitionerrors.h"
#include "sync/definition/syncpairdefinition.h"
#include "sync/engine/circuitbreaker.h"
#include "sync/engine/entityplan.h"
#include "sync/engine/resilientcall.h"
#include "sync/engine/rowjson.h"
#include "sync/engine/rowtransformer.h"
#include "sync/systems/connectorfactory.h"
#include "sync/systems/systemregistry.h"
#include "systemprobe.h"

#include <QElapsedTimer>
#include <QJsonArray>

namespace tf::syncd::pairpreview {

namespace {

constexpr int kDefaultLimit = 20;
constexpr int kMaxLimit = 100;

int limitOf(const QJsonObject &body)
{
    if (!body.contains(QLatin1String("limit")))
        return kDefaultLimit;
    const QJsonValue value = body.value(QLatin1String("limit"));
    const double number = value.toDouble(-1);
    if (!value.isDouble() || number != qint64(number) || number < 1 || number > kMaxLimit) {
        sync::DefinitionErrors errors;
        errors.add(QStringLiteral("limit"),
                   QStringLiteral("must be an integer from 1 to %1").arg(kMaxLimit));
        errors.throwIfAny(QStringLiteral("preview request is invalid"));
    }
    return int(number);
}

// The systems must exist: named like PairStore names them, before anything connects.
void requireSystems(db::Database &control, const sync::SyncPairDefinition &pair,
                    const QJsonObject &body)
{
    db::SystemRepository systems(control);
    sync::DefinitionErrors errors;
    const auto require = [&](qint64 id, const QString &key) {
        try {
            systems.get(id);
        } catch (const Error &error) {
            if (error.kind() != Error::Kind::NotFound)
                throw;
            errors.add(sync::SyncPairDefinition::systemKey(body, key),
                       QStringLiteral("system %1 does not exist").arg(id));
        }
    };
    require(pair.sourceSystem, QStringLiteral("source_system_id"));
    require(pair.targetSystem, QStringLiteral("target_system_id"));
    errors.throwIfAny(QStringLiteral("sync pair definition is invalid"));
}

// A planning error names fields relative to the entity: answer them from the definition's root.
[[noreturn]] void rethrowForEntity(const Error &error, int index, const QJsonObject &credentials)
{
    const QString prefix = QStringLiteral("entities[%1].").arg(index);
    sync::DefinitionErrors errors;
    const QJsonArray listed = error.details().value(QLatin1String("errors")).toArray();
    for (const QJsonValue &entry : listed)
        errors.add(prefix + entry[QLatin1String("field")].toString(),
                   systemprobe::scrub(entry[QLatin1String("message")].toString(), credentials));
    if (listed.isEmpty()) {
        const QString field = error.details().value(QLatin1String("field")).toString();
        errors.add(field.isEmpty() ? prefix.chopped(1) : prefix + field,
                   systemprobe::scrub(error.message(), credentials));
    }
    errors.throwIfAny(QStringLiteral("the definition does not fit the systems' schemas"));
    throw error; // not reached
}

QJsonObject previewEntity(const sync::EntitySpec &spec, int index, int limit,
                          sync::SourceConnector &source, sync::TargetConnector &target,
                          sync::ResilientCall &targetCalls, const QJsonObject &credentials)
{
    std::optional<sync::EntityPlan> plan;
    try {
        plan.emplace(sync::planEntity(spec, sync::ChangeMode::Full, source, target,
                                      sync::defaultValidatorFactory()));
    } catch (const Error &error) {
        if (error.kind() == Error::Kind::Validation)
            rethrowForEntity(error, index, credentials);
        if (error.kind() != Error::Kind::NotFound)
            throw;
        // A table a system does not have is a field of the definition, not a missing route.
        const bool onTarget
            = error.details().value(QLatin1String("entity")).toString() == spec.targetEntity
            && spec.targetEntity != spec.sourceEntity;
        rethrowForEntity(Error(Error::Kind::Validation, error.message(),
                               QJsonObject { { QStringLiteral("field"),
                                               onTarget ? QStringLiteral("target.entity")
                                                        : QStringLiteral("source.entity") } }),
                         index, credentials);
    }
    QList<sync::Row> rows;
    source.readAll(plan->readRequest(limit), [&](const sync::RowBatch &batch) {
        for (const sync::Row &row : plan->conform(batch)) {
            if (rows.size() < limit)
                rows << row;
        }
        return rows.size() < limit;
    });
    if (plan->validator)
        plan->validator->beginRun();
    const QList<sync::RowTransformer::Mapped> mapped
        = sync::RowTransformer(*plan, target, targetCalls).apply(rows);
    QJsonArray columns;
    for (const sync::Column &column : plan->targetSchema->columns())
        columns.append(
            QJsonObject { { QStringLiteral("name"), column.name },
                          { QStringLiteral("type"), sync::valueTypeName(column.type) } });
    QJsonArray answered;
    for (const sync::RowTransformer::Mapped &row : mapped) {
        QJsonArray errors;
        for (const sync::FieldError &error : row.errors)
            errors.append(QJsonObject { { QStringLiteral("field"), error.field },
                                        { QStringLiteral("rule"), error.rule },
                                        { QStringLiteral("message"), error.message } });
        answered.append(QJsonObject {
            { QStringLiteral("source_key"), row.sourceKey },
            { QStringLiteral("values"), sync::rowToJson(row.row, *plan->targetSchema) },
            { QStringLiteral("valid"), row.errors.isEmpty() },
            { QStringLiteral("errors"), errors } });
    }
    return { { QStringLiteral("name"), spec.name },
             { QStringLiteral("source_entity"), spec.sourceEntity },
             { QStringLiteral("target_entity"), spec.targetEntity },
             { QStringLiteral("columns"), columns },
             { QStringLiteral("rows"), answered } };
}

} // namespace

QJsonObject preview(db::Database &control, const SecretBox &secrets, const QJsonObject &body)
{
    QElapsedTimer clock;
    clock.start();
    const int limit = limitOf(body);
    QJsonObject json = body;
    json.remove(QStringLiteral("limit"));
    const sync::SyncPairDefinition definition = sync::SyncPairDefinition::parse(json);
    requireSystems(control, definition, json);

    const sync::SystemRegistry registry(control, secrets);
    const sync::SystemDefinition sourceSystem = registry.load(definition.sourceSystem);
    const sync::SystemDefinition targetSystem = registry.load(definition.targetSystem);
    QJsonObject credentials = sourceSystem.credentials;
    for (auto it = targetSystem.credentials.begin(); it != targetSystem.credentials.end(); ++it)
        credentials.insert(QStringLiteral("target_") + it.key(), it.value());
    std::unique_ptr<sync::SourceConnector> source;
    std::unique_ptr<sync::TargetConnector> target;
    try {
        source = sync::makeSource(
            { sourceSystem.kind, sourceSystem.settings, sourceSystem.credentials });
        target = sync::makeTarget(
            { targetSystem.kind, targetSystem.settings, targetSystem.credentials });
    } catch (const Error &error) {
        throw Error(error.kind(), systemprobe::scrub(error.message(), credentials),
                    error.details());
    }

    // One attempt, as the pair test: a preview is simply asked again.
    sync::RetryPolicy once;
    once.attempts = 1;
    sync::ResilientCall targetCalls(
        once,
        sync::CircuitBreakerRegistry::instance().breaker(QString::number(definition.targetSystem)),
        {});
    const sync::PairSpec spec = sync::pairSpecFrom(definition, QStringLiteral("preview"));
    QJsonArray entities;
    for (const sync::EntitySpec &entity : spec.entities) {
        int index = 0;
        while (index < definition.entities.size()
               && definition.entities.at(index).name != entity.name)
            ++index;
        try {
            entities.append(
                previewEntity(entity, index, limit, *source, *target, targetCalls, credentials));
        } catch (const Error &error) {
            if (error.kind() == Error::Kind::Validation)
                throw;
            throw Error(error.kind(), systemprobe::scrub(error.message(), credentials),
                        error.details());
        }
    }
    return { { QStringLiteral("limit"), limit },
             { QStringLiteral("entities"), entities },
             { QStringLiteral("elapsed_ms"), clock.elapsed() } };
}

} // namespace tf::syncd::pairpreview
