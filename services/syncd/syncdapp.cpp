#include "syncdapp.h"

#include "common/apiserver.h"
#include "common/databasestate.h"
#include "common/forwardedcaller.h"
#include "common/noderegistration.h"
#include "controllers/healthcontroller.h"
#include "controllers/metricscontroller.h"
#include "controllers/syncapi.h"
#include "core/secretbox.h"
#include "maintenance/maintenancescheduler.h"
#include "monitoring/monitoringservice.h"
#include "ops/maintenancepause.h"
#include "scheduler/pairscheduler.h"
#include "sync/queue/operationqueue.h"
#include "workers/queuenotifications.h"
#include "workers/workerpool.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcSyncd, "syncd.app")

namespace tf::syncd {

SyncdApp::SyncdApp(ServiceContext context, QObject *parent)
    : QObject(parent)
    , m_context(std::move(context))
    , m_workerSettings(WorkerSettings::fromConfig(m_context.config))
    // The gateway's token: TF_SERVICE_TOKEN, else <data>/service-token (DESIGN.md section 6).
    , m_serviceToken(http::ServiceToken::load(m_context.dataDir))
{
    m_uptime.start();
    // A restore (tfctl restore, POST /api/backups/<name>/restore) pauses scheduler and workers.
    m_workerSettings.pauseFile = ops::MaintenancePause::pathFor(m_context.dataDir);
    sync::CircuitBreakerRegistry::instance().setDefaultSettings(m_workerSettings.circuit);
    m_database = std::make_unique<DatabaseState>(m_context.databaseUrl, true);
    // Nodes sharing one control database need the same key (TF_SECRET_KEY) to read the
    // systems' credentials.
    m_secrets = std::make_unique<SecretBox>(SecretBox::fromEnvironmentOrKeyFile(m_context.dataDir));
    m_hostMetrics = std::make_unique<HostMetrics>(m_context.dataDir);
    m_health = std::make_unique<HealthController>(*m_database, m_context.nodeId, m_uptime);
    m_metrics = std::make_unique<MetricsController>(*m_hostMetrics, m_stats, m_context.nodeId);
    m_workers
        = std::make_unique<WorkerPool>(*m_database, *m_secrets, m_context.nodeId, m_workerSettings);
    m_scheduler = std::make_unique<PairScheduler>(*m_database, m_workerSettings.schedulerInterval);
    m_scheduler->setPauseFile(m_workerSettings.pauseFile);
    m_maintenance = std::make_unique<MaintenanceScheduler>(*m_database, m_context,
                                                           MaintenanceScheduler::Settings::fromConfig(m_context.config));
    m_health->setWorkerState([workers = m_workers.get()] { return workers->state(); });
    m_monitoring
        = std::make_unique<MonitoringService>(m_context, *m_database, *m_hostMetrics, m_stats, m_secrets.get());
    m_metrics->setMonitoring(m_monitoring.get());
    // A sync that fails for a reason retries cannot fix raises an alert.
    m_workers->setAlertHook(m_monitoring->alertHook());
}

SyncdApp::~SyncdApp()
{
    if (m_registration)
        m_registration->stop(); // a clean stop: "stopped" on the Services page, not "stale"
    sync::OperationQueue::setEnqueueListener({});
    m_queueNotifications.reset();
    m_maintenance->stop();
    m_scheduler->stop();
    m_workers->stop();
    m_monitoring->stop();
}

quint16 SyncdApp::start()
{
    // The routing table of tf-syncd: one line per controller.
    http::Router router;
    m_health->registerRoutes(router);
    m_metrics->registerRoutes(router);
    m_monitoring->registerRoutes(router);
    registerSyncApi(router,
                    { *m_database,
                      *m_secrets,
                      {},
                      [workers = m_workers.get()] { workers->wake(); },
                      m_context.nodeId,
                      [monitoring = m_monitoring.get()](qint64 pairId) { monitoring->pairDeleted(pairId); } });

    m_server = new http::ApiServer(QStringLiteral("tf-syncd"), std::move(router), m_context.limits,
                                   m_stats, this);
    // Only the gateway (its service token) gets past this; health probes stay open.
    m_server->setRequestFilter(http::serviceTokenFilter(m_serviceToken));
    if (m_context.tls)
        m_server->setTlsConfiguration(*m_context.tls);
    const quint16 port = m_server->listen(m_context.bindAddress, m_context.port);
    m_database->start();
    m_registration = std::make_unique<NodeRegistration>(
        *m_database, NodeRegistration::describe(QStringLiteral("tf-syncd"), m_context, m_context.tls.has_value(), port));
    m_registration->start();

    // Whatever enqueues on this node (the API, the scheduler) wakes an idle worker at once.
    sync::OperationQueue::setEnqueueListener(
        [workers = m_workers.get()](const db::OperationRecord &) { workers->wake(); });
    m_workers->start();
    // ...and, on PostgreSQL, whatever any other node enqueues.
    m_queueNotifications = std::make_unique<QueueNotifications>(
        m_database->url(), [workers = m_workers.get()] { workers->wake(); });
    m_queueNotifications->start();
    if (m_workerSettings.scheduler)
        m_scheduler->start();
    m_maintenance->start(); // does nothing when maintenance/enabled is false
    m_monitoring->start();
    qCInfo(lcSyncd).noquote()
        << "tf-syncd listening on"
        << QStringLiteral("%1://%2:%3")
               .arg(m_context.tls ? QStringLiteral("https") : QStringLiteral("http"), m_context.bindAddress.toString())
               .arg(port)
        << "node"
        << m_context.nodeId << "database" << m_database->url().redacted();
    return port;
}

QList<http::Router::RouteInfo> SyncdApp::routes() const
{
    return m_server ? m_server->router().routes() : QList<http::Router::RouteInfo>();
}

} // namespace tf::syncd
