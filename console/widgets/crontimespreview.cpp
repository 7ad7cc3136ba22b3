#include "crontimespreview.h"

#include "core/errors.h"
#include "settings/displaysettings.h"
#include "sync/schedule/cronschedule.h"

namespace tf::console {

CronTimesPreview::CronTimesPreview(QWidget *parent)
    : QLabel(parent)
{
    setObjectName(QStringLiteral("cronPreview"));
    setAccessibleName(tr("Next runs"));
    setWordWrap(false); // one run a line; a message too long for the column is in the tooltip
    setTextInteractionFlags(Qt::TextSelectableByMouse);
    connect(DisplaySettings::instance(), &DisplaySettings::changed, this,
            &CronTimesPreview::render);
    render();
}

void CronTimesPreview::setExpression(const QString &expression)
{
    m_expression = expression.trimmed();
    render();
}

void CronTimesPreview::setNow(const QDateTime &now)
{
    m_now = now;
    render();
}

void CronTimesPreview::render()
{
    m_runs.clear();
    m_error.clear();
    setProperty("invalid", false);
    setStyleSheet(QString());
    setToolTip(QString());
    if (m_expression.isEmpty()) {
        setText(tr("No schedule: the pair runs only when started."));
        return;
    }
    try {
        const sync::CronSchedule schedule = sync::CronSchedule::parse(m_expression);
        QDateTime after = (m_now.isValid() ? m_now : QDateTime::currentDateTime()).toLocalTime();
        for (int i = 0; i < RunCount; ++i) {
            after = schedule.next(after);
            if (!after.isValid())
                break;
            m_runs << after;
        }
    } catch (const Error &error) {
        m_error = error.message();
    }
    if (!m_error.isEmpty()) {
        setProperty("invalid", true);
        setStyleSheet(QStringLiteral("QLabel { color: #d32f2f; }"));
        setText(tr("✗ %1").arg(m_error));
        setToolTip(m_error);
        return;
    }
    if (m_runs.isEmpty()) {
        setText(tr("Never runs: no matching time within 30 years."));
        return;
    }
    QStringList lines;
    for (const QDateTime &run : std::as_const(m_runs))
        lines << DisplaySettings::instance()->formatDateTime(run);
    setText(tr("Next runs:") + QLatin1Char('\n') + lines.join(QLatin1Char('\n')));
}

} // namespace tf::console
