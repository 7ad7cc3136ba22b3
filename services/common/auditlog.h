#pragma once

#include "apirequest.h"

#include <QJsonObject>
#include <QString>

namespace tf::db {
class Database;
}

namespace tf::http {

// One change to record in the audit trail, as a controller describes it. The actor, address,
// user agent and correlation id come from the request (ApiRequest::caller and X-Request-Id).
struct AuditEvent
{
    QString eventType;     // e.g. "auth.login", "sync_pair.updated", "user.created"
    QString severity = QStringLiteral("info"); // info, warning, error, critical
    QString resourceType;  // e.g. "sync_pair", "user", "token"
    QString resourceId;
    qint64 operationId = 0;
    QString description;
    QJsonObject before;    // previous state; secrets are redacted before storing
    QJsonObject after;     // new state; secrets are redacted before storing
};

// Appends the event to the audit trail (hash-chained) with the caller's identity. Never
// throws: a failure to write the audit entry is logged as a warning (the change itself has
// already happened) and returns false.
bool recordAudit(db::Database &database, const ApiRequest &request, const AuditEvent &event);

// The same, for callers without an HTTP request (tfctl, the scheduler): actor given directly.
bool recordAudit(db::Database &database, const QString &actor, const QString &address,
                 const AuditEvent &event, const QString &correlationId = QString());

// Replaces the values of secret-looking keys (password, secret, token, credentials, key,
// private_key, api_key...) at any depth with "***".
QJsonObject redactSecrets(const QJsonObject &object);

} // namespace tf::http
