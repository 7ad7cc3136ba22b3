#include "errorresponse.h"

#include "core/redact.h"

#include <QJsonArray>

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
    case Error::Kind::PreconditionFailed: return 412;
    case Error::Kind::PayloadTooLarge: return 413;
    case Error::Kind::UnsupportedMediaType: return 415;
    case Error::Kind::Validation: return 422;
    case Error::Kind::TooManyRequests: return 429;
    case Error::Kind::HeadersTooLarge: return 431;
    case Error::Kind::Internal: return 500;
    case Error::Kind::Unavailable: return 503;
    case Error::Kind::Timeout: return 504;
    // 507 rather than 503: nothing is down, and a retry only helps once space is freed, which
    // needs a person; RFC 4918 §11.5 names exactly this condition (docs/api-conventions.md).
    case Error::Kind::InsufficientStorage: return 507;
    }
    return 500;
}

QString problemTitle(int status)
{
    switch (status) {
    case 400: return QStringLiteral("Bad Request");
    case 401: return QStringLiteral("Unauthorized");
    case 403: return QStringLiteral("Forbidden");
    case 404: return QStringLiteral("Not Found");
    case 405: return QStringLiteral("Method Not Allowed");
    case 409: return QStringLiteral("Conflict");
    case 412: return QStringLiteral("Precondition Failed");
    case 413: return QStringLiteral("Content Too Large");
    case 414: return QStringLiteral("URI Too Long");
    case 415: return QStringLiteral("Unsupported Media Type");
    case 422: return QStringLiteral("Unprocessable Content");
    case 429: return QStringLiteral("Too Many Requests");
    case 431: return QStringLiteral("Request Header Fields Too Large");
    case 503: return QStringLiteral("Service Unavailable");
    case 504: return QStringLiteral("Gateway Timeout");
    case 507: return QStringLiteral("Insufficient Storage");
    default: return QStringLiteral("Internal Server Error");
    }
}

namespace {

// Every validation problem as {"field", "code", "message"}: from details.errors (the
// definition validators), or the single details.field / details.parameter older callers give.
QJsonArray problemErrors(const Error &error, const QString &detail)
{
    QJsonArray errors;
    const QJsonObject &details = error.details();
    for (const QJsonValue &value : details.value(QStringLiteral("errors")).toArray()) {
        QJsonObject entry = value.toObject();
        if (entry.value(QStringLiteral("code")).toString().isEmpty())
            entry.insert(QStringLiteral("code"), QStringLiteral("invalid"));
        entry.insert(QStringLiteral("message"), redactSecrets(entry.value(QStringLiteral("message")).toString()));
        errors.append(entry);
    }
    if (!errors.isEmpty())
        return errors;
    for (const QString &key : { QStringLiteral("field"), QStringLiteral("parameter") }) {
        const QString field = details.value(key).toString();
        if (!field.isEmpty()) {
            errors.append(QJsonObject { { QStringLiteral("field"), field },
                                        { QStringLiteral("code"), error.code() },
                                        { QStringLiteral("message"), detail } });
        }
    }
    return errors;
}

} // namespace

ApiResponse errorResponse(const Error &error, const QString &requestId)
{
    const QString detail = redactSecrets(error.message());
    QJsonObject extensions = error.details();
    extensions.remove(QStringLiteral("errors"));
    return problemResponse(statusFor(error.kind()), error.code(), detail, requestId, extensions,
                           problemErrors(error, detail));
}

ApiResponse problemResponse(int status, const QString &code, const QString &detail,
                            const QString &requestId, const QJsonObject &extensions,
                            const QJsonArray &errors)
{
    // Extension members first, so the standard members below always win.
    QJsonObject body = extensions;
    body.insert(QStringLiteral("type"), QString(QStringLiteral("urn:terrafusion:problem:") + code));
    body.insert(QStringLiteral("title"), problemTitle(status));
    body.insert(QStringLiteral("status"), status);
    body.insert(QStringLiteral("detail"), detail);
    body.insert(QStringLiteral("code"), code);
    if (!requestId.isEmpty())
        body.insert(QStringLiteral("instance"), requestId);
    if (!errors.isEmpty() || status == 422 || status == 400)
        body.insert(QStringLiteral("errors"), errors);
    ApiResponse response = ApiResponse::json(body, status);
    response.contentType = QByteArrayLiteral("application/problem+json");
    return response;
}

} // namespace tf::http
