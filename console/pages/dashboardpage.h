#pragma once

#include <QDateTime>
#include <QHash>
#include <QWidget>

class QAction;
class QComboBox;
class QLabel;
class QTimer;

namespace tf::console {

class ChangePoller;
class GatewayClient;
class MetricChart;
class StatusModel;
class TimeRangePicker;

// The platform at a glance: the health of the gateway, syncd and the database (from the
// status page's model), four counters against the runbook's thresholds (failed syncs in the
// last hour, restarts in 24 h, open alerts, open quarantine) and charts of the metrics
// history (CPU, memory, disk, HTTP p95, pair throughput, failed operations) and of the
// operations per hour, succeeded and failed (GET /api/sync-operations/summary), over a chosen
// range: a preset or a custom from/to (TimeRangePicker). Refreshes on F5, on a range change
// and every 30 s while shown.
class DashboardPage final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DashboardPage)

public:
    static constexpr int RefreshIntervalMs = 30000;

    DashboardPage(GatewayClient *client, ChangePoller *poller, StatusModel *status, QWidget *parent = nullptr);

    MetricChart *chart(const QString &metric) const { return m_charts.value(metric); }
    QComboBox *rangePicker() const;
    TimeRangePicker *timeRange() const { return m_range; }
    // The chart of operations per hour (lines "succeeded" and "failed").
    MetricChart *operationsChart() const { return m_operations; }
    QString lastSummaryQuery() const { return m_lastSummaryQuery; }
    int historyRequests() const { return m_historyRequests; }
    // Seconds of the chosen range.
    qint64 rangeSeconds() const;
    QString lastQuery(const QString &metric) const { return m_lastQuery.value(metric); }

public slots:
    void refresh();

signals:
    // Every chart and counter of one refresh answered.
    void refreshed();

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    MetricChart *addChart(const QString &metric, const QString &title, const QString &unit);
    QLabel *addCounter(const QString &name, const QString &caption);
    void refreshCounters();
    void setCounter(QLabel *label, const QString &value, bool over);
    void showHealth();
    void answered();
    void refreshOperations(quint64 generation, const QDateTime &from, const QDateTime &to);

    GatewayClient *m_client;
    StatusModel *m_status;
    QLabel *m_health;
    TimeRangePicker *m_range;
    MetricChart *m_operations;
    QString m_lastSummaryQuery;
    QLabel *m_updated;
    QHash<QString, MetricChart *> m_charts;
    QStringList m_metrics;
    QHash<QString, QString> m_lastQuery;
    QLabel *m_failed;
    QLabel *m_restarts;
    QLabel *m_alerts;
    QLabel *m_quarantine;
    QTimer *m_timer;
    quint64 m_generation = 0;
    int m_pending = 0;
    int m_historyRequests = 0;
};

} // namespace tf::console
