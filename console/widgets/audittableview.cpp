#include "audittableview.h"

#include "auditcelldelegate.h"

#include <QHeaderView>
#include <QScrollBar>

namespace tf::console {

AuditTableView::AuditTableView(QWidget *parent)
    : QTableView(parent)
{
    setItemDelegate(new AuditCellDelegate(this));
    setVerticalScrollMode(ScrollPerItem); // the first row on screen is the scroll bar's value
    setWordWrap(false);
    verticalHeader()->hide();
    verticalHeader()->setSectionResizeMode(QHeaderView::Fixed); // no per-row measuring of a million rows
    verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 8);
}

void AuditTableView::setModel(QAbstractItemModel *model)
{
    if (this->model())
        disconnect(this->model(), nullptr, this, nullptr);
    QTableView::setModel(model); // the headers connect first: their sections are current below
    if (!model)
        return;
    auto full = [this] { m_fullPending = true; };
    connect(model, &QAbstractItemModel::rowsMoved, this, full);
    connect(model, &QAbstractItemModel::columnsInserted, this, full);
    connect(model, &QAbstractItemModel::columnsRemoved, this, full);
    connect(model, &QAbstractItemModel::layoutChanged, this, full);
    connect(model, &QAbstractItemModel::rowsAboutToBeInserted, this, [this](const QModelIndex &, int first) { holdTopRow(first); });
    connect(model, &QAbstractItemModel::rowsAboutToBeRemoved, this, [this](const QModelIndex &, int first) {
        m_fullPending = true;
        holdTopRow(first);
    });
    connect(model, &QAbstractItemModel::rowsInserted, this, &AuditTableView::restoreTopRow);
    connect(model, &QAbstractItemModel::rowsRemoved, this, &AuditTableView::restoreTopRow);
}

void AuditTableView::rowsInserted(const QModelIndex &parent, int start, int end)
{
    // Called before the vertical header has counted the new rows: rowAt() is the old layout.
    const int lastOnScreen = rowAt(viewport()->height() - 1);
    const bool appendedBelow = lastOnScreen >= 0 && start > lastOnScreen && end == model()->rowCount() - 1;
    if (appendedBelow)
        m_appendPending = true;
    else
        m_fullPending = true;
    QTableView::rowsInserted(parent, start, end);
}

void AuditTableView::reset()
{
    m_fullPending = true;
    m_top = QPersistentModelIndex();
    QTableView::reset();
}

void AuditTableView::doItemsLayout()
{
    const bool onlyAppended = m_appendPending && !m_fullPending;
    m_appendPending = false;
    m_fullPending = false;
    if (onlyAppended) { // nothing on screen moved: the scroll bar's range is all that changes
        updateGeometries();
        return;
    }
    ++m_fullLayouts;
    QTableView::doItemsLayout();
}

void AuditTableView::holdTopRow(int first)
{
    // One item per step: the scroll bar's value is the first row wholly on screen (at the
    // bottom, the row above it may show in part), so the bottom stays the bottom too.
    const int top = verticalScrollBar()->value();
    m_top = top > 0 && first <= top ? QPersistentModelIndex(model()->index(top, 0)) : QPersistentModelIndex();
}

void AuditTableView::restoreTopRow()
{
    if (!m_top.isValid())
        return;
    const int row = std::exchange(m_top, QPersistentModelIndex()).row();
    updateGeometries(); // the scroll bar's range for the new row count (the layout is delayed)
    verticalScrollBar()->setValue(row);
}

} // namespace tf::console
