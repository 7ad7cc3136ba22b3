#include "mainwindow.h"

#include "client/changepoller.h"
#include "client/gatewayclient.h"
#include "client/permissions.h"
#include "dialogs/aboutdialog.h"
#include "dialogs/logindialog.h"
#include "dialogs/settingsdialog.h"
#include "models/session.h"
#include "models/statusmodel.h"
#include "pages/alertspage.h"
#include "pages/auditpage.h"
#include "pages/backupspage.h"
#include "pages/dashboardpage.h"
#include "pages/maintenancepage.h"
#include "pages/operationspage.h"
#include "pages/quarantinepage.h"
#include "pages/recoveryplanspage.h"
#include "pages/servicespage.h"
#include "pages/statuspage.h"
#include "pages/syncpairspage.h"
#include "pages/systemspage.h"
#include "pages/userspage.h"
#include "settings/displaysettings.h"
#include "widgets/connectionstatus.h"
#include "widgets/errorbanner.h"
#include "widgets/eventnotifier.h"
#include "widgets/navigationlist.h"
#include "widgets/tablestate.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QFile>
#include <QKeySequence>
#include <QMenuBar>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>
#include <QStyle>
#include <QTableView>
#include <QVBoxLayout>

#include <utility>

// The console's own icons (console/icons, a resource of this static library).
static void initIconResources()
{
    Q_INIT_RESOURCE(icons);
}

namespace tf::console {

namespace {
// Shorter than the status page's refresh interval, so a hung gateway shows before the next poll.
constexpr int RequestTimeoutMs = 4000;
const QString GeometryKey = QStringLiteral("window/geometry");
const QString StateKey = QStringLiteral("window/state");
const QString PageKey = QStringLiteral("window/page");
const QString LastGatewayKey = QStringLiteral("connection/last_gateway");
const QString LastUserKey = QStringLiteral("connection/last_user");
// A white variant (icons/selected/) draws the selected navigation entry on its highlight.
QIcon consoleIcon(const char *name)
{
    QIcon icon(QStringLiteral(":/icons/%1.svg").arg(QLatin1String(name)));
    const QString selected = QStringLiteral(":/icons/selected/%1.svg").arg(QLatin1String(name));
    if (QFile::exists(selected))
        icon.addFile(selected, QSize(), QIcon::Selected);
    return icon;
}

} // namespace

MainWindow::MainWindow(const QUrl &gatewayUrl, QWidget *parent)
    : QMainWindow(parent)
    , m_client(new GatewayClient(gatewayUrl, this))
    , m_session(new Session(m_client, this))
    , m_permissions(new Permissions(this))
    , m_poller(new ChangePoller(m_client, this))
    , m_navigation(new NavigationList(this))
    , m_pages(new QStackedWidget(this))
    , m_banner(new ErrorBanner(this))
    , m_connection(new ConnectionStatus(this))
    , m_statusPage(nullptr)
{
    initIconResources();
    setObjectName(QStringLiteral("mainWindow"));
    m_client->setTimeoutMs(RequestTimeoutMs);
    new EventNotifier(m_client, m_poller, this, this); // failed operations, quarantine growth
    m_gateway = gatewayUrl.toString(QUrl::RemoveUserInfo);

    m_pages->setObjectName(QStringLiteral("pages"));
    m_banner->setObjectName(QStringLiteral("connectionBanner"));
    m_banner->setAccessibleName(tr("Connection problem"));
    connect(m_navigation, &NavigationList::currentPageChanged, this, [this](const QString &id) {
        if (const int index = int(m_pageIds.indexOf(id)); index >= 0)
            m_pages->setCurrentIndex(index);
    });

    auto *right = new QWidget(this);
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->setSpacing(0);
    rightLayout->addWidget(m_banner);
    rightLayout->addWidget(m_pages, 1);
    auto *central = new QWidget(this);
    auto *layout = new QHBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_navigation);
    layout->addWidget(right, 1);
    setCentralWidget(central);

