#include "metricscontroller.h"

#include "common/requeststats.h"
#include "core/errors.h"
#include "syncd/hostmetrics.h"

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
    const QString format = request.queryValue(QStringLiteral("format")).toLower();
    if (format == QLatin1String("prometheus") || format == QLatin1String("text"))
        return true;
    if (!format.isEmpty() && format != QLatin1String("json")) {
        throw Error(Error::Kind::BadRequest,
                    QStringLiteral("format must be 'json' or 'prometheus', not '%1'").arg(format.left(32)),
                    QJsonObject { { QStringLiteral("parameter"), QStringLiteral("format") } });
    }
    if (!format.isEmpty())
        return false;
    const QByteArray accept = request.header("accept");
    return accept.contains("text/plain") && !accept.contains("application/json");
}

http::ApiResponse MetricsController::metrics(const http::ApiRequest &request)
{
    const HostMetrics::Sample s = m_host.sample();
    if (wantsPrometheus(request)) {
        const QByteArray node = m_nodeId.toUtf8();
        QByteArray out;
        auto gauge = [&out, &node](const char *name, const char *help, double value) {
            out += QByteArray("# HELP ") + name + ' ' + help + "\n# TYPE " + name + " gauge\n" + name
                + "{node=\"" + node + "\"} " + QByteArray::number(value, 'g', 12) + '\n';
        };
        gauge("terrafusion_cpu_usage_percent", "Host CPU busy share since the previous sample.", s.cpuPercent);
        gauge("terrafusion_memory_usage_percent", "Host memory in use.", s.memoryPercent);
        gauge("terrafusion_memory_total_bytes", "Host memory.", double(s.memoryTotalBytes));
        gauge("terrafusion_disk_usage_percent", "Use of the disk holding the data directory.", s.diskPercent);
        gauge("terrafusion_disk_free_bytes", "Free space on the disk holding the data directory.", double(s.diskFreeBytes));
        gauge("terrafusion_process_resident_memory_bytes", "Resident memory of tf-syncd.", double(s.processRssBytes));
        gauge("terrafusion_uptime_seconds", "Seconds since tf-syncd started.", s.uptimeSeconds);
        out += m_stats.toPrometheus(QStringLiteral("tf-syncd"));
        return http::ApiResponse::raw(out, QByteArrayLiteral("text/plain; version=0.0.4; charset=utf-8"));
    }
    QJsonObject body = HostMetrics::toJson(s);
    body.insert(QStringLiteral("service"), QStringLiteral("tf-syncd"));
    body.insert(QStringLiteral("node_id"), m_nodeId);
    body.insert(QStringLiteral("timestamp"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs));
    // The names the original monitoring scripts read.
    body.insert(QStringLiteral("cpu_usage"), s.cpuPercent);
    body.insert(QStringLiteral("memory_usage"), s.memoryPercent);
    body.insert(QStringLiteral("disk_usage"), s.diskPercent);
    body.insert(QStringLiteral("requests"), m_stats.toJson());
    return http::ApiResponse::json(body);
}

} // namespace tf::syncd
