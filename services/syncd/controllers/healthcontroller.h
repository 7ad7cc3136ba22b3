#pragma once

#include "common/router.h"

#include <QElapsedTimer>
#include <QString>

namespace tf {
class DatabaseState;
}

namespace tf::syncd {

// GET /health, /health/live, /health/ready: the only routes open without credentials.
class HealthController final
{
public:
    HealthController(const DatabaseState &database, QString nodeId, const QElapsedTimer &uptime);
    void registerRoutes(http::Router &router);

private:
    http::ApiResponse health() const;
    http::ApiResponse live() const;
    http::ApiResponse ready() const;

    const DatabaseState &m_database;
    QString m_nodeId;
    const QElapsedTimer &m_uptime;
};

} // namespace tf::syncd
