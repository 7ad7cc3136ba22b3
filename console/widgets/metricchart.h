#pragma once

#include <QChartView>
#include <QColor>
#include <QDateTime>
#include <QHash>
#include <QJsonArray>
#include <QList>

class QDateTimeAxis;
class QLineSeries;
class QValueAxis;

namespace tf::console {

// One metric over time (Qt Charts, a QDateTimeAxis): one line per node from the series of
// GET /api/metrics/history (items {node, labels, points[{t, avg, min, max, samples}]}), and
// optional dashed threshold lines. Hovering a line shows its value in a tooltip. The chart
// theme follows the console's light/dark palette (DisplaySettings).
class MetricChart final : public QChartView
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MetricChart)

public:
    explicit MetricChart(const QString &title, const QString &unit, QWidget *parent = nullptr);

    // A dashed horizontal line at value (drawn across the current range).
    void addThreshold(double value, const QString &label);
    // The time range shown; the thresholds span it.
    void setRange(const QDateTime &from, const QDateTime &to);
    // Replaces the data lines with the history answer's series (one line per node and labels).
    void setSeriesItems(const QJsonArray &items);
    // One data line: its name (the legend and the hover text), points (x: ms since the
    // epoch) and a fixed colour (invalid: the theme's).
    struct Line
    {
        QString name;
        QList<QPointF> points;
        QColor color;
        qreal width = 2; // a wider line drawn first stays visible under a narrower one
    };
    // Replaces the data lines; a line keeps its series (and hover) while its name stays.
    void setLines(const QList<Line> &lines);

    // What tests and the dashboard read.
    QList<QLineSeries *> dataSeries() const { return m_data; }
    QList<QLineSeries *> thresholdSeries() const { return m_thresholds; }
    QString unit() const { return m_unit; }

private:
    void applyTheme();
    void updateThresholds();
    void updateValueAxis();
    void showValue(QLineSeries *series, const QPointF &point, bool state);

    QString m_unit;
    QDateTimeAxis *m_timeAxis;
    QValueAxis *m_valueAxis;
    QList<QLineSeries *> m_data;
    QList<QLineSeries *> m_thresholds;
    QList<double> m_thresholdValues;
    QHash<QLineSeries *, QPair<QColor, qreal>> m_pens;
    QDateTime m_from;
    QDateTime m_to;
};

} // namespace tf::console
