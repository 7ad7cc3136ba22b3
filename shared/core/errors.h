#pragma once

#include <QJsonObject>
#include <QString>

#include <exception>

namespace tf {

// The one typed error of the platform. Raised anywhere below the HTTP layer; the services map
// it to a status and a JSON body in exactly one function (services/common/errorresponse.cpp).
class Error final : public std::exception
{
public:
    enum class Kind {
        BadRequest,       // malformed input (unparsable JSON, bad query parameter)
        Validation,       // well-formed input that breaks a rule (names the field)
        Unauthorized,     // missing or invalid credentials
        Forbidden,        // authenticated, not allowed
        NotFound,         // unknown route or resource id
        MethodNotAllowed, // route exists, method does not
        Conflict,         // state forbids the change (running operation, duplicate name)
        PreconditionFailed,   // If-Match names another version of the resource (HTTP 412)
        UnsupportedMediaType, // a body in a format the route does not take (HTTP 415)
        PayloadTooLarge,  // body over the configured limit
        HeadersTooLarge,  // header block or URL over the configured limit
        TooManyRequests,  // rate limited
        Unavailable,      // a dependency (database, tf-syncd) cannot be reached
        Timeout,          // a dependency did not answer in time
        InsufficientStorage, // a database or file system is full or read-only (HTTP 507)
        Internal,         // a bug or an unexpected state; message is safe to show
    };

    Error(Kind kind, QString message, QJsonObject details = {});
    // With a specific, stable code instead of the kind's generic one ("name_taken",
    // "in_use", "operation_queued", ...). Every such code is listed in docs/api-conventions.md
    // and the OpenAPI file's ProblemCode enum.
    Error(Kind kind, QString code, QString message, QJsonObject details);

    Kind kind() const { return m_kind; }
    const QString &message() const { return m_message; }
    const QJsonObject &details() const { return m_details; }
    // Stable machine-readable code, e.g. "not_found", used in API bodies and CLI lines.
    QString code() const;
    const char *what() const noexcept override { return m_utf8.constData(); }

    static QString codeFor(Kind kind);

private:
    Kind m_kind;
    QString m_code; // empty: codeFor(m_kind)
    QString m_message;
    QJsonObject m_details;
    QByteArray m_utf8;
};

} // namespace tf
