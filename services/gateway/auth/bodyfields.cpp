#include "bodyfields.h"

#include "auth/permissions.h"
#include "core/errors.h"

#include <QJsonValue>
#include <cmath>

namespace tf::gateway::fields {

namespace {

[[noreturn]] void bad(const QString &field, const QString &problem)
{
    throw Error(Error::Kind::Validation, QStringLiteral("%1 %2").arg(field, problem),
                QJsonObject { { QStringLiteral("field"), field } });
}

} // namespace

void rejectUnknown(const QJsonObject &body, const QStringList &allowed)
{
    for (auto it = body.constBegin(); it != body.constEnd(); ++it) {
        if (!allowed.contains(it.key())) {
            throw Error(Error::Kind::Validation,
                        QStringLiteral("unknown field '%1' (allowed: %2)")
                            .arg(it.key().left(64), allowed.join(QStringLiteral(", "))),
                        QJsonObject { { QStringLiteral("field"), it.key().left(64) } });
        }
    }
}

QString requiredString(const QJsonObject &body, const QString &field)
{
    if (!body.contains(field))
        bad(field, QStringLiteral("is required"));
    std::optional<QString> value = optionalString(body, field);
    return *value;
}

std::optional<QString> optionalString(const QJsonObject &body, const QString &field)
{
    if (!body.contains(field))
        return std::nullopt;
    const QJsonValue value = body.value(field);
    if (!value.isString())
        bad(field, QStringLiteral("must be a string"));
    return value.toString();
}

std::optional<bool> optionalBool(const QJsonObject &body, const QString &field)
{
    if (!body.contains(field))
        return std::nullopt;
    const QJsonValue value = body.value(field);
    if (!value.isBool())
        bad(field, QStringLiteral("must be true or false"));
    return value.toBool();
}

std::optional<qint64> optionalInteger(const QJsonObject &body, const QString &field, qint64 min,
                                      qint64 max)
{
    if (!body.contains(field) || body.value(field).isNull())
        return std::nullopt;
    const QJsonValue value = body.value(field);
    const double number = value.toDouble();
    if (!value.isDouble() || std::floor(number) != number || number < double(min)
        || number > double(max))
        bad(field, QStringLiteral("must be a whole number from %1 to %2").arg(min).arg(max));
    return qint64(number);
}

QString requiredRole(const QJsonObject &body, const QString &field)
{
    const QString role = requiredString(body, field);
    if (!auth::userRoleNames().contains(role))
        bad(field,
            QStringLiteral("must be one of %1")
                .arg(auth::userRoleNames().join(QStringLiteral(", "))));
    return role;
}

} // namespace tf::gateway::fields
