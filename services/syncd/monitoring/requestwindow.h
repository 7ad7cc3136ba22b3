#pragma once

#include "common/requeststats.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QList>

namespace tf::syncd {

// Request figures over one sample interval, from the difference of two RequestStats
// snapshots: count, errors and latency percentiles estimated from the histogram buckets
// (linear within a bucket, as Prometheus' histogram_quantile does).
class RequestWindow final
{
public:
    struct Figures
    {
        qint64 requests = 0;
        qint64 serverErrors = 0;
        double p50Ms = 0;
        double p95Ms = 0;
        double intervalSeconds = 0;

        QJsonObject toJson() const;
    };

    // The figures since the previous call (since construction for the first call).
    Figures advance(const QList<http::RequestStats::RouteFigures> &routes);

    // q in (0, 1]; bounds ascending (ms); cumulative counts per bound then +Inf.
    static double quantile(double q, const QList<double> &bounds, const QList<qint64> &cumulative);

private:
    QList<qint64> m_lastBuckets;
    qint64 m_lastErrors = 0;
    QElapsedTimer m_since;
};

} // namespace tf::syncd
