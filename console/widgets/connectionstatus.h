#pragma once

#include "client/changepoller.h"

#include <QDateTime>
#include <QTimer>
#include <QWidget>

class QLabel;

namespace tf::console {

// The status bar's right-hand side: connection state, who is signed in with which role, the
// server's version and "updated N s ago" (ticking every second).
class ConnectionStatus final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConnectionStatus)

public:
    explicit ConnectionStatus(QWidget *parent = nullptr);

    void setState(ChangePoller::ConnectionState state);
    void setIdentity(const QString &username, const QString &role);
    void setServerVersion(const QString &version);
    void setLastUpdate(const QDateTime &when);

    QString stateText() const;
    QString updatedText() const;

private:
    void tick();

    QLabel *m_state;
    QLabel *m_identity;
    QLabel *m_version;
    QLabel *m_updated;
    QDateTime m_lastUpdate;
    QTimer m_ticker;
};

} // namespace tf::console
