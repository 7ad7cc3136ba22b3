#include "metricsreport.h"

#include "cdcprometheus.h"
#include "prometheustext.h"

#include "tfversion.h"

#include <QJsonArray>
#include <QMap>

#include <functional>

namespace tf::syncd {

namespace {
using Labels = PrometheusText::Labels;

QByteArray secondsLabel(double boundMs)
{
    return PrometheusText::formatValue(boundMs / 1000.0);
}
} // namespace

QByteArray MetricsReport::prometheus() const
{
    PrometheusText out;
    const Labels node { { "node", nodeId } };
    auto gauge = [&](const QByteArray &name, const QString &help, double value) {
        out.family(name, "gauge", help);
        out.sample(name, node, value);
    };

    out.family("terrafusion_build_info", "gauge", QStringLiteral("Version of tf-syncd; always 1."));
    out.sample("terrafusion_build_info", { { "node", nodeId }, { "service", QStringLiteral("tf-syncd") }, { "version", QStringLiteral(TF_VERSION_STRING) } }, 1);
    gauge("terrafusion_cpu_usage_percent", QStringLiteral("Host CPU busy share since the previous sample."), host.cpuPercent);
    gauge("terrafusion_memory_usage_percent", QStringLiteral("Host memory in use."), host.memoryPercent);
    gauge("terrafusion_memory_total_bytes", QStringLiteral("Host memory."), double(host.memoryTotalBytes));
    gauge("terrafusion_disk_usage_percent", QStringLiteral("Use of the disk holding the data directory."), host.diskPercent);
    gauge("terrafusion_disk_free_bytes", QStringLiteral("Free space on the disk holding the data directory."), double(host.diskFreeBytes));
    gauge("terrafusion_process_resident_memory_bytes", QStringLiteral("Resident memory of tf-syncd."), double(host.processRssBytes));
    gauge("terrafusion_uptime_seconds", QStringLiteral("Seconds since tf-syncd started."), host.uptimeSeconds);

    // The request families keep the label set the gateway's /metrics also uses (service,
    // method, route, status): dashboards and tst_syncd read them so; the scrape target
    // tells the nodes apart.
    const QString service = QStringLiteral("tf-syncd");
    out.family("terrafusion_http_requests_total", "counter", QStringLiteral("HTTP requests answered, by route and status."));
    for (const auto &route : routes) {
        for (auto it = route.byStatus.cbegin(); it != route.byStatus.cend(); ++it) {
            out.sample("terrafusion_http_requests_total",
                       { { "service", service }, { "method", QString::fromLatin1(route.method) },
                         { "route", route.route }, { "status", QString::number(it.key()) } },
                       double(it.value()));
        }
    }
    out.family("terrafusion_http_request_duration_seconds", "histogram", QStringLiteral("Time to answer HTTP requests."));
    const QList<double> &bounds = http::RequestStats::bucketBoundsMs();
    for (const auto &route : routes) {
        const Labels labels { { "service", service }, { "method", QString::fromLatin1(route.method) },
                              { "route", route.route } };
        for (int i = 0; i < bounds.size() && i < route.buckets.size(); ++i) {
            Labels withLe = labels;
            withLe.append({ "le", QString::fromLatin1(secondsLabel(bounds.at(i))) });
            out.sample("terrafusion_http_request_duration_seconds_bucket", withLe, double(route.buckets.at(i)));
        }
        Labels inf = labels;
        inf.append({ "le", QStringLiteral("+Inf") });
        out.sample("terrafusion_http_request_duration_seconds_bucket", inf, double(route.count));
        out.sample("terrafusion_http_request_duration_seconds_sum", labels, route.totalMs / 1000.0);
        out.sample("terrafusion_http_request_duration_seconds_count", labels, double(route.count));
    }

    out.family("terrafusion_alerts_raised_total", "counter", QStringLiteral("Alerts this tf-syncd process raised."));
    out.sample("terrafusion_alerts_raised_total", node, double(alertsRaised));
    out.family("terrafusion_alerts_resolved_total", "counter", QStringLiteral("Alerts this tf-syncd process resolved."));
    out.sample("terrafusion_alerts_resolved_total", node, double(alertsResolved));

    out.family("terrafusion_circuit_breaker_state", "gauge",
               QStringLiteral("Circuit breaker of each external system: 1 for its current state, 0 for the others."));
    for (auto it = circuitBreakers.constBegin(); it != circuitBreakers.constEnd(); ++it) {
        const QString state = it.value().toObject().value(QStringLiteral("state")).toString();
        for (const QString &candidate : { QStringLiteral("closed"), QStringLiteral("open"), QStringLiteral("half_open") })
            out.sample("terrafusion_circuit_breaker_state", { { "node", nodeId }, { "system", it.key() }, { "state", candidate } },
                       state == candidate ? 1 : 0);
    }
    out.family("terrafusion_circuit_breaker_consecutive_failures", "gauge",
               QStringLiteral("Transient failures in a row of calls to each external system."));
    for (auto it = circuitBreakers.constBegin(); it != circuitBreakers.constEnd(); ++it)
        out.sample("terrafusion_circuit_breaker_consecutive_failures", { { "node", nodeId }, { "system", it.key() } },
                   it.value().toObject().value(QStringLiteral("consecutive_failures")).toDouble());

    if (!haveSnapshot) {
        appendCdcFamilies(out, nodeId, {}, cdcLatency);
        return out.text();
    }
    const MonitoringSnapshot &s = snapshot;
    appendCdcFamilies(out, nodeId, s.cdcPairs, cdcLatency);
    out.family("terrafusion_monitoring_database_up", "gauge",
               QStringLiteral("1 when the latest collection reached the control database."));
    out.sample("terrafusion_monitoring_database_up", node, s.databaseAvailable ? 1 : 0);
    if (s.lastSampleAt.isValid())
        gauge("terrafusion_monitoring_last_sample_timestamp_seconds",
              QStringLiteral("When the latest sample was written to system_metrics (Unix time)."),
              double(s.lastSampleAt.toMSecsSinceEpoch()) / 1000.0);
    out.family("terrafusion_sync_operations", "gauge", QStringLiteral("Sync operations queued and running, all nodes."));
    out.sample("terrafusion_sync_operations", { { "node", nodeId }, { "status", QStringLiteral("queued") } }, s.queue.queued);
    out.sample("terrafusion_sync_operations", { { "node", nodeId }, { "status", QStringLiteral("running") } }, s.queue.running);
    gauge("terrafusion_sync_operations_failed_last_hour", QStringLiteral("Sync operations that failed in the last hour, all nodes."),
          s.queue.failedLastHour);
    gauge("terrafusion_service_restarts_last_24h", QStringLiteral("Restarts of tf-syncd by its supervisor in the last 24 hours."),
          s.serviceRestarts24h);

    QMap<QPair<QString, QString>, int> open; // (rule, severity) -> count
    for (const db::AlertRecord &alert : s.openAlerts)
        ++open[{ alert.rule, alert.severity }];
    out.family("terrafusion_alerts_open", "gauge", QStringLiteral("Alerts raised or acknowledged and not resolved, all nodes."));
    for (auto it = open.cbegin(); it != open.cend(); ++it)
        out.sample("terrafusion_alerts_open", { { "node", nodeId }, { "rule", it.key().first }, { "severity", it.key().second } },
                   it.value());

    struct PairFamily
    {
        QByteArray name;
        QString help;
        std::function<double(const db::PairFigures &)> value; // < 0: no sample
    };
    const QDateTime now = s.at;
    const QList<PairFamily> pairFamilies {
        { "terrafusion_pair_enabled", QStringLiteral("1 when the sync pair is enabled."),
          [](const db::PairFigures &p) { return p.enabled ? 1.0 : 0.0; } },
        { "terrafusion_pair_last_rows_read", QStringLiteral("Rows read by the pair's latest finished run."),
          [](const db::PairFigures &p) { return p.lastStatus.isEmpty() ? -1.0 : double(p.lastRowsRead); } },
        { "terrafusion_pair_last_rows_per_second", QStringLiteral("Rows read per second by the pair's latest finished run."),
          [](const db::PairFigures &p) { return p.lastRowsPerSecond; } },
        { "terrafusion_pair_last_duration_seconds", QStringLiteral("Duration of the pair's latest finished run."),
          [](const db::PairFigures &p) { return p.lastDurationSeconds; } },
        { "terrafusion_pair_last_success_timestamp_seconds", QStringLiteral("When the pair last synced successfully (Unix time)."),
          [](const db::PairFigures &p) { return p.lastSuccessAt.isValid() ? double(p.lastSuccessAt.toMSecsSinceEpoch()) / 1000.0 : -1.0; } },
        { "terrafusion_pair_seconds_since_last_success", QStringLiteral("Seconds since the pair last synced successfully."),
          [now](const db::PairFigures &p) { return p.secondsSinceSuccess(now); } },
        { "terrafusion_pair_failures_last_hour", QStringLiteral("Failed runs of the pair in the last hour."),
          [](const db::PairFigures &p) { return double(p.failuresLastHour); } },
    };
    for (const PairFamily &family : pairFamilies) {
        out.family(family.name, "gauge", family.help);
        for (const db::PairFigures &pair : s.pairs) {
            const double value = family.value(pair);
            if (value >= 0)
                out.sample(family.name, { { "node", nodeId }, { "pair_id", QString::number(pair.pairId) }, { "pair", pair.name } }, value);
        }
    }
    return out.text();
}

QJsonObject MetricsReport::jsonAdditions() const
{
    QJsonObject body { { QStringLiteral("circuit_breakers"), circuitBreakers } };
    if (!haveSnapshot)
        return body;
    const MonitoringSnapshot &s = snapshot;
    QJsonArray pairs;
    for (const db::PairFigures &pair : s.pairs)
        pairs.append(pair.toJson(s.at));
    QJsonArray open;
    for (const db::AlertRecord &alert : s.openAlerts)
        open.append(alert.toJson());
    auto iso = [](const QDateTime &t) { return t.isValid() ? QJsonValue(t.toUTC().toString(Qt::ISODateWithMs)) : QJsonValue(); };
    body.insert(QStringLiteral("pairs"), pairs);
    body.insert(QStringLiteral("cdc"), cdcJson(s.cdcPairs, cdcLatency));
    body.insert(QStringLiteral("queue"), s.queue.toJson());
    body.insert(QStringLiteral("alerts"), QJsonObject { { QStringLiteral("open"), open },
                                                        { QStringLiteral("open_count"), open.size() },
                                                        { QStringLiteral("raised_by_this_process"), alertsRaised },
                                                        { QStringLiteral("resolved_by_this_process"), alertsResolved } });
    body.insert(QStringLiteral("monitoring"), QJsonObject {
        { QStringLiteral("collected_at"), iso(s.at) },
        { QStringLiteral("database_available"), s.databaseAvailable },
        { QStringLiteral("database_error"), s.databaseError.isEmpty() ? QJsonValue() : QJsonValue(s.databaseError) },
        { QStringLiteral("last_sample_at"), iso(s.lastSampleAt) },
        { QStringLiteral("samples_written"), s.samplesWritten },
        { QStringLiteral("requests_last_interval"), s.requests.toJson() },
        { QStringLiteral("service_restarts_24h"), s.serviceRestarts24h },
        { QStringLiteral("last_retention_at"), iso(s.lastRetentionAt) },
        { QStringLiteral("last_retention"), s.lastRetention.toJson() } });
    return body;
}

} // namespace tf::syncd
