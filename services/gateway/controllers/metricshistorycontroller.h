#pragma once

#include "common/router.h"

namespace tf {
class DatabaseState;
}

namespace tf::gateway {

// GET /api/metrics/history?metric=&from=&to=&step=[&node=]: a metric of system_metrics (what
// tf-syncd's collector samples: cpu_percent, memory_percent, disk_percent, http_p95_ms,
// operations_queued, pair_rows_per_second...) downsampled by the database into step-wide
// buckets (average, minimum, maximum, samples), one series per node and label set, for charts.
// Defaults: the last hour, a step giving at most 300 points; at most 10,000 buckets.
class MetricsHistoryController final
{
public:
    explicit MetricsHistoryController(const DatabaseState &database);
    void registerRoutes(http::Router &router);

    static constexpr int kMaxBuckets = 10000;
    static constexpr int kDefaultPoints = 300;

private:
    http::ApiResponse history(const http::ApiRequest &request) const;

    const DatabaseState &m_database;
};

} // namespace tf::gateway
