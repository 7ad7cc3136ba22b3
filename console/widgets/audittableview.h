#pragma once

#include <QPersistentModelIndex>
#include <QTableView>

namespace tf::console {

// The audit page's table over millions of rows (AuditModel), built so that scrolling costs one
// paint per screen:
// - rows appended below the last row on screen (a page fetched at the bottom) only resize the
//   scroll bar: QTableView would lay out and repaint its whole viewport after every insertion;
// - rows inserted or removed above the first row on screen (the placeholders between the two
//   ends resized when the total arrives, pages that fill them) do not move the rows on screen;
//   at the very top, new entries (Refresh) still come into view;
// - fixed row heights, one item per scroll step, no word wrap; cells drawn by
//   AuditCellDelegate (text laid out once, not at every paint).
class AuditTableView final : public QTableView
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AuditTableView)

public:
    explicit AuditTableView(QWidget *parent = nullptr);

    void setModel(QAbstractItemModel *model) override;
    void doItemsLayout() override;
    void reset() override;
    int fullLayouts() const { return m_fullLayouts; } // viewport repaints for a change of rows

protected slots:
    void rowsInserted(const QModelIndex &parent, int start, int end) override;

private:
    void holdTopRow(int first);
    void restoreTopRow();

    QPersistentModelIndex m_top; // the first row on screen while rows change above it
    bool m_appendPending = false;
    bool m_fullPending = false;
    int m_fullLayouts = 0;
};

} // namespace tf::console
