#include "formdialog.h"

#include "widgets/problemtext.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace tf::console {

FormDialog::FormDialog(const QString &title, const QString &intro, const QString &okText,
                       QWidget *parent)
    : QDialog(parent)
    , m_form(new QFormLayout)
    , m_message(new QLabel(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(title);
    auto *introLabel = new QLabel(intro, this);
    introLabel->setWordWrap(true);
    introLabel->setObjectName(QStringLiteral("intro"));
    m_message->setObjectName(QStringLiteral("message"));
    m_message->setAccessibleName(tr("Problem"));
    m_message->setWordWrap(true);
    m_buttons->button(QDialogButtonBox::Ok)->setText(okText);
    m_buttons->button(QDialogButtonBox::Ok)->setObjectName(QStringLiteral("okButton"));
    m_form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(introLabel);
    layout->addLayout(m_form);
    layout->addWidget(m_message);
    layout->addStretch(1);
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, [this] {
        if (problem().isEmpty() && !m_busy)
            emit submitted();
    });
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    setMinimumWidth(460);
}

QPushButton *FormDialog::okButton() const
{
    return m_buttons->button(QDialogButtonBox::Ok);
}

void FormDialog::validate()
{
    const QString why = problem();
    okButton()->setEnabled(why.isEmpty() && !m_busy);
    showMessage(m_message, why, false);
}

void FormDialog::showError(const QString &message)
{
    setBusy(false);
    showMessage(m_message, message, true);
}

void FormDialog::setBusy(bool busy)
{
    m_busy = busy;
    okButton()->setEnabled(!busy && problem().isEmpty());
}

} // namespace tf::console
