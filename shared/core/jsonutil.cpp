#include "jsonutil.h"

#include "errors.h"

#include <QJsonArray>

namespace tf::json {

QJsonObject parseObject(const QByteArray &body)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        throw Error(Error::Kind::BadRequest,
                    QStringLiteral("malformed JSON at offset %1: %2")
                        .arg(parseError.offset)
                        .arg(parseError.errorString()),
                    QJsonObject { { QStringLiteral("offset"), parseError.offset } });
    }
    if (!document.isObject()) {
        throw Error(Error::Kind::BadRequest, QStringLiteral("request body must be a JSON object"));
    }
    return document.object();
}

QByteArray compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QByteArray compact(const QJsonArray &array)
{
    return QJsonDocument(array).toJson(QJsonDocument::Compact);
}

} // namespace tf::json
