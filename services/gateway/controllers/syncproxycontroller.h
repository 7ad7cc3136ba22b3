#pragma once

#include "common/router.h"

namespace tf::gateway {

class SyncdClient;

// The sync API under /api (systems, sync pairs, operations, quarantine, alerts), proxied to
// tf-syncd after the gateway's own checks (the route's permission, ids, the start body).
// Each call carries the service token and the caller (forwardedCallerHeaders), so tf-syncd's
// audit entries name the person. tf-syncd's status and JSON body pass through unchanged;
// tf-syncd unreachable answers 503, no answer within the timeout 504, both as JSON.
class SyncProxyController final
{
public:
    // slowTimeoutMs bounds the routes that make tf-syncd connect to external systems.
    SyncProxyController(SyncdClient &syncd, int slowTimeoutMs);
    void registerRoutes(http::Router &router);

private:
    // Forwards to upstreamPattern (a tf-syncd route) with the request's ids put in.
    void forward(const http::ApiRequest &request, const http::Router::Reply &reply,
                 const QString &upstreamPattern, bool slow);
    // POST /api/sync-operations {"pair_id", "mode", "dry_run", "full_resync"} ->
    // /sync/<pair_id>/start
    void start(const http::ApiRequest &request, const http::Router::Reply &reply);
    void verify(const http::ApiRequest &request, const http::Router::Reply &reply);
    void send(const http::ApiRequest &request, const http::Router::Reply &reply,
              const QByteArray &method, const QString &upstreamPath, const QByteArray &body,
              int timeoutMs);

    SyncdClient &m_syncd;
    int m_slowTimeoutMs;
};

} // namespace tf::gateway
