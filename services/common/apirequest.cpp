#include "apirequest.h"

#include "core/errors.h"
#include "core/jsonutil.h"

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
        throw Error(Error::Kind::NotFound, QStringLiteral("'%1' is not a valid id").arg(text.left(64)),
                    QJsonObject { { name, text.left(64) } });
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
