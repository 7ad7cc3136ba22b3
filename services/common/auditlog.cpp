#include "auditlog.h"

#include "core/errors.h"
#include "db/repositories/auditrepository.h"

#include <QJsonArray>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcAudit, "http.audit")

namespace tf::http {

namespace {

bool isSecretKey(const QString &key)
{
    const QString k = key.toLower();
    static const char *const kNeedles[] = { "password", "secret", "token", "credential", "private_key",
                                            "api_key", "apikey", "passphrase" };
    for (const char *needle : kNeedles) {
        if (k.contains(QLatin1String(needle)))
            return true;
    }
    return k == QLatin1String("key") || k.endsWith(QLatin1String("_key"));
}

QJsonValue redactValue(const QJsonValue &value)
{
    if (value.isObject())
        return redactSecrets(value.toObject());
    if (value.isArray()) {
        QJsonArray array;
        for (const QJsonValue &item : value.toArray())
            array.append(redactValue(item));
        return array;
    }
    return value;
}

} // namespace

QJsonObject redactSecrets(const QJsonObject &object)
{
    QJsonObject redacted;
    for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
        // "key" alone is also a pair's key columns (an array): only string values are secrets.
        const bool bareKey = it.key().compare(QLatin1String("key"), Qt::CaseInsensitive) == 0;
        if (isSecretKey(it.key()) && !it.value().isNull() && !it.value().isBool()
            && (!bareKey || it.value().isString()))
            redacted.insert(it.key(), QStringLiteral("***"));
        else
            redacted.insert(it.key(), redactValue(it.value()));
    }
    return redacted;
}

bool recordAudit(db::Database &database, const QString &actor, const QString &address,
                 const AuditEvent &event, const QString &correlationId)
{
    db::AuditEntry entry;
    entry.eventType = event.eventType;
    entry.severity = event.severity;
    entry.resourceType = event.resourceType;
    entry.resourceId = event.resourceId;
    entry.operationId = event.operationId;
    entry.description = event.description;
    entry.previousState = redactSecrets(event.before);
    entry.newState = redactSecrets(event.after);
    entry.username = actor;
    entry.ipAddress = address;
    entry.correlationId = correlationId;
    try {
        db::AuditRepository(database).append(std::move(entry));
        return true;
    } catch (const Error &error) {
        qCWarning(lcAudit).noquote() << "audit entry" << event.eventType << "not stored:" << error.message();
        return false;
    }
}

bool recordAudit(db::Database &database, const ApiRequest &request, const AuditEvent &event)
{
    db::AuditEntry entry;
    entry.eventType = event.eventType;
    entry.severity = event.severity;
    entry.resourceType = event.resourceType;
    entry.resourceId = event.resourceId;
    entry.operationId = event.operationId;
    entry.description = event.description;
    entry.previousState = redactSecrets(event.before);
    entry.newState = redactSecrets(event.after);
    entry.username = request.caller.username;
    QHostAddress address = request.caller.address.isNull() ? request.remoteAddress : request.caller.address;
    entry.ipAddress = address.isNull() ? QString() : address.toString();
    entry.userAgent = QString::fromUtf8(request.header("user-agent")).left(512);
    entry.correlationId = request.requestId;
    try {
        db::AuditRepository(database).append(std::move(entry));
        return true;
    } catch (const Error &error) {
        qCWarning(lcAudit).noquote() << "audit entry" << event.eventType << "not stored:" << error.message();
        return false;
    }
}

} // namespace tf::http
