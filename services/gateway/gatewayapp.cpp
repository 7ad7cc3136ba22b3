#include "gatewayapp.h"

#include "auth/authcontext.h"
#include "common/apiserver.h"
#include "common/databasestate.h"
#include "common/noderegistration.h"
#include "core/errors.h"
#include "controllers/auditcontroller.h"
#include "controllers/authcontroller.h"
#include "controllers/backupscontroller.h"
#include "controllers/changescontroller.h"
#include "controllers/demoogcapicontroller.h"
#include "controllers/jobscontroller.h"
#include "controllers/maintenancecontroller.h"
#include "controllers/metricshistorycontroller.h"
#include "controllers/metricsproxycontroller.h"
#include "controllers/recoveryplanscontroller.h"
#include "controllers/serviceinventorycontroller.h"
#include "controllers/servicescontroller.h"
#include "controllers/statuscontroller.h"
#include "controllers/syncproxycontroller.h"
#include "controllers/tokenscontroller.h"
#include "controllers/userscontroller.h"
#include "db/repositories/serviceeventrepository.h"
#include "jobs/jobregistry.h"
#include "syncdclient.h"
#include "syncsupervisor.h"
#include "upstream/readcache.h"

#include <QLoggingCategory>

#include <utility>

Q_LOGGING_CATEGORY(lcGateway, "gateway.app")

namespace tf::gateway {

GatewayApp::GatewayApp(ServiceContext context, GatewaySettings settings, QObject *parent)
    : QObject(parent)
    , m_context(std::move(context))
    , m_settings(std::move(settings))
{
    m_uptime.start();
    m_database = std::make_unique<DatabaseState>(m_context.databaseUrl, true);
    m_jobs = std::make_unique<JobRegistry>(m_database.get());
    // tf-syncd accepts only this token: TF_SERVICE_TOKEN, else <data>/service-token.
    m_syncd = new SyncdClient(m_settings.syncUrl, m_settings.proxyTimeoutMs,
                              http::ServiceToken::load(m_context.dataDir), this);

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
        options.environment.insert(QString::fromLatin1(http::ServiceToken::kEnvironmentVariable),
                                   QString::fromLatin1(m_syncd->serviceToken().value()));
        // Its node row names this gateway: the restarts recorded here are its restarts.
        options.environment.insert(QString::fromLatin1(NodeRegistration::kSupervisorVariable), m_context.nodeId);
        options.liveUrl = QUrl(m_settings.syncUrl.toString() + QStringLiteral("/health/live"));
        options.healthIntervalMs = m_settings.healthIntervalMs;
        options.maxAttempts = m_settings.restartMaxAttempts;
        m_supervisor = new SyncSupervisor(options,
                                          [this](const QString &event, const QString &message, const QJsonObject &details) {
                                              recordServiceEvent(event, message, details);
                                          },
                                          this);
    }
    m_auth = std::make_unique<AuthContext>(*m_database, m_settings.access);
    m_authController = std::make_unique<AuthController>(*m_auth);
    m_users = std::make_unique<UsersController>(*m_auth);
    m_tokens = std::make_unique<TokensController>(*m_auth);
    m_status = std::make_unique<StatusController>(*m_database, *m_syncd, m_supervisor, m_uptime,
                                                  m_settings.statusTimeoutMs);
    m_metrics = std::make_unique<MetricsProxyController>(*m_syncd);
    if (m_settings.readCache)
        m_readCache = std::make_unique<ReadCache>(*m_database);
    m_syncProxy = std::make_unique<SyncProxyController>(*m_syncd, m_settings.proxySlowTimeoutMs, m_readCache.get());
    m_services = std::make_unique<ServicesController>(
        *m_database, *m_jobs, m_supervisor, m_settings.syncUrl, m_context.nodeId,
        ServicesController::Hooks { [this] { stop(); }, [this] {
            if (m_registration)
                m_registration->start();
            if (m_supervisor)
                m_supervisor->start();
        } });
    m_serviceInventory = std::make_unique<ServiceInventoryController>(*m_database, *m_syncd, m_supervisor, m_uptime,
                                                                      m_context.nodeId, m_settings.statusTimeoutMs);
    m_recoveryPlans = std::make_unique<RecoveryPlansController>(*m_database, m_context, m_settings.syncUrl,
                                                                m_settings.access.tlsEnabled());
    m_jobsController = std::make_unique<JobsController>(*m_jobs);
    m_backups = std::make_unique<BackupsController>(*m_database, *m_jobs, m_context);
    m_maintenance = std::make_unique<MaintenanceController>(*m_database, *m_jobs, m_context);
    m_audit = std::make_unique<AuditController>(*m_database);
    m_changes = std::make_unique<ChangesController>(*m_database);
    m_metricsHistory = std::make_unique<MetricsHistoryController>(*m_database);
}

