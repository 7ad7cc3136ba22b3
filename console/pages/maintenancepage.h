#pragma once

#include "client/apierror.h"

#include <QJsonObject>
#include <QWidget>

class QAction;
class QComboBox;
class QLabel;
class QProgressBar;
class QSortFilterProxyModel;
class QTableView;
class QTextBrowser;

namespace tf::console {

class GatewayClient;
class JobFollower;
class MaintenanceRunsModel;
class MaintenanceWindowsModel;
class Permissions;

// The maintenance windows (GET /api/maintenance: weekly, monthly, quarterly, with their next
// run in the time zone chosen in the display settings), the history of runs
// (GET /api/maintenance/runs: status, who, started, duration, findings) and the selected run's
// report rendered from its Markdown (GET /api/maintenance/runs/{id}). Run Now (maintenance:run)
// asks first, runs the chosen window as a job under a progress bar and opens its report.
class MaintenancePage final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MaintenancePage)

public:
    MaintenancePage(GatewayClient *client, Permissions *permissions, QWidget *parent = nullptr);

    MaintenanceWindowsModel *windows() const { return m_windows; }
    MaintenanceRunsModel *runs() const { return m_runs; }
    QTextBrowser *report() const { return m_report; }
    QComboBox *typeChooser() const { return m_type; }
    QAction *runNowAction() const { return m_runNow; }
    QString statusText() const;

public slots:
    void refresh();
    void runNow();
    void openReport(qint64 runId);

signals:
    void refreshed(bool ok);
    void runFinished(qint64 runId, bool ok);
    void reportOpened(qint64 runId, bool ok);

private:
    void openSelected();

    GatewayClient *m_client;
    Permissions *m_permissions;
    MaintenanceWindowsModel *m_windows;
    MaintenanceRunsModel *m_runs;
    QSortFilterProxyModel *m_sortedRuns;
    JobFollower *m_follower;
    QTableView *m_windowsTable;
    QTableView *m_runsTable;
    QTextBrowser *m_report;
    QComboBox *m_type;
    QProgressBar *m_progress;
    QLabel *m_status;
    QAction *m_runNow;
};

} // namespace tf::console
