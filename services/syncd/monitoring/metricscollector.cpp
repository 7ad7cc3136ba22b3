#include "metricscollector.h"

#include "alertengine.h"

#include "common/databasestate.h"
#include "common/requeststats.h"
#include "core/errors.h"
#include "db/repositories/serviceeventrepository.h"
#include "syncd/hostmetrics.h"

#include <QLoggingCategory>
#include <QTimer>

Q_LOGGING_CATEGORY(lcMonitoring, "monitoring.collector")

namespace tf::syncd {

namespace {
db::MetricSample sample(const QString &metric, double value, const QJsonObject &labels = {})
{
    db::MetricSample s;
    s.metric = metric;
    s.value = value;
    s.labels = labels;
    return s;
}
} // namespace

MetricsCollector::MetricsCollector(const MonitoringSettings &settings, QString nodeId, QString host,
                                   DatabaseState &database, HostMetrics &hostMetrics,
                                   const http::RequestStats &requests, AlertEngine &alerts, Publish publish,
                                   const SecretBox *secrets)
    : m_settings(settings)
    , m_nodeId(std::move(nodeId))
    , m_host(std::move(host))
    , m_database(database)
    , m_hostMetrics(hostMetrics)
    , m_requests(requests)
    , m_alerts(alerts)
    , m_publish(std::move(publish))
    , m_secrets(secrets)
{
}

MetricsCollector::~MetricsCollector() = default;

void MetricsCollector::start()
{
    m_window.advance(m_requests.snapshot()); // the first interval starts now
    m_timer = new QTimer(this);
    m_timer->setInterval(m_settings.tickMs());
    connect(m_timer, &QTimer::timeout, this, &MetricsCollector::tick);
    m_timer->start();
    m_sincePersist.start();
    tick();
}

void MetricsCollector::stop()
{
    if (m_timer)
        m_timer->stop();
    if (m_database.isOpen())
        m_database.database().database().closeThreadConnection();
}

void MetricsCollector::tick()
{
    // A sample is due once the interval has (nearly) passed; half a tick of slack keeps a
    // timer that fires a little early from skipping a whole interval.
    const bool persist = m_sincePersist.elapsed() + m_settings.tickMs() / 2 >= m_settings.sampleIntervalMs;
    collect(persist);
}

void MetricsCollector::collect(bool persist)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const HostMetrics::Sample host = m_hostMetrics.sample();
    m_snapshot.at = now;
    if (persist) {
        m_snapshot.requests = m_window.advance(m_requests.snapshot());
        m_sincePersist.start();
    }

    Observation observation;
    observation.source = m_host;
    observation.cpuPercent = host.cpuPercent;
    observation.memoryPercent = host.memoryPercent;
    observation.diskPercent = host.diskPercent;
    observation.responseP95Ms = m_snapshot.requests.p95Ms;
    observation.requests = m_snapshot.requests.requests;
    observation.intervalSeconds = m_snapshot.requests.intervalSeconds;

    try {
        db::Database &database = m_database.database().database(); // Unavailable while down
        db::MetricsRepository metrics(database);
        m_snapshot.queue = metrics.queueFigures(now);
        m_snapshot.pairs = metrics.pairFigures(now);
        m_snapshot.serviceRestarts24h = db::ServiceEventRepository(database).countSince(
            QStringLiteral("tf-syncd"), QStringLiteral("restarted"), now.addSecs(-24 * 3600));
        observation.haveOperationFigures = true;
        observation.failedOperationsLastHour = m_snapshot.queue.failedLastHour;
        observation.serviceRestarts24h = m_snapshot.serviceRestarts24h;
        if (m_secrets) {
            m_snapshot.cdcPairs = m_cdc.collect(database, *m_secrets, now);
            observation.haveCdcFigures = true;
            observation.cdcPairs = m_snapshot.cdcPairs;
        }
        if (persist) {
            QList<db::MetricSample> samples = samplesOf(observation);
            samples.append(sample(QStringLiteral("process_rss_bytes"), double(host.processRssBytes)));
            samples.append(sample(QStringLiteral("uptime_seconds"), host.uptimeSeconds));
            samples.append(sample(QStringLiteral("load_1m"), host.load1));
            metrics.insert(m_nodeId, samples);
            m_snapshot.lastSampleAt = now;
            ++m_snapshot.samplesWritten;
            m_alerts.evaluate(database, observation);
            m_alerts.resolveDeletedPairs(database);
        }
        m_snapshot.openAlerts = db::AlertRepository(database).open();
        if (!m_sinceRetention.isValid() || m_sinceRetention.elapsed() >= m_settings.retentionIntervalMs)
            runRetention(database);
        m_snapshot.databaseAvailable = true;
        m_snapshot.databaseError.clear();
        if (m_reportedDatabaseDown)
            qCInfo(lcMonitoring) << "metrics collection resumed: the control database answers again";
        m_reportedDatabaseDown = false;
    } catch (const Error &error) {
        m_snapshot.databaseAvailable = false;
        m_snapshot.databaseError = error.message();
        if (!m_reportedDatabaseDown)
            qCWarning(lcMonitoring).noquote() << "metrics not stored and alert rules not evaluated:" << error.message();
        m_reportedDatabaseDown = true;
    }
    if (m_publish)
        m_publish(m_snapshot);
}

