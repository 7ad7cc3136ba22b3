#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QWidget>

class QAction;
class QHBoxLayout;
class QLabel;
class QTableWidget;

namespace tf::console {

// The quarantine page's detail pane: what failed (rule, field, message and where the row came
// from), the source row, and the transformed row with editable values. It keeps the entry shown
// and its ETag; the page fetches, saves and replays.
class QuarantineDetail final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(QuarantineDetail)

public:
    explicit QuarantineDetail(QWidget *parent = nullptr);

    // A button under the transformed row for the action (Save Edits, Replay).
    void addCommand(QAction *action);

    // Shows the entry (an empty object: nothing selected); its values are editable if asked.
    void showEntry(const QJsonObject &entry, const QByteArray &etag, bool editable);
    // Replaces the failure summary (several rows selected, a read failed).
    void setMessage(const QString &text);

    const QJsonObject &entry() const { return m_entry; }
    qint64 entryId() const;
    QByteArray etag() const { return m_etag; }
    bool isDirty() const { return m_dirty; }
    QTableWidget *rowEditor() const { return m_transformed; }
    // The transformed row as edited, each value in the JSON type the field had.
    QJsonObject editedRow() const;

signals:
    void edited();

private:
    QLabel *m_failure;
    QTableWidget *m_source;
    QTableWidget *m_transformed;
    QHBoxLayout *m_buttons;
    QJsonObject m_entry;
    QByteArray m_etag;
    bool m_dirty = false;
    bool m_filling = false;
};

} // namespace tf::console
