#include "errors.h"

namespace tf {

Error::Error(Kind kind, QString message, QJsonObject details)
    : m_kind(kind)
    , m_message(std::move(message))
    , m_details(std::move(details))
    , m_utf8(m_message.toUtf8())
{
}

Error::Error(Kind kind, QString code, QString message, QJsonObject details)
    : m_kind(kind)
    , m_code(std::move(code))
    , m_message(std::move(message))
    , m_details(std::move(details))
    , m_utf8(m_message.toUtf8())
{
}

QString Error::code() const
{
    return m_code.isEmpty() ? codeFor(m_kind) : m_code;
}

QString Error::codeFor(Kind kind)
{
    switch (kind) {
    case Kind::BadRequest: return QStringLiteral("bad_request");
    case Kind::Validation: return QStringLiteral("validation_failed");
    case Kind::Unauthorized: return QStringLiteral("unauthorized");
    case Kind::Forbidden: return QStringLiteral("forbidden");
    case Kind::NotFound: return QStringLiteral("not_found");
    case Kind::MethodNotAllowed: return QStringLiteral("method_not_allowed");
    case Kind::Conflict: return QStringLiteral("conflict");
    case Kind::PreconditionFailed: return QStringLiteral("precondition_failed");
    case Kind::UnsupportedMediaType: return QStringLiteral("unsupported_media_type");
    case Kind::PayloadTooLarge: return QStringLiteral("payload_too_large");
    case Kind::HeadersTooLarge: return QStringLiteral("headers_too_large");
    case Kind::TooManyRequests: return QStringLiteral("rate_limited");
    case Kind::Unavailable: return QStringLiteral("service_unavailable");
    case Kind::Timeout: return QStringLiteral("timeout");
    case Kind::InsufficientStorage: return QStringLiteral("insufficient_storage");
    case Kind::Internal: return QStringLiteral("internal_error");
    }
    return QStringLiteral("internal_error");
}

} // namespace tf
