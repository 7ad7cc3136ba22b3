#pragma once

#include <QByteArray>
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QPointer>
#include <QSet>
#include <QUrlQuery>
#include <QWidget>

class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QProgressDialog;
class QSplitter;
class QTableView;
class QTableWidget;

namespace tf::console {

class ChangePoller;
class GatewayClient;
class Permissions;
class QuarantineDetail;
class QuarantineModel;
class ResourceFilterModel;

// Open quarantined rows of every pair in one list (GET /api/quarantine), narrowed on the
// server by pair, entity, rule and age ("older than": created_before), and here by field and
// text. The detail pane shows the source row, the failing rule, field and message, and the
// transformed row with editable values (Save Edits: PUT /api/quarantine/{id} with If-Match).
// Replay and Discard act on the selected rows (quarantine:write); more than one row asks for
// a confirmation stating the count and runs one call after another under a cancellable
// progress dialog.
class QuarantinePage final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(QuarantinePage)

public:
    QuarantinePage(GatewayClient *client, ChangePoller *poller, Permissions *permissions, QWidget *parent = nullptr);

    QuarantineModel *model() const { return m_model; }
    ResourceFilterModel *filter() const { return m_filter; }
    QTableView *table() const { return m_table; }
    QTableWidget *rowEditor() const;
    QList<qint64> selectedIds() const;
    void selectIds(const QList<qint64> &ids);
    QString statusText() const;

public slots:
    void refresh();
    void saveEdits();
    void replaySelected();
    void discardSelected();

signals:
    void refreshed(bool ok);
    void detailShown(qint64 id);
    void saved(bool ok);
    void batchFinished(int succeeded, int failed);

protected:
    void showEvent(QShowEvent *event) override;

private:
    enum class Batch { Replay, Discard };
    void listPairNames();
    // The server-side filters of GET /api/quarantine.
    QUrlQuery listQuery() const;
    void finishRefresh(bool ok);
    void loadDetail();
    void showDetail(const QJsonObject &entry, const QByteArray &etag = {});
    void rebuildFilterChoices();
    void applyFilters();
    void updateActions();
    void runBatch(Batch kind, const QList<qint64> &ids);
    void runNext();
    void say(const QString &text, bool error = false);
    void exportCsv();

    GatewayClient *m_client;
    Permissions *m_permissions;
    QuarantineModel *m_model;
    ResourceFilterModel *m_filter;
    QTableView *m_table;
    QComboBox *m_pairFilter;
    QComboBox *m_entityFilter;
    QComboBox *m_ruleFilter;
    QComboBox *m_fieldFilter;
    QComboBox *m_ageFilter;
    QLineEdit *m_text;
    QLabel *m_status;
    QSplitter *m_splitter;
    QuarantineDetail *m_detail;
    QAction *m_refreshAction;
    QAction *m_saveAction;
    QAction *m_replayAction;
    QAction *m_discardAction;
    QAction *m_exportAction;

    // The refresh: an answer to an older one (the filters changed since) is dropped.
    int m_generation = 0;
    QHash<qint64, QString> m_pairNames;
    // Entities and rules seen in any answer: the choices stay while a filter narrows the list.
    QHash<QComboBox *, QSet<QString>> m_seen;

    // A running batch.
    Batch m_batchKind = Batch::Replay;
    QList<qint64> m_batch;
    int m_batchDone = 0;
    int m_batchFailed = 0;
    QStringList m_batchErrors;
    QPointer<QProgressDialog> m_progress;
};

} // namespace tf::console
