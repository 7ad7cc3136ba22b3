#pragma once

#include "common/router.h"

#include <QTimer>

namespace tf {
class DatabaseState;
}

namespace tf::gateway {

// GET /api/changes?since=N: what changed since cursor N, so a console polling every few
// seconds costs a few index lookups while nothing happens.
//   {"cursor": M, "changes": [{"resource_type", "resource_id", "action"}...], "full": false}
//   {"cursor": M, "full": true}   reload everything, then ask with since=M
// full comes without `since`, when `since` is older than the retained feed, or when more than
// 500 resources changed. Also prunes the feed every minute (a day, 100,000 rows).
class ChangesController final
{
public:
    explicit ChangesController(const DatabaseState &database);
    void registerRoutes(http::Router &router);
    void prune();

private:
    http::ApiResponse changes(const http::ApiRequest &request) const;

    const DatabaseState &m_database;
    QTimer m_pruneTimer;
};

} // namespace tf::gateway
