#include "errorresponse.h"

#include "core/redact.h"

namespace tf::http {

int statusFor(Error::Kind kind)
{
    switch (kind) {
    case Error::Kind::BadRequest: return 400;
    case Error::Kind::Unauthorized: return 401;
    case Error::Kind::Forbidden: return 403;
    case Error::Kind::NotFound: return 404;
    case Error::Kind::MethodNotAllowed: return 405;
    case Error::Kind::Conflict: return 409;
    case Error::Kind::PayloadTooLarge: return 413;
    case Error::Kind::Validation: return 422;
    case Error::Kind::TooManyRequests: return 429;
    case Error::Kind::HeadersTooLarge: return 431;
    case Error::Kind::Internal: return 500;
    case Error::Kind::Unavailable: return 503;
    case Error::Kind::Timeout: return 504;
    }
    return 500;
}

ApiResponse errorResponse(const Error &error, const QString &requestId)
{
    QJsonObject body {
        { QStringLiteral("code"), error.code() },
        { QStringLiteral("message"), redactSecrets(error.message()) },
        { QStringLiteral("details"), error.details() },
    };
    if (!requestId.isEmpty())
        body.insert(QStringLiteral("request_id"), requestId);
    return ApiResponse::json(QJsonObject { { QStringLiteral("error"), body } }, statusFor(error.kind()));
}

} // namespace tf::http
