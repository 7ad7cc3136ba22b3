#pragma once

#include <QByteArray>
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QUrlQuery>
#include <QWidget>

class QAction;
class QLabel;
class QLineEdit;
class QSplitter;
class QTableView;
class QTableWidget;

namespace tf::console {

class ChangePoller;
class GatewayClient;
class Permissions;
class QuarantineBatch;
class QuarantineDetail;
class QuarantineFilterBar;
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
    void listPairNames();
    // The server-side filters of GET /api/quarantine.
    QUrlQuery listQuery() const;
    void finishRefresh(bool ok);
    void loadDetail();
    void showDetail(const QJsonObject &entry, const QByteArray &etag = {});
    void rebuildFilterChoices();
    void applyFilters();
    void updateActions();
    void finishBatch(int succeeded, int failed, const QString &summary);
    void say(const QString &text, bool error = false);
    void exportCsv();

    GatewayClient *m_client;
    Permissions *m_permissions;
    QuarantineModel *m_model;
    ResourceFilterModel *m_filter;
    QTableView *m_table;
    QuarantineFilterBar *m_filters;
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

    QuarantineBatch *m_batch;
};

} // namespace tf::console
