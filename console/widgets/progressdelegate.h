#pragma once

#include <QStyledItemDelegate>

namespace tf::console {

// Paints a progress bar in a cell from ResourceTableModel::ProgressRole (a 0..1 fraction);
// a cell without one is painted as usual (its text, if any).
class ProgressDelegate final : public QStyledItemDelegate
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProgressDelegate)

public:
    explicit ProgressDelegate(QObject *parent = nullptr);

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;
};

} // namespace tf::console
