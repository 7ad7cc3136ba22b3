#include "apiparams.h"

#include "core/errors.h"

namespace tf::syncd::api {

namespace {

[[noreturn]] void badParameter(const QString &name, const QString &problem)
{
    throw Error(Error::Kind::BadRequest,
                QStringLiteral("query parameter '%1' %2").arg(name, problem),
                QJsonObject { { QStringLiteral("parameter"), name } });
}

} // namespace

QJsonObject page(const QJsonArray &items, qint64 nextCursor)
{
    return { { QStringLiteral("items"), items },
             { QStringLiteral("next_cursor"),
               nextCursor > 0 ? QJsonValue(nextCursor) : QJsonValue() } };
}

int limitParam(const http::ApiRequest &request, int fallback)
{
    const QString name = QStringLiteral("limit");
    if (!request.query.hasQueryItem(name))
        return fallback;
    bool ok = false;
    const int limit = request.queryValue(name).toInt(&ok);
    if (!ok || limit < 1 || limit > 500)
        badParameter(name, QStringLiteral("must be a number from 1 to 500"));
    return limit;
}

qint64 idQueryParam(const http::ApiRequest &request, const QString &name)
{
    if (!request.query.hasQueryItem(name))
        return 0;
    bool ok = false;
    const qint64 id = request.queryValue(name).toLongLong(&ok);
    if (!ok || id <= 0)
        badParameter(name, QStringLiteral("must be a positive integer id"));
    return id;
}

QDateTime timeQueryParam(const http::ApiRequest &request, const QString &name)
{
    if (!request.query.hasQueryItem(name))
        return {};
    const QDateTime time = QDateTime::fromString(request.queryValue(name), Qt::ISODateWithMs);
    if (!time.isValid())
        badParameter(name, QStringLiteral("must be an ISO 8601 time such as 2025-01-31T02:00:00Z"));
    return time.toUTC();
}

QString choiceQueryParam(const http::ApiRequest &request, const QString &name,
                         const QStringList &choices)
{
    if (!request.query.hasQueryItem(name))
        return {};
    const QString value = request.queryValue(name);
    if (!choices.contains(value))
        badParameter(name,
                     QStringLiteral("must be one of: %1").arg(choices.join(QStringLiteral(", "))));
    return value;
}

QJsonObject optionalBody(const http::ApiRequest &request)
{
    if (request.body.trimmed().isEmpty())
        return {};
    return request.jsonBody();
}

void failField(const QString &message, const QString &field, const QString &problem)
{
    const QJsonObject entry { { QStringLiteral("field"), field },
                              { QStringLiteral("message"), problem } };
    throw Error(Error::Kind::Validation, QStringLiteral("%1: %2 %3").arg(message, field, problem),
                QJsonObject { { QStringLiteral("errors"), QJsonArray { entry } } });
}

} // namespace tf::syncd::api
