#include "changepassworddialog.h"

#include "client/gatewayclient.h"
#include "widgets/newpasswordfields.h"

#include <QFormLayout>
#include <QLineEdit>

namespace tf::console {

ChangePasswordDialog::ChangePasswordDialog(GatewayClient *client, const QString &username,
                                           bool forced, QWidget *parent)
    : FormDialog(tr("Change Password"),
                 forced
                     ? tr("<b>%1</b>, your password was set by an administrator. Choose your own "
                          "before anything else: until then the gateway answers nothing but this.")
                           .arg(username.toHtmlEscaped())
                     : tr("A new password for <b>%1</b>. Your other sessions end.")
                           .arg(username.toHtmlEscaped()),
                 tr("Change Password"), parent)
    , m_client(client)
    , m_current(new QLineEdit(this))
    , m_password(nullptr)
{
    setObjectName(QStringLiteral("changePasswordDialog"));
    m_current->setObjectName(QStringLiteral("currentPassword"));
    m_current->setAccessibleName(tr("Current password"));
    m_current->setEchoMode(QLineEdit::Password);
    form()->addRow(tr("&Current password:"), m_current);
    m_password = new NewPasswordFields(form(), this, tr("&New password:"));
    connect(m_current, &QLineEdit::textChanged, this, &ChangePasswordDialog::validate);
    connect(m_password, &NewPasswordFields::changed, this, &ChangePasswordDialog::validate);
    connect(this, &FormDialog::submitted, this, &ChangePasswordDialog::send);
    validate();
}

QString ChangePasswordDialog::problem() const
{
    if (m_current->text().isEmpty())
        return tr("Type your current password.");
    return m_password->problem();
}

void ChangePasswordDialog::send()
{
    setBusy(true);
    const QJsonObject body { { QStringLiteral("current_password"), m_current->text() },
                             { QStringLiteral("new_password"), m_password->password() } };
    m_client->post(QStringLiteral("/api/auth/password"), body, this,
                   [this](const ApiResult &result) {
                       if (!result.ok()) {
                           showError(result.error.message());
                           return;
                       }
                       setBusy(false);
                       emit passwordChanged();
                       accept();
                   });
}

} // namespace tf::console
