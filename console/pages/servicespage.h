#pragma once

#include "client/apierror.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QTimer>
#include <QWidget>

class QAction;
class QLabel;
class QProgressBar;
class QTableView;

namespace tf::console {

class ErrorBanner;
class GatewayClient;
class JobFollower;
class Permissions;
class ServiceEventsModel;
class ServicesModel;

// Every tf-gateway and tf-syncd node (GET /api/services: status running/stale/stopped/..., node,
// host, pid, uptime, heartbeat age, version, restarts in 24 h, at or over the runbook's 3
// highlighted) over the recent service events (GET /api/services/events). Restart tf-syncd / Restart Gateway (services:restart) ask first,
// follow the job, then wait until the service is back: tf-syncd with a new pid; the gateway
// after its connection dropped and came back, which the page says in a banner while it waits
// and in its status line when it has reconnected.
class ServicesPage final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ServicesPage)

public:
    ServicesPage(GatewayClient *client, Permissions *permissions, QWidget *parent = nullptr);

    ServicesModel *model() const { return m_model; }
    ServiceEventsModel *events() const { return m_events; }
    QAction *restartSyncAction() const { return m_restartSync; }
    QAction *restartGatewayAction() const { return m_restartGateway; }
    ErrorBanner *banner() const { return m_banner; }
    QString statusText() const;

    static constexpr int BackTimeoutMs = 60000;
    static constexpr int ReconnectPollMs = 500;
    static constexpr int MaxVisibleNodes = 8; // more rows scroll

public slots:
    void refresh();
    void restartService(const QString &name);

signals:
    void refreshed(bool ok);
    // The restarted service answers again (ok), or did not within BackTimeoutMs / the job failed.
    void serviceBack(const QString &name, bool ok);
    void connectionDropped();

private:
    void jobFinished(const QJsonObject &job);
    void waitUntilBack();
    void backCheck(const QJsonArray &items, bool answered);
    void endRestart(bool ok, const QString &message);
    void fitTableToRows();

    GatewayClient *m_client;
    Permissions *m_permissions;
    ServicesModel *m_model;
    ServiceEventsModel *m_events;
    JobFollower *m_follower;
    ErrorBanner *m_banner;
    QTableView *m_table;
    QTableView *m_eventsTable;
    QProgressBar *m_progress;
    QLabel *m_status;
    QAction *m_restartSync;
    QAction *m_restartGateway;
    QTimer m_backTimer;
    QElapsedTimer m_waiting;
    QString m_restarting; // "sync" or "gateway" while a restart runs
    QJsonObject m_before; // the service as it was before the restart
    qint64 m_newPid = 0;
    bool m_dropped = false;
};

} // namespace tf::console
