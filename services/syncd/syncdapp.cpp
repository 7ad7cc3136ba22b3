#include "syncdapp.h"

#include "common/apiserver.h"
#include "common/databasestate.h"
#include "controllers/catalogcontroller.h"
#include "controllers/healthcontroller.h"
#include "controllers/metricscontroller.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcSyncd, "syncd.app")

namespace tf::syncd {

SyncdApp::SyncdApp(ServiceContext context, QObject *parent)
    : QObject(parent)
    , m_context(std::move(context))
{
    m_uptime.start();
    m_database = std::make_unique<DatabaseState>(m_context.databaseUrl, true);
    m_hostMetrics = std::make_unique<HostMetrics>(m_context.dataDir);
    m_health = std::make_unique<HealthController>(*m_database, m_context.nodeId, m_uptime);
    m_metrics = std::make_unique<MetricsController>(*m_hostMetrics, m_stats, m_context.nodeId);
    m_catalog = std::make_unique<CatalogController>(*m_database);
}

SyncdApp::~SyncdApp() = default;

quint16 SyncdApp::start()
{
    // The routing table of tf-syncd: one line per controller.
    http::Router router;
    m_health->registerRoutes(router);
    m_metrics->registerRoutes(router);
    m_catalog->registerRoutes(router);

    m_server = new http::ApiServer(QStringLiteral("tf-syncd"), std::move(router), m_context.limits, m_stats, this);
    const quint16 port = m_server->listen(m_context.bindAddress, m_context.port);
    m_database->start();
    qCInfo(lcSyncd).noquote() << "tf-syncd listening on"
                              << QStringLiteral("http://%1:%2").arg(m_context.bindAddress.toString()).arg(port)
                              << "node" << m_context.nodeId << "database" << m_database->url().redacted();
    return port;
}

} // namespace tf::syncd
