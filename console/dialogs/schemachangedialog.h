#pragma once

#include <QDialog>
#include <QJsonArray>
#include <QJsonObject>

class QDialogButtonBox;
class QLabel;
class QPushButton;
class QTableWidget;

namespace tf::console {

class GatewayClient;
class MappingGrid;

// Reviews the schema changes held for one cdc pair (docs/cdc.md, "Schema changes"), oldest
// first: the changed table's columns before and after (added, dropped, retyped, re-keyed),
// and the mapping of the pair's entity for that table, editable. "Map New Columns" adds a
// row for each added column not mapped yet; a row whose source column was dropped is marked.
// Approve posts the decision: with the edited mapping as {"entity": …} under If-Match (the
// pair's ETag) when it differs from the pair's, else without a body; a refusal (422, 412,
// 409) is shown and the dialog stays open. Reject asks first (the pair stays stopped until
// re-snapshotted). After each decision the next held change is shown; none left closes it.
class SchemaChangeDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SchemaChangeDialog)

public:
    SchemaChangeDialog(GatewayClient *client, qint64 pairId, QWidget *parent = nullptr);

    qint64 pairId() const { return m_pairId; }
    qint64 changeId() const { return m_changeId; } // the change shown; 0 before it is loaded
    int pendingCount() const { return int(m_pending.size()); }
    MappingGrid *mapping() const { return m_mapping; }
    QTableWidget *columns() const { return m_columns; }
    QString statusText() const;

public slots:
    void reload();
    void mapNewColumns();
    void approve();
    void rejectChange(); // asks first

signals:
    void loaded();
    // A change was decided: "approved" or "rejected"
    void decided(qint64 changeId, const QString &status);
    // A decision or a read was refused; the message shown.
    void failed(const QString &message);

private:
    void showChange();
    void decide(const QString &verb);
    void fail(const QString &message); // shown, and failed() emitted
    void showError(const QString &message);
    void setBusy(bool busy);
    QJsonObject entityOfTable(const QString &table) const;
    QString path(const QString &tail = {}) const;

    GatewayClient *m_client;
    qint64 m_pairId;
    qint64 m_changeId = 0;
    QByteArray m_etag;
    QJsonObject m_definition;
    QJsonArray m_pending;
    QJsonObject m_entity; // the pair's entity of the changed table, as loaded
    QStringList m_added;
    QStringList m_dropped;
    int m_reads = 0;
    QString m_carriedMessage; // a 412/409 refusal, shown again after the reload it causes

    QLabel *m_heading;
    QTableWidget *m_columns;
    MappingGrid *m_mapping;
    QPushButton *m_mapNew;
    QLabel *m_status;
    QPushButton *m_approve;
    QPushButton *m_reject;
    QDialogButtonBox *m_buttons;
};

} // namespace tf::console
