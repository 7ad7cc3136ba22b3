#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

namespace tf::gateway::fields {

// Typed reads of a request body for the gateway's admin routes. A BodyCheck reads the whole
// body and records every problem ({field, code, message}); finish() then throws one
// tf::Error(Validation, "validation_failed") whose errors list them all, so a client fixes
// its body in one round trip (docs/api-conventions.md). A read with a problem returns the
// empty value; nothing is used before finish() has passed.
class BodyCheck final
{
public:
    explicit BodyCheck(QJsonObject body)
        : m_body(std::move(body))
    { }

    const QJsonObject &body() const { return m_body; }

    // Every member not in `allowed` is a problem ("unknown_field").
    void allowOnly(const QStringList &allowed);
    QString requiredString(const QString &field);
    std::optional<QString> optionalString(const QString &field);
    bool requiredBool(const QString &field);
    std::optional<bool> optionalBool(const QString &field);
    std::optional<qint64> optionalInteger(const QString &field, qint64 min, qint64 max);
    // One of admin, operator, auditor, viewer.
    QString requiredRole(const QString &field = QStringLiteral("role"));
    // Runs a validator that throws tf::Error (e.g. auth::validatePassword) and records its
    // message as a problem of `field` instead of letting it end the check.
    void validate(const QString &field, const std::function<void()> &validator);

    void problem(const QString &field, const QString &code, const QString &message);
    bool hasProblem(const QString &field) const;
    bool passed() const { return m_problems.isEmpty(); }
    // Throws tf::Error(Validation) listing every problem; nothing when there is none.
    void finish() const;

private:
    QJsonObject m_body;
    QJsonArray m_problems;
};

} // namespace tf::gateway::fields
