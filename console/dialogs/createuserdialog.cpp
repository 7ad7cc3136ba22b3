#include "createuserdialog.h"

#include "widgets/newpasswordfields.h"
#include "widgets/rolecombo.h"

#include <QCheckBox>
#include <QFormLayout>
#include <QLineEdit>

namespace tf::console {

CreateUserDialog::CreateUserDialog(QWidget *parent)
    : FormDialog(tr("New User"),
                 tr("A local account for one person. Give them the least role they need."),
                 tr("Create User"), parent)
    , m_username(new QLineEdit(this))
    , m_role(new RoleCombo(this))
    , m_password(nullptr)
    , m_mustChange(new QCheckBox(tr("Must change the password at first sign-in"), this))
{
    setObjectName(QStringLiteral("createUserDialog"));
    m_username->setObjectName(QStringLiteral("username"));
    m_username->setAccessibleName(tr("User name"));
    m_username->setMaxLength(64);
    m_role->setObjectName(QStringLiteral("role"));
    m_mustChange->setObjectName(QStringLiteral("mustChange"));
    m_mustChange->setAccessibleName(m_mustChange->text());
    m_mustChange->setChecked(true);
    form()->addRow(tr("&User name:"), m_username);
    form()->addRow(tr("R&ole:"), m_role);
    m_password = new NewPasswordFields(form(), this, tr("Initial &password:"));
    form()->addRow(QString(), m_mustChange);
    connect(m_username, &QLineEdit::textChanged, this, &CreateUserDialog::validate);
    connect(m_password, &NewPasswordFields::changed, this, &CreateUserDialog::validate);
    validate();
}

QJsonObject CreateUserDialog::body() const
{
    return { { QStringLiteral("username"), m_username->text().trimmed() },
             { QStringLiteral("role"), m_role->role() },
             { QStringLiteral("password"), m_password->password() },
             { QStringLiteral("must_change_password"), m_mustChange->isChecked() } };
}

QString CreateUserDialog::problem() const
{
    if (m_username->text().trimmed().isEmpty())
        return tr("Type a user name.");
    return m_password->problem();
}

} // namespace tf::console
