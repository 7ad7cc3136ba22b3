#include "tokensecretdialog.h"

#include <QApplication>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStyle>
#include <QVBoxLayout>

namespace tf::console {

TokenSecretDialog::TokenSecretDialog(const QString &name, const QString &secret, QWidget *parent)
    : QDialog(parent)
    , m_secret(new QLineEdit(secret, this))
    , m_copy(new QPushButton(tr("&Copy"), this))
{
    setObjectName(QStringLiteral("tokenSecretDialog"));
    setWindowTitle(tr("API Token Created"));
    auto *icon = new QLabel(this);
    icon->setPixmap(style()->standardIcon(QStyle::SP_MessageBoxWarning).pixmap(32, 32));
    auto *warning
        = new QLabel(tr("<b>Copy the secret of “%1” now.</b> This is the only time it is shown: "
                        "the gateway keeps only a hash of it. If it is lost, revoke the token "
                        "and make a new one.")
                         .arg(name.toHtmlEscaped()),
                     this);
    warning->setObjectName(QStringLiteral("warning"));
    warning->setWordWrap(true);
    m_secret->setObjectName(QStringLiteral("secret"));
    m_secret->setAccessibleName(tr("Token secret"));
    m_secret->setReadOnly(true);
    m_secret->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_secret->setMinimumWidth(m_secret->fontMetrics().horizontalAdvance(secret) + 16);
    m_copy->setObjectName(QStringLiteral("copyButton"));
    m_copy->setAccessibleName(tr("Copy the secret"));
    m_copy->setShortcut(QKeySequence::Copy);
    connect(m_copy, &QPushButton::clicked, this, &TokenSecretDialog::copy);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *top = new QHBoxLayout;
    top->addWidget(icon, 0, Qt::AlignTop);
    top->addWidget(warning, 1);
    auto *row = new QHBoxLayout;
    row->addWidget(m_secret, 1);
    row->addWidget(m_copy);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addLayout(row);
    layout->addWidget(buttons);
    m_secret->selectAll();
}

void TokenSecretDialog::copy()
{
    QApplication::clipboard()->setText(m_secret->text());
    m_copy->setText(tr("Copied"));
}

void TokenSecretDialog::done(int result)
{
    m_secret->clear(); // nothing of the secret stays in the console
    QDialog::done(result);
}

} // namespace tf::console
