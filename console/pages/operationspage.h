#pragma once

#include <QJsonObject>
#include <QWidget>

class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QSplitter;
class QTabWidget;
class QTableView;
class QTextBrowser;
class QTimer;

namespace tf::console {

class ChangePoller;
class ChangeSetView;
class GatewayClient;
class OperationLogView;
class OperationsModel;
class Permissions;
class ResourceFilterModel;

// Sync operations, newest first: a live table (a progress bar per running operation, rows/s,
// node, attempt, times, message), Cancel and Retry (sync:run), and a detail pane with the
// selected operation's statistics, timings, error, log (OperationLogView: tailed while it runs,
// searchable, downloadable) and, for a dry run, its change set (ChangeSetView: before -> after
// of each changed field of an update). Refreshed by the change feed (sync_operation) and, while
// an operation is queued or running and the page is visible, every PollIntervalMs; each refresh
// also asks the log for the lines written since (one request at a time).
class OperationsPage final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(OperationsPage)

public:
    static constexpr int PollIntervalMs = 2000;

    OperationsPage(GatewayClient *client, ChangePoller *poller, Permissions *permissions, QWidget *parent = nullptr);

    OperationsModel *model() const { return m_model; }
    ResourceFilterModel *filter() const { return m_filter; }
    QTableView *table() const { return m_table; }
    qint64 selectedId() const;
    void selectId(qint64 id);
    QJsonObject detail() const { return m_detail; }
    OperationLogView *logView() const { return m_logView; }
    ChangeSetView *changeSetView() const { return m_changeSet; }
    // The 2 s poll runs only while an operation is queued or running and the page is visible.
    bool isPolling() const;

public slots:
    void refresh();

signals:
    void refreshed(bool ok);
    void detailShown(qint64 id);

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    QString statusFilter() const;
    void loadDetail();
    void showDetail(const QJsonObject &operation);
    void showChanges(const QJsonArray &changes, const QString &note);
    void updateActions();
    void updatePolling();
    void cancelSelected();
    void retrySelected();
    void exportCsv();

    GatewayClient *m_client;
    Permissions *m_permissions;
    OperationsModel *m_model;
    ResourceFilterModel *m_filter;
    QTableView *m_table;
    QComboBox *m_status;
    QLineEdit *m_pair;
    QLineEdit *m_text;
    QLabel *m_message;
    QSplitter *m_splitter;
    QTabWidget *m_tabs;
    QTextBrowser *m_summary;
    ChangeSetView *m_changeSet;
    OperationLogView *m_logView;
    QAction *m_refreshAction;
    QAction *m_cancelAction;
    QAction *m_retryAction;
    QAction *m_exportAction;
    QTimer *m_poll;
    QTimer *m_coalesce;
    QJsonObject m_detail;
    qint64 m_changesFor = -1;
    bool m_sized = false; // the columns were fitted to the first rows
    bool m_inFlight = false;
    bool m_again = false;
    bool m_detailInFlight = false;
};

} // namespace tf::console
