#pragma once

#include "resourcepanel.h"

namespace tf::console {

// The users of the gateway (GET /api/users) and what an admin does with them: create, change
// the role, disable or enable, reset the password, delete. Changes carry If-Match; destructive
// ones ask first; a refusal (the last admin, a name taken) shows the gateway's words.
class UsersPanel final : public ResourcePanel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UsersPanel)

public:
    UsersPanel(GatewayClient *client, Permissions *permissions, QWidget *parent = nullptr);

    QAction *createAction() const { return m_create; }
    QAction *roleAction() const { return m_role; }
    QAction *disableAction() const { return m_disable; }
    QAction *resetAction() const { return m_reset; }
    QAction *deleteAction() const { return m_delete; }

public slots:
    void createUser();
    void changeRole();
    void toggleDisabled();
    void resetPassword();
    void deleteUser();

protected:
    void selectionChanged() override;

private:
    void patchUser(const QJsonObject &user, const QJsonObject &change, const QString &done,
                   const QString &what);

    QAction *m_create;
    QAction *m_role;
    QAction *m_disable;
    QAction *m_reset;
    QAction *m_delete;
};

} // namespace tf::console
