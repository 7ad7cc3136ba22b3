#include "quarantinecontroller.h"

#include "apiparams.h"
#include "backgroundjobs.h"
#include "changeaudit.h"
#include "common/databasestate.h"
#include "common/listquery.h"
#include "core/errors.h"
#include "db/repositories/syncpairrepository.h"
#include "sync/definition/definitionerrors.h"
#include "sync/definition/jsonreader.h"
#include "sync/engine/quarantinereplayer.h"
#include "sync/engine/quarantinestore.h"
#include "sync/queue/operationqueue.h"
#include "sync/runtime/pairruntime.h"

namespace tf::syncd {

namespace {

QJsonObject outcomeJson(const sync::QuarantineReplayer::Outcome &outcome)
{
    QJsonArray errors;
    for (const sync::FieldError &error : outcome.errors) {
        errors.append(QJsonObject { { QStringLiteral("field"), error.field },
                                    { QStringLiteral("rule"), error.rule },
                                    { QStringLiteral("message"), error.message } });
    }
    return { { QStringLiteral("id"), outcome.id },
             { QStringLiteral("replayed"), outcome.replayed },
             { QStringLiteral("errors"), errors },
             { QStringLiteral("error"),
               outcome.error.isEmpty() ? QJsonValue() : QJsonValue(outcome.error) } };
}

QJsonObject replay(db::Database &control, const SecretBox &secrets, qint64 pairId,
                   QList<qint64> ids)
{
    auto runtime = sync::PairRuntime::open(control, secrets, QString::number(pairId));
    if (ids.isEmpty()) {
        qint64 after = 0;
        do {
            const auto page = runtime->quarantine->list(runtime->spec.pairId,
                                                        QStringLiteral("open"), 500, after);
            for (const sync::QuarantineEntry &entry : page.entries)
                ids << entry.id;
            after = page.nextAfterId;
        } while (after > 0);
    }
    sync::QuarantineReplayer replayer(runtime->spec, *runtime->source, *runtime->target,
                                      *runtime->quarantine, runtime->detachedState());
    QJsonArray items;
    int replayed = 0;
    for (const auto &outcome : replayer.replay(ids)) {
        replayed += outcome.replayed ? 1 : 0;
        items.append(outcomeJson(outcome));
    }
    QJsonObject body = http::listEnvelope(items);
    body.insert(QStringLiteral("pair_id"), pairId);
    body.insert(QStringLiteral("replayed"), replayed);
    body.insert(QStringLiteral("still_invalid"), int(items.size()) - replayed);
    return body;
}

} // namespace

QuarantineController::QuarantineController(SyncApiContext context)
    : m_context(std::move(context))
{ }

void QuarantineController::registerRoutes(http::Router &router)
{
    router.add("GET", QStringLiteral("/sync-pairs/<id>/quarantine"),
               [this](const http::ApiRequest &r) { return list(r); });
    router.addAsync("POST", QStringLiteral("/sync-pairs/<id>/quarantine/replay"),
                    [this](const http::ApiRequest &r, const http::Router::Reply &reply) {
                        replayPair(r, reply);
                    });
    // Before /quarantine/<id>: the router takes the first pattern that matches.
    router.add("GET", QStringLiteral("/quarantine"),
               [this](const http::ApiRequest &r) { return listAll(r); });
    router.add("GET", QStringLiteral("/quarantine/summary"),
               [this](const http::ApiRequest &r) { return summary(r); });
    router.add("GET", QStringLiteral("/quarantine/<id>"),
               [this](const http::ApiRequest &r) { return get(r); });
    router.add("PUT", QStringLiteral("/quarantine/<id>"),
               [this](const http::ApiRequest &r) { return edit(r); });
    router.addAsync("POST", QStringLiteral("/quarantine/<id>/replay"),
                    [this](const http::ApiRequest &r, const http::Router::Reply &reply) {
                        replayOne(r, reply);
                    });
    router.add("POST", QStringLiteral("/quarantine/<id>/discard"),
               [this](const http::ApiRequest &r) { return discard(r); });
}

http::ApiResponse QuarantineController::list(const http::ApiRequest &request) const
{
    const qint64 pairId = request.idParam();
    const http::QueryParams params = http::QueryParams::forList(request, { QStringLiteral("status") });
    static const QStringList statuses { QStringLiteral("open"), QStringLiteral("replayed"),
                                        QStringLiteral("discarded"), QStringLiteral("all") };
    QString status = params.choice(QStringLiteral("status"), statuses);
    if (status == QLatin1String("all"))
        status.clear();
    const qint64 after = params.cursorId();
    const int limit = params.limit();
    db::Database &control = m_context.database.database().database();
    db::SyncPairRepository(control).get(pairId);
    const sync::QuarantineStore store(control);
    const sync::QuarantineStore::Page page
        = store.list(QString::number(pairId), status, limit, after);
    QJsonArray items;
    for (const sync::QuarantineEntry &entry : page.entries)
        items.append(entry.toJson());
    // The open count is the pair's open_quarantine; the envelope carries nothing else.
    return http::listResponse(request, params, items,
                              page.nextAfterId > 0 ? QString::number(page.nextAfterId) : QString());
}

http::ApiResponse QuarantineController::listAll(const http::ApiRequest &request) const
{
    const http::QueryParams params = http::QueryParams::forList(
        request, { QStringLiteral("pair_id"), QStringLiteral("entity"), QStringLiteral("rule"),
                   QStringLiteral("status"), QStringLiteral("created_after"),
                   QStringLiteral("created_before") });
    static const QStringList statuses { QStringLiteral("open"), QStringLiteral("replayed"),
                                        QStringLiteral("discarded"), QStringLiteral("all") };
    sync::QuarantineStore::Filter filter;
    const qint64 pairId = params.id(QStringLiteral("pair_id"));
    filter.pairId = pairId > 0 ? QString::number(pairId) : QString();
    filter.entity = params.text(QStringLiteral("entity"));
    filter.rule = params.text(QStringLiteral("rule"));
    // Open entries unless asked otherwise: the list is the work still to do.
    filter.status = params.choice(QStringLiteral("status"), statuses);
    if (filter.status.isEmpty())
        filter.status = QStringLiteral("open");
    else if (filter.status == QLatin1String("all"))
        filter.status.clear();
    filter.createdAfter = params.time(QStringLiteral("created_after"));
    filter.createdBefore = params.time(QStringLiteral("created_before"));
    if (filter.createdAfter.isValid() && filter.createdBefore.isValid()
        && filter.createdAfter >= filter.createdBefore)
        http::QueryParams::invalid(QStringLiteral("created_before"),
                                   QStringLiteral("must be later than created_after"));
    filter.beforeId = params.cursorId(); // newest first: the next page has smaller ids
    filter.limit = params.limit();
    const sync::QuarantineStore store(m_context.database.database().database());
    const sync::QuarantineStore::Page page = store.search(filter);
    QJsonArray items;
    for (const sync::QuarantineEntry &entry : page.entries)
        items.append(entry.toJson());
    return http::listResponse(request, params, items,
                              page.nextAfterId > 0 ? QString::number(page.nextAfterId) : QString());
}

http::ApiResponse QuarantineController::summary(const http::ApiRequest &request) const
{
    http::QueryParams(request, {});
    const sync::QuarantineStore store(m_context.database.database().database());
    qint64 total = 0;
    QJsonArray pairs;
    for (const auto &[pairId, open] : store.countOpenByPair()) {
        total += open;
        bool isId = false;
        const qint64 id = pairId.toLongLong(&isId);
        // Entries of file-defined tfctl runs name their pair; the API's pairs are numbered.
        if (isId)
            pairs.append(QJsonObject { { QStringLiteral("pair_id"), id },
                                       { QStringLiteral("open"), open } });
    }
    return http::ApiResponse::json(QJsonObject { { QStringLiteral("open"), total },
                                                 { QStringLiteral("pairs"), pairs } });
}

http::ApiResponse QuarantineController::get(const http::ApiRequest &request) const
{
    http::QueryParams(request, {});
    const sync::QuarantineStore store(m_context.database.database().database());
    return http::ApiResponse::json(store.get(request.idParam()).toJson());
}

http::ApiResponse QuarantineController::edit(const http::ApiRequest &request)
{
    const qint64 id = request.idParam();
    const QJsonObject body = request.jsonBody();
    sync::QuarantineStore store(m_context.database.database().database());
    const sync::QuarantineEntry entry = store.get(id); // 404, then 409, then 422
    if (entry.status != QLatin1String("open")) {
        throw Error(Error::Kind::Conflict, QStringLiteral("entry_not_open"),
                    QStringLiteral("quarantine entry %1 is %2; only open entries can be edited")
                        .arg(id)
                        .arg(entry.status),
                    QJsonObject { { QStringLiteral("status"), entry.status } });
    }
    sync::DefinitionErrors errors;
    sync::JsonReader reader(body, QString(), &errors, { QStringLiteral("row") });
    const QJsonObject row = reader.object(QStringLiteral("row"), true).value_or(QJsonObject());
    if (errors.isEmpty()) {
        // A whole row, field for field: a missing field would silently become NULL.
        for (auto it = row.begin(); it != row.end(); ++it) {
            if (!entry.transformedRow.contains(it.key()))
                errors.add(QStringLiteral("row.") + it.key(),
                           QStringLiteral("is not a field of this row; fields: %1")
                               .arg(entry.transformedRow.keys().join(QStringLiteral(", "))));
            else if (it.value().isArray() || it.value().isObject())
                errors.add(QStringLiteral("row.") + it.key(),
                           QStringLiteral("must be a string, number, boolean or null"));
        }
        for (const QString &field : entry.transformedRow.keys()) {
            if (!row.contains(field))
                errors.add(QStringLiteral("row.") + field,
                           QStringLiteral("is required (send the whole row; null for no value)"));
        }
    }
    errors.throwIfAny(QStringLiteral("quarantine edit is invalid"));
    store.edit(id, row); // Conflict when it stopped being open meanwhile
    const sync::QuarantineEntry edited = store.get(id);
    auditChange(m_context.database, request,
                { QStringLiteral("quarantine.edited"), QStringLiteral("quarantine"), id,
                  QStringLiteral("quarantined row %1 (%2 %3) of sync pair %4 edited")
                      .arg(id)
                      .arg(entry.entity, entry.sourceKey, entry.pairId),
                  QJsonObject { { QStringLiteral("transformed_row"), entry.transformedRow } },
                  QJsonObject { { QStringLiteral("transformed_row"), edited.transformedRow } },
                  entry.operationId });
    return http::ApiResponse::json(edited.toJson());
}

http::ApiResponse QuarantineController::discard(const http::ApiRequest &request)
{
    const qint64 id = request.idParam();
    sync::QuarantineStore store(m_context.database.database().database());
    const QString before = store.get(id).status;
    store.discard(id); // NotFound; Conflict when replayed
    const sync::QuarantineEntry entry = store.get(id);
    auditChange(m_context.database, request,
                { QStringLiteral("quarantine.discarded"), QStringLiteral("quarantine"), id,
                  QStringLiteral("quarantined row %1 (%2 %3) of sync pair %4 discarded")
                      .arg(id)
                      .arg(entry.entity, entry.sourceKey, entry.pairId),
                  QJsonObject { { QStringLiteral("status"), before } },
                  QJsonObject { { QStringLiteral("status"), entry.status } }, entry.operationId });
    return http::ApiResponse::json(entry.toJson());
}

void QuarantineController::requireIdle(qint64 pairId) const
{
    sync::OperationQueue::ListFilter filter;
    filter.pairId = pairId;
    filter.status = QStringLiteral("running");
    filter.limit = 1;
    const QList<db::OperationRecord> running = m_context.queue().list(filter);
    if (!running.isEmpty()) {
        throw Error(
            Error::Kind::Conflict, QStringLiteral("operation_running"),
            QStringLiteral("sync pair %1 is running operation %2; replay when it has finished")
                .arg(pairId)
                .arg(running.first().id),
            QJsonObject { { QStringLiteral("operation_id"), running.first().id } });
    }
}

void QuarantineController::replayOne(const http::ApiRequest &request,
                                     const http::Router::Reply &reply)
{
    const qint64 id = request.idParam();
    const sync::QuarantineEntry entry
        = sync::QuarantineStore(m_context.database.database().database()).get(id);
    if (entry.status != QLatin1String("open")) {
        throw Error(
            Error::Kind::Conflict, QStringLiteral("entry_not_open"),
            QStringLiteral("quarantine entry %1 is %2, not open; only open entries are replayed")
                .arg(id)
                .arg(entry.status),
            QJsonObject { { QStringLiteral("status"), entry.status } });
    }
    const qint64 pairId = entry.pairId.toLongLong();
    requireIdle(pairId);
    replayLater(request, reply, pairId, { id });
}

void QuarantineController::replayPair(const http::ApiRequest &request,
                                      const http::Router::Reply &reply)
{
    const qint64 pairId = request.idParam();
    db::SyncPairRepository(m_context.database.database().database()).get(pairId);
    requireIdle(pairId);
    replayLater(request, reply, pairId, {});
}

void QuarantineController::replayLater(const http::ApiRequest &request,
                                       const http::Router::Reply &reply, qint64 pairId,
                                       QList<qint64> ids)
{
    const DatabaseState &database = m_context.database;
    const SecretBox &secrets = m_context.secrets;
    m_context.jobs->run(request, reply, [&database, &secrets, pairId, ids, request] {
        const QJsonObject result = replay(database.database().database(), secrets, pairId, ids);
        QJsonArray replayed;
        QJsonArray stillInvalid;
        for (const QJsonValue &item : result.value(QStringLiteral("items")).toArray()) {
            const QJsonObject outcome = item.toObject();
            (outcome.value(QStringLiteral("replayed")).toBool() ? replayed : stillInvalid)
                .append(outcome.value(QStringLiteral("id")));
        }
        // One entry per request: a single row, or every open row of the pair.
        auditChange(
            database, request,
            { QStringLiteral("quarantine.replayed"),
              ids.size() == 1 ? QStringLiteral("quarantine") : QStringLiteral("sync_pair"),
              ids.size() == 1 ? ids.first() : pairId,
              QStringLiteral("%1 quarantined row(s) of sync pair %2 replayed, %3 still invalid")
                  .arg(replayed.size())
                  .arg(pairId)
                  .arg(stillInvalid.size()),
              {},
              QJsonObject { { QStringLiteral("pair_id"), pairId },
                            { QStringLiteral("replayed_ids"), replayed },
                            { QStringLiteral("still_invalid_ids"), stillInvalid } } });
        return http::ApiResponse::json(result);
    });
}

} // namespace tf::syncd
