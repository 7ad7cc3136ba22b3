#include "syncpairscontroller.h"

#include "apiparams.h"
#include "backgroundjobs.h"
#include "cdcpairview.h"
#include "changeaudit.h"
#include "common/databasestate.h"
#include "common/listquery.h"
#include "common/preconditions.h"
#include "core/errors.h"
#include "db/repositories/syncpairrepository.h"
#include "db/repositories/systemrepository.h"
#include "pairpreview.h"
#include "pairprobe.h"
#include "sync/definition/pairstore.h"
#include "sync/engine/quarantinestore.h"
#include "sync/queue/operationqueue.h"
#include "sync/connectors/postgresconnector.h"
#include "sync/engine/cdcexecutor.h"
#include "sync/systems/systemregistry.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcPairs, "syncd.pairs")

namespace tf::syncd {


SyncPairsController::SyncPairsController(SyncApiContext context)
    : m_context(std::move(context))
{ }

void SyncPairsController::registerRoutes(http::Router &router)
{
    router.add("GET", QStringLiteral("/sync-pairs"),
               [this](const http::ApiRequest &r) { return list(r); });
    router.add("POST", QStringLiteral("/sync-pairs"),
               [this](const http::ApiRequest &r) { return create(r); });
    router.add("GET", QStringLiteral("/sync-pairs/<id>"),
               [this](const http::ApiRequest &r) { return get(r); });
    router.add("PUT", QStringLiteral("/sync-pairs/<id>"),
               [this](const http::ApiRequest &r) { return replace(r); });
    router.add("PATCH", QStringLiteral("/sync-pairs/<id>"),
               [this](const http::ApiRequest &r) { return patch(r); });
    router.add("DELETE", QStringLiteral("/sync-pairs/<id>"),
               [this](const http::ApiRequest &r) { return remove(r); });
    router.add("POST", QStringLiteral("/sync-pairs/<id>/enable"),
               [this](const http::ApiRequest &r) { return setEnabled(r, true); });
    router.add("POST", QStringLiteral("/sync-pairs/<id>/disable"),
               [this](const http::ApiRequest &r) { return setEnabled(r, false); });
    router.addAsync(
        "POST", QStringLiteral("/sync-pairs/preview"),
        [this](const http::ApiRequest &r, const http::Router::Reply &reply) { preview(r, reply); });
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
    json.insert(QStringLiteral("cdc"), cdcPairView(m_context.database.database().database(), record));
    return json;
}

http::ApiResponse SyncPairsController::single(const db::SyncPairRecord &record, int status) const
{
    http::ApiResponse response = http::ApiResponse::json(detail(record), status);
    return http::withEtag(response, record.version);
}

http::ApiResponse SyncPairsController::list(const http::ApiRequest &request) const
{
    const http::QueryParams params = http::QueryParams::forList(request);
    db::SyncPairRepository pairs(m_context.database.database().database());
    QList<db::SyncPairRecord> page = pairs.page(params.cursorId(), params.limit() + 1);
    const bool more = page.size() > params.limit();
    if (more)
        page.resize(params.limit());
    QJsonArray items;
    for (const db::SyncPairRecord &pair : std::as_const(page))
        items.append(pair.toJson());
    return http::listResponse(request, params, items, more ? QString::number(page.last().id) : QString());
}

http::ApiResponse SyncPairsController::create(const http::ApiRequest &request)
{
    const db::SyncPairRecord created
        = sync::PairStore(m_context.database.database().database()).create(request.jsonBody());
    const qint64 id = created.id;
    auditChange(m_context.database, request,
                { QStringLiteral("sync_pair.created"),
                  QStringLiteral("sync_pair"),
                  id,
                  QStringLiteral("sync pair %1 '%2' created").arg(id).arg(created.name),
                  {},
                  created.toJson() });
    http::ApiResponse response = single(created, 201);
    return response.withHeader("Location", QByteArrayLiteral("/sync-pairs/") + QByteArray::number(id));
}

http::ApiResponse SyncPairsController::get(const http::ApiRequest &request) const
{
    http::QueryParams(request, {});
    db::SyncPairRepository pairs(m_context.database.database().database());
    return single(pairs.get(request.idParam()));
}

http::ApiResponse SyncPairsController::replace(const http::ApiRequest &request)
{
    const qint64 id = request.idParam();
    const QJsonObject body = request.jsonBody();
    db::Database &control = m_context.database.database().database();
    const qint64 expected = api::expectedVersion(request, db::SyncPairRepository(control).get(id).version);
    return updated(request, sync::PairStore(control).replace(id, body, expected));
}

http::ApiResponse SyncPairsController::patch(const http::ApiRequest &request)
{
    const qint64 id = request.idParam();
    const QJsonObject body = request.jsonBody();
    db::Database &control = m_context.database.database().database();
    const qint64 current = db::SyncPairRepository(control).get(id).version;
    const qint64 expected = api::expectedVersion(request, current, current);
    return updated(request, sync::PairStore(control).patch(id, body, &http::mergePatch, expected));
}

http::ApiResponse SyncPairsController::updated(const http::ApiRequest &request,
                                               const sync::PairStore::Change &change)
{
    const qint64 id = change.after.id;
    auditChange(m_context.database, request,
                { QStringLiteral("sync_pair.updated"), QStringLiteral("sync_pair"), id,
                  QStringLiteral("sync pair %1 '%2' updated").arg(id).arg(change.after.name),
                  change.before.toJson(), change.after.toJson() });
    return single(change.after);
}

// A deleted cdc pair's slot would hold the source's WAL for nobody: it goes with the pair, and
// its publication too. The pair is gone either way; a drop that fails is said in the audit
// entry and the log, and `tfctl check` lists the orphan slot.
QString SyncPairsController::dropCdcReplication(const db::SyncPairRecord &record) const
{
    if (record.definition.value(QStringLiteral("mode")).toString() != QLatin1String("cdc"))
        return {};
    const QString slot = sync::CdcExecutor::slotName(QString::number(record.id));
    try {
        db::Database &control = m_context.database.database().database();
        const auto source = sync::SystemRegistry(control, m_context.secrets).openSource(record.sourceSystemId);
        const auto *postgres = dynamic_cast<const sync::PostgresConnector *>(source.get());
        if (!postgres)
            return {};
        sync::CdcExecutor::dropReplication(postgres->url(), QString::number(record.id));
        return QStringLiteral("; replication slot %1 and its publication dropped").arg(slot);
    } catch (const Error &error) {
        qCWarning(lcPairs, "sync pair %lld deleted, but its replication slot %s was not dropped: %s",
                  static_cast<long long>(record.id), qPrintable(slot), qPrintable(error.message()));
        return QStringLiteral("; replication slot %1 NOT dropped (%2): drop it on the source")
            .arg(slot, error.message());
    }
}

http::ApiResponse SyncPairsController::remove(const http::ApiRequest &request)
{
    const qint64 id = request.idParam();
    db::Database &control = m_context.database.database().database();
    const qint64 expected = api::expectedVersion(request, db::SyncPairRepository(control).get(id).version);
    qint64 quarantined = 0;
    const db::SyncPairRecord record = sync::PairStore(control).remove(id, expected, &quarantined);
    const QString replication = dropCdcReplication(record);
    if (m_context.pairDeleted)
        m_context.pairDeleted(id); // its alerts are closed, its metrics go
    auditChange(
        m_context.database, request,
        { QStringLiteral("sync_pair.deleted"),
          QStringLiteral("sync_pair"),
          id,
          QStringLiteral("sync pair %1 '%2' deleted with its operations and %3 quarantine entries")
                  .arg(id)
                  .arg(record.name)
                  .arg(quarantined)
              + replication,
          record.toJson(),
          {} });
    return http::ApiResponse::json(
        QJsonObject { { QStringLiteral("id"), id }, { QStringLiteral("deleted"), true } });
}

http::ApiResponse SyncPairsController::setEnabled(const http::ApiRequest &request, bool enabled)
{
    const qint64 id = request.idParam();
    db::Database &control = m_context.database.database().database();
    // Only a real change is recorded: enabling an enabled pair changes nothing.
    if (const auto change = sync::PairStore(control).setEnabled(id, enabled)) {
        auditChange(
            m_context.database, request,
            { enabled ? QStringLiteral("sync_pair.enabled") : QStringLiteral("sync_pair.disabled"),
              QStringLiteral("sync_pair"), id,
              QStringLiteral("sync pair %1 '%2' %3")
                  .arg(id)
                  .arg(change->after.name,
                       enabled ? QStringLiteral("enabled") : QStringLiteral("disabled")),
              change->before.toJson(), change->after.toJson() });
    }
    return single(db::SyncPairRepository(control).get(id));
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

void SyncPairsController::preview(const http::ApiRequest &request, const http::Router::Reply &reply)
{
    const QJsonObject body = request.jsonBody(); // 400/415 at once
    const DatabaseState &database = m_context.database;
    const SecretBox &secrets = m_context.secrets;
    m_context.jobs->run(request, reply, [&database, &secrets, body] {
        return http::ApiResponse::json(
            pairpreview::preview(database.database().database(), secrets, body));
    });
}

} // namespace tf::syncd
