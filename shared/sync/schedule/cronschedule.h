#pragma once

#include <QDateTime>
#include <QString>

#include <bitset>

namespace tf::sync {

// A five-field cron expression: minute hour day-of-month month day-of-week.
//   *  lists (1,15)  ranges (1-10)  steps (*/15, 1-10/2, 5/10 = 5-max/10)
//   month names JAN-DEC, day names SUN-SAT (case-insensitive; 0 and 7 are Sunday),
//   ranges of names (MON-SAT).
// As in Vixie cron, when both day-of-month and day-of-week are restricted (neither starts
// with '*'), a day matching either one runs. Examples: "0 2 * * SUN" (weekly full sync),
// "0 2 * * MON-SAT" (nightly incremental), "0 3 15 JAN,APR,JUL,OCT *" (quarterly).
class CronSchedule final
{
public:
    // Throws tf::Error(Validation) naming the bad field, e.g.
    // "day-of-week: 'MOX' is not a day name", with details {"field": "schedule", ...}.
    static CronSchedule parse(const QString &expression);

    // The first matching minute strictly after `after`, in after's time spec (local time,
    // UTC, an offset or a zone); seconds are dropped. Wall-clock minutes skipped by a
    // daylight-saving jump do not run. Invalid when nothing matches within 30 years.
    QDateTime next(const QDateTime &after) const;
    QString expression() const { return m_expression; }

private:
    CronSchedule() = default;
    bool dayMatches(const QDate &date) const;

    QString m_expression;
    std::bitset<60> m_minutes;
    std::bitset<24> m_hours;
    std::bitset<32> m_days;     // 1..31
    std::bitset<13> m_months;   // 1..12
    std::bitset<7> m_weekdays;  // 0 = Sunday
    bool m_dayRestricted = false;
    bool m_weekdayRestricted = false;
};

} // namespace tf::sync
