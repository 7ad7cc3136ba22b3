#pragma once

#include "common/requeststats.h"
#include "common/servicecontext.h"
#include "hostmetrics.h"

#include <QElapsedTimer>
#include <QObject>

#include <memory>

namespace tf {
class DatabaseState;
namespace http {
class ApiServer;
}
} // namespace tf

namespace tf::syncd {

class CatalogController;
class HealthController;
class MetricsController;

// tf-syncd: owns the control database state, the HTTP API and (later) the scheduler and
// workers. Controllers are registered in one table in syncdapp.cpp.
class SyncdApp final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SyncdApp)

public:
    explicit SyncdApp(ServiceContext context, QObject *parent = nullptr);
    ~SyncdApp() override;

    // Binds the port (throws tf::Error when it cannot) and starts connecting the database.
    quint16 start();

    const ServiceContext &context() const { return m_context; }

private:
    ServiceContext m_context;
    QElapsedTimer m_uptime;
    http::RequestStats m_stats;
    std::unique_ptr<DatabaseState> m_database;
    std::unique_ptr<HostMetrics> m_hostMetrics;
    std::unique_ptr<HealthController> m_health;
    std::unique_ptr<MetricsController> m_metrics;
    std::unique_ptr<CatalogController> m_catalog;
    http::ApiServer *m_server = nullptr;
};

} // namespace tf::syncd
