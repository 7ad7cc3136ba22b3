#pragma once

#include "dialogs/changepassworddialog.h"

#include <QPointer>
#include <QWidget>

class QAction;
class QLabel;

namespace tf::console {

class GatewayClient;
class Permissions;
class Session;
class TokensPanel;
class UsersPanel;

// Users & tokens: the gateway's users and its API tokens, one panel each (admins change them;
// auditors read them; the others see why not), and "Change My Password". Right after a
// sign-in whose user must change the password, the change-password dialog opens before
// anything else, and the page loads nothing until it is done (the gateway refuses anyway);
// passwordChanged() then lets the window reload its pages.
class UsersPage final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UsersPage)

public:
    UsersPage(GatewayClient *client, Session *session, Permissions *permissions,
              QWidget *parent = nullptr);

    UsersPanel *users() const { return m_users; }
    TokensPanel *tokens() const { return m_tokens; }
    QAction *changePasswordAction() const { return m_changePassword; }
    // The change-password dialog while it is open.
    ChangePasswordDialog *passwordDialog() const { return m_dialog; }

public slots:
    void refresh();
    // After Session::signedIn: the forced password change, or a refresh.
    void signedIn();
    void changePassword();

signals:
    void passwordChanged();

private:
    void openPasswordDialog(bool forced);

    GatewayClient *m_client;
    Session *m_session;
    Permissions *m_permissions;
    UsersPanel *m_users;
    TokensPanel *m_tokens;
    QLabel *m_identity;
    QAction *m_changePassword;
    QPointer<ChangePasswordDialog> m_dialog;
};

} // namespace tf::console
