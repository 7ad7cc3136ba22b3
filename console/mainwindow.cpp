#include "mainwindow.h"

#include "api/restclient.h"
#include "dialogs/logindialog.h"
#include "models/session.h"
#include "pages/statuspage.h"
#include "tfversion.h"

#include <QAction>
#include <QApplication>
#include <QKeySequence>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>
#include <QTabWidget>

namespace tf::console {

namespace {
// Shorter than the refresh interval, so a hung gateway shows up before the next poll is due.
constexpr int StatusTimeoutMs = 4000;
}

MainWindow::MainWindow(const QUrl &gatewayUrl, QWidget *parent)
    : QMainWindow(parent)
    , m_client(new api::RestClient(gatewayUrl, this))
    , m_statusPage(nullptr)
    , m_session(new Session(m_client, this))
    , m_identity(new QLabel(this))
{
    m_client->setTimeoutMs(StatusTimeoutMs);
    m_statusPage = new StatusPage(m_client, this);
    connect(m_statusPage, &StatusPage::authenticationRequired, this, [this](const QString &reason) {
        m_session->expire(reason);
        promptSignIn(reason);
    });
    connect(m_session, &Session::signedIn, this, [this] {
        updateIdentity();
        m_statusPage->refresh();
    });
    connect(m_session, &Session::signedOut, this, [this] { updateIdentity(); });

    auto *pages = new QTabWidget(this);
    pages->setDocumentMode(true);
    pages->addTab(m_statusPage, tr("Status"));
    setCentralWidget(pages);

    createMenus();
    const QString gateway = gatewayUrl.toString(QUrl::RemoveUserInfo);
    m_gateway = gateway;
    statusBar()->addPermanentWidget(m_identity);
    statusBar()->addPermanentWidget(new QLabel(tr("Gateway: %1").arg(gateway), this));
    updateIdentity();
    setWindowTitle(tr("TerraFusion Console — %1").arg(gateway));
    resize(960, 560);
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    m_signIn = file->addAction(tr("&Sign In…"), this, [this] { promptSignIn(); });
    m_signOut = file->addAction(tr("Sign &Out"), m_session, &Session::signOut);
    file->addSeparator();
    QAction *refresh = file->addAction(tr("&Refresh"), m_statusPage, &StatusPage::refresh);
    refresh->setShortcut(QKeySequence::Refresh);
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), qApp, &QApplication::quit);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About TerraFusion Console"), this, &MainWindow::showAbout);
}

void MainWindow::useToken(const QByteArray &token)
{
    m_session->useToken(token);
}

void MainWindow::promptSignIn(const QString &reason)
{
    if (m_prompting || m_session->isBusy())
        return;
    m_prompting = true;
    auto *dialog = new LoginDialog(m_session, m_gateway, reason, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setUsername(m_session->username().isEmpty() ? m_defaultUser : m_session->username());
    connect(dialog, &QDialog::finished, this, [this] { m_prompting = false; });
    dialog->open();
}

void MainWindow::updateIdentity()
{
    const bool signedIn = m_session->isSignedIn();
    m_identity->setText(signedIn ? tr("Signed in as %1 (%2)").arg(m_session->username(), m_session->role())
                                 : tr("Not signed in"));
    if (m_signIn)
        m_signIn->setEnabled(!signedIn);
    if (m_signOut)
        m_signOut->setEnabled(signedIn);
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About TerraFusion Console"),
                       tr("<b>%1</b> console %2<br>Keeps county assessment systems in step.")
                               .arg(QStringLiteral(TF_PRODUCT_NAME), QStringLiteral(TF_VERSION_STRING)));
}

} // namespace tf::console
