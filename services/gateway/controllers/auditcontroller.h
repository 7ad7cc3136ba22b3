#pragma once

#include "common/router.h"

#include <QObject>
#include <QThreadPool>

#include <atomic>
#include <memory>

namespace tf {
class DatabaseState;
}

namespace tf::gateway {

// /api/audit: the audit trail (DESIGN.md section 5), read-only.
//   GET /api/audit            filters created_after, created_before, event_type, severity,
//                             resource_type, resource_id, username, text; newest first (order=oldest:
//                             oldest first), paged with limit (1..1000,
//                             default 100) and the opaque cursor of the previous page:
//                             {"entries": [...], "next_cursor": "..." | null}
//   GET /api/audit/<id>       one entry
//   GET /api/audit/summary    the same filters: the true total, latest timestamp, counts by
//                             event type, severity, day and username, latest errors; counted on
//                             a worker thread (seconds at a million entries), so the gateway
//                             answers other requests (the console's pages) meanwhile
//   GET /api/audit/export     the same filters as CSV, streamed (chunked), oldest first
//   GET /api/audit/verify     walks the hash chain on a worker thread; names the first entry
//                             where it breaks (200 either way: the answer says)
class AuditController final
{
public:
    explicit AuditController(const DatabaseState &database);
    ~AuditController();
    void registerRoutes(http::Router &router);

private:
    http::ApiResponse list(const http::ApiRequest &request) const;
    http::ApiResponse entry(const http::ApiRequest &request) const;
    void summary(const http::ApiRequest &request, const http::Router::Reply &reply);
    http::ApiResponse exportCsv(const http::ApiRequest &request) const;
    void verify(const http::ApiRequest &request, const http::Router::Reply &reply);

    struct Verification;

    const DatabaseState &m_database;
    QObject m_context; // queued results are dropped once the controller is gone
    QThreadPool m_pool; // one verification at a time; callers asking meanwhile share its answer
    QThreadPool m_summaries; // one summary at a time, beside a verification
    std::shared_ptr<Verification> m_running;
    std::atomic<bool> m_stopping { false };
};

} // namespace tf::gateway
