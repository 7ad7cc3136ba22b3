#pragma once

#include "common/router.h"
#include "common/servicecontext.h"

#include <QJsonValue>

namespace tf {
class DatabaseState;
}

namespace tf::gateway {

class JobRegistry;

// /api/maintenance: the runbook's maintenance windows and their runs.
//   GET  /api/maintenance              schedule (next run of each window, local time)
//   GET  /api/maintenance/runs         {items, next_cursor}: the runs, newest first
//                                      (?type=weekly|monthly|quarterly, ?limit, ?cursor)
//   GET  /api/maintenance/runs/<id>    one run with its full report (progress while running)
//   POST /api/maintenance/run          {"type": "weekly"|"monthly"|"quarterly"} -> 202 with the
//                                      job (poll /api/jobs/<id> or the run). The same type
//                                      while it runs joins that job; a weekly/monthly run
//                                      beside a backup or restore is 409 job_running
class MaintenanceController final
{
public:
    MaintenanceController(const DatabaseState &database, JobRegistry &jobs,
                          const ServiceContext &context);
    void registerRoutes(http::Router &router);

private:
    http::ApiResponse overview(const http::ApiRequest &request) const;
    http::ApiResponse runs(const http::ApiRequest &request) const;
    http::ApiResponse run(const http::ApiRequest &request) const;
    http::ApiResponse start(const http::ApiRequest &request);

    // The run's Markdown report from <data>/reports; null when it is not there.
    QJsonValue reportMarkdown(const QString &path) const;

    const DatabaseState &m_database;
    JobRegistry &m_jobs;
    const ServiceContext &m_context;
};

} // namespace tf::gateway
