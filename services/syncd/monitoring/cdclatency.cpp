#include "cdclatency.h"

#include <algorithm>

namespace tf::syncd {

CdcLatency &CdcLatency::instance()
{
    static CdcLatency latency;
    return latency;
}

const QList<double> &CdcLatency::boundsSeconds()
{
    static const QList<double> bounds { 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300 };
    return bounds;
}

void CdcLatency::record(qint64 pairId, double seconds)
{
    const double value = qMax(0.0, seconds);
    const QList<double> &bounds = boundsSeconds();
    QMutexLocker lock(&m_mutex);
    Histogram &h = m_pairs[pairId];
    if (h.buckets.isEmpty()) {
        h.pairId = pairId;
        h.buckets.fill(0, bounds.size());
    }
    for (int i = 0; i < bounds.size(); ++i) {
        if (value <= bounds.at(i))
            ++h.buckets[i];
    }
    ++h.count;
    h.sumSeconds += value;
    h.lastSeconds = value;
    h.maxSeconds = qMax(h.maxSeconds, value);
}

void CdcLatency::forget(qint64 pairId)
{
    QMutexLocker lock(&m_mutex);
    m_pairs.remove(pairId);
}

QList<CdcLatency::Histogram> CdcLatency::snapshot() const
{
    QMutexLocker lock(&m_mutex);
    QList<Histogram> all = m_pairs.values();
    lock.unlock();
    std::sort(all.begin(), all.end(), [](const Histogram &a, const Histogram &b) { return a.pairId < b.pairId; });
    return all;
}

CdcLatency::Histogram CdcLatency::of(qint64 pairId) const
{
    QMutexLocker lock(&m_mutex);
    Histogram h = m_pairs.value(pairId);
    h.pairId = pairId;
    if (h.buckets.isEmpty())
        h.buckets.fill(0, boundsSeconds().size());
    return h;
}

double CdcLatency::quantile(const Histogram &h, double q)
{
    if (h.count == 0)
        return -1;
    const QList<double> &bounds = boundsSeconds();
    const double rank = q * double(h.count);
    double lowerBound = 0;
    qint64 lowerCount = 0;
    for (int i = 0; i < bounds.size() && i < h.buckets.size(); ++i) {
        if (double(h.buckets.at(i)) >= rank) {
            const qint64 inBucket = h.buckets.at(i) - lowerCount;
            const double share = inBucket > 0 ? (rank - double(lowerCount)) / double(inBucket) : 1.0;
            // Interpolated inside the bucket, but never past the largest latency seen: a p99 of
            // 24 ms beside a max of 12 ms (one bucket of 10-25 ms) would be read as a fault.
            return std::min(lowerBound + (bounds.at(i) - lowerBound) * share, h.maxSeconds);
        }
        lowerBound = bounds.at(i);
        lowerCount = h.buckets.at(i);
    }
    return h.maxSeconds; // past the last bound: the largest seen
}

void CdcLatency::addFigures(QJsonObject &statistics, const Histogram &h)
{
    auto ms = [&h](double seconds) { return h.count == 0 ? QJsonValue() : QJsonValue(seconds * 1000.0); };
    statistics.insert(QStringLiteral("cdc_latency_transactions"), h.count);
    statistics.insert(QStringLiteral("cdc_latency_last_ms"), ms(h.lastSeconds));
    statistics.insert(QStringLiteral("cdc_latency_p50_ms"), ms(quantile(h, 0.5)));
    statistics.insert(QStringLiteral("cdc_latency_p99_ms"), ms(quantile(h, 0.99)));
    statistics.insert(QStringLiteral("cdc_latency_max_ms"), ms(h.maxSeconds));
}

} // namespace tf::syncd
