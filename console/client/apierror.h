#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>

namespace tf::console {

// One problem of a 400/422 answer: the JSON path or query parameter it names.
struct ApiFieldError
{
    QString field;
    QString code;
    QString message;
};

// The console's one error type: an RFC 9457 problem details answer of the gateway, or a
// transport failure (status 0, code "unreachable", "client_timeout" or "tls_error"). Pages show
// message() and look at code; they never parse bodies themselves.
struct ApiError
{
    int status = 0;
    QString code;     // the gateway's stable code: "validation_failed", "forbidden", ...
    QString title;
    QString detail;
    QString instance; // the request id, for the audit trail and the logs
    QList<ApiFieldError> errors;
    QJsonObject problem; // the whole body, for code-specific members (current_etag, ...)

    bool isError() const { return !code.isEmpty(); }
    // One sentence for a person: the detail, else the title, else the code.
    QString message() const;
    // The message of the field error naming field, or empty.
    QString messageFor(const QString &field) const;

    static ApiError fromProblem(int status, const QJsonObject &body);
    static ApiError transport(const QString &code, const QString &message);
};

} // namespace tf::console
