#include "metricchart.h"

#include "settings/displaysettings.h"

#include <QChart>
#include <QDateTimeAxis>
#include <QJsonObject>
#include <QLineSeries>
#include <QTimeZone>
#include <QToolTip>
#include <QValueAxis>

namespace tf::console {

MetricChart::MetricChart(const QString &title, const QString &unit, QWidget *parent)
    : QChartView(parent)
    , m_unit(unit)
    , m_timeAxis(new QDateTimeAxis)
    , m_valueAxis(new QValueAxis)
{
    setAccessibleName(title);
    setRenderHint(QPainter::Antialiasing);
    setMinimumSize(260, 180);
    auto *chart = new QChart;
    chart->setTitle(title);
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->addAxis(m_timeAxis, Qt::AlignBottom);
    chart->addAxis(m_valueAxis, Qt::AlignLeft);
    m_timeAxis->setTickCount(5);
    m_valueAxis->setLabelFormat(QStringLiteral("%.0f"));
    m_valueAxis->setRange(0, 1);
    setChart(chart);
    m_to = QDateTime::currentDateTimeUtc();
    m_from = m_to.addSecs(-3600);
    setRange(m_from, m_to);
    applyTheme();
    connect(DisplaySettings::instance(), &DisplaySettings::changed, this, &MetricChart::applyTheme);
}

void MetricChart::addThreshold(double value, const QString &label)
{
    auto *line = new QLineSeries(this);
    line->setName(label);
    chart()->addSeries(line);
    line->attachAxis(m_timeAxis);
    line->attachAxis(m_valueAxis);
    m_thresholds.append(line);
    m_thresholdValues.append(value);
    updateThresholds();
    applyTheme();
}

void MetricChart::setRange(const QDateTime &from, const QDateTime &to)
{
    m_from = from;
    m_to = to;
    const qint64 span = from.secsTo(to);
    m_timeAxis->setFormat(span <= 36 * 3600     ? QStringLiteral("HH:mm")
                          : span <= 4 * 86400 ? QStringLiteral("dd MMM HH:mm")
                                              : QStringLiteral("dd MMM"));
    // The day-and-time labels are long: three of them fit a small chart.
    m_timeAxis->setTickCount(span > 36 * 3600 && span <= 4 * 86400 ? 3 : 5);
    const bool utc = DisplaySettings::instance()->timeZone() == DisplaySettings::TimeZone::Utc;
    m_timeAxis->setRange(utc ? from.toUTC() : from.toLocalTime(), utc ? to.toUTC() : to.toLocalTime());
    updateThresholds();
}

void MetricChart::setSeriesItems(const QJsonArray &items)
{
    QList<Line> lines;
    for (const QJsonValue &value : items) {
        const QJsonObject item = value.toObject();
        QString name = item.value(QLatin1String("node")).toString();
        const QJsonObject labels = item.value(QLatin1String("labels")).toObject();
        if (labels.contains(QLatin1String("pair")))
            name = labels.value(QLatin1String("pair")).toString() + QStringLiteral(" (") + name + QLatin1Char(')');
        Line line { name.isEmpty() ? tr("all nodes") : name, {}, {} };
        for (const QJsonValue &p : item.value(QLatin1String("points")).toArray()) {
            const QJsonObject point = p.toObject();
            const QDateTime t = QDateTime::fromString(point.value(QLatin1String("t")).toString(), Qt::ISODateWithMs);
            if (t.isValid())
                line.points.append(QPointF(double(t.toMSecsSinceEpoch()), point.value(QLatin1String("avg")).toDouble()));
        }
        lines.append(line);
    }
    setLines(lines);
}

void MetricChart::setLines(const QList<Line> &lines)
{
    // The data lines are replaced, the thresholds stay (a refresh redraws the figures only).
    QList<QLineSeries *> old = m_data;
    m_data.clear();
    for (const Line &wanted : lines) {
        QLineSeries *line = nullptr;
        for (QLineSeries *candidate : old) {
            if (candidate->name() == wanted.name) {
                line = candidate;
                old.removeOne(candidate);
                break;
            }
        }
        if (!line) {
            line = new QLineSeries(this);
            line->setName(wanted.name);
            line->setPointsVisible(false);
            chart()->addSeries(line);
            line->attachAxis(m_timeAxis);
            line->attachAxis(m_valueAxis);
            connect(line, &QLineSeries::hovered, this,
                    [this, line](const QPointF &point, bool state) { showValue(line, point, state); });
        }
        m_pens.insert(line, { wanted.color, wanted.width });
        line->replace(wanted.points);
        m_data.append(line);
    }
    for (QLineSeries *gone : old) {
        m_pens.remove(gone);
        chart()->removeSeries(gone);
        gone->deleteLater();
    }
    applyTheme();
    updateValueAxis();
}

void MetricChart::updateThresholds()
{
    for (int i = 0; i < m_thresholds.size(); ++i) {
        const double v = m_thresholdValues.at(i);
        m_thresholds.at(i)->replace({ QPointF(double(m_from.toMSecsSinceEpoch()), v),
                                      QPointF(double(m_to.toMSecsSinceEpoch()), v) });
    }
    updateValueAxis();
}

void MetricChart::updateValueAxis()
{
    double top = 1;
    for (double v : m_thresholdValues)
        top = qMax(top, v);
    for (QLineSeries *line : m_data) {
        for (const QPointF &p : line->points())
            top = qMax(top, p.y());
    }
    m_valueAxis->setRange(0, top * 1.1);
    m_valueAxis->applyNiceNumbers();
    // Small ranges tick in fractions: whole-number labels would repeat.
    m_valueAxis->setLabelFormat(m_valueAxis->max() < 5 ? QStringLiteral("%.1f") : QStringLiteral("%.0f"));
}

void MetricChart::applyTheme()
{
    const bool dark = DisplaySettings::instance()->theme() == DisplaySettings::Theme::Dark;
    chart()->setTheme(dark ? QChart::ChartThemeDark : QChart::ChartThemeLight);
    chart()->setBackgroundRoundness(0);
    for (QLineSeries *line : m_thresholds) {
        QPen pen(dark ? QColor(255, 120, 100) : QColor(200, 40, 30));
        pen.setStyle(Qt::DashLine);
        pen.setWidthF(1.5);
        line->setPen(pen);
    }
    for (QLineSeries *line : m_data) {
        QPen pen = line->pen();
        const QPair<QColor, qreal> wanted = m_pens.value(line, { QColor(), 2.0 });
        if (wanted.first.isValid())
            pen.setColor(wanted.first);
        pen.setWidthF(wanted.second);
        line->setPen(pen);
    }
}

void MetricChart::showValue(QLineSeries *series, const QPointF &point, bool state)
{
    if (!state) {
        QToolTip::hideText();
        return;
    }
    const QDateTime when = QDateTime::fromMSecsSinceEpoch(qint64(point.x()), QTimeZone::utc());
    QToolTip::showText(QCursor::pos(),
                       tr("%1: %2 %3\n%4")
                               .arg(series->name(), QString::number(point.y(), 'f', 1), m_unit,
                                    DisplaySettings::instance()->formatDateTime(when)),
                       this);
}

} // namespace tf::console
