#pragma once

#include "common/router.h"

#include <QJsonObject>

namespace tf::gateway {

class JobRegistry;

// /api/jobs: the long admin actions that answered 202 (backup, restore, maintenance,
// restart), kept in the control database (admin_jobs) by the JobRegistry.
//   GET /api/jobs        {items, next_cursor}, newest first; ?kind, ?status, ?limit, ?cursor
//   GET /api/jobs/<id>   one job: {id, kind, status queued|running|completed|failed|cancelled,
//                        progress 0..1, message, result|null, error {code, message}|null,
//                        created_at, started_at, finished_at, created_by}
// A job that is not finished answers with Retry-After (the suggested poll interval).
class JobsController final
{
public:
    static constexpr int kPollSeconds = 2;

    explicit JobsController(const JobRegistry &jobs);
    void registerRoutes(http::Router &router);

    // One job as an answer: Retry-After while it is not finished.
    static http::ApiResponse jobResponse(const QJsonObject &job, int status = 200);
    // The answer to a start: 202 with the job (a new one or the running one it joined),
    // Location: /api/jobs/<id> and Retry-After.
    static http::ApiResponse accepted(const QJsonObject &job);

private:
    http::ApiResponse list(const http::ApiRequest &request) const;
    http::ApiResponse get(const http::ApiRequest &request) const;

    const JobRegistry &m_jobs;
};

} // namespace tf::gateway
