#pragma once

#include "common/router.h"

#include <QString>

namespace tf::http {
class RequestStats;
}

namespace tf::syncd {

class HostMetrics;

// GET /metrics: host CPU, memory and disk, process RSS and uptime, request counts and
// latencies. JSON by default; Prometheus text with ?format=prometheus or Accept: text/plain.
class MetricsController final
{
public:
    MetricsController(HostMetrics &host, const http::RequestStats &stats, QString nodeId);
    void registerRoutes(http::Router &router);

    static bool wantsPrometheus(const http::ApiRequest &request);

private:
    http::ApiResponse metrics(const http::ApiRequest &request);

    HostMetrics &m_host;
    const http::RequestStats &m_stats;
    QString m_nodeId;
};

} // namespace tf::syncd
