#pragma once

#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QJsonObject>
#include <QString>
#include <QUrlQuery>

#include <optional>

namespace tf::http {

// A plain request as controllers see it: no QHttpServer types, so controllers are tested
// without sockets.
struct ApiRequest
{
    QByteArray method;                      // "GET", "POST", ...
    QString path;                           // decoded path, no query
    QUrlQuery query;
    QHash<QByteArray, QByteArray> headers;  // lower-case names
    QByteArray body;
    QHostAddress remoteAddress;
    QString requestId;
    QHash<QString, QString> pathParams;     // from <name> segments of the route

    QByteArray header(const QByteArray &name) const { return headers.value(name.toLower()); }
    QString queryValue(const QString &name) const;
    // Path parameter as a positive integer id; throws tf::Error(NotFound) when it is not one.
    qint64 idParam(const QString &name = QStringLiteral("id")) const;
    // Body as a JSON object; throws tf::Error(BadRequest) naming the parse error and offset.
    QJsonObject jsonBody() const;
};

} // namespace tf::http
