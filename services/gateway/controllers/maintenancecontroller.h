#pragma once

#include "common/router.h"
#include "common/servicecontext.h"

namespace tf {
class DatabaseState;
}

namespace tf::gateway {

class JobRegistry;

// /api/maintenance: the runbook's maintenance windows and their runs.
//   GET  /api/maintenance              schedule (next run of each window, local time) and the
//                                      last runs (?type=weekly|monthly|quarterly, ?limit=1..200)
//   GET  /api/maintenance/runs/<id>    one run with its full report (progress while running)
//   POST /api/maintenance/run          {"type": "weekly"|"monthly"|"quarterly"} -> 202 with a
//                                      job (poll /api/jobs/<id> or the run); 409 when a run of
//                                      that type is going
class MaintenanceController final
{
public:
    MaintenanceController(const DatabaseState &database, JobRegistry &jobs,
                          const ServiceContext &context);
    void registerRoutes(http::Router &router);

private:
    http::ApiResponse overview(const http::ApiRequest &request) const;
    http::ApiResponse run(const http::ApiRequest &request) const;
    http::ApiResponse start(const http::ApiRequest &request);

    const DatabaseState &m_database;
    JobRegistry &m_jobs;
    const ServiceContext &m_context;
};

} // namespace tf::gateway
