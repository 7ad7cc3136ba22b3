#pragma once

#include "common/apirequest.h"

#include <QJsonObject>
#include <QString>

// Request helpers of the sync API that the common ones (listquery.h, preconditions.h) do not
// cover.
namespace tf::syncd::api {

// The body as a JSON object; an empty body is {} (for routes whose body is optional).
QJsonObject optionalBody(const http::ApiRequest &request);

// tf::Error(Validation, message, {"errors": [{"field": field, "message": problem}]}): the same
// shape as the definition errors, so clients read one format for every 422.
[[noreturn]] void failField(const QString &message, const QString &field, const QString &problem);

// The version a change must find for the compare-and-set of its UPDATE/DELETE, given the one
// just read: 412 precondition_failed at once when If-Match names none of `current`; then
// `current` when If-Match was given (so a change made since the read is a 412 as well), else
// `fallback` (0: no check, the last writer wins, as before ETags).
qint64 expectedVersion(const http::ApiRequest &request, qint64 current, qint64 fallback = 0);

} // namespace tf::syncd::api
