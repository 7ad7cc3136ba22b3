#include "operationscontroller.h"

#include "apiparams.h"
#include "changeaudit.h"
#include "common/databasestate.h"
#include "operationsummary.h"
#include "common/idempotencystore.h"
#include "common/listquery.h"
#include "core/errors.h"
#include "core/jsonutil.h"
#include "db/repositories/syncpairrepository.h"
#include "sync/definition/definitionerrors.h"
#include "sync/definition/jsonreader.h"
#include "sync/queue/operationlog.h"
#include "sync/queue/operationqueue.h"

namespace tf::syncd {

namespace {

const QStringList &statuses()
{
    static const QStringList names {
        QStringLiteral("queued"),    QStringLiteral("running"),
        QStringLiteral("completed"), QStringLiteral("completed_with_errors"),
        QStringLiteral("failed"),    QStringLiteral("cancelled")
    };
    return names;
}

// The suggested poll interval while an operation is not finished (Retry-After).
constexpr int kPollSeconds = 2;

// The record plus what a person watching it wants: timings and the log.
QJsonObject withTimings(const db::OperationRecord &operation)
{
    QJsonObject json = operation.toJson();
    const QDateTime end
        = operation.finishedAt.isValid() ? operation.finishedAt : QDateTime::currentDateTimeUtc();
    json.insert(QStringLiteral("queued_ms"),
                operation.startedAt.isValid() && operation.createdAt.isValid()
                    ? QJsonValue(operation.createdAt.msecsTo(operation.startedAt))
                    : QJsonValue());
    json.insert(QStringLiteral("duration_ms"),
                operation.startedAt.isValid() ? QJsonValue(operation.startedAt.msecsTo(end))
                                              : QJsonValue());
    return json;
}

// Retry-After while the operation is not finished: when to look again.
http::ApiResponse &withPollHint(http::ApiResponse &response, const db::OperationRecord &operation)
{
    if (!operation.isFinished())
        response.withHeader("Retry-After", QByteArray::number(kPollSeconds));
    return response;
}

http::ApiResponse accepted(const db::OperationRecord &operation)
{
    http::ApiResponse response = http::ApiResponse::json(withTimings(operation), 202);
    response.withHeader("Location",
                        QByteArrayLiteral("/sync-operations/") + QByteArray::number(operation.id));
    return withPollHint(response, operation);
}

} // namespace

OperationsController::OperationsController(SyncApiContext context)
    : m_context(std::move(context))
{ }

void OperationsController::registerRoutes(http::Router &router)
{
    router.add("POST", QStringLiteral("/sync/<pair_id>/start"),
               [this](const http::ApiRequest &r) { return start(r); });
    router.add("POST", QStringLiteral("/sync-pairs/<id>/verify"),
               [this](const http::ApiRequest &r) { return verify(r); });
    router.add("GET", QStringLiteral("/sync-operations"),
               [this](const http::ApiRequest &r) { return list(r); });
    // Before /sync-operations/<id>: the first route that matches answers.
    router.add("GET", QStringLiteral("/sync-operations/summary"), [this](const http::ApiRequest &r) {
        return OperationSummary::answer(m_context.database.database().database(), r);
    });
    router.add("GET", QStringLiteral("/sync-operations/<id>"),
               [this](const http::ApiRequest &r) { return get(r); });
    router.add("POST", QStringLiteral("/sync-operations/<id>/cancel"),
               [this](const http::ApiRequest &r) { return cancel(r); });
    router.add("POST", QStringLiteral("/sync-operations/<id>/retry"),
               [this](const http::ApiRequest &r) { return retry(r); });
    router.add("GET", QStringLiteral("/sync-operations/<id>/changes"),
               [this](const http::ApiRequest &r) { return changes(r); });
    router.add("GET", QStringLiteral("/sync-operations/<id>/logs"),
               [this](const http::ApiRequest &r) { return logs(r); });
}

http::ApiResponse OperationsController::start(const http::ApiRequest &request)
{
    sync::EnqueueRequest enqueue;
    enqueue.pairId = request.idParam(QStringLiteral("pair_id"));
    const QJsonObject body = api::optionalBody(request);
    sync::DefinitionErrors errors;
    sync::JsonReader reader(
        body, QString(), &errors,
        { QStringLiteral("mode"), QStringLiteral("dry_run"), QStringLiteral("full_resync") });
    const QStringList &modes = sync::OperationQueue::modes();
    const int mode = reader.choice(QStringLiteral("mode"), modes, false, -1);
    enqueue.mode = mode >= 0 ? modes.at(mode) : QString();
    enqueue.dryRun = reader.boolean(QStringLiteral("dry_run"), false);
    enqueue.fullResync = reader.boolean(QStringLiteral("full_resync"), false);
    errors.throwIfAny(QStringLiteral("start request is invalid"));
    // The same key and request within 24 h replays the first answer; the key is claimed
    // before the operation is queued, so two racing requests cannot both queue one.
    const auto claim = http::IdempotencyStore::claimFor(request, QStringLiteral("sync-operations.start"),
                                                        json::compact(body));
    if (!claim)
        return startNow(request, enqueue);
    http::IdempotencyStore keys(m_context.database.database().database());
    if (std::optional<http::ApiResponse> replay = keys.begin(*claim)) {
        if (replay->status == 202)
            replay->withHeader("Retry-After", QByteArray::number(kPollSeconds));
        return *replay;
    }
    try {
        const http::ApiResponse response = startNow(request, enqueue);
        keys.finish(*claim, response);
        return response;
    } catch (...) {
        keys.release(*claim); // a failed start may be repeated with the same key
        throw;
    }
}

http::ApiResponse OperationsController::startNow(const http::ApiRequest &request,
                                                 const sync::EnqueueRequest &enqueue)
{
    db::SyncPairRepository(m_context.database.database().database())
        .get(enqueue.pairId); // 404 naming the pair
    bool created = false;
    const db::OperationRecord operation = m_context.queue().enqueue(enqueue, &created);
    if (m_context.wakeWorkers)
        m_context.wakeWorkers();
    if (!created)
        return accepted(operation); // the same start, already queued: audited when it was made
    auditChange(
        m_context.database, request,
        { QStringLiteral("sync_operation.started"),
          QStringLiteral("sync_operation"),
          operation.id,
          QStringLiteral("operation %1 of sync pair %2 requested (mode %3%4%5)")
              .arg(operation.id)
              .arg(operation.pairId)
              .arg(operation.mode.isEmpty() ? QStringLiteral("of the pair") : operation.mode,
                   operation.dryRun ? QStringLiteral(", dry run") : QString(),
                   operation.fullResync ? QStringLiteral(", full resync") : QString()),
          {},
          operation.toJson(),
          operation.id });
    return accepted(operation);
}

http::ApiResponse OperationsController::verify(const http::ApiRequest &request)
{
    const qint64 pairId = request.idParam(QStringLiteral("id"));
    const QJsonObject body = api::optionalBody(request);
    sync::DefinitionErrors errors;
    sync::JsonReader reader(body, QString(), &errors, { QStringLiteral("repair") });
    const bool repair = reader.boolean(QStringLiteral("repair"), false);
    errors.throwIfAny(QStringLiteral("verify request is invalid"));
    db::SyncPairRepository(m_context.database.database().database()).get(pairId); // 404 naming the pair
    // 409 while a run of the pair holds it.
    bool created = false;
    const db::OperationRecord operation
        = m_context.queue().enqueueVerify(pairId, repair, QStringLiteral("manual"), &created);
    if (m_context.wakeWorkers)
        m_context.wakeWorkers();
    if (!created)
        return accepted(operation); // joined the queued verify: audited when it was made
    auditChange(m_context.database, request,
                { QStringLiteral("sync_operation.started"),
                  QStringLiteral("sync_operation"),
                  operation.id,
                  QStringLiteral("operation %1 of sync pair %2 requested (%3)")
                      .arg(operation.id)
                      .arg(pairId)
                      .arg(repair ? QStringLiteral("verify and repair") : QStringLiteral("verify")),
                  {},
                  operation.toJson(),
                  operation.id });
    return accepted(operation);
}

http::ApiResponse OperationsController::list(const http::ApiRequest &request) const
{
    const http::QueryParams params = http::QueryParams::forList(
        request, { QStringLiteral("pair_id"), QStringLiteral("status"), QStringLiteral("created_after"),
                   QStringLiteral("created_before") });
    sync::OperationQueue::ListFilter filter;
    filter.pairId = params.id(QStringLiteral("pair_id"));
    filter.status = params.choice(QStringLiteral("status"), statuses());
    filter.since = params.time(QStringLiteral("created_after"));
    filter.before = params.time(QStringLiteral("created_before"));
    filter.beforeId = params.cursorId(); // newest first: the next page has smaller ids
    const int limit = params.limit();
    filter.limit = limit + 1; // one more tells whether there is a next page
    QList<db::OperationRecord> operations = m_context.queue().list(filter);
    const bool more = operations.size() > limit;
    if (more)
        operations.resize(limit);
    QJsonArray items;
    for (const db::OperationRecord &operation : std::as_const(operations))
        items.append(withTimings(operation));
    return http::listResponse(request, params, items, more ? QString::number(operations.last().id) : QString());
}

http::ApiResponse OperationsController::get(const http::ApiRequest &request) const
{
    const qint64 id = request.idParam();
    http::QueryParams(request, {});
    sync::OperationQueue &queue = m_context.queue();
    const db::OperationRecord operation = queue.get(id);
    QJsonObject json = withTimings(operation);
    json.insert(QStringLiteral("log"), QJsonArray::fromStringList(queue.logLines(id)));
    http::ApiResponse response = http::ApiResponse::json(json);
    return withPollHint(response, operation);
}

http::ApiResponse OperationsController::cancel(const http::ApiRequest &request)
{
    const qint64 id = request.idParam();
    sync::OperationQueue &queue = m_context.queue();
    const db::OperationRecord before = queue.get(id);
    const db::OperationRecord after = queue.requestCancel(id);
    auditChange(
        m_context.database, request,
        { QStringLiteral("sync_operation.cancelled"), QStringLiteral("sync_operation"), id,
          after.status == QLatin1String("cancelled")
              ? QStringLiteral("operation %1 of sync pair %2 cancelled").arg(id).arg(after.pairId)
              : QStringLiteral("cancel of running operation %1 of sync pair %2 requested")
                    .arg(id)
                    .arg(after.pairId),
          QJsonObject { { QStringLiteral("status"), before.status },
                        { QStringLiteral("cancel_requested"), before.cancelRequested } },
          QJsonObject { { QStringLiteral("status"), after.status },
                        { QStringLiteral("cancel_requested"), after.cancelRequested } },
          id });
    http::ApiResponse response = http::ApiResponse::json(withTimings(after));
    return withPollHint(response, after);
}

http::ApiResponse OperationsController::retry(const http::ApiRequest &request)
{
    const qint64 failedId = request.idParam();
    const db::OperationRecord operation = m_context.queue().retry(failedId);
    if (m_context.wakeWorkers)
        m_context.wakeWorkers();
    auditChange(m_context.database, request,
                { QStringLiteral("sync_operation.retried"), QStringLiteral("sync_operation"),
                  operation.id,
                  QStringLiteral("operation %1 of sync pair %2 retried as operation %3")
                      .arg(failedId)
                      .arg(operation.pairId)
                      .arg(operation.id),
                  QJsonObject { { QStringLiteral("retry_of"), failedId } }, operation.toJson(),
                  operation.id });
    return accepted(operation);
}

http::ApiResponse OperationsController::changes(const http::ApiRequest &request) const
{
    const qint64 id = request.idParam();
    const http::QueryParams params = http::QueryParams::forList(request);
    sync::OperationQueue &queue = m_context.queue();
    const db::OperationRecord operation = queue.get(id);
    if (!operation.dryRun) {
        throw Error(Error::Kind::Conflict, QStringLiteral("not_dry_run"),
                    QStringLiteral(
                        "operation %1 was not a dry run, so it has no change set; start one with "
                        "{\"dry_run\": true}")
                        .arg(id),
                    QJsonObject { { QStringLiteral("operation_id"), id } });
    }
    // The change set is stored whole; pages are slices of it (the cursor is an offset).
    // planned_changes (all the run planned; the set keeps at most RunOptions::changeLimit) is
    // in the operation's statistics.
    const QJsonArray all = queue.changes(id);
    const qint64 offset = params.cursorId();
    QJsonArray items;
    for (qint64 i = offset; i < all.size() && items.size() < params.limit(); ++i)
        items.append(all.at(i));
    const qint64 next = offset + items.size();
    return http::listResponse(request, params, items, next < all.size() ? QString::number(next) : QString());
}

http::ApiResponse OperationsController::logs(const http::ApiRequest &request) const
{
    const qint64 id = request.idParam();
    const http::QueryParams params = http::QueryParams::forList(request, { QStringLiteral("after") });
    m_context.queue().get(id); // 404 naming the operation
    // Keyset paging by line id: ?after= starts past a line the reader holds (a tail asks only
    // for new lines); the cursor continues a listing.
    const qint64 after = params.has(QStringLiteral("cursor"))
        ? params.cursorId()
        : params.integer(QStringLiteral("after"), 0, std::numeric_limits<qint64>::max(), 0);
    const int limit = params.limit();
    QList<sync::OperationLog::Line> lines
        = sync::OperationLog(m_context.database.database().database()).page(id, after, limit + 1);
    const bool more = lines.size() > limit;
    if (more)
        lines.resize(limit);
    QJsonArray items;
    for (const sync::OperationLog::Line &line : std::as_const(lines)) {
        items.append(QJsonObject { { QStringLiteral("id"), line.id },
                                   { QStringLiteral("created_at"), line.createdAt.toUTC().toString(Qt::ISODateWithMs) },
                                   { QStringLiteral("level"), line.level },
                                   { QStringLiteral("line"), line.text } });
    }
    return http::listResponse(request, params, items, more ? QString::number(lines.last().id) : QString());
}

} // namespace tf::syncd
