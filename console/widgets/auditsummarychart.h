#pragma once

#include <QJsonObject>
#include <QWidget>

class QChartView;
class QLabel;

namespace tf::console {

// The /api/audit/summary of the current filter as two bar charts: entries per day (the last
// MaxDays days that have entries) and per user (the MaxUsers busiest), over the true total.
class AuditSummaryChart final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AuditSummaryChart)

public:
    static constexpr int MaxDays = 31;
    static constexpr int MaxUsers = 10;

    explicit AuditSummaryChart(QWidget *parent = nullptr);
    void setSummary(const QJsonObject &summary);

    QChartView *dayChart() const { return m_days; }
    QChartView *userChart() const { return m_users; }
    // What the charts show, for tests: category -> count.
    QList<QPair<QString, qint64>> dayBars() const { return m_dayBars; }
    QList<QPair<QString, qint64>> userBars() const { return m_userBars; }

private:
    void rebuild();

    QJsonObject m_summary;
    QLabel *m_total;
    QChartView *m_days;
    QChartView *m_users;
    QList<QPair<QString, qint64>> m_dayBars;
    QList<QPair<QString, qint64>> m_userBars;
};

} // namespace tf::console
