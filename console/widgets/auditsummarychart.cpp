#include "auditsummarychart.h"

#include "settings/displaysettings.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QCoreApplication>
#include <QHorizontalBarSeries>
#include <QLabel>
#include <QLocale>
#include <QValueAxis>
#include <QVBoxLayout>

#include <algorithm>

namespace tf::console {

namespace {
QChartView *newChartView(const QString &name, QWidget *parent)
{
    auto *view = new QChartView(new QChart, parent);
    view->setObjectName(name);
    view->setRenderHint(QPainter::Antialiasing);
    view->setMinimumHeight(180);
    view->chart()->legend()->hide();
    view->chart()->setBackgroundRoundness(0);
    return view;
}

// Replaces the chart's series with one bar set of these bars.
void fill(QChart *chart, const QList<QPair<QString, qint64>> &bars, bool horizontal, const QString &title)
{
    chart->removeAllSeries();
    for (QAbstractAxis *axis : chart->axes())
        chart->removeAxis(axis);
    chart->setTitle(title);
    auto *set = new QBarSet(title);
    QStringList categories;
    qint64 most = 1;
    for (const auto &[category, count] : bars) {
        categories << (category.isEmpty() ? QCoreApplication::translate("tf::console::AuditSummaryChart", "(none)") : category);
        *set << double(count);
        most = qMax(most, count);
    }
    QAbstractBarSeries *series = horizontal ? static_cast<QAbstractBarSeries *>(new QHorizontalBarSeries)
                                            : static_cast<QAbstractBarSeries *>(new QBarSeries);
    series->append(set);
    chart->addSeries(series);
    auto *categoryAxis = new QBarCategoryAxis;
    categoryAxis->append(categories);
    auto *valueAxis = new QValueAxis;
    valueAxis->setRange(0, double(most));
    valueAxis->setLabelFormat(QStringLiteral("%.0f"));
    valueAxis->applyNiceNumbers();
    chart->addAxis(categoryAxis, horizontal ? Qt::AlignLeft : Qt::AlignBottom);
    chart->addAxis(valueAxis, horizontal ? Qt::AlignBottom : Qt::AlignLeft);
    series->attachAxis(categoryAxis);
    series->attachAxis(valueAxis);
}
} // namespace

AuditSummaryChart::AuditSummaryChart(QWidget *parent)
    : QWidget(parent)
    , m_total(new QLabel(this))
    , m_days(newChartView(QStringLiteral("auditPerDay"), this))
    , m_users(newChartView(QStringLiteral("auditPerUser"), this))
{
    auto *layout = new QVBoxLayout(this);
    m_total->setObjectName(QStringLiteral("auditSummaryTotal"));
    layout->addWidget(m_total);
    layout->addWidget(m_days, 1);
    layout->addWidget(m_users, 1);
    m_days->setAccessibleName(tr("Entries per day"));
    m_users->setAccessibleName(tr("Entries per user"));
    connect(DisplaySettings::instance(), &DisplaySettings::changed, this, &AuditSummaryChart::rebuild);
    rebuild();
}

void AuditSummaryChart::setSummary(const QJsonObject &summary)
{
    m_summary = summary;
    rebuild();
}

void AuditSummaryChart::rebuild()
{
    const QJsonValue total = m_summary.value(QLatin1String("total_entries"));
    m_total->setText(total.isDouble() ? tr("%1 entries match the filter.").arg(QLocale().toString(total.toInteger()))
                                      : tr("Counting entries…"));
    m_dayBars.clear();
    const QJsonObject days = m_summary.value(QLatin1String("by_day")).toObject();
    const QStringList dayKeys = days.keys(); // yyyy-mm-dd sorts by date
    for (qsizetype i = qMax<qsizetype>(0, dayKeys.size() - MaxDays); i < dayKeys.size(); ++i)
        m_dayBars.append({ dayKeys.at(i).mid(5), days.value(dayKeys.at(i)).toInteger() });
    m_userBars.clear();
    const QJsonObject users = m_summary.value(QLatin1String("by_username")).toObject();
    for (auto it = users.constBegin(); it != users.constEnd(); ++it)
        m_userBars.append({ it.key(), it.value().toInteger() });
    std::stable_sort(m_userBars.begin(), m_userBars.end(), [](const auto &a, const auto &b) { return a.second > b.second; });
    if (m_userBars.size() > MaxUsers)
        m_userBars.resize(MaxUsers);
    std::reverse(m_userBars.begin(), m_userBars.end()); // horizontal bars draw bottom-up: busiest on top

    const bool dark = DisplaySettings::instance()->theme() == DisplaySettings::Theme::Dark;
    for (QChartView *view : { m_days, m_users })
        view->chart()->setTheme(dark ? QChart::ChartThemeDark : QChart::ChartThemeLight);
    fill(m_days->chart(), m_dayBars, false, tr("Entries per day (UTC)"));
    fill(m_users->chart(), m_userBars, true, tr("Entries per user"));
}

} // namespace tf::console
