#pragma once

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QPair>

#include <functional>

namespace tf::http {

struct ApiResponse
{
    int status = 200;
    QByteArray body;
    QByteArray contentType = QByteArrayLiteral("application/json");
    QList<QPair<QByteArray, QByteArray>> headers;
    // A streamed body instead of `body`: called for the next chunk whenever the connection can
    // take more, an empty chunk ends it. ApiServer sends it with Transfer-Encoding: chunked
    // and never holds the whole body. A producer that throws closes the connection before
    // the last chunk.
    std::function<QByteArray()> stream;

    static ApiResponse json(const QJsonObject &object, int status = 200);
    static ApiResponse json(const QJsonArray &array, int status = 200);
    static ApiResponse raw(QByteArray body, QByteArray contentType, int status = 200);
    static ApiResponse streamed(std::function<QByteArray()> producer, QByteArray contentType, int status = 200);

    ApiResponse &withHeader(const QByteArray &name, const QByteArray &value)
    {
        headers.append({ name, value });
        return *this;
    }
};

} // namespace tf::http
