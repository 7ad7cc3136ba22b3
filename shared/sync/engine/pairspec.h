#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace tf::sync {

// What the engine needs of a sync pair definition, and nothing more: the runner is fed this
// plain description so that the definition's JSON format can change without touching the
// engine (one adapter turns a SyncPairDefinition into a PairSpec).

enum class ChangeMode { Hash, Cursor, Full };
enum class DeleteAction { Propagate, SoftDelete, Ignore };
enum class InvalidRowPolicy { Quarantine, Fail };

QString changeModeName(ChangeMode mode);

struct EntitySpec
{
    QString name; // label used in statistics, progress and quarantine
    QString sourceEntity;
    QStringList sourceKey;
    QString targetEntity;
    QStringList targetKey; // target columns, produced by the mapping
    QJsonObject mapping; // MappingPlan JSON
    QJsonArray validation; // validation rules (compiled by the ValidatorFactory)
    ChangeMode mode = ChangeMode::Hash;
    QString cursorColumn; // source column, cursor mode
    // Cursor mode over the source's change log (SQL Server Change Tracking) instead of a
    // column: ChangeTrackingExecutor.
    bool changeTracking = false;
    int reconcileEvery = 0; // cursor mode: key reconciliation every N runs (0: never)
    DeleteAction deleteAction = DeleteAction::Propagate;
    QString softDeleteColumn; // target boolean column, soft_delete
};

struct PairSpec
{
    QString pairId; // scopes sync state, checkpoints and quarantine
    QString sourceSystem; // circuit breaker ids
    QString targetSystem;
    bool cdc = false; // streamed from a logical replication slot (CdcExecutor), not run
    int batchSize = 5000;
    int workersPerPair = 1; // chunks of one chunked load running at once
    InvalidRowPolicy invalidRows = InvalidRowPolicy::Quarantine;
    QList<EntitySpec> entities; // in execution (dependency) order
};

} // namespace tf::sync

namespace tf::sync {

struct SyncPairDefinition;

// The engine's view of a definition: entities in executionOrder(), per-entity overrides
// resolved. pairId scopes state and quarantine (the sync_pairs id as text).
PairSpec pairSpecFrom(const SyncPairDefinition &definition, const QString &pairId);

} // namespace tf::sync
