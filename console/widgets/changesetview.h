#pragma once

#include <QJsonArray>
#include <QWidget>

class QLabel;
class QTableWidget;

namespace tf::console {

// A dry run's change set (GET /api/sync-operations/{id}/changes): one line per insert, delete
// and invalid row, and one line per changed field of an update with the target's current value
// (before) → the value the run would write (after), the changed cells marked. An update of a
// target that cannot be read back shows the row it would write. Above the table, the counts
// per kind, or a note when there is no change set to show.
class ChangeSetView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ChangeSetView)

public:
    enum Column {
        ActionColumn,
        EntityColumn,
        KeyColumn,
        FieldColumn,
        BeforeColumn,
        AfterColumn,
        ColumnCount
    };

    explicit ChangeSetView(QWidget *parent = nullptr);

    // The changes, or (empty changes) a note saying why there are none.
    void setChanges(const QJsonArray &changes, const QString &note = {});
    QTableWidget *table() const { return m_table; }
    QString summary() const;
    // Cells marked as changed (before and after of an update's field).
    static bool isMarked(const QTableWidget *table, int row, int column);

private:
    QLabel *m_summary;
    QTableWidget *m_table;
};

} // namespace tf::console
