#pragma once

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QMutex>

namespace tf::syncd {

// Commit-to-apply latency of the cdc pairs streaming in this process: for every source
// transaction, the seconds from its commit on the source (the pgoutput Commit message's
// timestamp) to the end of the target commit that holds it. A Prometheus histogram per pair,
// cumulative since the process started; recorded by the worker threads, read by /metrics.
class CdcLatency final
{
    Q_DISABLE_COPY_MOVE(CdcLatency)
public:
    struct Histogram
    {
        qint64 pairId = 0;
        QList<qint64> buckets; // per bound of boundsSeconds(), cumulative (le)
        qint64 count = 0;
        double sumSeconds = 0;
        double lastSeconds = -1; // the latest transaction's
        double maxSeconds = 0;
    };

    CdcLatency() = default;
    static CdcLatency &instance(); // the process's

    // 5 ms to 5 minutes.
    static const QList<double> &boundsSeconds();

    // A source clock ahead of ours gives a negative figure: it counts as 0 (docs/cdc.md asks
    // for synchronised clocks).
    void record(qint64 pairId, double seconds);
    void forget(qint64 pairId); // the pair was deleted
    QList<Histogram> snapshot() const; // by pair id
    Histogram of(qint64 pairId) const; // an empty one when the pair has none

    // The latency of the quantile q (0..1) estimated from the buckets as Prometheus'
    // histogram_quantile does (linear inside the bucket), but never above the largest latency
    // seen (the JSON views show both); -1 without observations.
    static double quantile(const Histogram &histogram, double q);
    // cdc_latency_transactions, cdc_latency_last_ms, _p50_ms, _p99_ms, _max_ms (null without
    // observations) into an operation's statistics.
    static void addFigures(QJsonObject &statistics, const Histogram &histogram);

private:
    mutable QMutex m_mutex;
    QHash<qint64, Histogram> m_pairs;
};

} // namespace tf::syncd
