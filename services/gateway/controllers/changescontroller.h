#pragma once

#include "common/router.h"

#include <QTimer>

namespace tf {
class DatabaseState;
}

namespace tf::gateway {

// GET /api/changes?cursor=C: what changed since position C, so a console polling every few
// seconds costs a few index lookups while nothing happens. The list envelope:
//   {"items": [{"resource_type", "resource_id", "action"}...], "next_cursor": "<position>"}
//   {"items": [{"resource_type": "*", "resource_id": null, "action": "reload"}], ...}
//                                 reload everything, then poll with next_cursor
// The reload item comes without a cursor, when the cursor is older than the retained feed, or
// when more than 500 resources changed. next_cursor is never null (the feed goes on).
// ?since=N (the position as a number) is the deprecated form of ?cursor. Also prunes the
// feed every minute (a day, 100,000 rows).
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
