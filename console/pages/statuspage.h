#pragma once

#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;
class QTableView;
class QTimer;

namespace tf::console {

class GatewayClient;

class ErrorBanner;
class HealthBadge;
class StatusModel;

// The platform at a glance: overall health, one row per component, refreshed every 5 s
// while signed in.
class StatusPage final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StatusPage)

public:
    static constexpr int RefreshIntervalMs = 5000;

    explicit StatusPage(GatewayClient *client, QWidget *parent = nullptr);

    StatusModel *model() const { return m_model; }
    bool isRefreshing() const { return m_inFlight; }

    // Polls every RefreshIntervalMs while signed in (the main window starts and stops it).
    void start();
    void stop();

public slots:
    void refresh();

signals:
    void refreshed(bool ok);
    // The gateway answered 401: the session is missing, expired or revoked.
    void authenticationRequired(const QString &reason);

private:
    void showSummary();

    GatewayClient *m_client;
    StatusModel *m_model;
    ErrorBanner *m_banner;
    HealthBadge *m_badge;
    QLabel *m_lastUpdated;
    QLabel *m_version;
    QProgressBar *m_busy;
    QPushButton *m_refreshButton;
    QTableView *m_table;
    QTimer *m_timer;
    bool m_inFlight = false;
    bool m_reachable = false;
};

} // namespace tf::console
