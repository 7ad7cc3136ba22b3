#pragma once

#include "db/repositories/cdcschemachangerepository.h"
#include "pairspec.h"
#include "sync/cdc/lsn.h"
#include "sync/cdc/pgoutputmessages.h"

#include <QJsonObject>
#include <QList>
#include <optional>

namespace tf::sync {

// What a cdc run knows of the pair's held schema changes (cdc_schema_changes in the control
// database, docs/cdc.md "Schema changes"). A change to a streamed table is held (recorded
// pending) and stops the run; a run does not stream while one is pending or rejected; an
// approved one is let through when its Relation message arrives again, and becomes applied once
// the target committed past it.
class CdcSchemaGate final
{
public:
    CdcSchemaGate(const db::Database &control, qint64 pairId);

    // {"replica_identity", "columns": [{"name", "type_oid", "type_modifier", "key"}]}
    static QJsonObject shapeOf(const cdc::RelationMessage &relation);

    // Reads the pair's open changes. Throws tf::Error(Conflict) naming the change and what to
    // do when one is pending (approve or reject it) or rejected (re-snapshot the pair).
    void load();
    // Approved changes not yet streamed past.
    const QList<db::CdcSchemaChangeRecord> &approved() const { return m_approved; }
    // The approved change this Relation message is the new shape of, if any.
    std::optional<db::CdcSchemaChangeRecord> approvedFor(const cdc::RelationMessage &relation) const;
    // The entity of `table` in the pair's definition before the approval replaced it.
    static std::optional<EntitySpec> previousEntity(const db::CdcSchemaChangeRecord &change,
                                                    const QString &pairId);

    db::CdcSchemaChangeRecord hold(const QJsonObject &before, const cdc::RelationMessage &after,
                                   cdc::Lsn relationLsn);
    // The table's shape the pair last accepted, and accepting one (cdc_relation_shapes).
    std::optional<QJsonObject> acceptedShape(const cdc::RelationMessage &relation) const;
    void accept(const cdc::RelationMessage &relation);
    void forgetShapes();
    void markApplied(qint64 id);

private:
    const db::Database &m_control;
    qint64 m_pairId;
    QList<db::CdcSchemaChangeRecord> m_approved;
};

} // namespace tf::sync
