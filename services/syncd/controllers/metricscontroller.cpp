#include "metricscontroller.h"

#include "common/listquery.h"
#include "common/requeststats.h"
#include "core/errors.h"
#include "sync/engine/circuitbreaker.h"
#include "syncd/hostmetrics.h"
#include "syncd/monitoring/alertengine.h"
#include "syncd/monitoring/cdclatency.h"
#include "syncd/monitoring/metricsreport.h"
#include "syncd/monitoring/monitoringservice.h"

#include <QDateTime>

namespace tf::syncd {

MetricsController::MetricsController(HostMetrics &host, const http::RequestStats &stats, QString nodeId)
    : m_host(host)
    , m_stats(stats)
    , m_nodeId(std::move(nodeId))
{
}

void MetricsController::registerRoutes(http::Router &router)
{
    router.add("GET", QStringLiteral("/metrics"), [this](const http::ApiRequest &r) { return metrics(r); });
}

bool MetricsController::wantsPrometheus(const http::ApiRequest &request)
{
    const http::QueryParams params(request, { QStringLiteral("format") });
    const QString format = request.queryValue(QStringLiteral("format")).toLower();
    if (format == QLatin1String("prometheus") || format == QLatin1String("text"))
        return true;
    if (!format.isEmpty() && format != QLatin1String("json"))
        http::QueryParams::invalid(QStringLiteral("format"), QStringLiteral("must be 'json' or 'prometheus', not '%1'").arg(format.left(32)));
    if (!format.isEmpty())
        return false;
    const QByteArray accept = request.header("accept");
    return accept.contains("text/plain") && !accept.contains("application/json");
}

http::ApiResponse MetricsController::metrics(const http::ApiRequest &request)
{
    const bool prometheus = wantsPrometheus(request);
    MetricsReport report;
    report.nodeId = m_nodeId;
    report.host = m_host.sample();
    report.routes = m_stats.snapshot();
    report.circuitBreakers = sync::CircuitBreakerRegistry::instance().snapshot();
    report.cdcLatency = CdcLatency::instance().snapshot();
    if (m_monitoring) {
        report.haveSnapshot = true;
        report.snapshot = m_monitoring->snapshot();
        report.alertsRaised = m_monitoring->alerts().raisedCount();
        report.alertsResolved = m_monitoring->alerts().resolvedCount();
    }
    if (prometheus)
        return http::ApiResponse::raw(report.prometheus(), QByteArrayLiteral("text/plain; version=0.0.4; charset=utf-8"));

    const HostMetrics::Sample &s = report.host;
    QJsonObject body = HostMetrics::toJson(s);
    body.insert(QStringLiteral("service"), QStringLiteral("tf-syncd"));
    body.insert(QStringLiteral("node_id"), m_nodeId);
    body.insert(QStringLiteral("timestamp"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs));
    // The names the original monitoring scripts read.
    body.insert(QStringLiteral("cpu_usage"), s.cpuPercent);
    body.insert(QStringLiteral("memory_usage"), s.memoryPercent);
    body.insert(QStringLiteral("disk_usage"), s.diskPercent);
    body.insert(QStringLiteral("requests"), m_stats.toJson());
    const QJsonObject additions = report.jsonAdditions();
    for (auto it = additions.constBegin(); it != additions.constEnd(); ++it)
        body.insert(it.key(), it.value());
    return http::ApiResponse::json(body);
}

} // namespace tf::syncd
