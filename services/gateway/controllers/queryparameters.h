#pragma once

#include "common/apirequest.h"

#include <QDateTime>
#include <QStringList>

// Query parameters of the audit, changes and metrics history routes. Every malformed value
// is tf::Error(BadRequest) with a message naming the parameter and details.parameter set, so
// a client always learns which parameter to fix (HTTP 400, never 500).
namespace tf::gateway::query {

[[noreturn]] void badParameter(const QString &name, const QString &problem);

// Refuses parameters the route does not know (a typo would otherwise silently not filter).
void allowOnly(const http::ApiRequest &request, const QStringList &names);

// ISO 8601 with a zone (2025-01-31T02:00:00Z, +01:00) or a date (midnight UTC); invalid when
// absent.
QDateTime time(const http::ApiRequest &request, const QString &name);
// An integer in [minimum, maximum]; fallback when absent.
qint64 integer(const http::ApiRequest &request, const QString &name, qint64 minimum, qint64 maximum,
               qint64 fallback);
// Text up to maxLength characters; empty when absent. An empty value given is refused.
QString text(const http::ApiRequest &request, const QString &name, int maxLength = 200);
// One of choices; empty when absent.
QString choice(const http::ApiRequest &request, const QString &name, const QStringList &choices);

} // namespace tf::gateway::query
