#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <optional>

namespace tf::gateway::fields {

// Typed reads of request body fields for the identity controllers. Each throws
// tf::Error(Validation) naming the field (details.field) when it is missing or of the wrong
// type, so every bad body is a 422 that says which field to fix.
void rejectUnknown(const QJsonObject &body, const QStringList &allowed);
QString requiredString(const QJsonObject &body, const QString &field);
std::optional<QString> optionalString(const QJsonObject &body, const QString &field);
std::optional<bool> optionalBool(const QJsonObject &body, const QString &field);
std::optional<qint64> optionalInteger(const QJsonObject &body, const QString &field, qint64 min,
                                      qint64 max);
// One of admin, operator, auditor, viewer.
QString requiredRole(const QJsonObject &body, const QString &field = QStringLiteral("role"));

} // namespace tf::gateway::fields
