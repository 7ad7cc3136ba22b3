#include "schemachangescontroller.h"

#include "apiparams.h"
#include "backgroundjobs.h"
#include "changeaudit.h"
#include "common/databasestate.h"
#include "common/listquery.h"
#include "common/preconditions.h"
#include "core/errors.h"
#include "db/repositories/cdcschemachangerepository.h"
#include "db/repositories/syncpairrepository.h"
#include "sync/cdc/cdctarget.h"
#include "sync/connectors/postgresconnector.h"
#include "sync/definition/pairrecord.h"
#include "sync/definition/pairstore.h"
#include "sync/engine/cdcexecutor.h"
#include "sync/queue/operationqueue.h"
#include "sync/systems/systemregistry.h"

#include <QJsonArray>

namespace tf::syncd {

namespace {

const QString kPending = QStringLiteral("pending");

db::SyncPairRecord cdcPair(db::Database &control, qint64 id)
{
    const db::SyncPairRecord record = db::SyncPairRepository(control).get(id); // 404
    if (record.definition.value(QStringLiteral("mode")).toString() != QLatin1String("cdc"))
        throw Error(Error::Kind::Conflict,
                    QStringLiteral("sync pair %1 '%2' is not in cdc mode: it has no replication slot "
                                   "and no schema changes")
                        .arg(id)
                        .arg(record.name));
    return record;
}

[[noreturn]] void decided(const db::CdcSchemaChangeRecord &change)
{
    throw Error(Error::Kind::Conflict, QStringLiteral("schema_change_decided"),
                QStringLiteral("schema change %1 is %2, no longer pending").arg(change.id).arg(change.status),
                QJsonObject { { QStringLiteral("status"), change.status } });
}

QString actor(const http::ApiRequest &request)
{
    return request.caller.username;
}

// The pair's definition with the entity of the changed table replaced by `entity`.
QJsonObject withEntity(const db::SyncPairRecord &record, const db::CdcSchemaChangeRecord &change,
                       const QJsonObject &entity)
{
    const QString source = entity.value(QStringLiteral("source")).toObject()
                               .value(QStringLiteral("entity")).toString();
    if (source != change.tableName)
        api::failField(QStringLiteral("the entity must be the one of the changed table"),
                       QStringLiteral("entity.source.entity"),
                       QStringLiteral("must be \"%1\", the table of schema change %2")
                           .arg(change.tableName)
                           .arg(change.id));
    QJsonObject definition = sync::definitionOf(record).toJson();
    QJsonArray entities = definition.value(QStringLiteral("entities")).toArray();
    bool replaced = false;
    for (qsizetype i = 0; i < entities.size(); ++i) {
        const QString current = entities.at(i).toObject().value(QStringLiteral("source")).toObject()
                                    .value(QStringLiteral("entity")).toString();
        if (current == change.tableName) {
            entities[i] = entity;
            replaced = true;
        }
    }
    if (!replaced)
        api::failField(QStringLiteral("the pair has no entity for the changed table"),
                       QStringLiteral("entity.source.entity"),
                       QStringLiteral("no entity of sync pair %1 reads \"%2\"")
                           .arg(record.id)
                           .arg(change.tableName));
    definition.insert(QStringLiteral("entities"), entities);
    return definition;
}

// sync_pair.schema_change_<status>: "schema change 3 on public.parcel of sync pair 7 <outcome>".
void auditDecision(const DatabaseState &database, const http::ApiRequest &request,
                   const db::CdcSchemaChangeRecord &before, const db::CdcSchemaChangeRecord &after,
                   const QString &outcome)
{
    auditChange(database, request,
                { QStringLiteral("sync_pair.schema_change_") + after.status, QStringLiteral("sync_pair"),
                  before.pairId,
                  QStringLiteral("schema change %1 on %2.%3 of sync pair %4 %5")
                      .arg(before.id)
                      .arg(before.tableSchema, before.tableName)
                      .arg(before.pairId)
                      .arg(outcome),
                  before.toJson(), after.toJson() });
}

} // namespace

SchemaChangesController::SchemaChangesController(SyncApiContext context)
    : m_context(std::move(context))
{ }

void SchemaChangesController::registerRoutes(http::Router &router)
{
    router.add("GET", QStringLiteral("/sync-pairs/<id>/schema-changes"),
               [this](const http::ApiRequest &r) { return list(r); });
    router.add("POST", QStringLiteral("/sync-pairs/<id>/schema-changes/<cid>/approve"),
               [this](const http::ApiRequest &r) { return approve(r); });
    router.add("POST", QStringLiteral("/sync-pairs/<id>/schema-changes/<cid>/reject"),
               [this](const http::ApiRequest &r) { return reject(r); });
    router.addAsync(
        "POST", QStringLiteral("/sync-pairs/<id>/resnapshot"),
        [this](const http::ApiRequest &r, const http::Router::Reply &reply) { resnapshot(r, reply); });
}

http::ApiResponse SchemaChangesController::list(const http::ApiRequest &request) const
{
    const http::QueryParams params = http::QueryParams::forList(request);
    db::Database &control = m_context.database.database().database();
    const qint64 id = request.idParam();
    db::SyncPairRepository(control).get(id); // 404
    QJsonArray items;
    for (const db::CdcSchemaChangeRecord &change :
         db::CdcSchemaChangeRepository(control).list(id, { kPending }))
        items.append(change.toJson());
    return http::listResponse(request, params, items, QString());
}

http::ApiResponse SchemaChangesController::approve(const http::ApiRequest &request)
{
    const qint64 id = request.idParam();
    const qint64 changeId = request.idParam(QStringLiteral("cid"));
    const QJsonObject body = api::optionalBody(request);
    for (auto it = body.begin(); it != body.end(); ++it) {
        if (it.key() != QLatin1String("entity"))
            api::failField(QStringLiteral("unknown field in the approval"), it.key(),
                           QStringLiteral("unknown field; the body takes only \"entity\""));
    }
    if (body.contains(QStringLiteral("entity")) && !body.value(QStringLiteral("entity")).isObject())
        api::failField(QStringLiteral("the entity must be an object"), QStringLiteral("entity"),
                       QStringLiteral("must be an entity definition object"));
    db::Database &control = m_context.database.database().database();
    const db::SyncPairRecord record = cdcPair(control, id);
    db::CdcSchemaChangeRepository changes(control);
    const db::CdcSchemaChangeRecord change = changes.get(id, changeId);
    if (change.status == QLatin1String("approved") && body.isEmpty())
        return http::ApiResponse::json(change.toJson()); // a repeated approval
    if (change.status != kPending)
        decided(change);
    const qint64 expected = api::expectedVersion(request, record.version, record.version);
    db::SyncPairRecord after = record;
    if (body.contains(QStringLiteral("entity"))) {
        const sync::PairStore::Change updated = sync::PairStore(control).replace(
            id, withEntity(record, change, body.value(QStringLiteral("entity")).toObject()), expected);
        after = updated.after;
        auditChange(m_context.database, request,
                    { QStringLiteral("sync_pair.updated"), QStringLiteral("sync_pair"), id,
                      QStringLiteral("sync pair %1 '%2' updated: entity of %3 replaced to approve "
                                     "schema change %4")
                          .arg(id)
                          .arg(record.name, change.tableName)
                          .arg(change.id),
                      updated.before.toJson(), updated.after.toJson() });
    }
    if (!changes.decide(change.id, kPending, QStringLiteral("approved"), actor(request),
                        sync::definitionOf(record).toJson()))
        decided(changes.get(id, changeId));
    const db::CdcSchemaChangeRecord approved = changes.get(id, changeId);
    auditDecision(m_context.database, request, change, approved,
                  QStringLiteral("approved%1; streaming continues from %2")
                      .arg(body.isEmpty() ? QString() : QStringLiteral(" with a new entity definition"),
                           change.relationLsn));
    if (m_context.wakeWorkers)
        m_context.wakeWorkers();
    http::ApiResponse response = http::ApiResponse::json(approved.toJson());
    return http::withEtag(response, after.version);
}

http::ApiResponse SchemaChangesController::reject(const http::ApiRequest &request)
{
    const qint64 id = request.idParam();
    const qint64 changeId = request.idParam(QStringLiteral("cid"));
    if (!api::optionalBody(request).isEmpty())
        api::failField(QStringLiteral("a rejection takes no body"), QStringLiteral("body"),
                       QStringLiteral("must be empty"));
    db::Database &control = m_context.database.database().database();
    const db::SyncPairRecord record = cdcPair(control, id);
    db::CdcSchemaChangeRepository changes(control);
    const db::CdcSchemaChangeRecord change = changes.get(id, changeId);
    if (change.status == QLatin1String("rejected"))
        return http::ApiResponse::json(change.toJson()); // a repeated rejection
    if (change.status != kPending || !changes.decide(change.id, kPending, QStringLiteral("rejected"),
                                                     actor(request)))
        decided(changes.get(id, changeId));
    // Disabled, so that nothing queues the pair again: it waits for a new snapshot.
    const auto disabled = sync::PairStore(control).setEnabled(id, false);
    const db::CdcSchemaChangeRecord rejected = changes.get(id, changeId);
    auditDecision(m_context.database, request, change, rejected,
                  QStringLiteral("rejected; the pair %1 and stays stopped until POST "
                                 "/api/sync-pairs/%2/resnapshot")
                      .arg(disabled ? QStringLiteral("was disabled") : QStringLiteral("is disabled"))
                      .arg(id));
    return http::ApiResponse::json(rejected.toJson());
}

void SchemaChangesController::resnapshot(const http::ApiRequest &request,
                                         const http::Router::Reply &reply)
{
    const qint64 id = request.idParam();
    if (!api::optionalBody(request).isEmpty())
        api::failField(QStringLiteral("a resnapshot takes no body"), QStringLiteral("body"),
                       QStringLiteral("must be empty"));
    db::Database &control = m_context.database.database().database();
    const db::SyncPairRecord record = cdcPair(control, id); // 404 and 409 at once
    api::expectedVersion(request, record.version);
    sync::OperationQueue::ListFilter filter;
    filter.pairId = id;
    filter.status = QStringLiteral("running");
    filter.limit = 1;
    const QList<db::OperationRecord> running = m_context.queue().list(filter);
    if (!running.isEmpty())
        throw Error(Error::Kind::Conflict, QStringLiteral("operation_running"),
                    QStringLiteral("sync pair %1 '%2' is streaming (operation %3); disable it first")
                        .arg(id)
                        .arg(record.name)
                        .arg(running.first().id),
                    QJsonObject { { QStringLiteral("operation_id"), running.first().id } });
    const DatabaseState &database = m_context.database;
    const SecretBox &secrets = m_context.secrets;
    const http::ApiRequest copy = request;
    m_context.jobs->run(request, reply, [&database, &secrets, record, copy] {
        db::Database &control = database.database().database();
        const QString pairId = QString::number(record.id);
        const sync::SystemRegistry systems(control, secrets);
        const auto source = systems.openSource(record.sourceSystemId);
        const auto target = systems.openTarget(record.targetSystemId);
        const auto *sourcePg = dynamic_cast<const sync::PostgresConnector *>(source.get());
        if (!sourcePg)
            throw Error(Error::Kind::Conflict,
                        QStringLiteral("sync pair %1 is in cdc mode, which needs a PostgreSQL "
                                       "source").arg(record.id));
        // The position first: with it gone (and the snapshot marked), the next run can only
        // start over, even if dropping the slot below fails.
        const QString slot = sync::CdcExecutor::slotName(pairId);
        {
            const std::unique_ptr<sync::cdc::CdcTarget> cdcTarget
                = sync::cdc::openCdcTarget(*target);
            sync::cdc::CdcPositions &positions = cdcTarget->positions();
            positions.ensureTable();
            const std::unique_ptr<sync::cdc::CdcTransaction> transaction = cdcTarget->begin();
            positions.remove(pairId, slot);
            positions.markSnapshot(pairId, slot);
            transaction->commit();
            cdcTarget->close();
        }
        sync::CdcExecutor::dropReplication(sourcePg->url(), pairId);
        const int superseded
            = db::CdcSchemaChangeRepository(control).supersede(record.id, copy.caller.username);
        // An enabled pair streams again at once: its failed stream waited for this answer.
        qint64 queuedId = 0;
        if (record.enabled) {
            sync::OperationQueue queue(control);
            sync::OperationQueue::ListFilter filter;
            filter.pairId = record.id;
            filter.status = QStringLiteral("queued");
            filter.limit = 1;
            if (queue.list(filter).isEmpty()) {
                sync::EnqueueRequest start;
                start.pairId = record.id;
                start.trigger = QStringLiteral("manual");
                queuedId = queue.enqueue(start).id;
                queue.appendLog(queuedId, QStringLiteral("cdc pair: new snapshot queued by %1")
                                              .arg(copy.caller.username));
            }
        }
        const QJsonObject result { { QStringLiteral("id"), record.id },
                                   { QStringLiteral("slot"), slot },
                                   { QStringLiteral("slot_dropped"), true },
                                   { QStringLiteral("position_removed"), true },
                                   { QStringLiteral("schema_changes_superseded"), superseded },
                                   { QStringLiteral("enabled"), record.enabled },
                                   { QStringLiteral("operation_id"),
                                     queuedId ? QJsonValue(queuedId) : QJsonValue() } };
        auditChange(database, copy,
                    { QStringLiteral("sync_pair.resnapshot"), QStringLiteral("sync_pair"), record.id,
                      QStringLiteral("sync pair %1 '%2' set to start over from a new snapshot: "
                                     "replication slot %3, its publication and the stored position "
                                     "dropped; %4 held schema change(s) superseded")
                          .arg(record.id)
                          .arg(record.name, slot)
                          .arg(superseded),
                      {}, result });
        return http::ApiResponse::json(result);
    });
}

} // namespace tf::syncd
