#pragma once

#include <QMainWindow>
#include <QUrl>

class QAction;
class QLabel;

namespace tf::api {
class RestClient;
}

namespace tf::console {

class Session;
class StatusPage;

// The console's frame: a page per area of the platform (only Status so far), a menu and
// a status bar naming the gateway it talks to and who is signed in. Every call carries the
// session's bearer token; a 401 asks the user to sign in again.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    explicit MainWindow(const QUrl &gatewayUrl, QWidget *parent = nullptr);

    StatusPage *statusPage() const { return m_statusPage; }
    Session *session() const { return m_session; }

    // Signs in with a program token (from --token-file); otherwise the sign-in dialog opens
    // when the window is shown.
    void useToken(const QByteArray &token);
    void setDefaultUser(const QString &username) { m_defaultUser = username; }
    void promptSignIn(const QString &reason = QString());

private:
    void createMenus();
    void showAbout();
    void updateIdentity();

    api::RestClient *m_client;
    StatusPage *m_statusPage;
    Session *m_session;
    QLabel *m_identity;
    QAction *m_signIn = nullptr;
    QAction *m_signOut = nullptr;
    QString m_defaultUser;
    QString m_gateway;
    bool m_prompting = false;
};

} // namespace tf::console
