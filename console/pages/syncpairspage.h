#pragma once

#include <QHash>
#include <QJsonObject>
#include <QWidget>

class QAction;
class QLabel;
class QSplitter;
class QTableView;
class QTimer;

namespace tf::console {

class ChangePoller;
class ErrorBanner;
class GatewayClient;
class PairBulkActions;
class PairDetail;
class PairFilterBar;
class Permissions;
class ResourceFilterModel;
class SyncPairsModel;
class SyncPairsReader;
class SyncPairsTable;

// The sync pairs: a sortable, filterable table (status, system, text) with bulk Enable,
// Disable, Run and Dry run on the selection, New and Edit through the pair editor, and a
// detail pane with the selected pair's definition, its recent operations and their
// throughput. Open quarantine and backlog come from PairCounters (three reads for all pairs).
// Follows the change feed (sync_pair, system, sync_operation, quarantine_entry) without
// resetting.
class SyncPairsPage final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SyncPairsPage)

public:
    SyncPairsPage(GatewayClient *client, Permissions *permissions, ChangePoller *poller,
                  QWidget *parent = nullptr);
    ~SyncPairsPage() override;

    SyncPairsModel *model() const { return m_model; }
    ResourceFilterModel *filter() const { return m_filter; }
    QTableView *table() const;
    QList<qint64> selectedIds() const;
    void selectId(qint64 id);
    QString systemName(qint64 id) const;

public slots:
    void refresh();
    void newPair();
    void editPair();
    void reviewSchemaChange();

signals:
    void refreshed();
    // A bulk action finished: what it did and the failures ("" when none).
    void actionFinished(const QString &summary, const QString &failures);
    void detailShown(qint64 pairId);

private:
    void createActions(Permissions *permissions);
    void loadSystems();
    void onChanged(const QString &type, const QString &id, const QString &action);
    void applyFilters();
    void applySystemFilter();
    // The selected pairs, or none after saying that a selection is needed.
    QList<QPair<qint64, QString>> selectedForBulk();
    void setEnabledOf(bool enable);
    void run(bool dryRun);
    void decideSchemaChanges(bool approve);
    void showDetail();
    void exportCsv();
    void updateActions();
    void restoreSettings();
    void saveSettings() const;

    GatewayClient *m_client;
    Permissions *m_permissions;
    SyncPairsModel *m_model;
    ResourceFilterModel *m_filter;
    ErrorBanner *m_banner;
    QLabel *m_message;
    PairFilterBar *m_filters;
    SyncPairsTable *m_table = nullptr;
    QSplitter *m_splitter;
    PairDetail *m_detail;
    QTimer *m_debounce;
    SyncPairsReader *m_reader;
    PairBulkActions *m_bulk;
    QAction *m_new = nullptr;
    QAction *m_edit = nullptr;
    QAction *m_enable = nullptr;
    QAction *m_disable = nullptr;
    QAction *m_run = nullptr;
    QAction *m_dryRun = nullptr;
    QAction *m_approveSchema = nullptr;
    QAction *m_rejectSchema = nullptr;
    QAction *m_reviewSchema = nullptr;
    QHash<qint64, QString> m_systems;
    bool m_readFailed = false;
    bool m_restoring = false;
};

} // namespace tf::console