    m_navigation->addHeader(tr("Operations"));
    m_statusPage = new StatusPage(m_client, this);
    addPage(QStringLiteral("overview"), tr("Overview"), consoleIcon("overview"), m_statusPage);
    auto *dashboard = new DashboardPage(m_client, m_poller, m_statusPage->model(), this);
    connect(this, &MainWindow::refreshRequested, dashboard, [dashboard] {
        if (dashboard->isVisible())
            dashboard->refresh();
    });
    addPage(QStringLiteral("dashboard"), tr("Dashboard"), consoleIcon("dashboard"), dashboard);
    auto *pairsPage = new SyncPairsPage(m_client, m_permissions, m_poller, this);
    addPage(QStringLiteral("syncPairs"), tr("Sync Pairs"), consoleIcon("syncpairs"), pairsPage);
    connect(m_session, &Session::signedIn, pairsPage, &SyncPairsPage::refresh);
    connect(this, &MainWindow::refreshRequested, pairsPage, [pairsPage] {
        if (pairsPage->isVisible())
            pairsPage->refresh();
    });
    auto *systems = new SystemsPage(m_client, m_permissions, this);
    systems->followChanges(m_poller);
    addPage(QStringLiteral("systems"), tr("Systems"), consoleIcon("systems"), systems);
    connect(m_session, &Session::signedIn, systems, &SystemsPage::refresh);
    connect(this, &MainWindow::refreshRequested, systems, [systems] {
        if (systems->isVisible())
            systems->refresh();
    });
    auto *operations = new OperationsPage(m_client, m_poller, m_permissions, this);
    addPage(QStringLiteral("operations"), tr("Operations"), consoleIcon("operations"), operations);
    auto *quarantine = new QuarantinePage(m_client, m_poller, m_permissions, this);
    addPage(QStringLiteral("quarantine"), tr("Quarantine"), consoleIcon("quarantine"), quarantine);
    // F5 is one window-wide action; the shown page refreshes itself.
    connect(this, &MainWindow::refreshRequested, operations, [operations] {
        if (operations->isVisible())
            operations->refresh();
    });
    connect(this, &MainWindow::refreshRequested, quarantine, [quarantine] {
        if (quarantine->isVisible())
            quarantine->refresh();
    });
    auto *alerts = new AlertsPage(m_client, m_poller, m_permissions, this);
    connect(this, &MainWindow::refreshRequested, alerts, &AlertsPage::refresh);
    connect(alerts, &AlertsPage::openCountChanged, this, [this](int open) {
        setPageBadge(QStringLiteral("alerts"), open > 0 ? QString::number(open) : QString());
    });
    addPage(QStringLiteral("alerts"), tr("Alerts"), consoleIcon("alerts"), alerts);
    m_navigation->addHeader(tr("Administration"));
    auto *audit = new AuditPage(m_client, m_permissions, this);
    connect(this, &MainWindow::refreshRequested, audit, [audit] {
        if (audit->isVisible())
            audit->refresh();
    });
    addPage(QStringLiteral("audit"), tr("Audit trail"), consoleIcon("audit"), audit);
    auto *users = new UsersPage(m_client, m_session, m_permissions, this);
    connect(m_session, &Session::signedIn, users, &UsersPage::signedIn); // the forced password change first
    connect(users, &UsersPage::passwordChanged, this, [this, pairsPage] {
        m_statusPage->start();
        m_poller->start();
        pairsPage->refresh();
        refresh();
    });
    connect(this, &MainWindow::refreshRequested, users, &UsersPage::refresh);
    addPage(QStringLiteral("users"), tr("Users and Tokens"), consoleIcon("users"), users);
    auto *backups = new BackupsPage(m_client, m_permissions, this);
    connect(m_session, &Session::signedIn, backups, &BackupsPage::refresh);
    connect(this, &MainWindow::refreshRequested, backups, &BackupsPage::refresh);
    addPage(QStringLiteral("backups"), tr("Backups"), consoleIcon("backups"), backups);
    auto *services = new ServicesPage(m_client, m_permissions, this);
    connect(m_session, &Session::signedIn, services, &ServicesPage::refresh);
    connect(this, &MainWindow::refreshRequested, services, &ServicesPage::refresh);
    addPage(QStringLiteral("services"), tr("Services"), consoleIcon("services"), services);
    auto *maintenance = new MaintenancePage(m_client, m_permissions, this);
    connect(m_session, &Session::signedIn, maintenance, &MaintenancePage::refresh);
    connect(this, &MainWindow::refreshRequested, maintenance, &MaintenancePage::refresh);
    addPage(QStringLiteral("maintenance"), tr("Maintenance"), consoleIcon("maintenance"), maintenance);
    auto *recovery = new RecoveryPlansPage(m_client, m_permissions, this);
    connect(m_session, &Session::signedIn, recovery, &RecoveryPlansPage::refresh);
    connect(this, &MainWindow::refreshRequested, recovery, &RecoveryPlansPage::refresh);
    connect(alerts, &AlertsPage::recoveryPlanRequested, this, [this, recovery](const QString &rule) {
        showPage(QStringLiteral("recoveryPlans"));
        recovery->openScenario(RecoveryPlansPage::scenarioForAlertRule(rule));
    });
    addPage(QStringLiteral("recoveryPlans"), tr("Recovery Plans"), consoleIcon("recovery"), recovery);

    statusBar()->addPermanentWidget(m_connection);
    createMenus();
    connectSession();
    updateIdentity();
    setWindowTitle(tr("TerraFusion Console — %1").arg(m_gateway));
    resize(1000, 620);
    restoreSettings();
    QSettings().setValue(LastGatewayKey, m_gateway);
}

