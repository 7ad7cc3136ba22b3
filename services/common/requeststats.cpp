#include "requeststats.h"

#include <QJsonArray>

namespace tf::http {

const QList<double> &RequestStats::bucketBoundsMs()
{
    static const QList<double> bounds { 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000 };
    return bounds;
}

void RequestStats::record(const QByteArray &method, const QString &route, int status, double elapsedMs)
{
    QMutexLocker lock(&m_mutex);
    const QString key = QString::fromLatin1(method) + QLatin1Char(' ') + route;
    RouteFigures &figures = m_routes[key];
    if (figures.buckets.isEmpty()) {
        figures.method = method;
        figures.route = route;
        figures.buckets.fill(0, bucketBoundsMs().size() + 1);
    }
    ++figures.count;
    if (status >= 500)
        ++figures.errors;
    else if (status >= 400)
        ++figures.clientErrors;
    ++figures.byStatus[status];
    figures.totalMs += elapsedMs;
    figures.maxMs = qMax(figures.maxMs, elapsedMs);
    const QList<double> &bounds = bucketBoundsMs();
    for (int i = 0; i < bounds.size(); ++i) {
        if (elapsedMs <= bounds.at(i))
            ++figures.buckets[i];
    }
    ++figures.buckets[bounds.size()];
}

QList<RequestStats::RouteFigures> RequestStats::snapshot() const
{
    QMutexLocker lock(&m_mutex);
    return m_routes.values();
}

qint64 RequestStats::totalRequests() const
{
    QMutexLocker lock(&m_mutex);
    qint64 total = 0;
    for (const RouteFigures &figures : m_routes)
        total += figures.count;
    return total;
}

QJsonObject RequestStats::toJson() const
{
    const QList<RouteFigures> routes = snapshot();
    qint64 total = 0;
    qint64 errors = 0;
    double totalMs = 0;
    QJsonArray perRoute;
    for (const RouteFigures &f : routes) {
        total += f.count;
        errors += f.errors;
        totalMs += f.totalMs;
        QJsonObject statuses;
        for (auto it = f.byStatus.cbegin(); it != f.byStatus.cend(); ++it)
            statuses.insert(QString::number(it.key()), it.value());
        perRoute.append(QJsonObject {
            { QStringLiteral("method"), QString::fromLatin1(f.method) },
            { QStringLiteral("route"), f.route },
            { QStringLiteral("count"), f.count },
            { QStringLiteral("server_errors"), f.errors },
            { QStringLiteral("client_errors"), f.clientErrors },
            { QStringLiteral("avg_latency_ms"), f.count ? f.totalMs / double(f.count) : 0.0 },
            { QStringLiteral("max_latency_ms"), f.maxMs },
            { QStringLiteral("by_status"), statuses },
        });
    }
    return QJsonObject {
        { QStringLiteral("total"), total },
        { QStringLiteral("server_errors"), errors },
        { QStringLiteral("avg_latency_ms"), total ? totalMs / double(total) : 0.0 },
        { QStringLiteral("routes"), perRoute },
    };
}

QByteArray RequestStats::toPrometheus(const QString &service) const
{
    const QList<RouteFigures> routes = snapshot();
    const QByteArray svc = service.toUtf8();
    QByteArray out;
    out += "# HELP terrafusion_http_requests_total HTTP requests answered, by route and status.\n"
           "# TYPE terrafusion_http_requests_total counter\n";
    for (const RouteFigures &f : routes) {
        for (auto it = f.byStatus.cbegin(); it != f.byStatus.cend(); ++it) {
            out += "terrafusion_http_requests_total{service=\"" + svc + "\",method=\"" + f.method
                + "\",route=\"" + f.route.toUtf8() + "\",status=\"" + QByteArray::number(it.key())
                + "\"} " + QByteArray::number(it.value()) + '\n';
        }
    }
    out += "# HELP terrafusion_http_request_duration_seconds Time to answer HTTP requests.\n"
           "# TYPE terrafusion_http_request_duration_seconds histogram\n";
    const QList<double> &bounds = bucketBoundsMs();
    for (const RouteFigures &f : routes) {
        const QByteArray labels = "service=\"" + svc + "\",method=\"" + f.method + "\",route=\""
            + f.route.toUtf8() + '"';
        for (int i = 0; i < bounds.size(); ++i) {
            out += "terrafusion_http_request_duration_seconds_bucket{" + labels + ",le=\""
                + QByteArray::number(bounds.at(i) / 1000.0) + "\"} " + QByteArray::number(f.buckets.at(i)) + '\n';
        }
        out += "terrafusion_http_request_duration_seconds_bucket{" + labels + ",le=\"+Inf\"} "
            + QByteArray::number(f.count) + '\n';
        out += "terrafusion_http_request_duration_seconds_sum{" + labels + "} "
            + QByteArray::number(f.totalMs / 1000.0, 'f', 6) + '\n';
        out += "terrafusion_http_request_duration_seconds_count{" + labels + "} "
            + QByteArray::number(f.count) + '\n';
    }
    return out;
}

} // namespace tf::http
