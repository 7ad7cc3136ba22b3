#include "syncproxycontroller.h"

#include "common/errorresponse.h"
#include "common/forwardedcaller.h"
#include "common/listquery.h"
#include "auth/permissions.h"
#include "core/errors.h"
#include "core/jsonutil.h"
#include "gateway/syncdclient.h"
#include "gateway/upstream/readcache.h"
#include "sync/definition/jsonreader.h"
#include "sync/queue/operationqueue.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcSyncProxy, "gateway.proxy")

namespace tf::gateway {

namespace {

using auth::Permission;

struct ProxyRoute
{
    const char *method;
    const char *pattern; // the gateway's; tf-syncd's is the same without "/api"
    Permission permission;
    bool slow; // tf-syncd connects to external systems to answer
    // The answer is made of control-table rows the change feed follows, every column of them
    // (ReadCache): kept and served again until the feed moves.
    bool cached = false;
};

// Every sync route of tf-syncd (resources/openapi-syncd.yaml) but its start route, which
// POST /api/sync-operations replaces.
const ProxyRoute kRoutes[] = {
    { "GET", "/api/systems", Permission::PairsRead, false, true },
    { "POST", "/api/systems", Permission::PairsWrite, false },
    { "GET", "/api/systems/<id>", Permission::PairsRead, false, true },
    { "PUT", "/api/systems/<id>", Permission::PairsWrite, false },
    { "PATCH", "/api/systems/<id>", Permission::PairsWrite, false },
    { "DELETE", "/api/systems/<id>", Permission::PairsWrite, false },
    { "POST", "/api/systems/<id>/test", Permission::PairsWrite, true },
    { "GET", "/api/systems/<id>/entities", Permission::PairsRead, true },

    { "GET", "/api/sync-pairs", Permission::PairsRead, false, true },
    { "POST", "/api/sync-pairs", Permission::PairsWrite, false },
    { "GET", "/api/sync-pairs/<id>", Permission::PairsRead, false },
    { "PUT", "/api/sync-pairs/<id>", Permission::PairsWrite, false },
    { "PATCH", "/api/sync-pairs/<id>", Permission::PairsWrite, false },
    { "DELETE", "/api/sync-pairs/<id>", Permission::PairsWrite, false },
    { "POST", "/api/sync-pairs/<id>/enable", Permission::PairsWrite, false },
    { "POST", "/api/sync-pairs/<id>/disable", Permission::PairsWrite, false },
    { "POST", "/api/sync-pairs/<id>/test", Permission::PairsWrite, true },
    { "POST", "/api/sync-pairs/preview", Permission::PairsWrite, true },
    { "GET", "/api/sync-pairs/<id>/schema-changes", Permission::PairsRead, false },
    { "POST", "/api/sync-pairs/<id>/schema-changes/<cid>/approve", Permission::PairsWrite, false },
    { "POST", "/api/sync-pairs/<id>/schema-changes/<cid>/reject", Permission::PairsWrite, false },
    { "POST", "/api/sync-pairs/<id>/resnapshot", Permission::PairsWrite, true },

    { "GET", "/api/sync-operations", Permission::OperationsRead, false },
    { "GET", "/api/sync-operations/summary", Permission::OperationsRead, false }, // before <id>
    { "GET", "/api/sync-operations/<id>", Permission::OperationsRead, false },
    { "POST", "/api/sync-operations/<id>/cancel", Permission::SyncRun, false },
    { "POST", "/api/sync-operations/<id>/retry", Permission::SyncRun, false },
    { "GET", "/api/sync-operations/<id>/changes", Permission::OperationsRead, false },
    { "GET", "/api/sync-operations/<id>/logs", Permission::OperationsRead, false },

    { "GET", "/api/sync-pairs/<id>/quarantine", Permission::QuarantineRead, false },
    { "POST", "/api/sync-pairs/<id>/quarantine/replay", Permission::QuarantineWrite, true },
    // Before /api/quarantine/<id>: the first pattern that matches is taken.
    { "GET", "/api/quarantine", Permission::QuarantineRead, false },
    { "GET", "/api/quarantine/summary", Permission::QuarantineRead, false },
    { "GET", "/api/quarantine/<id>", Permission::QuarantineRead, false },
    { "PUT", "/api/quarantine/<id>", Permission::QuarantineWrite, false },
    { "POST", "/api/quarantine/<id>/replay", Permission::QuarantineWrite, true },
    { "POST", "/api/quarantine/<id>/discard", Permission::QuarantineWrite, false },

    { "GET", "/api/alerts", Permission::AlertsRead, false },
    { "POST", "/api/alerts/<id>/acknowledge", Permission::AlertsAcknowledge, false },
};

// The tf-syncd path for a gateway pattern: "/api" dropped, each "<name>" replaced by the
// request's id (checked here: a non-numeric id is a 404 before tf-syncd is asked).
QString upstreamPath(const QString &upstreamPattern, const http::ApiRequest &request)
{
    QStringList segments = upstreamPattern.split(QLatin1Char('/'));
    for (QString &segment : segments) {
        if (segment.startsWith(QLatin1Char('<')) && segment.endsWith(QLatin1Char('>')))
            segment = QString::number(request.idParam(segment.mid(1, segment.size() - 2)));
    }
    return segments.join(QLatin1Char('/'));
}

// tf-syncd's answer as the client's: passed through, but a transport failure is ours to word,
// and a 401 can only mean tf-syncd refused the gateway's service token (the caller has
// passed the gateway's own checks), which is a fault of the deployment, not of the caller.
http::ApiResponse relay(const SyncdClient::Result &result, const QString &requestId, int timeoutMs,
                        const QString &route, bool changes)
{
    const QJsonObject upstream { { QStringLiteral("upstream"), QStringLiteral("tf-syncd") } };
    if (result.status == 0 && result.timedOut) {
        qCWarning(lcSyncProxy).noquote()
            << route << ": SyncService did not answer within" << timeoutMs << "ms";
        QJsonObject details = upstream;
        details.insert(QStringLiteral("timeout_ms"), timeoutMs);
        return http::errorResponse(
            Error(
                Error::Kind::Timeout,
                QStringLiteral("SyncService (tf-syncd) did not answer within %1 ms%2")
                    .arg(timeoutMs)
                    .arg(changes ? QStringLiteral(
                             "; the change may still have been made, so check before repeating it")
                                 : QString()),
                details),
            requestId);
    }
    if (result.status == 0) {
        qCWarning(lcSyncProxy).noquote()
            << route << ": SyncService cannot be reached:" << result.error;
        return http::errorResponse(
            Error(Error::Kind::Unavailable,
                  QStringLiteral("SyncService (tf-syncd) cannot be reached: %1").arg(result.error),
                  upstream),
            requestId);
    }
    if (result.status == 401) {
        qCCritical(lcSyncProxy).noquote()
            << route << ": tf-syncd refused the gateway's service token;"
            << "give both the same TF_SERVICE_TOKEN (or data directory)";
        QJsonObject details = upstream;
        details.insert(QStringLiteral("reason"), QStringLiteral("service_token_rejected"));
        return http::errorResponse(
            Error(
                Error::Kind::Unavailable,
                QStringLiteral(
                    "SyncService (tf-syncd) refused the gateway's service token; the operator must "
                    "give both programs the same TF_SERVICE_TOKEN"),
                details),
            requestId);
    }
    http::ApiResponse response = http::ApiResponse::raw(
        result.body,
        result.contentType.isEmpty() ? QByteArrayLiteral("application/json") : result.contentType,
        result.status);
    // What tf-syncd says about its answer that the client needs: concurrency (ETag), paging
    // (Link is a query-only reference, so it resolves against the client's own path;
    // Page-Limit), polling (Retry-After) and idempotent replays.
    static const QList<QByteArray> passed { "etag", "link", "page-limit", "retry-after", "idempotent-replayed" };
    for (const auto &header : result.headers) {
        // tf-syncd's Location (/sync-operations/7) as the client reaches it
        // (/api/sync-operations/7).
        if (header.first.compare("Location", Qt::CaseInsensitive) == 0
            && header.second.startsWith('/'))
            response.withHeader("Location", QByteArrayLiteral("/api") + header.second);
        else if (passed.contains(header.first.toLower()))
            response.withHeader(header.first, header.second);
    }
    return response;
}

} // namespace

SyncProxyController::SyncProxyController(SyncdClient &syncd, int slowTimeoutMs, ReadCache *cache)
    : m_syncd(syncd)
    , m_slowTimeoutMs(slowTimeoutMs)
    , m_cache(cache)
{ }

void SyncProxyController::registerRoutes(http::Router &router)
{
    for (const ProxyRoute &route : kRoutes) {
        const QString upstream = QString::fromLatin1(route.pattern).mid(4);
        const bool slow = route.slow;
        const bool cached = route.cached && m_cache;
        router.addAsync(route.method, QString::fromLatin1(route.pattern), route.permission,
                        [this, upstream, slow, cached](const http::ApiRequest &request,
                                                       const http::Router::Reply &reply) {
                            forward(request, reply, upstream, slow, cached);
                        });
    }
    // Reading is enough to verify; writing the differences (repair) needs sync:run.
    router.addAsync("POST", QStringLiteral("/api/sync-pairs/<id>/verify"), Permission::OperationsRead,
                    [this](const http::ApiRequest &request, const http::Router::Reply &reply) {
                        verify(request, reply);
                    });
    router.addAsync("POST", QStringLiteral("/api/sync-operations"), Permission::SyncRun,
                    [this](const http::ApiRequest &request, const http::Router::Reply &reply) {
                        start(request, reply);
                    });
}

void SyncProxyController::forward(const http::ApiRequest &request, const http::Router::Reply &reply,
                                  const QString &upstreamPattern, bool slow, bool cached)
{
    const QString query = request.query.toString(QUrl::FullyEncoded);
    request.queryChecked = true; // tf-syncd refuses the parameters it does not know
    const QString path = upstreamPath(upstreamPattern, request)
        + (query.isEmpty() ? QString() : QLatin1Char('?') + query);
    const bool hasBody = request.method == "POST" || request.method == "PUT" || request.method == "PATCH";
    // HEAD goes upstream as GET: the gateway needs the body's length for its own answer's
    // Content-Length (ApiServer leaves the body out of a HEAD answer).
    const QByteArray method = request.method == "HEAD" ? QByteArrayLiteral("GET") : request.method;
    const int timeoutMs = slow ? m_slowTimeoutMs : m_syncd.timeoutMs();
    if (cached && method == "GET") {
        if (const std::optional<ReadCache::Position> at = m_cache->position()) {
            // The caller's role too: an answer is never shared across roles.
            const QByteArray key = request.caller.role.toUtf8() + '\n' + path.toUtf8();
            if (const std::optional<SyncdClient::Result> kept = m_cache->find(key, *at)) {
                m_cache->countHit();
                const QString route = QString::fromLatin1(request.method) + QLatin1Char(' ') + request.path;
                reply(relay(*kept, request.requestId, timeoutMs, route, false));
                return;
            }
            m_cache->countMiss();
            send(request, reply, method, path, {}, timeoutMs,
                 [cache = m_cache, key, at = *at](const SyncdClient::Result &result) { cache->store(key, at, result); });
            return;
        }
    }
    send(request, reply, method, path, hasBody ? request.body : QByteArray(), timeoutMs);
}

void SyncProxyController::start(const http::ApiRequest &request, const http::Router::Reply &reply)
{
    // Checked here, so a bad body never reaches tf-syncd: 400 for malformed JSON, 422 naming
    // every bad field (the same shape as tf-syncd's own 422s).
    http::QueryParams(request, {});
    const QJsonObject body
        = request.body.trimmed().isEmpty() ? QJsonObject() : json::parseObject(request.body);
    sync::DefinitionErrors errors;
    sync::JsonReader reader(body, QString(), &errors,
                            { QStringLiteral("pair_id"), QStringLiteral("mode"),
                              QStringLiteral("dry_run"), QStringLiteral("full_resync") });
    const qint64 pairId = reader.positiveId(QStringLiteral("pair_id"));
    reader.choice(QStringLiteral("mode"), sync::OperationQueue::modes(), false, -1);
    reader.boolean(QStringLiteral("dry_run"), false);
    reader.boolean(QStringLiteral("full_resync"), false);
    errors.throwIfAny(QStringLiteral("start request is invalid"));

    QJsonObject options = body;
    options.remove(QStringLiteral("pair_id"));
    send(request, reply, "POST", QStringLiteral("/sync/%1/start").arg(pairId),
         json::compact(options), m_syncd.timeoutMs());
}

void SyncProxyController::verify(const http::ApiRequest &request, const http::Router::Reply &reply)
{
    http::QueryParams(request, {});
    const QJsonObject body
        = request.body.trimmed().isEmpty() ? QJsonObject() : json::parseObject(request.body);
    sync::DefinitionErrors errors;
    sync::JsonReader reader(body, QString(), &errors, { QStringLiteral("repair") });
    const bool repair = reader.boolean(QStringLiteral("repair"), false);
    errors.throwIfAny(QStringLiteral("verify request is invalid"));
    auth::Role role;
    if (repair && !(auth::parseRole(request.caller.role, &role) && auth::roleAllows(role, Permission::SyncRun)))
        throw Error(Error::Kind::Forbidden,
                    QStringLiteral("repair writes to the target and needs the %1 permission (roles: %2); "
                                   "a verify without repair needs only %3")
                        .arg(auth::permissionName(Permission::SyncRun),
                             auth::rolesAllowed(Permission::SyncRun).join(QStringLiteral(", ")),
                             auth::permissionName(Permission::OperationsRead)),
                    QJsonObject { { QStringLiteral("permission"), auth::permissionName(Permission::SyncRun) } });
    send(request, reply, "POST",
         QStringLiteral("/sync-pairs/%1/verify").arg(request.idParam(QStringLiteral("id"))),
         json::compact(body), m_syncd.timeoutMs());
}

void SyncProxyController::send(const http::ApiRequest &request, const http::Router::Reply &reply,
                               const QByteArray &method, const QString &upstreamPath,
                               const QByteArray &body, int timeoutMs,
                               std::function<void(const SyncdClient::Result &)> answered)
{
    const QString requestId = request.requestId;
    const QString route = QString::fromLatin1(request.method) + QLatin1Char(' ') + request.path;
    const bool changes = method != "GET" && method != "HEAD";
    QList<QPair<QByteArray, QByteArray>> headers = http::forwardedCallerHeaders(request, m_syncd.serviceToken());
    // The client's preconditions and idempotency key are tf-syncd's to check (it holds the
    // versions and the keys); a PATCH keeps its media type (application/merge-patch+json).
    for (const QByteArray &name : { QByteArrayLiteral("If-Match"), QByteArrayLiteral("Idempotency-Key") }) {
        if (request.headers.contains(name.toLower()))
            headers.append({ name, request.header(name) });
    }
    if (method == "PATCH" && !request.header("content-type").isEmpty())
        headers.append({ QByteArrayLiteral("Content-Type"), request.header("content-type") });
    // A write through this gateway empties the read cache when it is sent and again when it is
    // answered (a read answered in between may predate it); the change feed catches the rest.
    ReadCache *cache = changes ? m_cache : nullptr;
    if (cache)
        cache->clear();
    m_syncd.request(
        method, upstreamPath, body, headers,
        nullptr,
        [reply, requestId, timeoutMs, route, changes, cache, answered = std::move(answered)](const SyncdClient::Result &result) {
            if (cache)
                cache->clear();
            if (answered)
                answered(result);
            reply(relay(result, requestId, timeoutMs, route, changes));
        },
        timeoutMs);
}

} // namespace tf::gateway
