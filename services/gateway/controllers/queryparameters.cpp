#include "queryparameters.h"

#include "core/errors.h"

#include <QJsonObject>
#include <QTimeZone>

namespace tf::gateway::query {

void badParameter(const QString &name, const QString &problem)
{
    throw Error(Error::Kind::BadRequest, QStringLiteral("query parameter '%1' %2").arg(name.left(64), problem),
                QJsonObject { { QStringLiteral("parameter"), name.left(64) } });
}

void allowOnly(const http::ApiRequest &request, const QStringList &names)
{
    const auto items = request.query.queryItems(QUrl::FullyDecoded);
    for (const auto &item : items) {
        if (!names.contains(item.first))
            badParameter(item.first, QStringLiteral("is not known here; known: %1").arg(names.join(QStringLiteral(", "))));
    }
    for (const QString &name : names) {
        if (request.query.allQueryItemValues(name).size() > 1)
            badParameter(name, QStringLiteral("is given more than once"));
    }
}

QDateTime time(const http::ApiRequest &request, const QString &name)
{
    if (!request.query.hasQueryItem(name))
        return {};
    const QString value = request.queryValue(name).trimmed();
    QDateTime parsed;
    if (value.size() == 10) { // a date: midnight UTC
        const QDate date = QDate::fromString(value, Qt::ISODate);
        if (date.isValid())
            parsed = QDateTime(date, QTime(0, 0), QTimeZone::utc());
    } else {
        parsed = QDateTime::fromString(value, Qt::ISODateWithMs);
        // A time without a zone would be read as the gateway's local time: refuse it.
        if (parsed.isValid() && parsed.timeSpec() == Qt::LocalTime)
            parsed = {};
    }
    if (!parsed.isValid())
        badParameter(name, QStringLiteral("must be an ISO 8601 time with a zone, such as 2025-01-31T02:00:00Z, "
                                          "or a date such as 2025-01-31"));
    return parsed.toUTC();
}

qint64 integer(const http::ApiRequest &request, const QString &name, qint64 minimum, qint64 maximum, qint64 fallback)
{
    if (!request.query.hasQueryItem(name))
        return fallback;
    bool ok = false;
    const qint64 value = request.queryValue(name).trimmed().toLongLong(&ok);
    if (!ok || value < minimum || value > maximum)
        badParameter(name, QStringLiteral("must be an integer from %1 to %2").arg(minimum).arg(maximum));
    return value;
}

QString text(const http::ApiRequest &request, const QString &name, int maxLength)
{
    if (!request.query.hasQueryItem(name))
        return {};
    const QString value = request.queryValue(name);
    if (value.isEmpty())
        badParameter(name, QStringLiteral("is empty; leave it out to not filter"));
    if (value.size() > maxLength)
        badParameter(name, QStringLiteral("is longer than %1 characters").arg(maxLength));
    return value;
}

QString choice(const http::ApiRequest &request, const QString &name, const QStringList &choices)
{
    if (!request.query.hasQueryItem(name))
        return {};
    const QString value = request.queryValue(name);
    if (!choices.contains(value))
        badParameter(name, QStringLiteral("must be one of: %1").arg(choices.join(QStringLiteral(", "))));
    return value;
}

} // namespace tf::gateway::query
