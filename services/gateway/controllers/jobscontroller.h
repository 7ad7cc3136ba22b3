#pragma once

#include "common/router.h"

namespace tf::gateway {

class JobRegistry;

// /api/jobs: the long admin actions that answered 202 (backup, restore, maintenance,
// restarts), kept in memory by the JobRegistry (the last 200).
//   GET /api/jobs        newest first
//   GET /api/jobs/<id>   one job: status running|completed|failed, progress 0..1, message,
//                        result or error
class JobsController final
{
public:
    explicit JobsController(const JobRegistry &jobs);
    void registerRoutes(http::Router &router);

private:
    http::ApiResponse list() const;
    http::ApiResponse get(const http::ApiRequest &request) const;

    const JobRegistry &m_jobs;
};

} // namespace tf::gateway
