#pragma once

#include <QList>
#include <QPointF>
#include <QPointer>
#include <QWidget>

class QAbstractItemModel;

namespace tf::console {

// A small line of one numeric column over time, painted from the same model as the table
// beside it (no copy of the data): one point per row with a value (SortRole of valueColumn)
// and a time (SortRole of timeColumn, a QDateTime), oldest on the left. The last value and
// the highest are written beside the line; rows without either are skipped.
class Sparkline final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Sparkline)

public:
    Sparkline(QAbstractItemModel *model, int valueColumn, int timeColumn,
              QWidget *parent = nullptr);

    // "rows/s": written after the numbers.
    void setUnit(const QString &unit)
    {
        m_unit = unit;
        update();
    }
    // (milliseconds since the epoch, value), oldest first.
    QList<QPointF> points() const { return m_points; }
    QSize sizeHint() const override { return { 240, 56 }; }
    QSize minimumSizeHint() const override { return { 120, 40 }; }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    void reload();

    QPointer<QAbstractItemModel> m_model;
    int m_valueColumn;
    int m_timeColumn;
    QString m_unit;
    QList<QPointF> m_points;
};

} // namespace tf::console