QAction *MainWindow::addPage(const QString &id, const QString &title, const QIcon &icon, QWidget *page)
{
    page->setObjectName(id + QStringLiteral("Page"));
    page->setAccessibleName(title);
    m_pages->addWidget(page);
    // Every entry has an icon, so the titles line up.
    m_pageIds.append(id);
    m_navigation->addPage(id, title, icon.isNull() ? consoleIcon("page") : icon);
    // Every named table keeps its column widths, order and sort across sessions.
    for (QTableView *table : page->findChildren<QTableView *>()) {
        if (!table->objectName().isEmpty() && !table->findChild<TableStateSaver *>(QString(), Qt::FindDirectChildrenOnly))
            TableStateSaver::attach(table, id + QLatin1Char('/') + table->objectName());
    }
    const int number = int(m_pageIds.size());
    auto *action = new QAction(icon, title, this);
    if (number <= 9)
        action->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_0 + number)));
    connect(action, &QAction::triggered, this, [this, id] { showPage(id); });
    addAction(action); // the shortcut works even while the menu is closed
    if (m_goMenu)
        m_goMenu->addAction(action);
    return action;
}

void MainWindow::showPage(const QString &id)
{
    if (QListWidgetItem *item = m_navigation->pageItem(id))
        m_navigation->setCurrentItem(item);
}

void MainWindow::setPageBadge(const QString &id, const QString &text)
{
    const int index = int(m_pageIds.indexOf(id));
    QListWidgetItem *item = m_navigation->pageItem(id);
    if (!item)
        return;
    const QString title = m_pages->widget(index)->accessibleName();
    item->setText(text.isEmpty() ? title : tr("%1  (%2)").arg(title, text));
    item->setData(Qt::UserRole + 1, text);
    item->setToolTip(text.isEmpty() ? title : tr("%1: %2").arg(title, text));
}

QString MainWindow::currentPageId() const
{
    const int index = m_pages->currentIndex();
    return index >= 0 && index < m_pageIds.size() ? m_pageIds.at(index) : QString();
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    m_signIn = file->addAction(consoleIcon("signin"), tr("&Sign In…"), this, [this] { promptSignIn(); });
    m_signIn->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    m_signOut = file->addAction(consoleIcon("signout"), tr("Sign &Out"), m_session, &Session::signOut);
    m_signOut->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Q));
    file->addSeparator();
    QAction *refreshAction = file->addAction(consoleIcon("refresh"), tr("&Refresh"), this, &MainWindow::refresh);
    refreshAction->setShortcut(QKeySequence(Qt::Key_F5));
    m_permissions->bind(refreshAction, QStringLiteral("status:read"));
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Q));

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    QAction *settings = edit->addAction(tr("&Settings…"), this, &MainWindow::showSettings);
    settings->setObjectName(QStringLiteral("settingsAction"));
    settings->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Comma));

    createViewMenu(menuBar()->addMenu(tr("&View")));

    m_goMenu = menuBar()->addMenu(tr("&Go"));
    for (QAction *action : actions())
        m_goMenu->addAction(action); // the pages added before the menu existed

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    QAction *about = help->addAction(tr("&About TerraFusion Console"), this, &MainWindow::showAbout);
    about->setObjectName(QStringLiteral("aboutAction"));
    about->setShortcut(QKeySequence(Qt::Key_F1));
}

void MainWindow::createViewMenu(QMenu *view)
{
    DisplaySettings *display = DisplaySettings::instance();
    auto *zones = new QActionGroup(this);
    QAction *utc = view->addAction(tr("Times in &UTC"));
    QAction *local = view->addAction(tr("Times in &Local Time"));
    for (QAction *action : { utc, local }) {
        action->setCheckable(true);
        zones->addAction(action);
    }
    (display->timeZone() == DisplaySettings::TimeZone::Utc ? utc : local)->setChecked(true);
    connect(utc, &QAction::triggered, display, [display] { display->setTimeZone(DisplaySettings::TimeZone::Utc); });
    connect(local, &QAction::triggered, display, [display] { display->setTimeZone(DisplaySettings::TimeZone::Local); });
    view->addSeparator();
    auto *themes = new QActionGroup(this);
    QAction *light = view->addAction(tr("L&ight Theme"));
    QAction *dark = view->addAction(tr("&Dark Theme"));
    light->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_L));
    dark->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_D));
    for (QAction *action : { light, dark }) {
        action->setCheckable(true);
        themes->addAction(action);
    }
    (display->theme() == DisplaySettings::Theme::Dark ? dark : light)->setChecked(true);
    connect(light, &QAction::triggered, display, [display] { display->setTheme(DisplaySettings::Theme::Light); });
    connect(dark, &QAction::triggered, display, [display] { display->setTheme(DisplaySettings::Theme::Dark); });
    // The Settings dialog changes the same settings: the checks follow, the poller its interval.
    connect(display, &DisplaySettings::changed, this, [display, utc, local, light, dark] {
        (display->timeZone() == DisplaySettings::TimeZone::Utc ? utc : local)->setChecked(true);
        (display->theme() == DisplaySettings::Theme::Dark ? dark : light)->setChecked(true);
    });
    connect(display, &DisplaySettings::refreshIntervalChanged, m_poller, &ChangePoller::setInterval);
    m_poller->setInterval(display->refreshIntervalMs());
}

