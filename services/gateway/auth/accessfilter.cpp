#include "accessfilter.h"

#include "auth/permissions.h"
#include "authenticator.h"
#include "authlogging.h"
#include "core/errors.h"

#include <QJsonDocument>

namespace tf::gateway {

AccessFilter::AccessFilter(const AccessSettings &settings, Authenticator &authenticator)
    : m_authRequired(settings.authRequired)
    , m_authenticator(authenticator)
    , m_addresses(settings.trustedProxies)
    , m_cors(settings.corsOrigins)
    , m_perToken(settings.perTokenRps, settings.perTokenBurst)
    , m_perAddress(settings.perAddressRps, settings.perAddressBurst)
{
    if (!m_authRequired) {
        qCWarning(lcGatewayAuth)
            << "AUTHENTICATION IS OFF (auth/required = false): every caller without a token"
            << "is treated as a viewer. Turn it on for anything but a local trial.";
    }
}

namespace {

// The tighter of two buckets: fewer requests left, then the longer wait to be full.
bool tighter(const http::RateLimitState &a, const http::RateLimitState &b)
{
    return a.remaining != b.remaining ? a.remaining < b.remaining : a.resetSeconds > b.resetSeconds;
}

// What a session that must change its password may still do: read who it is, change the
// password, sign out. Open routes (health) never reach the check.
bool allowedBeforePasswordChange(const http::Router::RouteInfo &route)
{
    return (route.method == "GET" && route.pattern == QLatin1String("/api/auth/me"))
        || (route.method == "POST" && route.pattern == QLatin1String("/api/auth/password"))
        || (route.method == "POST" && route.pattern == QLatin1String("/api/auth/logout"));
}

} // namespace

void AccessFilter::limit(http::ApiRequest &request, auth::RateLimiter &limiter, const QString &key, const char *what)
{
    if (!limiter.enabled())
        return;
    auth::RateLimiter::State state;
    const qint64 waitMs = limiter.take(key, &state);
    const http::RateLimitState bucket { state.limit, state.remaining, state.resetSeconds };
    if (!request.rateLimit || tighter(bucket, *request.rateLimit))
        request.rateLimit = bucket;
    if (waitMs == 0)
        return;
    const qint64 seconds = qMax<qint64>(1, (waitMs + 999) / 1000);
    throw Error(Error::Kind::TooManyRequests,
                QStringLiteral("too many requests from this %1; retry in %2 s")
                    .arg(QLatin1String(what))
                    .arg(seconds),
                QJsonObject { { QStringLiteral("retry_after_s"), seconds },
                              { QStringLiteral("limit"), QLatin1String(what) } });
}

void AccessFilter::filter(http::ApiRequest &request, const http::Router::RouteInfo &route)
{
    request.caller = http::Caller {};
    request.rateLimit.reset();
    request.caller.address
        = m_addresses.resolve(request.remoteAddress, request.header("x-forwarded-for"));
    limit(request, m_perAddress, request.caller.address.toString(), "address");
    if (route.open)
        return;

    const QByteArray authorization = request.header("authorization").trimmed();
    if (authorization.isEmpty()) {
        if (m_authRequired) {
            throw Error(
                Error::Kind::Unauthorized,
                QStringLiteral("authentication required: send 'Authorization: Bearer <token>' "
                               "(POST /api/auth/login gives one)"));
        }
        request.caller.role = auth::roleName(auth::Role::Viewer); // auth/required = false
    } else {
        const qsizetype space = authorization.indexOf(' ');
        if (space <= 0 || authorization.left(space).toLower() != "bearer")
            throw Error(
                Error::Kind::Unauthorized,
                QStringLiteral("malformed Authorization header: expected 'Bearer <token>'"));
        const QHostAddress address = request.caller.address;
        request.caller
            = m_authenticator.authenticate(authorization.mid(space + 1).trimmed(), address);
        limit(request, m_perToken, QStringLiteral("t:%1").arg(request.caller.tokenId), "token");
    }

    if (request.caller.mustChangePassword && !allowedBeforePasswordChange(route)) {
        throw Error(Error::Kind::Forbidden, QStringLiteral("password_change_required"),
                    QStringLiteral("'%1' must change the password first: POST /api/auth/password "
                                   "(GET /api/auth/me and POST /api/auth/logout still answer)")
                        .arg(request.caller.username),
                    QJsonObject { { QStringLiteral("username"), request.caller.username } });
    }

    auth::Role role = auth::Role::Viewer;
    if (!auth::parseRole(request.caller.role, &role) || !auth::roleAllows(role, route.permission)) {
        const QString permission = auth::permissionName(route.permission);
        throw Error(Error::Kind::Forbidden,
                    QStringLiteral("role '%1' does not have permission '%2' (roles that do: %3)")
                        .arg(request.caller.role, permission,
                             auth::rolesAllowed(route.permission).join(QStringLiteral(", "))),
                    QJsonObject { { QStringLiteral("permission"), permission },
                                  { QStringLiteral("role"), request.caller.role } });
    }
}

void AccessFilter::decorate(const http::ApiRequest &request, http::ApiResponse &response) const
{
    m_cors.decorate(request, response);
    // Every answer says where the caller stands, so a script can pace itself before a 429.
    // Answers the filter never saw (no such route, CORS preflight) show the address's bucket.
    std::optional<http::RateLimitState> bucket = request.rateLimit;
    if (!bucket && m_perAddress.enabled()) {
        const QHostAddress address = request.caller.address.isNull() ? request.remoteAddress : request.caller.address;
        const auth::RateLimiter::State state = m_perAddress.peek(address.toString());
        bucket = http::RateLimitState { state.limit, state.remaining, state.resetSeconds };
    }
    if (bucket) {
        response.withHeader("RateLimit-Limit", QByteArray::number(bucket->limit))
            .withHeader("RateLimit-Remaining", QByteArray::number(bucket->remaining))
            .withHeader("RateLimit-Reset", QByteArray::number(bucket->resetSeconds));
    }
    if (response.status == 401) {
        response.withHeader(
            "WWW-Authenticate",
            request.header("authorization").isEmpty()
                ? QByteArrayLiteral("Bearer realm=\"tf-gateway\"")
                : QByteArrayLiteral("Bearer realm=\"tf-gateway\", error=\"invalid_token\""));
    } else if (response.status == 429) {
        for (const auto &header : std::as_const(response.headers)) {
            if (header.first.compare("Retry-After", Qt::CaseInsensitive) == 0)
                return;
        }
        const qint64 seconds = QJsonDocument::fromJson(response.body)
                                   .object()
                                   .value(QStringLiteral("retry_after_s"))
                                   .toInteger();
        if (seconds > 0)
            response.withHeader("Retry-After", QByteArray::number(seconds));
    }
}

std::optional<http::ApiResponse> AccessFilter::preRoute(const http::ApiRequest &request) const
{
    return m_cors.preflight(request);
}

} // namespace tf::gateway
