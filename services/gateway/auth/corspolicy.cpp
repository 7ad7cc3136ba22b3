#include "corspolicy.h"

#include "common/errorresponse.h"
#include "core/errors.h"

namespace tf::gateway {

namespace {

bool hasHeader(const http::ApiResponse &response, const QByteArray &name)
{
    for (const auto &header : response.headers) {
        if (header.first.compare(name, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

} // namespace

CorsPolicy::CorsPolicy(QStringList allowedOrigins)
    : m_origins(std::move(allowedOrigins))
{ }

bool CorsPolicy::allows(const QByteArray &origin) const
{
    if (origin.isEmpty() || m_origins.isEmpty())
        return false;
    // Origins are compared as the browser sends them: scheme://host[:port], host lower case.
    return m_origins.contains(QString::fromLatin1(origin).toLower());
}

std::optional<http::ApiResponse> CorsPolicy::preflight(const http::ApiRequest &request) const
{
    if (request.method != "OPTIONS")
        return std::nullopt;
    const QByteArray origin = request.header("origin");
    if (origin.isEmpty() || request.header("access-control-request-method").isEmpty())
        return std::nullopt;
    if (!allows(origin)) {
        return http::errorResponse(
            Error(Error::Kind::Forbidden,
                  QStringLiteral(
                      "cross-origin requests from %1 are not allowed (cors/allowed_origins)")
                      .arg(QString::fromLatin1(origin.left(200))),
                  QJsonObject {
                      { QStringLiteral("origin"), QString::fromLatin1(origin.left(200)) } }),
            request.requestId);
    }
    http::ApiResponse response
        = http::ApiResponse::raw(QByteArray(), QByteArrayLiteral("text/plain"), 204);
    response.withHeader("Access-Control-Allow-Origin", origin)
        .withHeader("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE")
        .withHeader("Access-Control-Allow-Headers",
                    "Authorization, Content-Type, X-Request-Id, If-Match, Idempotency-Key")
        .withHeader("Access-Control-Max-Age", "600")
        .withHeader("Vary", "Origin");
    return response;
}

void CorsPolicy::decorate(const http::ApiRequest &request, http::ApiResponse &response) const
{
    const QByteArray origin = request.header("origin");
    if (!allows(origin) || hasHeader(response, "Access-Control-Allow-Origin"))
        return;
    response.withHeader("Access-Control-Allow-Origin", origin)
        .withHeader("Access-Control-Expose-Headers",
                    "X-Request-Id, Retry-After, WWW-Authenticate, ETag, Link, Location, RateLimit-Limit, "
                    "RateLimit-Remaining, RateLimit-Reset, Idempotent-Replayed, Page-Limit")
        .withHeader("Vary", "Origin");
}

} // namespace tf::gateway
