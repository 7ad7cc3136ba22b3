#pragma once

#include "common/router.h"

namespace tf {
class DatabaseState;
}

namespace tf::syncd {

// GET /alerts (?status=raised|acknowledged|resolved|open|all, ?limit, ?cursor: ids below it,
// newest first) and POST /alerts/<id>/acknowledge (optional body {"by": "who"}).
class AlertsController final
{
public:
    explicit AlertsController(const DatabaseState &database);
    void registerRoutes(http::Router &router);

private:
    http::ApiResponse list(const http::ApiRequest &request) const;
    http::ApiResponse acknowledge(const http::ApiRequest &request) const;

    const DatabaseState &m_database;
};

} // namespace tf::syncd
