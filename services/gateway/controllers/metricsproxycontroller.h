#pragma once

#include "common/router.h"

namespace tf::gateway {

class SyncdClient;

// GET /api/metrics: tf-syncd's /metrics, passed through (JSON or Prometheus text). When
// tf-syncd cannot be reached the answer is a 503 JSON body within the proxy timeout.
class MetricsProxyController final
{
public:
    explicit MetricsProxyController(SyncdClient &syncd);
    void registerRoutes(http::Router &router);

private:
    void metrics(const http::ApiRequest &request, const http::Router::Reply &reply);

    SyncdClient &m_syncd;
};

} // namespace tf::gateway
