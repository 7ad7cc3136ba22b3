#include "apiresponse.h"

#include "core/jsonutil.h"

namespace tf::http {

ApiResponse ApiResponse::json(const QJsonObject &object, int status)
{
    ApiResponse response;
    response.status = status;
    response.body = tf::json::compact(object);
    return response;
}

ApiResponse ApiResponse::json(const QJsonArray &array, int status)
{
    ApiResponse response;
    response.status = status;
    response.body = tf::json::compact(array);
    return response;
}

ApiResponse ApiResponse::raw(QByteArray body, QByteArray contentType, int status)
{
    ApiResponse response;
    response.status = status;
    response.body = std::move(body);
    response.contentType = std::move(contentType);
    return response;
}

ApiResponse ApiResponse::streamed(std::function<QByteArray()> producer, QByteArray contentType, int status)
{
    ApiResponse response;
    response.status = status;
    response.stream = std::move(producer);
    response.contentType = std::move(contentType);
    return response;
}

} // namespace tf::http
