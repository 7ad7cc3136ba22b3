#pragma once

#include "cdclatency.h"
#include "monitoringsnapshot.h"

#include "common/requeststats.h"
#include "syncd/hostmetrics.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace tf::syncd {

// Everything /metrics shows, gathered on the HTTP thread from cheap sources: /proc, the
// request counters, the collector's latest snapshot and the circuit breakers.
struct MetricsReport
{
    QString nodeId;
    HostMetrics::Sample host;
    QList<http::RequestStats::RouteFigures> routes;
    bool haveSnapshot = false;           // false when monitoring is not wired in
    MonitoringSnapshot snapshot;
    QJsonObject circuitBreakers;         // CircuitBreakerRegistry::snapshot()
    qint64 alertsRaised = 0;             // by this process
    qint64 alertsResolved = 0;
    QList<CdcLatency::Histogram> cdcLatency; // of the cdc pairs this process streams

    // The Prometheus text exposition: terrafusion_* families, labels node (and pair_id,
    // pair for pair figures), counters ending in _total, the request histogram.
    QByteArray prometheus() const;
    // "pairs", "cdc", "queue", "alerts", "circuit_breakers", "monitoring" for the JSON answer.
    QJsonObject jsonAdditions() const;
};

} // namespace tf::syncd
