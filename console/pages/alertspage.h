#pragma once

#include <QSet>
#include <QWidget>

class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QSystemTrayIcon;
class QTableView;

namespace tf::console {

class AlertsModel;
class ChangePoller;
class GatewayClient;
class Permissions;
class ResourceFilterModel;

// Alerts raised by the monitoring rules, open and resolved (GET /api/alerts?status=all):
// severity, rule, source, message, since, state and the measured value. Filter by state and
// text; Acknowledge (POST /api/alerts/{id}/acknowledge, alerts:ack); Export CSV of the
// filtered view. openCountChanged() feeds the navigation badge; a new alert while the window
// is hidden shows a tray notification where a system tray exists.
class AlertsPage final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AlertsPage)

public:
    AlertsPage(GatewayClient *client, ChangePoller *poller, Permissions *permissions, QWidget *parent = nullptr);

    AlertsModel *model() const { return m_model; }
    ResourceFilterModel *filter() const { return m_filter; }
    QTableView *table() const { return m_table; }
    QAction *acknowledgeAction() const { return m_acknowledge; }
    int openCount() const { return m_openCount; }

public slots:
    void refresh();
    void acknowledgeSelected();
    bool exportCsv(const QString &path);

signals:
    void openCountChanged(int count);
    void refreshed(bool ok);
    void acknowledged(qint64 id, bool ok);
    // "Open Recovery Plan" on the selected alert: the plan scenario that answers its rule.
    void recoveryPlanRequested(const QString &alertRule);

private:
    void applyStatusFilter();
    void notifyNew(const QJsonArray &items);
    void chooseExportFile();

    GatewayClient *m_client;
    AlertsModel *m_model;
    ResourceFilterModel *m_filter;
    QComboBox *m_status;
    QLineEdit *m_text;
    QTableView *m_table;
    QLabel *m_message;
    QAction *m_acknowledge;
    QSystemTrayIcon *m_tray = nullptr;
    QSet<qint64> m_seen;
    bool m_loaded = false;
    bool m_sized = false;
    bool m_inFlight = false;
    bool m_again = false;
    int m_openCount = -1;
};

} // namespace tf::console
