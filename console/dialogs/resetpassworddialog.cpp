#include "resetpassworddialog.h"

#include "widgets/newpasswordfields.h"

#include <QCheckBox>
#include <QFormLayout>

namespace tf::console {

ResetPasswordDialog::ResetPasswordDialog(const QString &username, QWidget *parent)
    : FormDialog(tr("Reset Password"),
                 tr("A new password for <b>%1</b>. Their sessions end at once; tell them the new "
                    "password another way.")
                     .arg(username.toHtmlEscaped()),
                 tr("Reset Password"), parent)
    , m_password(nullptr)
    , m_mustChange(new QCheckBox(tr("Must change it at the next sign-in"), this))
{
    setObjectName(QStringLiteral("resetPasswordDialog"));
    m_password = new NewPasswordFields(form(), this, tr("New &password:"));
    m_mustChange->setObjectName(QStringLiteral("mustChange"));
    m_mustChange->setAccessibleName(m_mustChange->text());
    m_mustChange->setChecked(true);
    form()->addRow(QString(), m_mustChange);
    connect(m_password, &NewPasswordFields::changed, this, &ResetPasswordDialog::validate);
    validate();
}

QJsonObject ResetPasswordDialog::body() const
{
    return { { QStringLiteral("password"), m_password->password() },
             { QStringLiteral("must_change_password"), m_mustChange->isChecked() } };
}

QString ResetPasswordDialog::problem() const
{
    return m_password->problem();
}

} // namespace tf::console
