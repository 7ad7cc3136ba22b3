#pragma once

#include "common/router.h"
#include "common/servicecontext.h"

#include <QUrl>

namespace tf {
class DatabaseState;
}

namespace tf::gateway {

// /api/recovery-plans: the runbooks of `tfctl create-plan`, in <data>/recovery_scripts/.
//   GET  /api/recovery-plans         {items, next_cursor}: the plans, newest first
//                                    (?scenario, ?limit, ?cursor)
//   GET  /api/recovery-plans/<name>  one plan with its Markdown and script (400 for a name
//                                    that is not a plan's, 404 for one that does not exist);
//                                    ETag: a hash of both (plans are immutable files)
//   POST /api/recovery-plans         {"scenario": "service_outage|data_corruption|complete_failure",
//                                     "components": ["gateway", "syncd", "database"]} -> 201
class RecoveryPlansController final
{
public:
    RecoveryPlansController(DatabaseState &database, const ServiceContext &context, QUrl syncUrl, bool tls);
    void registerRoutes(http::Router &router);

private:
    http::ApiResponse list(const http::ApiRequest &request) const;
    http::ApiResponse get(const http::ApiRequest &request) const;
    http::ApiResponse create(const http::ApiRequest &request);

    DatabaseState &m_database;
    const ServiceContext &m_context;
    QUrl m_syncUrl;
    bool m_tls = false;
};

} // namespace tf::gateway
