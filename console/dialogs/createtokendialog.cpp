#include "createtokendialog.h"

#include "widgets/rolecombo.h"

#include <QCheckBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QSpinBox>

namespace tf::console {

CreateTokenDialog::CreateTokenDialog(QWidget *parent)
    : FormDialog(tr("New API Token"),
                 tr("A token lets a program call the API with a role, without a password. "
                    "Its secret is shown once, right after it is made."),
                 tr("Create Token"), parent)
    , m_name(new QLineEdit(this))
    , m_role(new RoleCombo(this))
    , m_days(new QSpinBox(this))
    , m_never(new QCheckBox(tr("Never expires"), this))
{
    setObjectName(QStringLiteral("createTokenDialog"));
    m_name->setObjectName(QStringLiteral("tokenName"));
    m_name->setAccessibleName(tr("Token name"));
    m_name->setPlaceholderText(tr("what uses it, e.g. nightly export"));
    m_name->setMaxLength(100);
    m_role->setObjectName(QStringLiteral("role"));
    m_days->setObjectName(QStringLiteral("expiresInDays"));
    m_days->setAccessibleName(tr("Expires in days"));
    m_days->setRange(1, 3650);
    m_days->setValue(90);
    m_days->setSuffix(tr(" days"));
    m_never->setObjectName(QStringLiteral("neverExpires"));
    m_never->setAccessibleName(m_never->text());
    connect(m_never, &QCheckBox::toggled, m_days, &QWidget::setDisabled);
    auto *expiry = new QHBoxLayout;
    expiry->addWidget(m_days);
    expiry->addWidget(m_never);
    expiry->addStretch(1);
    form()->addRow(tr("&Name:"), m_name);
    form()->addRow(tr("R&ole:"), m_role);
    form()->addRow(tr("Expires in:"), expiry);
    connect(m_name, &QLineEdit::textChanged, this, &CreateTokenDialog::validate);
    validate();
}

QJsonObject CreateTokenDialog::body() const
{
    QJsonObject body { { QStringLiteral("name"), m_name->text().trimmed() },
                       { QStringLiteral("role"), m_role->role() } };
    if (!m_never->isChecked())
        body.insert(QStringLiteral("expires_in_days"), m_days->value());
    return body;
}

QString CreateTokenDialog::problem() const
{
    return m_name->text().trimmed().isEmpty() ? tr("Name the token after what uses it.")
                                              : QString();
}

} // namespace tf::console
