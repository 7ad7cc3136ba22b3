#pragma once

#include "common/apirequest.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QStringList>

namespace tf::syncd::api {

// The list envelope every list route answers with: {"items": [...], "next_cursor": <id> or null}.
// next_cursor is the value to pass as ?cursor= for the next page; null on the last page.
QJsonObject page(const QJsonArray &items, qint64 nextCursor = 0);

// Query parameters. A malformed one is tf::Error(BadRequest) naming the parameter in
// details.parameter; an absent one yields the fallback.
int limitParam(const http::ApiRequest &request, int fallback = 50); // 1..500
qint64 idQueryParam(const http::ApiRequest &request, const QString &name); // positive id or 0
QDateTime timeQueryParam(const http::ApiRequest &request, const QString &name); // ISO 8601
QString choiceQueryParam(const http::ApiRequest &request, const QString &name,
                         const QStringList &choices);

// The body as a JSON object; an empty body is {} (for routes whose body is optional).
QJsonObject optionalBody(const http::ApiRequest &request);

// tf::Error(Validation, message, {"errors": [{"field": field, "message": problem}]}): the same
// shape as the definition errors, so clients read one format for every 422.
[[noreturn]] void failField(const QString &message, const QString &field, const QString &problem);

} // namespace tf::syncd::api
