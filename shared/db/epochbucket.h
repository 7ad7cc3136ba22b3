#pragma once

#include "dialect.h"

#include <QString>

namespace tf::db {

// An SQL expression of whole seconds since the epoch of a timestamp column, divided by a step
// bound as the expression's one `?`: the number of the step-long bucket the row falls in
// (bucket * step is its start). `column` is a constant of the caller, never input.
inline QString epochBucketSql(const Dialect &dialect, const QString &column)
{
    return dialect.isPostgres() ? QStringLiteral("CAST(FLOOR(EXTRACT(EPOCH FROM %1) / ?) AS BIGINT)").arg(column)
                                : QStringLiteral("(CAST(strftime('%s', %1) AS INTEGER) / ?)").arg(column);
}

} // namespace tf::db
