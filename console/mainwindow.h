#pragma once

#include <QMainWindow>
#include <QUrl>

namespace tf::api {
class RestClient;
}

namespace tf::console {

class StatusPage;

// The console's frame: a page per area of the platform (only Status so far), a menu and
// a status bar naming the gateway it talks to. It does not log in anywhere yet.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    explicit MainWindow(const QUrl &gatewayUrl, QWidget *parent = nullptr);

    StatusPage *statusPage() const { return m_statusPage; }

private:
    void createMenus();
    void showAbout();

    api::RestClient *m_client;
    StatusPage *m_statusPage;
};

} // namespace tf::console
