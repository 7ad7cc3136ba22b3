#include "sparkline.h"

#include "models/resourcetablemodel.h"

#include <QAbstractItemModel>
#include <QDateTime>
#include <QLocale>
#include <QPainter>
#include <QPainterPath>
#include <algorithm>

namespace tf::console {

Sparkline::Sparkline(QAbstractItemModel *model, int valueColumn, int timeColumn, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_valueColumn(valueColumn)
    , m_timeColumn(timeColumn)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    for (const auto signal :
         { &QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved })
        connect(model, signal, this, &Sparkline::reload);
    connect(model, &QAbstractItemModel::dataChanged, this, &Sparkline::reload);
    connect(model, &QAbstractItemModel::modelReset, this, &Sparkline::reload);
    connect(model, &QAbstractItemModel::layoutChanged, this, &Sparkline::reload);
    reload();
}

void Sparkline::reload()
{
    m_points.clear();
    if (!m_model)
        return;
    for (int row = 0; row < m_model->rowCount(); ++row) {
        const QVariant value
            = m_model->index(row, m_valueColumn).data(ResourceTableModel::SortRole);
        const QDateTime time
            = m_model->index(row, m_timeColumn).data(ResourceTableModel::SortRole).toDateTime();
        if (value.isValid() && !value.isNull() && time.isValid())
            m_points << QPointF(double(time.toMSecsSinceEpoch()), value.toDouble());
    }
    std::sort(m_points.begin(), m_points.end(),
              [](const QPointF &a, const QPointF &b) { return a.x() < b.x(); });
    setToolTip(m_points.isEmpty()
                   ? tr("No finished operation with a row count yet")
                   : tr("%1 per finished operation, oldest on the left; %n operation(s)", nullptr,
                        int(m_points.size()))
                         .arg(m_unit));
    update();
}

void Sparkline::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QPalette &colors = palette();
    const QFontMetrics metrics(font());
    if (m_points.isEmpty()) {
        painter.setPen(colors.color(QPalette::PlaceholderText));
        painter.drawText(rect(), Qt::AlignCenter, tr("No throughput yet"));
        return;
    }
    const double top
        = std::max_element(m_points.cbegin(), m_points.cend(),
                           [](const QPointF &a, const QPointF &b) { return a.y() < b.y(); })
              ->y();
    const QLocale locale;
    const auto number
        = [&locale](double value) { return locale.toString(value, 'f', value < 10 ? 1 : 0); };
    const QString last = tr("%1 %2").arg(number(m_points.constLast().y()), m_unit);
    const QString peak = tr("max %1").arg(number(top));
    const int labelWidth
        = std::max(metrics.horizontalAdvance(last), metrics.horizontalAdvance(peak)) + 8;
    const QRectF plot = QRectF(rect()).adjusted(3, 4, -labelWidth - 3, -4);

    painter.setPen(QPen(colors.color(QPalette::Mid), 1, Qt::DotLine));
    painter.drawLine(plot.bottomLeft(), plot.bottomRight());

    const double first = m_points.constFirst().x();
    const double span = std::max(1.0, m_points.constLast().x() - first);
    const double height = top > 0 ? top : 1.0;
    const auto at = [&](const QPointF &point) {
        const double x = m_points.size() == 1
            ? plot.center().x()
            : plot.left() + (point.x() - first) / span * plot.width();
        return QPointF(x, plot.bottom() - point.y() / height * plot.height());
    };
    QPainterPath line;
    line.moveTo(at(m_points.constFirst()));
    for (qsizetype i = 1; i < m_points.size(); ++i)
        line.lineTo(at(m_points.at(i)));
    const QColor accent = colors.color(QPalette::Highlight);
    painter.setPen(QPen(accent, 1.6));
    painter.drawPath(line);
    painter.setBrush(accent);
    painter.drawEllipse(at(m_points.constLast()), 2.5, 2.5);

    painter.setPen(colors.color(QPalette::WindowText));
    const QRectF labels(plot.right() + 6, rect().top(), labelWidth, rect().height());
    painter.drawText(labels, Qt::AlignLeft | Qt::AlignVCenter, last + QLatin1Char('\n') + peak);
}

} // namespace tf::console
