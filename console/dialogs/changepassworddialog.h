#pragma once

#include "formdialog.h"

class QLineEdit;

namespace tf::console {

class GatewayClient;
class NewPasswordFields;

// Change one's own password (POST /api/auth/password): the current one and the new one typed
// twice. forced: the gateway holds the session back until it is done (must_change_password),
// which the intro says. Accepts when the gateway took it; a refusal (wrong current password,
// too short) shows the gateway's words and the dialog stays open.
class ChangePasswordDialog final : public FormDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ChangePasswordDialog)

public:
    ChangePasswordDialog(GatewayClient *client, const QString &username, bool forced,
                         QWidget *parent = nullptr);

signals:
    void passwordChanged();

protected:
    QString problem() const override;

private:
    void send();

    GatewayClient *m_client;
    QLineEdit *m_current;
    NewPasswordFields *m_password;
};

} // namespace tf::console