void MetricsCollector::runRetention(const db::Database &database)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    db::MetricsRepository metrics(database);
    m_snapshot.lastRetention = metrics.applyRetention(now.addSecs(-qint64(m_settings.rawRetentionHours) * 3600),
                                                      now.addDays(-m_settings.hourlyRetentionDays));
    m_snapshot.lastRetentionAt = now;
    m_sinceRetention.start();
    const auto &r = m_snapshot.lastRetention;
    if (r.rawRowsFolded > 0 || r.rowsExpired > 0)
        qCInfo(lcMonitoring) << "metrics retention:" << r.rawRowsFolded << "raw samples folded into" << r.bucketsWritten
                             << "hourly averages," << r.rowsExpired << "expired rows deleted";
}

QList<db::MetricSample> MetricsCollector::samplesOf(const Observation &o) const
{
    const MonitoringSnapshot &s = m_snapshot;
    QList<db::MetricSample> samples {
        sample(QStringLiteral("cpu_percent"), o.cpuPercent),
        sample(QStringLiteral("memory_percent"), o.memoryPercent),
        sample(QStringLiteral("disk_percent"), o.diskPercent),
        sample(QStringLiteral("http_requests"), double(s.requests.requests)),
        sample(QStringLiteral("http_server_errors"), double(s.requests.serverErrors)),
        sample(QStringLiteral("http_p50_ms"), s.requests.p50Ms),
        sample(QStringLiteral("http_p95_ms"), s.requests.p95Ms),
        sample(QStringLiteral("operations_queued"), double(s.queue.queued)),
        sample(QStringLiteral("operations_running"), double(s.queue.running)),
        sample(QStringLiteral("operations_failed_last_hour"), double(s.queue.failedLastHour)),
        sample(QStringLiteral("service_restarts_24h"), double(s.serviceRestarts24h)),
    };
    const QDateTime now = s.at;
    for (const db::PairFigures &pair : s.pairs) {
        const QJsonObject labels { { QStringLiteral("pair_id"), pair.pairId }, { QStringLiteral("pair"), pair.name } };
        auto add = [&samples, &labels](const char *metric, double value) {
            if (value >= 0)
                samples.append(sample(QString::fromLatin1(metric), value, labels));
        };
        add("pair_rows_per_second", pair.lastRowsPerSecond);
        add("pair_last_duration_s", pair.lastDurationSeconds);
        add("pair_seconds_since_success", pair.secondsSinceSuccess(now));
        add("pair_failures_last_hour", pair.failuresLastHour);
    }
    for (const CdcPairFigures &pair : s.cdcPairs) {
        if (!pair.hasSlotFigures())
            continue;
        const QJsonObject labels { { QStringLiteral("pair_id"), pair.pairId }, { QStringLiteral("pair"), pair.name } };
        samples.append(sample(QStringLiteral("cdc_lag_bytes"), double(pair.lagBytes), labels));
        samples.append(sample(QStringLiteral("cdc_retained_wal_bytes"), double(pair.retainedBytes), labels));
        samples.append(sample(QStringLiteral("cdc_seconds_since_feedback"), pair.secondsSinceFeedback, labels));
    }
    return samples;
}

} // namespace tf::syncd
