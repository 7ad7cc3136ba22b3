#include "pairspec.h"

#include "sync/definition/syncpairdefinition.h"

namespace tf::sync {

namespace {

ChangeMode changeModeOf(SyncMode mode)
{
    switch (mode) {
    case SyncMode::Hash:
        return ChangeMode::Hash;
    case SyncMode::Cursor:
        return ChangeMode::Cursor;
    case SyncMode::Full:
    case SyncMode::Cdc: // a cdc pair's entities are loaded whole by its initial snapshot
        return ChangeMode::Full;
    }
    return ChangeMode::Hash;
}

DeleteAction deleteActionOf(DeletePolicy::Action action)
{
    switch (action) {
    case DeletePolicy::Action::Propagate:
        return DeleteAction::Propagate;
    case DeletePolicy::Action::SoftDelete:
        return DeleteAction::SoftDelete;
    case DeletePolicy::Action::Ignore:
        return DeleteAction::Ignore;
    }
    return DeleteAction::Propagate;
}

} // namespace

PairSpec pairSpecFrom(const SyncPairDefinition &definition, const QString &pairId)
{
    PairSpec pair;
    pair.pairId = pairId;
    pair.sourceSystem = QString::number(definition.sourceSystem);
    pair.targetSystem = QString::number(definition.targetSystem);
    pair.cdc = definition.mode == SyncMode::Cdc;
    pair.batchSize = definition.batchSize;
    pair.workersPerPair = definition.workersPerPair;
    pair.invalidRows
        = definition.quarantineInvalidRows ? InvalidRowPolicy::Quarantine : InvalidRowPolicy::Fail;
    for (int index : definition.executionOrder()) {
        const EntityDefinition &entity = definition.entities.at(index);
        EntitySpec spec;
        spec.name = entity.name;
        spec.sourceEntity = entity.source.entity;
        spec.sourceKey = entity.source.key;
        spec.targetEntity = entity.target.entity;
        spec.targetKey = entity.target.key;
        spec.mapping = entity.mapping;
        spec.validation = entity.validation;
        spec.mode = changeModeOf(definition.modeOf(index));
        if (const auto cursor = definition.cursorOf(index)) {
            spec.cursorColumn = cursor->column;
            spec.changeTracking = cursor->kind == CursorSettings::Kind::ChangeTracking;
            spec.reconcileEvery = cursor->reconcileEvery;
        }
        const DeletePolicy deletes = definition.deletePolicyOf(index);
        spec.deleteAction = deleteActionOf(deletes.action);
        spec.softDeleteColumn = deletes.column;
        pair.entities << spec;
    }
    return pair;
}

} // namespace tf::sync
