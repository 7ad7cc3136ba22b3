#pragma once

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QMutex>
#include <QString>

namespace tf::http {

// Request counts and latencies per route, for /metrics (JSON and Prometheus histograms).
class RequestStats
{
public:
    static const QList<double> &bucketBoundsMs();

    void record(const QByteArray &method, const QString &route, int status, double elapsedMs);

    struct RouteFigures
    {
        QByteArray method;
        QString route;
        qint64 count = 0;
        qint64 errors = 0; // status >= 500
        qint64 clientErrors = 0; // 400..499
        double totalMs = 0;
        double maxMs = 0;
        QList<qint64> buckets; // cumulative counts per bucketBoundsMs(), then +Inf
        QHash<int, qint64> byStatus;
    };
    QList<RouteFigures> snapshot() const;
    qint64 totalRequests() const;

    QJsonObject toJson() const;
    // Prometheus text lines for terrafusion_http_requests_total and
    // terrafusion_http_request_duration_seconds, with the given service label.
    QByteArray toPrometheus(const QString &service) const;

private:
    mutable QMutex m_mutex;
    QHash<QString, RouteFigures> m_routes; // key: "METHOD route"
};

} // namespace tf::http
