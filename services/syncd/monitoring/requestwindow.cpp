#include "requestwindow.h"

namespace tf::syncd {

QJsonObject RequestWindow::Figures::toJson() const
{
    return { { QStringLiteral("requests"), requests },
             { QStringLiteral("server_errors"), serverErrors },
             { QStringLiteral("p50_ms"), p50Ms },
             { QStringLiteral("p95_ms"), p95Ms },
             { QStringLiteral("interval_s"), intervalSeconds } };
}

double RequestWindow::quantile(double q, const QList<double> &bounds, const QList<qint64> &cumulative)
{
    const qint64 total = cumulative.isEmpty() ? 0 : cumulative.constLast();
    if (total <= 0)
        return 0;
    const double rank = q * double(total);
    for (int i = 0; i < bounds.size(); ++i) {
        if (double(cumulative.at(i)) >= rank) {
            const double lower = i == 0 ? 0.0 : bounds.at(i - 1);
            const qint64 below = i == 0 ? 0 : cumulative.at(i - 1);
            const qint64 inBucket = cumulative.at(i) - below;
            if (inBucket <= 0)
                return bounds.at(i);
            return lower + (bounds.at(i) - lower) * (rank - double(below)) / double(inBucket);
        }
    }
    return bounds.isEmpty() ? 0 : bounds.constLast(); // in +Inf: the highest finite bound
}

RequestWindow::Figures RequestWindow::advance(const QList<http::RequestStats::RouteFigures> &routes)
{
    const QList<double> &bounds = http::RequestStats::bucketBoundsMs();
    QList<qint64> buckets(bounds.size() + 1, 0);
    qint64 errors = 0;
    for (const auto &route : routes) {
        for (int i = 0; i < buckets.size() && i < route.buckets.size(); ++i)
            buckets[i] += route.buckets.at(i);
        errors += route.errors;
    }
    QList<qint64> delta = buckets;
    if (m_lastBuckets.size() == buckets.size()) {
        for (int i = 0; i < delta.size(); ++i)
            delta[i] = qMax<qint64>(0, buckets.at(i) - m_lastBuckets.at(i));
    }
    Figures figures;
    figures.requests = delta.constLast();
    figures.serverErrors = qMax<qint64>(0, errors - m_lastErrors);
    figures.p50Ms = quantile(0.50, bounds, delta);
    figures.p95Ms = quantile(0.95, bounds, delta);
    figures.intervalSeconds = m_since.isValid() ? double(m_since.elapsed()) / 1000.0 : 0.0;
    m_lastBuckets = buckets;
    m_lastErrors = errors;
    m_since.start();
    return figures;
}

} // namespace tf::syncd
