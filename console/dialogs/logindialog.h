#pragma once

#include <QDialog>

class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QProgressBar;

namespace tf::console {

class Session;

// Sign in to the gateway: user name and password, an error line, a busy bar while the
// gateway answers. Accepts once the session is signed in.
class LoginDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LoginDialog)

public:
    LoginDialog(Session *session, const QString &gateway, const QString &reason, QWidget *parent = nullptr);

    void setUsername(const QString &username);

private:
    void submit();
    void setBusy(bool busy);

    Session *m_session;
    QLineEdit *m_username;
    QLineEdit *m_password;
    QLabel *m_message;
    QProgressBar *m_busy;
    QDialogButtonBox *m_buttons;
};

} // namespace tf::console
