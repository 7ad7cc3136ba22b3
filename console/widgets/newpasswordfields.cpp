#include "newpasswordfields.h"

#include <QFormLayout>
#include <QLineEdit>

namespace tf::console {

NewPasswordFields::NewPasswordFields(QFormLayout *form, QWidget *parent, const QString &label)
    : QObject(parent)
    , m_password(new QLineEdit(parent))
    , m_confirm(new QLineEdit(parent))
{
    m_password->setObjectName(QStringLiteral("newPassword"));
    m_confirm->setObjectName(QStringLiteral("confirmPassword"));
    m_password->setAccessibleName(label);
    m_confirm->setAccessibleName(tr("Repeat the password"));
    for (QLineEdit *edit : { m_password, m_confirm }) {
        edit->setEchoMode(QLineEdit::Password);
        edit->setMaxLength(256);
        connect(edit, &QLineEdit::textChanged, this, &NewPasswordFields::changed);
    }
    m_password->setPlaceholderText(tr("at least 12 characters"));
    form->addRow(label, m_password);
    form->addRow(tr("&Repeat:"), m_confirm);
}

QString NewPasswordFields::password() const
{
    return m_password->text();
}

QString NewPasswordFields::problem() const
{
    if (m_password->text().isEmpty())
        return tr("Type the new password twice.");
    if (m_password->text() != m_confirm->text())
        return tr("The two passwords differ.");
    return QString();
}

} // namespace tf::console
