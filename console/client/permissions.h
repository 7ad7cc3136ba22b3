#pragma once

#include <QObject>
#include <QPointer>
#include <QSet>
#include <QString>
#include <QStringList>

class QAbstractButton;
class QAction;
class QJsonObject;

namespace tf::console {

class GatewayClient;

// What the signed-in caller may do, from GET /api/auth/me's "permissions". Controls bound to
// a permission are disabled, with a tooltip naming the roles that hold it, when the caller
// lacks it. The gateway stays the authority: this only spares the user a 403.
class Permissions final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Permissions)

public:
    explicit Permissions(QObject *parent = nullptr);

    // Reads /api/auth/me; changed() follows.
    void load(GatewayClient *client);
    void setFromMe(const QJsonObject &me);
    void clear();

    QString role() const { return m_role; }
    QString username() const { return m_username; }
    bool has(const QString &permission) const { return m_permissions.contains(permission); }
    // The user roles holding permission ("operator, admin"), from the table the gateway uses.
    static QStringList rolesWith(const QString &permission);

    // Keeps the control's enabled state and tooltip in step with the caller's permissions.
    void bind(QAction *action, const QString &permission);
    void bind(QAbstractButton *button, const QString &permission);

signals:
    void changed();
    void loadFailed(const QString &message);

private:
    void apply();
    QString refusal(const QString &permission) const;

    struct Binding
    {
        QPointer<QObject> control;
        QString permission;
        QString tooltip; // the control's own tooltip, restored when allowed
    };
    QList<Binding> m_bindings;
    QSet<QString> m_permissions;
    QString m_role;
    QString m_username;
};

} // namespace tf::console
