#include "mainwindow.h"

#include "api/restclient.h"
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
{
    m_client->setTimeoutMs(StatusTimeoutMs);
    m_statusPage = new StatusPage(m_client, this);

    auto *pages = new QTabWidget(this);
    pages->setDocumentMode(true);
    pages->addTab(m_statusPage, tr("Status"));
    setCentralWidget(pages);

    createMenus();
    const QString gateway = gatewayUrl.toString(QUrl::RemoveUserInfo);
    statusBar()->addPermanentWidget(new QLabel(tr("Gateway: %1").arg(gateway), this));
    setWindowTitle(tr("TerraFusion Console — %1").arg(gateway));
    resize(960, 560);
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *refresh = file->addAction(tr("&Refresh"), m_statusPage, &StatusPage::refresh);
    refresh->setShortcut(QKeySequence::Refresh);
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), qApp, &QApplication::quit);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About TerraFusion Console"), this, &MainWindow::showAbout);
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About TerraFusion Console"),
                       tr("<b>%1</b> console %2<br>Keeps county assessment systems in step.")
                               .arg(QStringLiteral(TF_PRODUCT_NAME), QStringLiteral(TF_VERSION_STRING)));
}

} // namespace tf::console
