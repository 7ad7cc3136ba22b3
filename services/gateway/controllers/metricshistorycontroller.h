#pragma once

#include "common/router.h"

#include <QStringList>

namespace tf {
class DatabaseState;
}

namespace tf::gateway {

// GET /api/metrics/history?metric=&created_after=&created_before=&step=[&node=]: a metric of
// system_metrics (what tf-syncd's collector samples: knownMetrics(); another name is a 400
// listing them) downsampled by the database into step-wide buckets (average, minimum,
// maximum, samples). The list envelope: {"items": [series...], "next_cursor": null}, one
// series {metric, node, labels, step, from, to, points} per node and label set, for charts.
// Defaults: the last hour, a step giving at most 300 points; at most 10,000 buckets.
class MetricsHistoryController final
{
public:
    explicit MetricsHistoryController(const DatabaseState &database);
    void registerRoutes(http::Router &router);

    static constexpr int kMaxBuckets = 10000;
    static constexpr int kDefaultPoints = 300;
    static const QStringList &knownMetrics();

private:
    http::ApiResponse history(const http::ApiRequest &request) const;

    const DatabaseState &m_database;
};

} // namespace tf::gateway