void MainWindow::connectSession()
{
    connect(m_client, &GatewayClient::authenticationRequired, this, [this](const QString &reason) {
        m_session->expire(reason);
        promptSignIn(reason);
    });
    connect(m_session, &Session::signedIn, this, [this] {
        QSettings().setValue(LastUserKey, m_session->username());
        m_permissions->setFromMe(m_session->me());
        updateIdentity();
        if (m_session->mustChangePassword())
            return; // the gateway answers nothing else until then; passwordChanged starts them
        m_statusPage->start();
        m_poller->start();
    });
    connect(m_session, &Session::signedOut, this, [this] {
        m_statusPage->stop();
        m_permissions->clear();
        updateIdentity();
    });
    connect(m_client, &GatewayClient::rateLimited, this, [this](int seconds) {
        statusBar()->showMessage(tr("The gateway asked to slow down; retrying in %n s.", nullptr, seconds), seconds * 1000);
    });
    connect(m_poller, &ChangePoller::connectionStateChanged, this, &MainWindow::showConnectionState);
    connect(m_poller, &ChangePoller::updated, m_connection, &ConnectionStatus::setLastUpdate);
    connect(m_poller, &ChangePoller::reloadAll, m_statusPage, &StatusPage::refresh);
    connect(m_statusPage->model(), &StatusModel::summaryChanged, this,
            [this] { m_connection->setServerVersion(m_statusPage->model()->version()); });
}

void MainWindow::showConnectionState()
{
    const ChangePoller::ConnectionState state = m_poller->state();
    m_connection->setState(state);
    if (state == ChangePoller::ConnectionState::Connected) {
        m_banner->clear();
        m_statusPage->refresh();
        // Back after an outage: the shown page reads again what it could not read meanwhile
        // (its models update in place, so selection and scroll stay).
        if (std::exchange(m_outage, false))
            emit refreshRequested();
    } else if (m_poller->isRunning()) {
        m_outage = true;
        m_banner->showMessage(tr("The gateway at %1 cannot be reached; retrying. What you see is the last known state.")
                                      .arg(m_gateway));
    }
}

void MainWindow::refresh()
{
    m_statusPage->refresh();
    m_poller->pollNow();
    emit refreshRequested();
}

void MainWindow::useToken(const QByteArray &token)
{
    m_session->useToken(token);
}

void MainWindow::setDefaultUser(const QString &username)
{
    if (!username.isEmpty())
        m_defaultUser = username;
}

void MainWindow::promptSignIn(const QString &reason)
{
    if (m_prompting || m_session->isBusy())
        return;
    m_prompting = true;
    auto *dialog = new LoginDialog(m_session, m_gateway, reason, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setUsername(m_session->username().isEmpty() ? m_defaultUser : m_session->username());
    connect(dialog, &QDialog::finished, this, [this](int result) {
        m_prompting = false;
        if (result != QDialog::Accepted)
            m_client->abandonAuthentication(); // the calls that waited for a sign-in fail now
    });
    dialog->open();
}

void MainWindow::updateIdentity()
{
    const bool signedIn = m_session->isSignedIn();
    m_connection->setIdentity(signedIn ? m_session->username() : QString(), m_session->role());
    m_signIn->setEnabled(!signedIn);
    m_signOut->setEnabled(signedIn);
    if (!signedIn)
        m_poller->stop();
}

void MainWindow::restoreSettings()
{
    QSettings settings;
    restoreGeometry(settings.value(GeometryKey).toByteArray());
    restoreState(settings.value(StateKey).toByteArray());
    m_defaultUser = settings.value(LastUserKey).toString();
    showPage(settings.value(PageKey).toString());
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    QSettings settings;
    settings.setValue(GeometryKey, saveGeometry());
    settings.setValue(StateKey, saveState());
    settings.setValue(PageKey, currentPageId());
    QMainWindow::closeEvent(event);
}

void MainWindow::showAbout()
{
    auto *dialog = new AboutDialog(m_client, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void MainWindow::showSettings()
{
    auto *dialog = new SettingsDialog(m_gateway, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

} // namespace tf::console
