#pragma once

#include "cdcslotmonitor.h"
#include "monitoringsettings.h"
#include "monitoringsnapshot.h"
#include "requestwindow.h"

#include <QElapsedTimer>
#include <QObject>
#include <QString>

#include <functional>

class QTimer;

namespace tf {
class DatabaseState;
class SecretBox;
namespace http {
class RequestStats;
}
} // namespace tf

namespace tf::syncd {

class AlertEngine;
class HostMetrics;

// Lives on the monitoring thread (its own database connection). Every tick it refreshes the
// queue and pair figures; every sample interval it also writes one row set to system_metrics
// (one transaction) and evaluates the alert rules; every retention interval it folds old
// samples into hourly averages. With the key to the systems' credentials it also reads the
// cdc pairs' replication slots from their sources every tick (CdcSlotMonitor).
class MetricsCollector final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MetricsCollector)
public:
    using Publish = std::function<void(const MonitoringSnapshot &)>;

    MetricsCollector(const MonitoringSettings &settings, QString nodeId, QString host, DatabaseState &database,
                     HostMetrics &hostMetrics, const http::RequestStats &requests, AlertEngine &alerts,
                     Publish publish, const SecretBox *secrets = nullptr);
    ~MetricsCollector() override;

    void start(); // on the monitoring thread
    void stop();  // on the monitoring thread, before it ends

private:
    void tick();
    void collect(bool persist);
    void runRetention(const db::Database &database);
    QList<db::MetricSample> samplesOf(const Observation &observation) const;

    const MonitoringSettings m_settings;
    const QString m_nodeId;
    const QString m_host;
    DatabaseState &m_database;
    HostMetrics &m_hostMetrics;
    const http::RequestStats &m_requests;
    AlertEngine &m_alerts;
    Publish m_publish;
    const SecretBox *m_secrets; // null: no cdc figures
    CdcSlotMonitor m_cdc;

    QTimer *m_timer = nullptr;
    RequestWindow m_window;
    QElapsedTimer m_sincePersist;
    QElapsedTimer m_sinceRetention;
    MonitoringSnapshot m_snapshot;
    bool m_reportedDatabaseDown = false;
};

} // namespace tf::syncd
