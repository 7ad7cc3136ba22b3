#pragma once

#include <QHash>
#include <QMainWindow>
#include <QUrl>

class QAction;
class QActionGroup;
class QMenu;
class QStackedWidget;

namespace tf::console {

class ChangePoller;
class ConnectionStatus;
class ErrorBanner;
class GatewayClient;
class NavigationList;
class Permissions;
class Session;
class StatusPage;

// The console's frame: a navigation sidebar and a stack of pages (addPage() is all a new page
// needs: it gets a sidebar entry, a Go menu action and Ctrl+<n>), menus whose every command
// is a QAction with a shortcut, a banner while the gateway is unreachable, and a status bar
// with the connection state, the signed-in user and role, the server version and the age of
// the last update. One GatewayClient serves every page; its 401s reopen the sign-in dialog.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    explicit MainWindow(const QUrl &gatewayUrl, QWidget *parent = nullptr);

    // Adds a page; returns the action that shows it (Ctrl+1 for the first page, ...).
    QAction *addPage(const QString &id, const QString &title, const QIcon &icon, QWidget *page);
    void showPage(const QString &id);
    // Text shown after the page's title in the navigation (a count of open alerts); empty clears it.
    void setPageBadge(const QString &id, const QString &text);
    QString currentPageId() const;

    GatewayClient *client() const { return m_client; }
    Session *session() const { return m_session; }
    Permissions *permissions() const { return m_permissions; }
    ChangePoller *poller() const { return m_poller; }
    StatusPage *statusPage() const { return m_statusPage; }
    ErrorBanner *banner() const { return m_banner; }
    ConnectionStatus *connectionStatus() const { return m_connection; }

    // Signs in with a program token (from --token-file); otherwise the sign-in dialog opens.
    void useToken(const QByteArray &token);
    void setDefaultUser(const QString &username);
    void promptSignIn(const QString &reason = QString());

public slots:
    void refresh();

signals:
    // F5, and the gateway back after an outage: the shown page refreshes itself.
    void refreshRequested();

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void createMenus();
    void createViewMenu(QMenu *view);
    void connectSession();
    void showConnectionState();
    void showAbout();
    void showSettings();
    void updateIdentity();
    void restoreSettings();

    GatewayClient *m_client;
    Session *m_session;
    Permissions *m_permissions;
    ChangePoller *m_poller;
    NavigationList *m_navigation;
    QStackedWidget *m_pages;
    ErrorBanner *m_banner;
    ConnectionStatus *m_connection;
    StatusPage *m_statusPage;
    QMenu *m_goMenu = nullptr;
    QAction *m_signIn = nullptr;
    QAction *m_signOut = nullptr;
    QStringList m_pageIds;
    QString m_defaultUser;
    QString m_gateway;
    bool m_prompting = false;
    bool m_outage = false; // the gateway was unreachable since the last connection
};

} // namespace tf::console
