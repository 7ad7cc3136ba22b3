#pragma once

#include "settings/serverlist.h"

#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;

namespace tf::console {

// Settings → Servers: the gateways the console knows, each a URL and an optional CA file; one
// is active (the console connects to it at its next start without --gateway). Every change is
// saved at once (ServerList: QSettings, never a token).
class ServersTab final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ServersTab)

public:
    // connectedTo: the gateway this window talks to now, named in the note.
    explicit ServersTab(const QString &connectedTo, QWidget *parent = nullptr);

    // Adds a server from the URL and CA file fields; false (message shown) when the URL is not http(s).
    bool addServer();
    void removeSelected();
    void makeSelectedActive();

signals:
    void activeServerChanged(const tf::console::ServerEntry &server);

private:
    void showServers();
    void save();
    void updateButtons();

    QString m_connectedTo;
    QList<ServerEntry> m_servers;
    int m_active = 0;
    QTableWidget *m_table;
    QLineEdit *m_url;
    QLineEdit *m_caFile;
    QPushButton *m_add;
    QPushButton *m_remove;
    QPushButton *m_makeActive;
    QLabel *m_message;
};

} // namespace tf::console
