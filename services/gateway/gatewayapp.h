#pragma once

#include "common/requeststats.h"
#include "common/router.h"
#include "common/servicecontext.h"
#include "gatewaysettings.h"

#include <QElapsedTimer>
#include <QObject>

#include <memory>

namespace tf {
class DatabaseState;
namespace http {
class ApiServer;
}
} // namespace tf

namespace tf::gateway {

class MetricsProxyController;
class StatusController;
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

    ServiceContext m_context;
    GatewaySettings m_settings;
    QElapsedTimer m_uptime;
    http::RequestStats m_stats;
    std::unique_ptr<DatabaseState> m_database;
    SyncdClient *m_syncd = nullptr;
    SyncSupervisor *m_supervisor = nullptr;
    std::unique_ptr<StatusController> m_status;
    std::unique_ptr<MetricsProxyController> m_metrics;
    http::ApiServer *m_server = nullptr;
};

} // namespace tf::gateway
