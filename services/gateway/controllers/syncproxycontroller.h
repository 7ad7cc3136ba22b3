#pragma once

#include "common/router.h"
#include "gateway/syncdclient.h"

#include <functional>

namespace tf::gateway {

class ReadCache;

// The sync API under /api (systems, sync pairs, operations, quarantine, alerts), proxied to
// tf-syncd after the gateway's own checks (the route's permission, ids, the start body).
// Each call carries the service token and the caller (forwardedCallerHeaders), so tf-syncd's
// audit entries name the person. tf-syncd's status and JSON body pass through unchanged;
// tf-syncd unreachable answers 503, no answer within the timeout 504, both as JSON.
class SyncProxyController final
{
public:
    // slowTimeoutMs bounds the routes that make tf-syncd connect to external systems. cache
    // (may be null: nothing cached) keeps the answers of the read routes marked for it.
    SyncProxyController(SyncdClient &syncd, int slowTimeoutMs, ReadCache *cache = nullptr);
    void registerRoutes(http::Router &router);

private:
    // Forwards to upstreamPattern (a tf-syncd route) with the request's ids put in.
    void forward(const http::ApiRequest &request, const http::Router::Reply &reply,
                 const QString &upstreamPattern, bool slow, bool cached);
    // POST /api/sync-operations {"pair_id", "mode", "dry_run", "full_resync"} ->
    // /sync/<pair_id>/start
    void start(const http::ApiRequest &request, const http::Router::Reply &reply);
    void verify(const http::ApiRequest &request, const http::Router::Reply &reply);
    void send(const http::ApiRequest &request, const http::Router::Reply &reply,
              const QByteArray &method, const QString &upstreamPath, const QByteArray &body,
              int timeoutMs, std::function<void(const SyncdClient::Result &)> answered = {});

    SyncdClient &m_syncd;
    int m_slowTimeoutMs;
    ReadCache *m_cache;
};

} // namespace tf::gateway
