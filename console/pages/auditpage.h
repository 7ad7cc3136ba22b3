#pragma once

#include <QJsonObject>
#include <QWidget>

#include <functional>

class QAction;
class QLabel;
class QProgressBar;
class QPushButton;
class QSaveFile;
class QTabWidget;
class QTableView;

namespace tf::console {

class AuditDetail;
class AuditFilterBar;
class AuditModel;
class AuditSummaryChart;
class GatewayClient;
class Permissions;

// The audit trail (audit:read) over millions of entries: a filter bar (kept in QSettings), a
// table that pages lazily by keyset (AuditModel), the true total of the filter, a detail pane
// with the before/after diff of the selected entry, a summary chart (per day, per user),
// Verify chain (GET /api/audit/verify: intact, or the first broken entry selected and marked)
// and Export (GET /api/audit/export of the current filter streamed to a file, with progress
// and Cancel; audit:export). Read-only: nothing on this page writes.
class AuditPage final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AuditPage)

public:
    AuditPage(GatewayClient *client, Permissions *permissions, QWidget *parent = nullptr);
    ~AuditPage() override;

    AuditModel *model() const { return m_model; }
    AuditFilterBar *filterBar() const { return m_filterBar; }
    AuditDetail *detail() const { return m_detail; }
    AuditSummaryChart *summaryChart() const { return m_chart; }
    QTableView *table() const { return m_table; }
    QTabWidget *tabs() const { return m_tabs; }
    QProgressBar *progress() const { return m_progress; }
    QAction *verifyAction() const { return m_verify; }
    QAction *exportAction() const { return m_export; }
    QAction *cancelAction() const { return m_cancel; }
    QAction *oldestAction() const { return m_oldest; }
    QString verifyText() const;
    qint64 brokenAt() const { return m_brokenAt; }
    bool exporting() const { return bool(m_cancelExport); }

public slots:
    void refresh();
    void verifyChain();
    // Streams the current filter's export into path; false when the file cannot be opened.
    bool exportTo(const QString &path);
    void cancel();
    void showOldest();

signals:
    void verified(bool intact, qint64 brokenAt);
    void exported(bool ok, const QString &message);

protected:
    void showEvent(QShowEvent *event) override;

private:
    void showSelected();
    void showTotal();
    void chooseExportFile();
    void selectRow(int row);
    void showBrokenEntry(qint64 id);
    void finishProgress();

    GatewayClient *m_client;
    AuditModel *m_model;
    AuditFilterBar *m_filterBar;
    QTableView *m_table;
    QTabWidget *m_tabs;
    AuditDetail *m_detail;
    AuditSummaryChart *m_chart;
    QLabel *m_total;
    QLabel *m_verifyState;
    QProgressBar *m_progress;
    QPushButton *m_cancelButton;
    QAction *m_refresh;
    QAction *m_verify;
    QAction *m_export;
    QAction *m_cancel;
    QAction *m_newest;
    QAction *m_oldest;
    QSaveFile *m_file = nullptr;
    std::function<void()> m_cancelExport;
    qint64 m_exportRows = 0;
    qint64 m_brokenAt = 0;
    bool m_loaded = false;
    bool m_closing = false;
};

} // namespace tf::console
