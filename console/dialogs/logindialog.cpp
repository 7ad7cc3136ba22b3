#include "logindialog.h"

#include "models/session.h"
#include "settings/displaysettings.h"
#include "settings/tokenkeychain.h"

#include <QCheckBox>

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

namespace tf::console {

LoginDialog::LoginDialog(Session *session, const QString &gateway, const QString &reason, QWidget *parent)
    : QDialog(parent)
    , m_session(session)
    , m_username(new QLineEdit(this))
    , m_password(new QLineEdit(this))
    , m_remember(new QCheckBox(tr("&Remember me on this computer"), this))
    , m_message(new QLabel(this))
    , m_busy(new QProgressBar(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(tr("Sign in to TerraFusion"));
    m_username->setObjectName(QStringLiteral("username"));
    m_password->setObjectName(QStringLiteral("password"));
    m_password->setEchoMode(QLineEdit::Password);
    m_username->setAccessibleName(tr("User name"));
    m_password->setAccessibleName(tr("Password"));
    m_message->setAccessibleName(tr("Sign-in problem"));
    m_busy->setAccessibleName(tr("Signing in"));
    m_username->setMaxLength(64);
    m_message->setObjectName(QStringLiteral("message"));
    m_message->setWordWrap(true);
    // A red that reads on both palettes: darker on light, lighter on dark.
    auto colourMessage = [this] {
        const bool dark = DisplaySettings::instance()->theme() == DisplaySettings::Theme::Dark;
        m_message->setStyleSheet(dark ? QStringLiteral("color: #ff6b6b;") : QStringLiteral("color: #b00020;"));
    };
    colourMessage();
    connect(DisplaySettings::instance(), &DisplaySettings::changed, m_message, colourMessage);
    m_message->setText(reason);
    m_message->setVisible(!reason.isEmpty());
    m_busy->setRange(0, 0); // indeterminate: the gateway is checking the password
    m_busy->setMaximumHeight(6);
    m_busy->setTextVisible(false);
    m_busy->hide();
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Sign in"));

    auto *intro = new QLabel(tr("Gateway: <b>%1</b>").arg(gateway.toHtmlEscaped()), this);
    auto *form = new QFormLayout;
    form->addRow(tr("&User name:"), m_username);
    form->addRow(tr("&Password:"), m_password);
    form->addRow(QString(), m_remember);
    setUpRemember();

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addWidget(m_message);
    layout->addWidget(m_busy);
    layout->addWidget(m_buttons);

    connect(m_buttons, &QDialogButtonBox::accepted, this, &LoginDialog::submit);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_session, &Session::busyChanged, this, &LoginDialog::setBusy);
    connect(m_session, &Session::signedIn, this, &QDialog::accept);
    connect(m_session, &Session::signInFailed, this, [this](const QString &message) {
        m_message->setText(message);
        m_message->show();
        m_password->selectAll();
        m_password->setFocus();
    });
    resize(420, sizeHint().height());
}

void LoginDialog::setUsername(const QString &username)
{
    m_username->setText(username);
    if (!username.isEmpty())
        m_password->setFocus();
}

void LoginDialog::setUpRemember()
{
    m_remember->setObjectName(QStringLiteral("rememberMe"));
    m_remember->setAccessibleName(tr("Remember me"));
    m_remember->setVisible(TokenKeychain::isBuiltIn()); // built without QtKeychain: no such choice
    m_remember->setChecked(m_session->remember());
    TokenKeychain *keychain = m_session->keychain();
    auto show = [this, keychain] {
        const TokenKeychain::Availability availability = keychain->availability();
        m_remember->setEnabled(availability == TokenKeychain::Availability::Available && !m_session->isBusy());
        if (availability == TokenKeychain::Availability::Available)
            m_remember->setToolTip(tr("Keeps the sign-in (not the password) in the system keychain; "
                                      "Sign Out forgets it."));
        else if (availability == TokenKeychain::Availability::Unknown)
            m_remember->setToolTip(tr("Looking for the system keychain…"));
        else
            m_remember->setToolTip(keychain->unavailableReason() + QLatin1Char(' ')
                                   + tr("The console cannot remember the sign-in."));
    };
    show();
    connect(keychain, &TokenKeychain::availabilityChanged, m_remember, show);
    if (TokenKeychain::isBuiltIn())
        keychain->probe();
}

void LoginDialog::submit()
{
    m_message->hide();
    if (m_remember->isEnabled())
        m_session->setRemember(m_remember->isChecked());
    m_session->signIn(m_username->text(), m_password->text());
}

void LoginDialog::setBusy(bool busy)
{
    m_busy->setVisible(busy);
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(!busy);
    m_username->setEnabled(!busy);
    m_password->setEnabled(!busy);
    m_remember->setEnabled(!busy && m_session->keychain()->availability() == TokenKeychain::Availability::Available);
}

} // namespace tf::console
