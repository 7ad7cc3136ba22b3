#pragma once

#include "monitoringsettings.h"
#include "monitoringsnapshot.h"

#include "common/router.h"

#include <QMutex>
#include <QObject>
#include <QThread>

#include <functional>
#include <memory>

namespace tf {
class DatabaseState;
class SecretBox;
struct ServiceContext;
namespace http {
class RequestStats;
}
} // namespace tf

namespace tf::syncd {

class AlertEngine;
class AlertsController;
class HostMetrics;
class MetricsCollector;
class WebhookNotifier;

// Metrics and alerts of one tf-syncd node: a collector on its own thread samples host and
// service figures into system_metrics, keeps their retention, and evaluates the alert rules;
// the alerts go to the alerts table, the log and the optional webhook. GET /alerts and
// POST /alerts/<id>/acknowledge are its routes; /metrics reads snapshot().
class MonitoringService final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MonitoringService)
public:
    // Throws tf::Error(Validation) for a bad [monitoring] or [alerts] value.
    MonitoringService(const ServiceContext &context, DatabaseState &database, HostMetrics &hostMetrics,
                      const http::RequestStats &requests, const SecretBox *secrets = nullptr,
                      QObject *parent = nullptr); // secrets: to read the cdc pairs' slots
    ~MonitoringService() override;

    void start();
    void stop(); // idempotent; also run by the destructor

    // For the workers: raises an event alert (a permanent sync failure) from any thread.
    // Never throws; a failure to store the alert is logged.
    std::function<void(const QString &rule, const QString &message, const QJsonObject &details)>
    alertHook();
    AlertEngine &alerts() { return *m_engine; }
    // A deleted sync pair: its open alerts are resolved with a note saying so, and its cdc
    // latency histogram dropped (its other series leave /metrics with the next sample).
    // Never throws; a failure is logged (the collector's sweep closes the alerts later).
    void pairDeleted(qint64 pairId);
    void registerRoutes(http::Router &router);

    MonitoringSnapshot snapshot() const;
    const MonitoringSettings &settings() const { return m_settings; }
    const QString &nodeId() const { return m_nodeId; }

private:
    void publish(const MonitoringSnapshot &snapshot);

    const MonitoringSettings m_settings;
    const QString m_nodeId;
    DatabaseState &m_database;
    std::unique_ptr<AlertEngine> m_engine;
    std::unique_ptr<AlertsController> m_controller;
    QThread m_thread;
    MetricsCollector *m_collector = nullptr; // lives on m_thread
    WebhookNotifier *m_webhook = nullptr;    // lives on m_thread
    mutable QMutex m_mutex;
    MonitoringSnapshot m_snapshot;
    bool m_started = false;
};

} // namespace tf::syncd
