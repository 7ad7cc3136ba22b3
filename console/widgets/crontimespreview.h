#pragma once

#include <QDateTime>
#include <QLabel>
#include <QList>

namespace tf::console {

// Under the pair editor's schedule: the next runs of a cron expression, computed by the
// scheduler's own CronSchedule (shared/sync/schedule), one line each, in the console's time
// zone (DisplaySettings). The cron is read in local time, as tf-syncd reads it on its host.
// An expression the parser refuses shows the parser's message instead; it only informs: the
// server, which checks the schedule again on save, stays the authority.
class CronTimesPreview final : public QLabel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CronTimesPreview)

public:
    static constexpr int RunCount = 5;

    explicit CronTimesPreview(QWidget *parent = nullptr);

    void setExpression(const QString &expression);
    QString expression() const { return m_expression; }
    // The runs shown (empty for no schedule or an invalid one) and the parser's message.
    QList<QDateTime> runs() const { return m_runs; }
    QString error() const { return m_error; }
    // The moment the runs follow; invalid (the default): now.
    void setNow(const QDateTime &now);

private:
    void render();

    QString m_expression;
    QDateTime m_now;
    QList<QDateTime> m_runs;
    QString m_error;
};

} // namespace tf::console
