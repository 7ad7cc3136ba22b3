#include "permissions.h"

#include "gatewayclient.h"

#include "auth/permissions.h"

#include <QAbstractButton>
#include <QAction>
#include <QJsonArray>
#include <QJsonObject>

#include <algorithm>

namespace tf::console {

Permissions::Permissions(QObject *parent)
    : QObject(parent)
{ }

void Permissions::load(GatewayClient *client)
{
    client->get(QStringLiteral("/api/auth/me"), this, [this](const ApiResult &result) {
        if (!result.ok()) {
            clear();
            emit loadFailed(result.error.message());
            return;
        }
        setFromMe(result.object());
    });
}

void Permissions::setFromMe(const QJsonObject &me)
{
    m_permissions.clear();
    for (const QJsonValue &value : me.value(QStringLiteral("permissions")).toArray())
        m_permissions.insert(value.toString());
    m_role = me.value(QStringLiteral("role")).toString();
    m_username = me.value(QStringLiteral("username")).toString();
    apply();
    emit changed();
}

void Permissions::clear()
{
    m_permissions.clear();
    m_role.clear();
    m_username.clear();
    apply();
    emit changed();
}

QStringList Permissions::rolesWith(const QString &permission)
{
    for (const auth::Permission candidate : auth::allPermissions()) {
        if (auth::permissionName(candidate) == permission) {
            QStringList roles = auth::rolesAllowed(candidate);
            roles.removeAll(QStringLiteral("service"));
            return roles;
        }
    }
    return {};
}

QString Permissions::refusal(const QString &permission) const
{
    const QStringList roles = rolesWith(permission);
    if (roles.isEmpty())
        return tr("Your role (%1) may not do this.").arg(m_role.isEmpty() ? tr("not signed in") : m_role);
    return tr("Needs %1 (the role %2); you are signed in as %3.")
            .arg(permission, roles.join(tr(" or ")), m_role.isEmpty() ? tr("nobody") : m_role);
}

void Permissions::bind(QAction *action, const QString &permission)
{
    m_bindings.append({ action, permission, action->toolTip() == action->text().remove(QLatin1Char('&')) ? QString() : action->toolTip() });
    apply();
}

void Permissions::bind(QAbstractButton *button, const QString &permission)
{
    m_bindings.append({ button, permission, button->toolTip() });
    apply();
}

void Permissions::apply()
{
    m_bindings.erase(std::remove_if(m_bindings.begin(), m_bindings.end(), [](const Binding &b) { return !b.control; }),
                     m_bindings.end());
    for (const Binding &binding : std::as_const(m_bindings)) {
        const bool allowed = has(binding.permission);
        const QString tip = allowed ? binding.tooltip : refusal(binding.permission);
        if (auto *action = qobject_cast<QAction *>(binding.control)) {
            action->setEnabled(allowed);
            action->setToolTip(tip);
        } else if (auto *button = qobject_cast<QAbstractButton *>(binding.control)) {
            button->setEnabled(allowed);
            button->setToolTip(tip);
        }
    }
}

} // namespace tf::console
