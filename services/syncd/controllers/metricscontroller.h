#pragma once

#include "common/router.h"

#include <QString>

namespace tf::http {
class RequestStats;
}

namespace tf::syncd {

class HostMetrics;
class MonitoringService;

// GET /metrics: host CPU, memory and disk, process RSS and uptime, request counts and
// latencies; with monitoring attached also the queue, per-pair figures and open alerts (from
// the collector's latest snapshot, so the handler never waits on the database); circuit
// breakers. JSON by default; Prometheus text with ?format=prometheus or Accept: text/plain.
class MetricsController final
{
public:
    MetricsController(HostMetrics &host, const http::RequestStats &stats, QString nodeId);
    void registerRoutes(http::Router &router);
    void setMonitoring(MonitoringService *monitoring) { m_monitoring = monitoring; }

    static bool wantsPrometheus(const http::ApiRequest &request);

private:
    http::ApiResponse metrics(const http::ApiRequest &request);

    HostMetrics &m_host;
    const http::RequestStats &m_stats;
    QString m_nodeId;
    MonitoringService *m_monitoring = nullptr;
};

} // namespace tf::syncd
