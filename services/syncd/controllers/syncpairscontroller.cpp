#include "syncpairscontroller.h"

#include "apiparams.h"
#include "backgroundjobs.h"
#include "changeaudit.h"
#include "common/databasestate.h"
#include "core/errors.h"
#include "db/repositories/syncpairrepository.h"
#include "db/repositories/systemrepository.h"
#include "pairprobe.h"
#include "sync/definition/definitionerrors.h"
#include "sync/definition/pairrecord.h"
#include "sync/engine/quarantinestore.h"
#include "sync/queue/operationqueue.h"
#include "sync/schedule/cronschedule.h"

namespace tf::syncd {

namespace {

// The next due time of an enabled, scheduled pair; cron fields are in the service's local
// time zone (a county's "0 2 * * SUN" means 2 a.m. there). Invalid: not scheduled.
QDateTime nextRunOf(const db::SyncPairRecord &record)
{
    if (!record.enabled || record.schedule.isEmpty())
        return {};
    return sync::CronSchedule::parse(record.schedule).next(QDateTime::currentDateTime()).toUTC();
}

void requireSystem(db::SystemRepository &systems, qint64 id, const QString &field,
                   sync::DefinitionErrors *errors)
{
    try {
        systems.get(id);
    } catch (const Error &error) {
        if (error.kind() != Error::Kind::NotFound)
            throw;
        errors->add(field, QStringLiteral("system %1 does not exist").arg(id));
    }
}

void requireFreeName(db::SyncPairRepository &pairs, const QString &name, qint64 exceptId)
{
    for (const db::SyncPairRecord &pair : pairs.list()) {
        if (pair.name == name && pair.id != exceptId) {
            throw Error(Error::Kind::Conflict,
                        QStringLiteral("a sync pair named '%1' already exists (id %2)")
                            .arg(name)
                            .arg(pair.id),
                        QJsonObject { { QStringLiteral("field"), QStringLiteral("name") },
                                      { QStringLiteral("id"), pair.id } });
        }
    }
}

} // namespace

SyncPairsController::SyncPairsController(SyncApiContext context)
    : m_context(std::move(context))
{ }

void SyncPairsController::registerRoutes(http::Router &router)
{
    router.add("GET", QStringLiteral("/sync-pairs"),
               [this](const http::ApiRequest &) { return list(); });
    router.add("POST", QStringLiteral("/sync-pairs"),
               [this](const http::ApiRequest &r) { return create(r); });
    router.add("GET", QStringLiteral("/sync-pairs/<id>"),
               [this](const http::ApiRequest &r) { return get(r); });
    router.add("PUT", QStringLiteral("/sync-pairs/<id>"),
               [this](const http::ApiRequest &r) { return replace(r); });
    router.add("DELETE", QStringLiteral("/sync-pairs/<id>"),
               [this](const http::ApiRequest &r) { return remove(r); });
    router.add("POST", QStringLiteral("/sync-pairs/<id>/enable"),
               [this](const http::ApiRequest &r) { return setEnabled(r, true); });
    router.add("POST", QStringLiteral("/sync-pairs/<id>/disable"),
               [this](const http::ApiRequest &r) { return setEnabled(r, false); });
    router.addAsync(
        "POST", QStringLiteral("/sync-pairs/<id>/test"),
        [this](const http::ApiRequest &r, const http::Router::Reply &reply) { test(r, reply); });
}

QJsonObject SyncPairsController::detail(const db::SyncPairRecord &record) const
{
    QJsonObject json = record.toJson();
    sync::OperationQueue::ListFilter filter;
    filter.pairId = record.id;
    filter.limit = 1;
    const QList<db::OperationRecord> last = m_context.queue().list(filter);
    json.insert(QStringLiteral("last_operation"),
                last.isEmpty() ? QJsonValue() : QJsonValue(last.first().toJson()));
    const sync::QuarantineStore quarantine(m_context.database.database().database());
    json.insert(QStringLiteral("open_quarantine"),
                quarantine.countOpen(QString::number(record.id)));
    return json;
}

db::SyncPairRecord SyncPairsController::validated(const QJsonObject &body, qint64 exceptId) const
{
    const sync::SyncPairDefinition definition = sync::SyncPairDefinition::parse(body);
    db::Database &control = m_context.database.database().database();
    db::SystemRepository systems(control);
    sync::DefinitionErrors errors;
    requireSystem(systems, definition.sourceSystem, QStringLiteral("source_system"), &errors);
    requireSystem(systems, definition.targetSystem, QStringLiteral("target_system"), &errors);
    errors.throwIfAny(QStringLiteral("sync pair definition is invalid"));
    db::SyncPairRepository pairs(control);
    requireFreeName(pairs, definition.name, exceptId);
    db::SyncPairRecord record = sync::pairRecordFrom(definition);
    record.id = exceptId;
    return record;
}

http::ApiResponse SyncPairsController::list() const
{
    db::SyncPairRepository pairs(m_context.database.database().database());
    QJsonArray items;
    for (const db::SyncPairRecord &pair : pairs.list())
        items.append(pair.toJson());
    QJsonObject body = api::page(items);
    body.insert(QStringLiteral("count"), items.size());
    return http::ApiResponse::json(body);
}

http::ApiResponse SyncPairsController::create(const http::ApiRequest &request)
{
    db::SyncPairRecord record = validated(request.jsonBody(), 0);
    record.nextRunAt = nextRunOf(record);
    db::SyncPairRepository pairs(m_context.database.database().database());
    const qint64 id = pairs.insert(record);
    const db::SyncPairRecord created = pairs.get(id);
    auditChange(m_context.database, request,
                { QStringLiteral("sync_pair.created"),
                  QStringLiteral("sync_pair"),
                  id,
                  QStringLiteral("sync pair %1 '%2' created").arg(id).arg(created.name),
                  {},
                  created.toJson() });
    return http::ApiResponse::json(detail(created), 201)
        .withHeader("Location", QByteArrayLiteral("/sync-pairs/") + QByteArray::number(id));
}

http::ApiResponse SyncPairsController::get(const http::ApiRequest &request) const
{
    db::SyncPairRepository pairs(m_context.database.database().database());
    return http::ApiResponse::json(detail(pairs.get(request.idParam())));
}

http::ApiResponse SyncPairsController::replace(const http::ApiRequest &request)
{
    const qint64 id = request.idParam();
    const QJsonObject body = request.jsonBody();
    db::SyncPairRepository pairs(m_context.database.database().database());
    const db::SyncPairRecord old = pairs.get(id); // 404 before 422
    db::SyncPairRecord record = validated(body, id);
    const bool sameTiming = record.schedule == old.schedule && record.enabled == old.enabled;
    record.nextRunAt = sameTiming ? old.nextRunAt : nextRunOf(record);
    pairs.update(record);
    const db::SyncPairRecord updated = pairs.get(id);
    auditChange(m_context.database, request,
                { QStringLiteral("sync_pair.updated"), QStringLiteral("sync_pair"), id,
                  QStringLiteral("sync pair %1 '%2' updated").arg(id).arg(updated.name),
                  old.toJson(), updated.toJson() });
    return http::ApiResponse::json(detail(updated));
}

http::ApiResponse SyncPairsController::remove(const http::ApiRequest &request)
{
    const qint64 id = request.idParam();
    const db::Database &control = m_context.database.database().database();
    db::SyncPairRepository pairs(m_context.database.database().database());
    const db::SyncPairRecord record = pairs.get(id);
    // Checked and deleted in one transaction, so a claim cannot slip in between on SQLite
    // (BEGIN IMMEDIATE); on PostgreSQL a claim racing the delete loses its row to the cascade.
    db::Transaction transaction(control);
    sync::OperationQueue::ListFilter filter;
    filter.pairId = id;
    filter.status = QStringLiteral("running");
    filter.limit = 1;
    const QList<db::OperationRecord> running = m_context.queue().list(filter);
    if (!running.isEmpty()) {
        throw Error(Error::Kind::Conflict,
                    QStringLiteral("sync pair %1 '%2' has a running operation (%3); cancel it or "
                                   "wait for it to finish")
                        .arg(id)
                        .arg(record.name)
                        .arg(running.first().id),
                    QJsonObject { { QStringLiteral("operation_id"), running.first().id } });
    }
    pairs.remove(id);
    transaction.commit();
    auditChange(
        m_context.database, request,
        { QStringLiteral("sync_pair.deleted"),
          QStringLiteral("sync_pair"),
          id,
          QStringLiteral("sync pair %1 '%2' deleted with its operations").arg(id).arg(record.name),
          record.toJson(),
          {} });
    return http::ApiResponse::json(
        QJsonObject { { QStringLiteral("id"), id }, { QStringLiteral("deleted"), true } });
}

http::ApiResponse SyncPairsController::setEnabled(const http::ApiRequest &request, bool enabled)
{
    const qint64 id = request.idParam();
    db::SyncPairRepository pairs(m_context.database.database().database());
    db::SyncPairRecord record = pairs.get(id);
    if (record.enabled != enabled) {
        const QJsonObject before = record.toJson();
        // The flag lives in the definition too (definitionOf reads it from there).
        record.enabled = enabled;
        record.definition.insert(QStringLiteral("enabled"), enabled);
        record.nextRunAt = nextRunOf(record);
        pairs.update(record);
        // Only a real change is recorded: enabling an enabled pair changes nothing.
        auditChange(
            m_context.database, request,
            { enabled ? QStringLiteral("sync_pair.enabled") : QStringLiteral("sync_pair.disabled"),
              QStringLiteral("sync_pair"), id,
              QStringLiteral("sync pair %1 '%2' %3")
                  .arg(id)
                  .arg(record.name,
                       enabled ? QStringLiteral("enabled") : QStringLiteral("disabled")),
              before, pairs.get(id).toJson() });
    }
    return http::ApiResponse::json(detail(pairs.get(id)));
}

void SyncPairsController::test(const http::ApiRequest &request, const http::Router::Reply &reply)
{
    const qint64 id = request.idParam();
    db::SyncPairRepository(m_context.database.database().database()).get(id); // 404 at once
    const DatabaseState &database = m_context.database;
    const SecretBox &secrets = m_context.secrets;
    m_context.jobs->run(request, reply, [&database, &secrets, id] {
        return http::ApiResponse::json(
            pairprobe::test(database.database().database(), secrets, id));
    });
}

} // namespace tf::syncd
