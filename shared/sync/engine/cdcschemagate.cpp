#include "cdcschemagate.h"

#include "core/errors.h"
#include "sync/definition/syncpairdefinition.h"

#include <QJsonArray>

namespace tf::sync {

CdcSchemaGate::CdcSchemaGate(const db::Database &control, qint64 pairId)
    : m_control(control)
    , m_pairId(pairId)
{ }

QJsonObject CdcSchemaGate::shapeOf(const cdc::RelationMessage &relation)
{
    QJsonArray columns;
    for (const cdc::RelationColumn &column : relation.columns)
        columns.append(QJsonObject { { QStringLiteral("name"), column.name },
                                     { QStringLiteral("type_oid"), qint64(column.typeOid) },
                                     { QStringLiteral("type_modifier"), column.typeModifier },
                                     { QStringLiteral("key"), column.isKey } });
    return { { QStringLiteral("replica_identity"),
               QString(QChar::fromLatin1(relation.replicaIdentity)) },
             { QStringLiteral("columns"), columns } };
}

void CdcSchemaGate::load()
{
    m_approved.clear();
    const db::CdcSchemaChangeRepository changes(m_control);
    for (const db::CdcSchemaChangeRecord &change :
         changes.list(m_pairId, { QStringLiteral("pending"), QStringLiteral("rejected"),
                                  QStringLiteral("approved") })) {
        const QString table = change.tableSchema + QLatin1Char('.') + change.tableName;
        if (change.status == QLatin1String("pending"))
            throw Error(Error::Kind::Conflict,
                        QStringLiteral("Schema change %1 on %2 held for approval (read at %3): "
                                       "approve it (POST /api/sync-pairs/%4/schema-changes/%1/"
                                       "approve) or reject it")
                            .arg(change.id)
                            .arg(table, change.relationLsn)
                            .arg(m_pairId));
        if (change.status == QLatin1String("rejected"))
            throw Error(Error::Kind::Conflict,
                        QStringLiteral("schema change %1 on %2 was rejected: the pair stays stopped "
                                       "until it is re-snapshotted (POST /api/sync-pairs/%3/"
                                       "resnapshot)")
                            .arg(change.id)
                            .arg(table)
                            .arg(m_pairId));
        m_approved << change;
    }
}

std::optional<db::CdcSchemaChangeRecord>
CdcSchemaGate::approvedFor(const cdc::RelationMessage &relation) const
{
    const QJsonObject shape = shapeOf(relation);
    for (const db::CdcSchemaChangeRecord &change : m_approved) {
        if (change.tableSchema == relation.schema && change.tableName == relation.name
            && change.newShape == shape)
            return change;
    }
    return std::nullopt;
}

std::optional<EntitySpec> CdcSchemaGate::previousEntity(const db::CdcSchemaChangeRecord &change,
                                                        const QString &pairId)
{
    if (change.previousDefinition.isEmpty())
        return std::nullopt;
    const PairSpec previous
        = pairSpecFrom(SyncPairDefinition::parse(change.previousDefinition), pairId);
    for (const EntitySpec &entity : previous.entities) {
        if (entity.sourceEntity == change.tableName)
            return entity;
    }
    return std::nullopt;
}

std::optional<QJsonObject> CdcSchemaGate::acceptedShape(const cdc::RelationMessage &relation) const
{
    return db::CdcSchemaChangeRepository(m_control).acceptedShape(m_pairId, relation.schema,
                                                                   relation.name);
}

void CdcSchemaGate::accept(const cdc::RelationMessage &relation)
{
    db::CdcSchemaChangeRepository(m_control).acceptShape(m_pairId, relation.schema, relation.name,
                                                         shapeOf(relation));
}

void CdcSchemaGate::forgetShapes()
{
    db::CdcSchemaChangeRepository(m_control).forgetShapes(m_pairId);
}

db::CdcSchemaChangeRecord CdcSchemaGate::hold(const QJsonObject &before,
                                              const cdc::RelationMessage &after,
                                              cdc::Lsn relationLsn)
{
    db::CdcSchemaChangeRecord change;
    change.pairId = m_pairId;
    change.tableSchema = after.schema;
    change.tableName = after.name;
    change.oldShape = before;
    change.newShape = shapeOf(after);
    change.relationLsn = cdc::formatLsn(relationLsn);
    return db::CdcSchemaChangeRepository(m_control).hold(change);
}

void CdcSchemaGate::markApplied(qint64 id)
{
    db::CdcSchemaChangeRepository(m_control).decide(id, QStringLiteral("approved"),
                                                    QStringLiteral("applied"), {});
    m_approved.removeIf([id](const db::CdcSchemaChangeRecord &change) { return change.id == id; });
}

} // namespace tf::sync
