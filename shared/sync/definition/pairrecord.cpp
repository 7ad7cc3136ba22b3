#include "pairrecord.h"

namespace tf::sync {

db::SyncPairRecord pairRecordFrom(const SyncPairDefinition &definition)
{
    db::SyncPairRecord record;
    record.name = definition.name;
    record.description = definition.description;
    record.sourceSystemId = definition.sourceSystem;
    record.targetSystemId = definition.targetSystem;
    record.sourceEntity = definition.entities.value(0).source.entity;
    record.targetEntity = definition.entities.value(0).target.entity;
    record.definition = definition.toJson();
    record.enabled = definition.enabled;
    record.schedule = definition.schedule;
    return record;
}

SyncPairDefinition definitionOf(const db::SyncPairRecord &record)
{
    QJsonObject json = record.definition;
    json.insert(QStringLiteral("name"), record.name);
    json.remove(QStringLiteral("source_system")); // stored before issue 13
    json.remove(QStringLiteral("target_system"));
    json.insert(QStringLiteral("source_system_id"), record.sourceSystemId);
    json.insert(QStringLiteral("target_system_id"), record.targetSystemId);
    return SyncPairDefinition::parse(json);
}

} // namespace tf::sync
