#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace tf::sync {

// What an administrator defines: which source entities flow into which target entities,
// how (mode, mapping, validation), when (schedule) and what to do with deletes and bad rows.
// parse() checks everything that can be checked without connecting; column names in the
// mapping and rules are checked later by MappingPlan/ValidationPlan::compile, when the
// schemas are known.
//
// Full example (optional keys marked; defaults in brackets):
// {
//   "name": "pacs-to-cama",
//   "description": "Nightly PACS -> CAMA",                 (optional) [""]
//   "source_system_id": 1,                                  system ids, positive integers (the
//   "target_system_id": 2,                                  names of the pair resource; the old
//                                                           source_system/target_system are
//                                                           accepted until API v2, deprecated)
//   "mode": "cursor",                                       "hash" | "cursor" | "full" | "cdc" ["hash"]
//                                                           (cdc: PostgreSQL source and target,
//                                                            the pair's mode only; docs/cdc.md)
//   "schedule": "0 2 * * MON-SAT",                          (optional) five-field cron
//   "verify_schedule": "0 4 * * SUN",                       (optional) cron: verify the target,
//                                                            alert "Sync drift detected on pair N"
//   "batch_size": 5000,                                     1..100000 [5000]
//   "invalid_rows": "quarantine",                           "quarantine" | "fail" ["quarantine"]
//   "delete_policy": {"action": "soft_delete",              "propagate" | "soft_delete" | "ignore"
//                     "column": "is_deleted"},              required for soft_delete  [propagate]
//   "cursor": {"column": "LastModified",                    required when mode is cursor
//              "reconcile_every": 10},                      runs between key reconciliations [10]
//             or {"kind": "change_tracking"}               "column" | "change_tracking" ["column"]:
//                                                           SQL Server Change Tracking, sqlserver
//                                                           sources only, no column
//                                                           (docs/connectors/sqlserver.md)
//   "enabled": true,                                        [true]
//   "entities": [
//     {"name": "property",
//      "source": {"entity": "Property", "key": ["PropertyID"]},
//      "target": {"entity": "cama_property", "key": ["source_id"]},
//      "mapping": {"fields": [{"target": "source_id", "source": "PropertyID", "transform": ["uuid_from"]},
//                             {"target": "parcel_number", "source": "ParcelNumber", "transform": ["trim", "upper"]}]},
//      "validation": [{"field": "parcel_number", "rule": "required"}],      (optional) [[]]
//      "depends_on": []},                                                   (optional) [[]]
//     {"name": "owner",
//      "source": {"entity": "Owner", "key": ["OwnerID"]},
//      "target": {"entity": "cama_owner", "key": ["source_id"]},
//      "mapping": {"fields": [{"target": "source_id", "source": "OwnerID", "transform": ["uuid_from"]},
//                             {"target": "property_source_id", "source": "PropertyID", "transform": ["uuid_from"]}]},
//      "validation": [{"field": "property_source_id", "rule": "reference",
//                      "entity": "cama_property", "column": "source_id"}],
//      "depends_on": ["property"],
//      "mode": "hash",                                       (optional overrides of the pair's
//      "cursor": {"column": "LastModified", "reconcile_every": 5},  mode, cursor, delete_policy)
//      "delete_policy": {"action": "propagate"}}
//   ]
// }
// Entity names are unique; depends_on names other entities of the pair, without cycles; the
// target key columns must be targets of the mapping. Unknown keys are errors (a misspelt
// "shedule" would otherwise be silently ignored).
enum class SyncMode { Hash, Cursor, Full, Cdc };

QString syncModeName(SyncMode mode);

struct DeletePolicy
{
    enum class Action { Propagate, SoftDelete, Ignore };
    Action action = Action::Propagate;
    QString column; // the flag column set by soft_delete
};

QString deleteActionName(DeletePolicy::Action action);

struct CursorSettings
{
    // Column: an indexed column (LastModified, rowversion); ChangeTracking: the source's own
    // change log (SQL Server CHANGETABLE), no column.
    enum class Kind { Column, ChangeTracking };
    Kind kind = Kind::Column;
    QString column;
    int reconcileEvery = 10; // every Nth cursor run also reconciles keys, to find deletes
};

struct EntityEndpoint
{
    QString entity;
    QStringList key;
};

struct EntityDefinition
{
    QString name;
    EntityEndpoint source;
    EntityEndpoint target;
    QJsonObject mapping;
    QJsonArray validation;
    QStringList dependsOn;
    std::optional<SyncMode> mode;
    std::optional<CursorSettings> cursor;
    std::optional<DeletePolicy> deletePolicy;
};

struct SyncPairDefinition
{
    QString name;
    QString description;
    qint64 sourceSystem = 0;
    qint64 targetSystem = 0;
    SyncMode mode = SyncMode::Hash;
    QString schedule; // empty: runs only when triggered
    QString verifySchedule; // empty: verified only when asked
    int batchSize = 5000;
    // How many key-range chunks of one chunked full load run at once (workers of any node).
    int workersPerPair = 1;
    bool quarantineInvalidRows = true; // "invalid_rows": "quarantine"; false: "fail"
    DeletePolicy deletePolicy;
    std::optional<CursorSettings> cursor;
    bool enabled = true;
    QList<EntityDefinition> entities;

    // Throws tf::Error(Validation, "sync pair definition is invalid", {"errors": [{"field":
    // "entities[0].target.key", "message": "must list at least one column"}, ...]}) listing
    // every problem.
    static SyncPairDefinition parse(const QJsonObject &json);
    // The key a body gives a system id under: `key` ("source_system_id"), or its deprecated
    // name without "_id" when only that one is given (errors then name what the client sent).
    static QString systemKey(const QJsonObject &json, const QString &key);
    QJsonObject toJson() const;

    // Entity indexes, parents before children; among entities free to go, definition order.
    QList<int> executionOrder() const;

    // An entity's settings after its overrides.
    SyncMode modeOf(int entity) const;
    std::optional<CursorSettings> cursorOf(int entity) const;
    DeletePolicy deletePolicyOf(int entity) const;
};

} // namespace tf::sync
