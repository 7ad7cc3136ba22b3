#pragma once

#include <QDialog>

class QCheckBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QProgressBar;

namespace tf::console {

class Session;

// Sign in to the gateway: user name and password, "Remember me" (the token in the system
// keychain; disabled with the reason as tooltip when no keychain answers, hidden when built
// without one), an error line, a busy bar while the gateway answers. Accepts once signed in.
class LoginDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LoginDialog)

public:
    LoginDialog(Session *session, const QString &gateway, const QString &reason, QWidget *parent = nullptr);

    void setUsername(const QString &username);

private:
    void setUpRemember();
    void submit();
    void setBusy(bool busy);

    Session *m_session;
    QLineEdit *m_username;
    QLineEdit *m_password;
    QCheckBox *m_remember;
    QLabel *m_message;
    QProgressBar *m_busy;
    QDialogButtonBox *m_buttons;
};

} // namespace tf::console
