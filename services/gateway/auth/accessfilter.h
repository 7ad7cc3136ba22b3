#pragma once

#include "accesssettings.h"
#include "auth/ratelimiter.h"
#include "clientaddress.h"
#include "common/router.h"
#include "corspolicy.h"

#include <optional>

namespace tf::gateway {

class Authenticator;

// The gateway's request filter (ApiServer::setRequestFilter), in this order: the client
// address (X-Forwarded-For only from trusted proxies); the per-address rate limit (open routes
// too); for every route that is not open, the bearer token (401 with WWW-Authenticate when it
// is missing, malformed, unknown, revoked or expired), the per-token rate limit, and the
// route's permission for the caller's role (403). Also the response decorator (CORS headers,
// RateLimit-Limit/-Remaining/-Reset of the caller's tightest bucket on every answer,
// WWW-Authenticate, Retry-After) and the pre-route handler (CORS preflight).
class AccessFilter final
{
public:
    AccessFilter(const AccessSettings &settings, Authenticator &authenticator);

    void filter(http::ApiRequest &request, const http::Router::RouteInfo &route);
    void decorate(const http::ApiRequest &request, http::ApiResponse &response) const;
    std::optional<http::ApiResponse> preRoute(const http::ApiRequest &request) const;

    const ClientAddressResolver &addresses() const { return m_addresses; }

private:
    // Takes a token of the caller's bucket (429 when empty) and keeps the tightest bucket
    // seen in request.rateLimit for the RateLimit-* headers.
    void limit(http::ApiRequest &request, auth::RateLimiter &limiter, const QString &key, const char *what);

    bool m_authRequired;
    Authenticator &m_authenticator;
    ClientAddressResolver m_addresses;
    CorsPolicy m_cors;
    auth::RateLimiter m_perToken;
    auth::RateLimiter m_perAddress;
};

} // namespace tf::gateway
