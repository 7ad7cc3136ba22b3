#pragma once

#include "common/requeststats.h"
#include "common/router.h"
#include "common/servicecontext.h"
#include "gatewaysettings.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QList>
#include <QObject>

#include <memory>

namespace tf {
class DatabaseState;
class NodeRegistration;
namespace http {
class ApiServer;
}
} // namespace tf

namespace tf::gateway {

class AuditController;
class AuthContext;
class AuthController;
class BackupsController;
class ChangesController;
class JobRegistry;
class JobsController;
class MaintenanceController;
class MetricsHistoryController;
class DemoOgcapiController;
class MetricsProxyController;
class ReadCache;
class RecoveryPlansController;
class ServiceInventoryController;
class ServicesController;
class TokensController;
class UsersController;
class StatusController;
class SyncProxyController;
class SyncdClient;
class SyncSupervisor;

// tf-gateway: the public REST entry point. Owns the HTTP API, the client to tf-syncd and, in
// the embedded default, the supervisor that runs tf-syncd as a child.
class GatewayApp final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GatewayApp)

public:
    GatewayApp(ServiceContext context, GatewaySettings settings, QObject *parent = nullptr);
    ~GatewayApp() override;

    quint16 start();
    // The routing table in effect (after start()), for the API contract test.
    QList<http::Router::RouteInfo> routes() const;
    // Stops the supervised tf-syncd (if any) before the gateway exits.
    void stop();

private:
    void recordServiceEvent(const QString &event, const QString &message, const QJsonObject &details);
    struct PendingEvent
    {
        QString event;
        QString message;
        QJsonObject details;
    };
    QList<PendingEvent> m_pendingEvents; // service events from before the database opened

    ServiceContext m_context;
    GatewaySettings m_settings;
    QElapsedTimer m_uptime;
    http::RequestStats m_stats;
    std::unique_ptr<DatabaseState> m_database;
    // Long admin actions (202 + job). Declared after m_database: destroyed first, it waits
    // for running jobs while the database they use still exists.
    std::unique_ptr<JobRegistry> m_jobs;
    SyncdClient *m_syncd = nullptr;
    SyncSupervisor *m_supervisor = nullptr;
    std::unique_ptr<AuthContext> m_auth; // before the controllers that use it
    std::unique_ptr<AuthController> m_authController;
    std::unique_ptr<UsersController> m_users;
    std::unique_ptr<TokensController> m_tokens;
    std::unique_ptr<StatusController> m_status;
    std::unique_ptr<MetricsProxyController> m_metrics;
    std::unique_ptr<ReadCache> m_readCache; // before m_syncProxy, which holds a pointer to it
    std::unique_ptr<SyncProxyController> m_syncProxy;
    std::unique_ptr<ServicesController> m_services;
    std::unique_ptr<ServiceInventoryController> m_serviceInventory;
    std::unique_ptr<RecoveryPlansController> m_recoveryPlans;
    std::unique_ptr<JobsController> m_jobsController;
    std::unique_ptr<BackupsController> m_backups;
    std::unique_ptr<MaintenanceController> m_maintenance;
    std::unique_ptr<AuditController> m_audit;
    std::unique_ptr<ChangesController> m_changes;
    std::unique_ptr<MetricsHistoryController> m_metricsHistory;
    std::unique_ptr<DemoOgcapiController> m_demoOgcapi; // only with the GIS demo installed
    http::ApiServer *m_server = nullptr;
    std::unique_ptr<NodeRegistration> m_registration; // this gateway's row in service_nodes
};

} // namespace tf::gateway
