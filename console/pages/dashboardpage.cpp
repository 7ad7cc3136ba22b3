#include "dashboardpage.h"

#include "client/changepoller.h"
#include "client/gatewayclient.h"
#include "models/health.h"
#include "models/statusmodel.h"
#include "settings/displaysettings.h"
#include "widgets/metricchart.h"
#include "widgets/timerangepicker.h"

#include <QAction>
#include <QComboBox>
#include <QFrame>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QTimer>
#include <QUrlQuery>
#include <QVBoxLayout>

namespace tf::console {

DashboardPage::DashboardPage(GatewayClient *client, ChangePoller *poller, StatusModel *status, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_status(status)
    , m_health(new QLabel(this))
    , m_range(new TimeRangePicker(this))
    , m_operations(new MetricChart(tr("Operations per hour: succeeded and failed"), tr("operations/h"), this))
    , m_updated(new QLabel(this))
    , m_timer(new QTimer(this))
{
    m_health->setObjectName(QStringLiteral("dashboardHealth"));
    m_health->setAccessibleName(tr("Health"));
    m_health->setTextFormat(Qt::RichText);
    m_health->setWordWrap(true);
    m_operations->setObjectName(QStringLiteral("operationsPerHourChart"));
    m_updated->setObjectName(QStringLiteral("dashboardUpdated"));

    auto *refreshAction = new QAction(tr("&Refresh Dashboard"), this);
    connect(refreshAction, &QAction::triggered, this, &DashboardPage::refresh);
    auto *refreshButton = new QPushButton(tr("Refresh"), this);
    refreshButton->setObjectName(QStringLiteral("dashboardRefresh"));
    refreshButton->setAccessibleName(tr("Refresh the dashboard"));
    refreshButton->setToolTip(tr("Refresh (F5)"));
    connect(refreshButton, &QPushButton::clicked, refreshAction, &QAction::trigger);

    auto *top = new QHBoxLayout;
    top->addWidget(m_health, 1);
    top->addWidget(m_updated);
    top->addWidget(m_range);
    top->addWidget(refreshButton);

    auto *counters = new QHBoxLayout;
    auto addTo = [&](QLabel *label) { counters->addWidget(label->parentWidget(), 1); };
    m_failed = addCounter(QStringLiteral("counterFailedSyncs"), tr("Failed syncs, last hour (threshold 5)"));
    addTo(m_failed);
    m_restarts = addCounter(QStringLiteral("counterRestarts"), tr("Restarts in 24 h (threshold 3)"));
    addTo(m_restarts);
    m_alerts = addCounter(QStringLiteral("counterOpenAlerts"), tr("Open alerts"));
    addTo(m_alerts);
    m_quarantine = addCounter(QStringLiteral("counterOpenQuarantine"), tr("Open quarantine"));
    addTo(m_quarantine);

    auto *grid = new QGridLayout;
    grid->setSpacing(6);
    addChart(QStringLiteral("cpu_percent"), tr("CPU %"), QStringLiteral("%"))->addThreshold(80, tr("threshold 80 %"));
    addChart(QStringLiteral("memory_percent"), tr("Memory %"), QStringLiteral("%"))->addThreshold(80, tr("threshold 80 %"));
    addChart(QStringLiteral("disk_percent"), tr("Disk %"), QStringLiteral("%"))->addThreshold(85, tr("threshold 85 %"));
    addChart(QStringLiteral("http_p95_ms"), tr("HTTP p95 response time (ms)"), QStringLiteral("ms"))
            ->addThreshold(500, tr("threshold 500 ms"));
    addChart(QStringLiteral("pair_rows_per_second"), tr("Pair throughput (rows/s)"), tr("rows/s"));
    addChart(QStringLiteral("operations_failed_last_hour"), tr("Operations failed in the last hour"), tr("operations"))
            ->addThreshold(5, tr("threshold 5"));
    for (int i = 0; i < m_metrics.size(); ++i)
        grid->addWidget(m_charts.value(m_metrics.at(i)), i / 3, i % 3);
    grid->addWidget(m_operations, int(m_metrics.size() + 2) / 3, 0, 1, 3);

    // In a scroll area, so the dashboard never widens the window past a small screen.
    auto *content = new QWidget;
    auto *layout = new QVBoxLayout(content);
    layout->addLayout(top);
    layout->addLayout(counters);
    layout->addLayout(grid, 1);
    auto *scroll = new QScrollArea(this);
    scroll->setObjectName(QStringLiteral("dashboardScroll"));
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(content);
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(scroll);
    addAction(refreshAction);

    m_timer->setInterval(RefreshIntervalMs);
    connect(m_timer, &QTimer::timeout, this, &DashboardPage::refresh);
    connect(m_range, &TimeRangePicker::changed, this, &DashboardPage::refresh);
    if (poller) {
        connect(poller, &ChangePoller::reloadAll, this, [this] {
            if (isVisible())
                refresh();
        });
        connect(poller, &ChangePoller::changed, this, [this](const QString &type) {
            if (isVisible() && (type == QLatin1String("alert") || type == QLatin1String("quarantine_entry")))
                refreshCounters();
        });
    }
    if (m_status) {
        connect(m_status, &StatusModel::summaryChanged, this, &DashboardPage::showHealth);
        connect(m_status, &QAbstractItemModel::dataChanged, this, &DashboardPage::showHealth);
        connect(m_status, &QAbstractItemModel::rowsInserted, this, &DashboardPage::showHealth);
    }
    showHealth();
}

MetricChart *DashboardPage::addChart(const QString &metric, const QString &title, const QString &unit)
{
    auto *chart = new MetricChart(title, unit, this);
    chart->setObjectName(metric + QStringLiteral("Chart"));
    m_charts.insert(metric, chart);
    m_metrics.append(metric);
    return chart;
}

QLabel *DashboardPage::addCounter(const QString &name, const QString &caption)
{
    auto *frame = new QFrame(this);
    frame->setFrameShape(QFrame::StyledPanel);
    auto *box = new QVBoxLayout(frame);
    box->setContentsMargins(8, 4, 8, 4);
    auto *value = new QLabel(QStringLiteral("—"), frame);
    value->setObjectName(name);
    value->setAccessibleName(caption);
    QFont big = value->font();
    big.setPointSizeF(big.pointSizeF() * 2);
    big.setBold(true);
    value->setFont(big);
    auto *label = new QLabel(caption, frame);
    label->setWordWrap(true);
    box->addWidget(value);
    box->addWidget(label);
    return value;
}

QComboBox *DashboardPage::rangePicker() const
{
    return m_range->presets();
}

qint64 DashboardPage::rangeSeconds() const
{
    return m_range->seconds();
}

void DashboardPage::refresh()
{
    const quint64 generation = ++m_generation;
    const QDateTime to = m_range->to();
    const QDateTime from = m_range->from();
    m_pending = int(m_metrics.size()) + 2;
    for (const QString &metric : std::as_const(m_metrics)) {
        MetricChart *chart = m_charts.value(metric);
        // About one bucket per pixel of the plot.
        const int width = qMax(100, chart->width() - 60);
        const qint64 step = qMax<qint64>(1, (rangeSeconds() + width - 1) / width);
        QUrlQuery query;
        query.addQueryItem(QStringLiteral("metric"), metric);
        query.addQueryItem(QStringLiteral("created_after"), from.toString(Qt::ISODate));
        query.addQueryItem(QStringLiteral("created_before"), to.toString(Qt::ISODate));
        query.addQueryItem(QStringLiteral("step"), QString::number(step));
        m_lastQuery.insert(metric, query.toString());
        ++m_historyRequests;
        m_client->list(QStringLiteral("/api/metrics/history"), query, this,
                       [this, chart, generation, from, to](const QJsonArray &items, const ApiResult &last) {
                           if (generation != m_generation)
                               return;
                           if (last.ok()) {
                               chart->setRange(from, to);
                               chart->setSeriesItems(items);
                           }
                           answered();
                       });
    }
    refreshOperations(generation, from, to);
    refreshCounters();
}

void DashboardPage::refreshOperations(quint64 generation, const QDateTime &from, const QDateTime &to)
{
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("from"), from.toString(Qt::ISODate));
    query.addQueryItem(QStringLiteral("to"), to.toString(Qt::ISODate));
    query.addQueryItem(QStringLiteral("bucket"), QStringLiteral("hour"));
    m_lastSummaryQuery = query.toString();
    m_client->get(QStringLiteral("/api/sync-operations/summary"), query, this,
                  [this, generation, from, to](const ApiResult &result) {
                      if (generation != m_generation)
                          return;
                      if (result.ok()) {
                          // Hours merged to about one step per pixel, as the other charts:
                          // each step the mean per hour of its hours.
                          const QJsonArray buckets = result.object().value(QLatin1String("buckets")).toArray();
                          const int width = qMax(100, m_operations->width() - 60);
                          const int group = qMax(1, int((buckets.size() + width - 1) / width));
                          MetricChart::Line succeeded { tr("succeeded"), {}, QColor(46, 160, 67), 4.5 };
                          MetricChart::Line failed { tr("failed"), {}, QColor(215, 58, 73) };
                          for (int i = 0; i < buckets.size(); i += group) {
                              double ok = 0;
                              double bad = 0;
                              const int n = int(qMin<qsizetype>(group, buckets.size() - i));
                              for (int j = i; j < i + n; ++j) {
                                  ok += buckets.at(j)[QLatin1String("succeeded")].toDouble();
                                  bad += buckets.at(j)[QLatin1String("failed")].toDouble();
                              }
                              // A step across the hours it stands for, not a slope between them.
                              const QDateTime start = QDateTime::fromString(buckets.at(i)[QLatin1String("start")].toString(), Qt::ISODate);
                              const double begin = double(start.toMSecsSinceEpoch());
                              const double end = double(start.addSecs(qint64(n) * 3600).toMSecsSinceEpoch()) - 1;
                              succeeded.points << QPointF(begin, ok / n) << QPointF(end, ok / n);
                              failed.points << QPointF(begin, bad / n) << QPointF(end, bad / n);
                          }
                          m_operations->setRange(from, to);
                          m_operations->setLines({ succeeded, failed });
                      }
                      answered();
                  });
}

void DashboardPage::refreshCounters()
{
    m_client->get(QStringLiteral("/api/metrics"), this, [this](const ApiResult &result) {
        if (result.ok()) {
            const QJsonObject body = result.object();
            const int failed = body.value(QLatin1String("queue")).toObject().value(QLatin1String("failed_last_hour")).toInt();
            const int restarts
                    = body.value(QLatin1String("monitoring")).toObject().value(QLatin1String("service_restarts_24h")).toInt();
            const int open = body.value(QLatin1String("alerts")).toObject().value(QLatin1String("open_count")).toInt();
            setCounter(m_failed, QString::number(failed), failed > 5);
            setCounter(m_restarts, QString::number(restarts), restarts > 3);
            setCounter(m_alerts, QString::number(open), open > 0);
        }
        answered();
    });
    // One request for every pair: the summary's open is the total of open quarantined rows.
    m_client->get(QStringLiteral("/api/quarantine/summary"), this, [this](const ApiResult &result) {
        if (!result.ok()) {
            setCounter(m_quarantine, QStringLiteral("—"), false);
            return;
        }
        const qint64 open = result.object().value(QLatin1String("open")).toInteger();
        setCounter(m_quarantine, QString::number(open), open > 0);
    });
}

void DashboardPage::setCounter(QLabel *label, const QString &value, bool over)
{
    label->setText(value);
    label->setStyleSheet(over ? QStringLiteral("color: %1;").arg(healthColor(Health::Down).name()) : QString());
}

void DashboardPage::answered()
{
    if (m_pending > 0 && --m_pending == 0) {
        m_updated->setText(tr("Updated %1").arg(DisplaySettings::instance()->formatDateTime(QDateTime::currentDateTimeUtc())));
        emit refreshed();
    }
}

void DashboardPage::showHealth()
{
    if (!m_status)
        return;
    QStringList parts;
    for (int row = 0; row < m_status->rowCount(); ++row) {
        const QModelIndex status = m_status->index(row, StatusModel::StatusColumn);
        const auto health = Health(m_status->data(status, StatusModel::HealthRole).toInt());
        parts << QStringLiteral("<b>%1</b> <span style=\"color:%2\">●</span> %3")
                         .arg(m_status->componentName(row).toHtmlEscaped(), healthColor(health).name(),
                              m_status->data(status).toString().toHtmlEscaped());
    }
    m_health->setText(parts.isEmpty() ? tr("Health: not known yet")
                                      : tr("Health: %1").arg(parts.join(QStringLiteral(" &nbsp;&nbsp; "))));
}

void DashboardPage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    m_timer->start();
    if (m_client->hasBearerToken())
        refresh();
}

void DashboardPage::hideEvent(QHideEvent *event)
{
    QWidget::hideEvent(event);
    m_timer->stop();
}

} // namespace tf::console