GatewayApp::~GatewayApp()
{
    stop();
}

quint16 GatewayApp::start()
{
    // The routing table of tf-gateway: one line per controller.
    http::Router router;
    m_authController->registerRoutes(router);
    m_users->registerRoutes(router);
    m_tokens->registerRoutes(router);
    m_status->registerRoutes(router);
    m_metrics->registerRoutes(router);
    m_syncProxy->registerRoutes(router);
    m_services->registerRoutes(router);
    m_serviceInventory->registerRoutes(router);
    m_recoveryPlans->registerRoutes(router);
    m_jobsController->registerRoutes(router);
    m_backups->registerRoutes(router);
    m_maintenance->registerRoutes(router);
    m_audit->registerRoutes(router);
    m_changes->registerRoutes(router);
    m_metricsHistory->registerRoutes(router);
    // The GIS demo's parcel layer (docs/demo-gis.md): a demo route, only when it is installed.
    if (DemoOgcapiController::layerInstalled(m_context.dataDir)) {
        m_demoOgcapi = std::make_unique<DemoOgcapiController>(m_context.dataDir);
        m_demoOgcapi->registerRoutes(router);
        qCInfo(lcGateway, "serving the GIS demo layer at /demo/ogcapi (%s)",
               qPrintable(DemoOgcapiController::layerPath(m_context.dataDir)));
    }

    m_server = new http::ApiServer(QStringLiteral("tf-gateway"), std::move(router), m_context.limits, m_stats, this);
    // Authentication, rate limits, permissions, CORS and TLS (gateway/auth).
    AccessFilter &access = m_auth->filter();
    m_server->setRequestFilter([&access](http::ApiRequest &request, const http::Router::RouteInfo &route) { access.filter(request, route); });
    m_server->setResponseDecorator([&access](const http::ApiRequest &request, http::ApiResponse &response) { access.decorate(request, response); });
    m_server->setPreRouteHandler([&access](const http::ApiRequest &request) { return access.preRoute(request); });
    // Version 1 of the API by its explicit name; /api/... stays version 1 (docs/api-conventions.md).
    m_server->addPathAlias(QStringLiteral("/api/v1"), QStringLiteral("/api"));
    if (m_settings.access.tlsEnabled())
        m_server->setTlsConfiguration(m_settings.access.tls);
    const quint16 port = m_server->listen(m_context.bindAddress, m_context.port);
    connect(m_database.get(), &DatabaseState::opened, this, [this] {
        m_auth->bootstrap(m_context.dataDir);
        m_jobs->databaseOpened(); // jobs of an earlier process that never finished: interrupted
        const auto pending = std::exchange(m_pendingEvents, {});
        for (const PendingEvent &held : pending)
            recordServiceEvent(held.event, held.message, held.details);
    });
    m_database->start();
    m_registration = std::make_unique<NodeRegistration>(
        *m_database, NodeRegistration::describe(QStringLiteral("tf-gateway"), m_context, m_settings.access.tlsEnabled(), port));
    m_registration->start();
    if (m_supervisor)
        m_supervisor->start();
    qCInfo(lcGateway).noquote() << "tf-gateway listening on"
                                << QStringLiteral("%1://%2:%3").arg(m_settings.access.tlsEnabled() ? QStringLiteral("https") : QStringLiteral("http"),
                                                                    m_context.bindAddress.toString()).arg(port)
                                << "; tf-syncd at" << m_settings.syncUrl.toString()
                                << (m_supervisor ? "(supervised)" : "(external)");
    return port;
}

void GatewayApp::stop()
{
    if (m_registration)
        m_registration->stop(); // also before a re-exec: the new image registers again
    if (m_supervisor)
        m_supervisor->stop();
}

void GatewayApp::recordServiceEvent(const QString &event, const QString &message, const QJsonObject &details)
{
    if (!m_database->isOpen()) {
        // tf-syncd can be up before the gateway's own connection opens: keep the event until
        // the database is there (bounded, so a database that never comes does not grow it).
        if (m_pendingEvents.size() < 100)
            m_pendingEvents.append({ event, message, details });
        else
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
