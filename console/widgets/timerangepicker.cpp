#include "timerangepicker.h"

#include "models/health.h"
#include "settings/displaysettings.h"

#include <QComboBox>
#include <QDateTimeEdit>
#include <QHBoxLayout>
#include <QLabel>
#include <QTimeZone>

namespace tf::console {

TimeRangePicker::TimeRangePicker(QWidget *parent)
    : QWidget(parent)
    , m_range(new QComboBox(this))
    , m_from(new QDateTimeEdit(this))
    , m_to(new QDateTimeEdit(this))
    , m_problem(new QLabel(this))
{
    m_range->setObjectName(QStringLiteral("dashboardRange"));
    m_range->setAccessibleName(tr("Time range"));
    m_range->addItem(tr("Last hour"), 3600);
    m_range->addItem(tr("Last 24 hours"), 24 * 3600);
    m_range->addItem(tr("Last 7 days"), 7 * 24 * 3600);
    m_range->addItem(tr("Last 30 days"), 30 * 24 * 3600);
    m_range->addItem(tr("Custom…"), 0);
    const QString format = QStringLiteral("yyyy-MM-dd HH:mm");
    for (QDateTimeEdit *edit : { m_from, m_to }) {
        edit->setDisplayFormat(format);
        edit->setCalendarPopup(true);
        edit->setVisible(false);
    }
    m_from->setObjectName(QStringLiteral("dashboardFrom"));
    m_from->setAccessibleName(tr("Range from"));
    m_to->setObjectName(QStringLiteral("dashboardTo"));
    m_to->setAccessibleName(tr("Range to"));
    m_problem->setObjectName(QStringLiteral("dashboardRangeProblem"));
    m_problem->setStyleSheet(QStringLiteral("color: %1;").arg(healthColor(Health::Down).name()));
    m_problem->setVisible(false);

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(new QLabel(tr("Range:"), this));
    layout->addWidget(m_range);
    layout->addWidget(m_from);
    layout->addWidget(m_to);
    layout->addWidget(m_problem);

    m_customTo = QDateTime::currentDateTimeUtc();
    m_customFrom = m_customTo.addSecs(-m_presetSeconds);
    applyTimeZone();
    m_from->setDateTime(shownAs(m_customFrom));
    m_to->setDateTime(shownAs(m_customTo));
    connect(DisplaySettings::instance(), &DisplaySettings::changed, this, &TimeRangePicker::applyTimeZone);
    connect(m_range, &QComboBox::currentIndexChanged, this, [this] {
        if (!isCustom()) {
            m_presetSeconds = m_range->currentData().toLongLong();
            m_from->setVisible(false);
            m_to->setVisible(false);
            m_problem->setVisible(false);
            emit changed();
            return;
        }
        // Custom starts from the preset it replaces, ending now.
        const QDateTime now = QDateTime::currentDateTimeUtc();
        setCustomRange(now.addSecs(-m_presetSeconds), now);
    });
    connect(m_from, &QDateTimeEdit::editingFinished, this, &TimeRangePicker::customEdited);
    connect(m_to, &QDateTimeEdit::editingFinished, this, &TimeRangePicker::customEdited);
}

bool TimeRangePicker::isCustom() const
{
    return m_range->currentIndex() == CustomIndex;
}

QDateTime TimeRangePicker::to() const
{
    return isCustom() ? m_customTo : QDateTime::currentDateTimeUtc();
}

QDateTime TimeRangePicker::from() const
{
    return isCustom() ? m_customFrom : to().addSecs(-m_range->currentData().toLongLong());
}

qint64 TimeRangePicker::seconds() const
{
    return isCustom() ? m_customFrom.secsTo(m_customTo) : m_range->currentData().toLongLong();
}

QString TimeRangePicker::problem() const
{
    if (!isCustom())
        return {};
    const QDateTime from = m_from->dateTime().toUTC();
    const QDateTime to = m_to->dateTime().toUTC();
    if (from >= to)
        return tr("From must be before To.");
    if (from.addDays(MaxCustomDays) < to)
        return tr("At most %n days.", nullptr, MaxCustomDays);
    return {};
}

bool TimeRangePicker::setCustomRange(const QDateTime &from, const QDateTime &to)
{
    const QSignalBlocker blocker(m_range);
    m_range->setCurrentIndex(CustomIndex);
    m_from->setVisible(true);
    m_to->setVisible(true);
    m_from->setDateTime(shownAs(from));
    m_to->setDateTime(shownAs(to));
    const QString why = problem();
    m_problem->setText(why);
    m_problem->setVisible(!why.isEmpty());
    if (!why.isEmpty())
        return false;
    m_customFrom = m_from->dateTime().toUTC();
    m_customTo = m_to->dateTime().toUTC();
    emit changed();
    return true;
}

void TimeRangePicker::customEdited()
{
    setCustomRange(m_from->dateTime(), m_to->dateTime());
}

QDateTime TimeRangePicker::shownAs(const QDateTime &instant)
{
    return DisplaySettings::instance()->timeZone() == DisplaySettings::TimeZone::Utc ? instant.toUTC() : instant.toLocalTime();
}

void TimeRangePicker::applyTimeZone()
{
    // The same instants, shown in the console's time zone.
    const bool utc = DisplaySettings::instance()->timeZone() == DisplaySettings::TimeZone::Utc;
    for (QDateTimeEdit *edit : { m_from, m_to }) {
        const QDateTime instant = edit->dateTime();
        edit->setTimeSpec(utc ? Qt::UTC : Qt::LocalTime);
        edit->setDateTime(shownAs(instant));
    }
    const QString zone = utc ? tr("UTC") : tr("local time");
    m_from->setToolTip(tr("From (%1)").arg(zone));
    m_to->setToolTip(tr("To (%1)").arg(zone));
}

} // namespace tf::console
