#pragma once

#include "common/apirequest.h"
#include "common/apiresponse.h"

namespace tf::db {
class Database;
}

namespace tf::syncd {

// GET /sync-operations/summary?from=&to=&bucket=hour|day: the operations that finished in
// [from, to) counted per UTC hour or day, succeeded (completed, completed_with_errors) and
// failed, one SQL GROUP BY over sync_operations. Every bucket of the range is listed, empty
// ones with zeros. Defaults: the last 24 hours, by hour. At most 90 days by hour and 366 by
// day; from not before to, or a longer range, is 400 invalid_parameter.
class OperationSummary final
{
public:
    static constexpr qint64 MaxHourBuckets = 90 * 24;
    static constexpr qint64 MaxDayBuckets = 366;

    static http::ApiResponse answer(const db::Database &database, const http::ApiRequest &request);
};

} // namespace tf::syncd
