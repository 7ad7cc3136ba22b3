#include "userspage.h"

#include "client/permissions.h"
#include "dialogs/changepassworddialog.h"
#include "models/session.h"
#include "widgets/tokenspanel.h"
#include "widgets/userspanel.h"

#include <QAction>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSplitter>
#include <QToolButton>
#include <QVBoxLayout>

namespace tf::console {

namespace {
QGroupBox *framed(const QString &title, QWidget *panel, QWidget *parent)
{
    auto *box = new QGroupBox(title, parent);
    auto *layout = new QVBoxLayout(box);
    layout->addWidget(panel);
    return box;
}
} // namespace

UsersPage::UsersPage(GatewayClient *client, Session *session, Permissions *permissions,
                     QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_session(session)
    , m_permissions(permissions)
    , m_users(new UsersPanel(client, permissions, this))
    , m_tokens(new TokensPanel(client, permissions, this))
    , m_identity(new QLabel(this))
    , m_changePassword(new QAction(tr("C&hange My Password…"), this))
{
    m_identity->setObjectName(QStringLiteral("identity"));
    m_identity->setWordWrap(true);
    m_changePassword->setObjectName(QStringLiteral("changeMyPassword"));
    m_changePassword->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P));
    m_changePassword->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_changePassword->setToolTip(tr("Change the password you sign in with (Ctrl+Shift+P)"));
    connect(m_changePassword, &QAction::triggered, this, &UsersPage::changePassword);
    addAction(m_changePassword);
    auto *changeButton = new QToolButton(this);
    changeButton->setObjectName(QStringLiteral("changeMyPasswordButton"));
    changeButton->setDefaultAction(m_changePassword);
    changeButton->setAccessibleName(tr("Change my password"));
    changeButton->setToolButtonStyle(Qt::ToolButtonTextOnly);

    auto *top = new QHBoxLayout;
    top->addWidget(m_identity, 1);
    top->addWidget(changeButton);
    auto *split = new QSplitter(Qt::Vertical, this);
    split->setChildrenCollapsible(false);
    split->addWidget(framed(tr("Users"), m_users, split));
    split->addWidget(framed(tr("API tokens (for programs)"), m_tokens, split));
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(split, 1);

    connect(m_permissions, &Permissions::changed, this, &UsersPage::refresh);
    connect(m_session, &Session::signedOut, this, &UsersPage::refresh);
    refresh();
}

void UsersPage::refresh()
{
    const bool password = m_session->isSignedIn()
        && m_session->me().value(QLatin1String("credential")).toString()
            == QLatin1String("session");
    m_changePassword->setEnabled(password);
    if (!m_session->isSignedIn()) {
        m_identity->setText(tr("Not signed in."));
        m_users->clear(QString());
        m_tokens->clear(QString());
        return;
    }
    if (m_session->mustChangePassword()) {
        m_identity->setText(
            tr("Signed in as <b>%1</b>. Change your password (Ctrl+Shift+P) to use the console.")
                .arg(m_session->username().toHtmlEscaped()));
        const QString why = tr("Shown once your password is changed.");
        m_users->clear(why); // the gateway answers nothing else until then
        m_tokens->clear(why);
        return;
    }
    m_identity->setText(
        tr("Signed in as <b>%1</b> (%2).")
            .arg(m_session->username().toHtmlEscaped(), m_session->role().toHtmlEscaped()));
    m_users->refresh();
    m_tokens->refresh();
}

void UsersPage::signedIn()
{
    if (m_session->mustChangePassword())
        openPasswordDialog(true);
    refresh();
}

void UsersPage::changePassword()
{
    openPasswordDialog(m_session->mustChangePassword());
}

void UsersPage::openPasswordDialog(bool forced)
{
    if (m_dialog)
        return;
    m_dialog = new ChangePasswordDialog(m_client, m_session->username(), forced, window());
    m_dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_dialog, &ChangePasswordDialog::passwordChanged, this, [this] {
        m_session->passwordChanged();
        refresh();
        emit passwordChanged();
    });
    m_dialog->open();
}

} // namespace tf::console
