#pragma once

#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QJsonObject>
#include <QString>
#include <QUrlQuery>

#include <optional>

namespace tf::http {

// Who is calling, filled in by the service's request filter (gateway: user session or API
// token; tf-syncd: the gateway's service token plus the actor it forwards).
struct Caller
{
    bool authenticated = false;
    QString username;        // the person (or token name for program tokens); "" when anonymous
    QString role;            // admin, operator, auditor, viewer, service
    qint64 userId = 0;       // 0: not a user session / user-bound token
    qint64 tokenId = 0;      // api_tokens.id, or 0 for sessions / the service token
    QString credentialKind;  // "session", "api_token", "service"
    bool mustChangePassword = false; // a session whose user must change the password first
    QHostAddress address;    // client address (X-Forwarded-For only from trusted proxies)
};

// The caller's tightest rate-limit bucket after this request, for the RateLimit-* headers
// every gateway answer carries.
struct RateLimitState
{
    qint64 limit = 0;        // the burst: requests in a full bucket
    qint64 remaining = 0;    // whole requests left now
    qint64 resetSeconds = 0; // until the bucket is full again
};

// A plain request as controllers see it: no QHttpServer types, so controllers are tested
// without sockets.
struct ApiRequest
{
    QByteArray method;                      // "GET", "POST", ...
    QString path;                           // decoded path, no query
    QUrlQuery query;
    QHash<QByteArray, QByteArray> headers;  // lower-case names
    QByteArray body;
    QHostAddress remoteAddress;
    QString requestId;
    QHash<QString, QString> pathParams;     // from <name> segments of the route
    Caller caller;                          // set by the request filter
    std::optional<RateLimitState> rateLimit; // set by the gateway's request filter
    // Set when the handler read its query parameters through http::QueryParams (which refuses
    // the ones the route does not know), or handed them on to a service that does. A GET
    // answered without it while the request had parameters is turned into a 400
    // unknown_parameter by ApiServer: no route ignores a parameter silently.
    mutable bool queryChecked = false;

    QByteArray header(const QByteArray &name) const { return headers.value(name.toLower()); }
    QString queryValue(const QString &name) const;
    // Path parameter as a positive integer id; throws tf::Error(BadRequest, "invalid_id") when it
    // is not one (a malformed id is the caller's mistake, not an unknown resource).
    qint64 idParam(const QString &name = QStringLiteral("id")) const;
    // Body as a JSON object; throws tf::Error(BadRequest) naming the parse error and offset.
    QJsonObject jsonBody() const;
};

} // namespace tf::http
