#include "apirequest.h"

#include "core/errors.h"
#include "core/jsonutil.h"

#include <QJsonArray>

namespace tf::http {

QString ApiRequest::queryValue(const QString &name) const
{
    return query.queryItemValue(name, QUrl::FullyDecoded);
}

qint64 ApiRequest::idParam(const QString &name) const
{
    const QString text = pathParams.value(name);
    bool ok = false;
    const qint64 id = text.toLongLong(&ok);
    if (!ok || id <= 0) {
        throw Error(Error::Kind::BadRequest, QStringLiteral("invalid_id"),
                    QStringLiteral("'%1' is not a valid id: %2 is a positive integer").arg(text.left(64), name),
                    QJsonObject { { QStringLiteral("errors"),
                                    QJsonArray { QJsonObject { { QStringLiteral("field"), name },
                                                               { QStringLiteral("code"), QStringLiteral("invalid_id") },
                                                               { QStringLiteral("message"), QStringLiteral("not a positive integer") } } } } });
    }
    return id;
}

QJsonObject ApiRequest::jsonBody() const
{
    if (body.trimmed().isEmpty())
        throw Error(Error::Kind::BadRequest, QStringLiteral("request body is empty; a JSON object is required"));
    return json::parseObject(body);
}

} // namespace tf::http
