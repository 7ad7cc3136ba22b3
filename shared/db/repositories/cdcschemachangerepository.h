#pragma once

#include "db/connection.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <optional>

namespace tf::db {

// A row of `cdc_schema_changes` (migration 0016): a streamed table's columns, types or identity
// changed while a cdc pair streamed, and the change waits for a person (docs/cdc.md, "Schema
// changes"). Shapes are {"replica_identity", "columns": [{"name", "type_oid", "type_modifier",
// "key"}]}.
struct CdcSchemaChangeRecord
{
    qint64 id = 0;
    qint64 pairId = 0;
    QString tableSchema;
    QString tableName;
    QJsonObject oldShape;
    QJsonObject newShape;
    QString relationLsn;
    QString status; // pending, approved, rejected, applied, superseded
    QDateTime heldAt;
    QDateTime decidedAt;
    QString decidedBy;
    QJsonObject previousDefinition; // the pair's definition before an approval replaced it

    QJsonObject toJson() const; // previous_definition left out (it is in the audit entry)
};

class CdcSchemaChangeRepository final
{
    Q_DISABLE_COPY_MOVE(CdcSchemaChangeRepository)
public:
    explicit CdcSchemaChangeRepository(const Database &database)
        : m_database(database)
    { }

    // Records a held change; the same change held again (a restart that reads the same Relation
    // message before anyone decided) answers the row already there.
    CdcSchemaChangeRecord hold(const CdcSchemaChangeRecord &change);
    // NotFound naming the change when it is not the pair's.
    CdcSchemaChangeRecord get(qint64 pairId, qint64 id) const;
    // The pair's changes in the given states (all when empty), oldest first.
    QList<CdcSchemaChangeRecord> list(qint64 pairId, const QStringList &statuses = {}) const;
    // Compare-and-set from `from` to `to`: false when the change was no longer in `from`.
    bool decide(qint64 id, const QString &from, const QString &to, const QString &by,
                const QJsonObject &previousDefinition = {});
    // Every change of the pair still pending, approved or rejected becomes superseded (a new
    // snapshot makes them moot); returns how many.
    int supersede(qint64 pairId, const QString &by);

    // cdc_relation_shapes: the shape of a streamed table the pair last accepted.
    std::optional<QJsonObject> acceptedShape(qint64 pairId, const QString &schema,
                                             const QString &table) const;
    void acceptShape(qint64 pairId, const QString &schema, const QString &table,
                     const QJsonObject &shape);
    void forgetShapes(qint64 pairId); // a new snapshot takes the tables as they are

private:
    CdcSchemaChangeRecord read(const QSqlQuery &query) const;

    const Database &m_database;
};

} // namespace tf::db
