#pragma once

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QPair>

namespace tf::http {

struct ApiResponse
{
    int status = 200;
    QByteArray body;
    QByteArray contentType = QByteArrayLiteral("application/json");
    QList<QPair<QByteArray, QByteArray>> headers;

    static ApiResponse json(const QJsonObject &object, int status = 200);
    static ApiResponse json(const QJsonArray &array, int status = 200);
    static ApiResponse raw(QByteArray body, QByteArray contentType, int status = 200);

    ApiResponse &withHeader(const QByteArray &name, const QByteArray &value)
    {
        headers.append({ name, value });
        return *this;
    }
};

} // namespace tf::http
