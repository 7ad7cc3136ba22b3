#pragma once

#include "common/requeststats.h"
#include "common/router.h"
#include "common/servicecontext.h"
#include "common/servicetoken.h"
#include "hostmetrics.h"
#include "workers/workersettings.h"

#include <QElapsedTimer>
#include <QObject>
#include <memory>

namespace tf {
class DatabaseState;
class NodeRegistration;
class SecretBox;
namespace http {
class ApiServer;
}
} // namespace tf

namespace tf::syncd {

class HealthController;
class MaintenanceScheduler;
class MetricsController;
class MonitoringService;
class PairScheduler;
class QueueNotifications;
class WorkerPool;

// tf-syncd: owns the control database state, the HTTP API, the sync workers, the lease
// reaper, the scheduler and the monitoring (metrics and alerts). Controllers are registered in one
// table in syncdapp.cpp.
class SyncdApp final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SyncdApp)

public:
    // Throws tf::Error(Validation) for a bad [sync] value, secret key or service token.
    explicit SyncdApp(ServiceContext context, QObject *parent = nullptr);
    // Stops the scheduler and the workers first: running operations go back to the queue.
    ~SyncdApp() override;

    // Binds the port (throws tf::Error when it cannot), starts connecting the database, the
    // workers and the scheduler.
    quint16 start();
    // The routing table in effect (after start()), for the API contract test.
    QList<http::Router::RouteInfo> routes() const;

    const ServiceContext &context() const { return m_context; }

private:
    ServiceContext m_context;
    WorkerSettings m_workerSettings;
    QElapsedTimer m_uptime;
    http::RequestStats m_stats;
    std::unique_ptr<DatabaseState> m_database;
    std::unique_ptr<SecretBox> m_secrets;
    http::ServiceToken m_serviceToken;
    std::unique_ptr<HostMetrics> m_hostMetrics;
    std::unique_ptr<HealthController> m_health;
    std::unique_ptr<MetricsController> m_metrics;
    std::unique_ptr<MonitoringService> m_monitoring;
    std::unique_ptr<WorkerPool> m_workers;
    std::unique_ptr<QueueNotifications> m_queueNotifications; // PostgreSQL: wakes on any node's enqueue
    std::unique_ptr<PairScheduler> m_scheduler;
    std::unique_ptr<MaintenanceScheduler> m_maintenance; // the runbook's weekly/monthly/quarterly windows
    http::ApiServer *m_server = nullptr;
    std::unique_ptr<NodeRegistration> m_registration; // this node's row in service_nodes
};

} // namespace tf::syncd
