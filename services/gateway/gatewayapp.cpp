#include "gatewayapp.h"

#include "common/apiserver.h"
#include "common/databasestate.h"
#include "core/errors.h"
#include "controllers/metricsproxycontroller.h"
#include "controllers/statuscontroller.h"
#include "db/repositories/serviceeventrepository.h"
#include "syncdclient.h"
#include "syncsupervisor.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcGateway, "gateway.app")

namespace tf::gateway {

GatewayApp::GatewayApp(ServiceContext context, GatewaySettings settings, QObject *parent)
    : QObject(parent)
    , m_context(std::move(context))
    , m_settings(std::move(settings))
{
    m_uptime.start();
    m_database = std::make_unique<DatabaseState>(m_context.databaseUrl, true);
    m_syncd = new SyncdClient(m_settings.syncUrl, m_settings.proxyTimeoutMs, this);

    if (m_settings.superviseSync) {
        SyncSupervisor::Options options;
        options.program = m_settings.syncProgram;
        options.arguments = { QStringLiteral("--port"), QString::number(m_settings.syncPort),
                              QStringLiteral("--bind"), QStringLiteral("127.0.0.1"),
                              QStringLiteral("--data-dir"), m_context.dataDir };
        if (!m_context.config.configFile().isEmpty())
            options.arguments << QStringLiteral("--config") << m_context.config.configFile();
        // The database URL travels in the environment, not argv, where `ps` would show a password.
        options.environment.insert(QStringLiteral("DATABASE_URL"), m_context.databaseUrl);
        options.liveUrl = QUrl(m_settings.syncUrl.toString() + QStringLiteral("/health/live"));
        options.healthIntervalMs = m_settings.healthIntervalMs;
        options.maxAttempts = m_settings.restartMaxAttempts;
        m_supervisor = new SyncSupervisor(options,
                                          [this](const QString &event, const QString &message, const QJsonObject &details) {
                                              recordServiceEvent(event, message, details);
                                          },
                                          this);
    }
    m_status = std::make_unique<StatusController>(*m_database, *m_syncd, m_supervisor, m_uptime,
                                                  m_settings.statusTimeoutMs);
    m_metrics = std::make_unique<MetricsProxyController>(*m_syncd);
}

GatewayApp::~GatewayApp()
{
    stop();
}

quint16 GatewayApp::start()
{
    // The routing table of tf-gateway: one line per controller.
    http::Router router;
    m_status->registerRoutes(router);
    m_metrics->registerRoutes(router);

    m_server = new http::ApiServer(QStringLiteral("tf-gateway"), std::move(router), m_context.limits, m_stats, this);
    const quint16 port = m_server->listen(m_context.bindAddress, m_context.port);
    m_database->start();
    if (m_supervisor)
        m_supervisor->start();
    qCInfo(lcGateway).noquote() << "tf-gateway listening on"
                                << QStringLiteral("http://%1:%2").arg(m_context.bindAddress.toString()).arg(port)
                                << "; tf-syncd at" << m_settings.syncUrl.toString()
                                << (m_supervisor ? "(supervised)" : "(external)");
    return port;
}

void GatewayApp::stop()
{
    if (m_supervisor)
        m_supervisor->stop();
}

void GatewayApp::recordServiceEvent(const QString &event, const QString &message, const QJsonObject &details)
{
    if (!m_database->isOpen()) {
        qCWarning(lcGateway).noquote() << "service event not stored (database not available):" << event << message;
        return;
    }
    try {
        db::ServiceEventRepository events(m_database->database().database());
        events.record(QStringLiteral("tf-syncd"), event, message, details, m_context.nodeId);
    } catch (const Error &error) {
        qCWarning(lcGateway).noquote() << "service event not stored:" << error.message();
    }
}

QList<http::Router::RouteInfo> GatewayApp::routes() const
{
    return m_server ? m_server->router().routes() : QList<http::Router::RouteInfo>();
}

} // namespace tf::gateway
