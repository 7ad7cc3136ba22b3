#include "bodyfields.h"

#include "auth/permissions.h"
#include "core/errors.h"

#include <QJsonValue>
#include <cmath>

namespace tf::gateway::fields {

void BodyCheck::problem(const QString &field, const QString &code, const QString &message)
{
    m_problems.append(QJsonObject { { QStringLiteral("field"), field.left(64) },
                                    { QStringLiteral("code"), code },
                                    { QStringLiteral("message"), message } });
}

bool BodyCheck::hasProblem(const QString &field) const
{
    for (const QJsonValue &problem : m_problems) {
        if (problem.toObject().value(QStringLiteral("field")).toString() == field)
            return true;
    }
    return false;
}

void BodyCheck::finish() const
{
    if (m_problems.isEmpty())
        return;
    QStringList messages;
    for (const QJsonValue &value : m_problems) {
        const QJsonObject problem = value.toObject();
        messages << QStringLiteral("%1: %2").arg(problem.value(QStringLiteral("field")).toString(),
                                                 problem.value(QStringLiteral("message")).toString());
    }
    throw Error(Error::Kind::Validation, QStringLiteral("validation_failed"),
                QStringLiteral("the body has %1 problem(s): %2").arg(m_problems.size()).arg(messages.join(QStringLiteral("; "))),
                QJsonObject { { QStringLiteral("errors"), m_problems } });
}

void BodyCheck::allowOnly(const QStringList &allowed)
{
    for (auto it = m_body.constBegin(); it != m_body.constEnd(); ++it) {
        if (!allowed.contains(it.key()))
            problem(it.key(), QStringLiteral("unknown_field"),
                    QStringLiteral("unknown field (allowed: %1)").arg(allowed.join(QStringLiteral(", "))));
    }
}

QString BodyCheck::requiredString(const QString &field)
{
    if (!m_body.contains(field) || m_body.value(field).isNull()) {
        problem(field, QStringLiteral("required"), QStringLiteral("is required"));
        return {};
    }
    return optionalString(field).value_or(QString());
}

std::optional<QString> BodyCheck::optionalString(const QString &field)
{
    if (!m_body.contains(field))
        return std::nullopt;
    const QJsonValue value = m_body.value(field);
    if (!value.isString()) {
        problem(field, QStringLiteral("invalid_type"), QStringLiteral("must be a string"));
        return std::nullopt;
    }
    return value.toString();
}

bool BodyCheck::requiredBool(const QString &field)
{
    if (!m_body.contains(field) || m_body.value(field).isNull()) {
        problem(field, QStringLiteral("required"), QStringLiteral("is required (true or false)"));
        return false;
    }
    return optionalBool(field).value_or(false);
}

std::optional<bool> BodyCheck::optionalBool(const QString &field)
{
    if (!m_body.contains(field))
        return std::nullopt;
    const QJsonValue value = m_body.value(field);
    if (!value.isBool()) {
        problem(field, QStringLiteral("invalid_type"), QStringLiteral("must be true or false"));
        return std::nullopt;
    }
    return value.toBool();
}

std::optional<qint64> BodyCheck::optionalInteger(const QString &field, qint64 min, qint64 max)
{
    if (!m_body.contains(field) || m_body.value(field).isNull())
        return std::nullopt;
    const QJsonValue value = m_body.value(field);
    const double number = value.toDouble();
    if (!value.isDouble() || std::floor(number) != number || number < double(min) || number > double(max)) {
        problem(field, QStringLiteral("out_of_range"), QStringLiteral("must be a whole number from %1 to %2").arg(min).arg(max));
        return std::nullopt;
    }
    return qint64(number);
}

QString BodyCheck::requiredRole(const QString &field)
{
    const QString role = requiredString(field);
    if (!hasProblem(field) && !auth::userRoleNames().contains(role)) {
        problem(field, QStringLiteral("invalid_choice"),
                QStringLiteral("must be one of %1").arg(auth::userRoleNames().join(QStringLiteral(", "))));
        return {};
    }
    return role;
}

void BodyCheck::validate(const QString &field, const std::function<void()> &validator)
{
    if (hasProblem(field))
        return;
    try {
        validator();
    } catch (const Error &error) {
        problem(field, QStringLiteral("invalid"), error.message());
    }
}

} // namespace tf::gateway::fields
