#include "cronschedule.h"

#include "core/errors.h"

#include <QJsonObject>
#include <QStringList>
#include <QTimeZone>

#include <vector>

namespace tf::sync {

namespace {

struct FieldSpec
{
    const char *name;
    int min;
    int max;
    QStringList names; // index + min = value (month names start at 1, day names at 0)
    const char *nameKind;
};

[[noreturn]] void fail(const QString &expression, const QString &message)
{
    throw Error(Error::Kind::Validation, message,
                QJsonObject { { QStringLiteral("field"), QStringLiteral("schedule") },
                              { QStringLiteral("expression"), expression } });
}

class FieldParser
{
public:
    FieldParser(const QString &expression, const FieldSpec &spec)
        : m_expression(expression)
        , m_spec(spec)
    {
    }

    // Values selected by one field; `value` 7 in day-of-week is folded to 0 by the caller.
    std::vector<bool> parse(const QString &field) const
    {
        std::vector<bool> selected(size_t(m_spec.max) + 1, false);
        for (const QString &item : field.split(QLatin1Char(','))) {
            if (item.isEmpty())
                error(QStringLiteral("empty list item in '%1'").arg(field));
            parseItem(item, &selected);
        }
        return selected;
    }

private:
    [[noreturn]] void error(const QString &message) const
    {
        fail(m_expression, QLatin1String(m_spec.name) + QStringLiteral(": ") + message);
    }

    int value(const QString &token) const
    {
        if (token.isEmpty())
            error(QStringLiteral("missing value"));
        bool ok = false;
        int v = token.toInt(&ok);
        if (!ok) {
            if (!token.at(0).isLetter() || m_spec.names.isEmpty()) {
                error(m_spec.names.isEmpty() ? QStringLiteral("'%1' is not a number").arg(token)
                                             : QStringLiteral("'%1' is not a number or %2").arg(token, QLatin1String(m_spec.nameKind)));
            }
            const qsizetype index = m_spec.names.indexOf(token.toUpper());
            if (index < 0)
                error(QStringLiteral("'%1' is not %2").arg(token, QLatin1String(m_spec.nameKind)));
            v = int(index) + (m_spec.max == 12 ? 1 : 0);
        }
        if (v < m_spec.min || v > m_spec.max)
            error(QStringLiteral("%1 is out of range %2-%3").arg(token).arg(m_spec.min).arg(m_spec.max));
        return v;
    }

    void parseItem(const QString &item, std::vector<bool> *selected) const
    {
        QString range = item;
        int step = 1;
        const qsizetype slash = item.indexOf(QLatin1Char('/'));
        if (slash >= 0) {
            range = item.left(slash);
            bool ok = false;
            step = item.mid(slash + 1).toInt(&ok);
            if (!ok || step < 1)
                error(QStringLiteral("step '%1' must be a whole number of at least 1").arg(item.mid(slash + 1)));
        }
        int first = m_spec.min;
        int last = m_spec.max;
        if (range != QLatin1String("*")) {
            const qsizetype dash = range.indexOf(QLatin1Char('-'));
            if (dash >= 0) {
                first = value(range.left(dash));
                last = value(range.mid(dash + 1));
                if (first > last)
                    error(QStringLiteral("range '%1' runs backwards").arg(range));
            } else {
                first = value(range);
                last = slash >= 0 ? m_spec.max : first; // "5/10": from 5 to the end, every 10
            }
        }
        for (int v = first; v <= last; v += step)
            (*selected)[size_t(v)] = true;
    }

    QString m_expression;
    const FieldSpec &m_spec;
};

int daysInMonth(int month)
{
    static const int days[] = { 0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    return days[month];
}

QDateTime at(const QDate &date, const QTime &time, const QDateTime &like)
{
    switch (like.timeSpec()) {
    case Qt::TimeZone: return QDateTime(date, time, like.timeZone());
    case Qt::OffsetFromUTC: return QDateTime(date, time, Qt::OffsetFromUTC, like.offsetFromUtc());
    default: return QDateTime(date, time, like.timeSpec());
    }
}

} // namespace

CronSchedule CronSchedule::parse(const QString &expression)
{
    const QStringList fields = expression.simplified().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    if (fields.size() != 5) {
        fail(expression, QStringLiteral("expected 5 fields (minute hour day-of-month month day-of-week), got %1")
                             .arg(fields.size()));
    }
    static const QStringList months { QStringLiteral("JAN"), QStringLiteral("FEB"), QStringLiteral("MAR"),
                                      QStringLiteral("APR"), QStringLiteral("MAY"), QStringLiteral("JUN"),
                                      QStringLiteral("JUL"), QStringLiteral("AUG"), QStringLiteral("SEP"),
                                      QStringLiteral("OCT"), QStringLiteral("NOV"), QStringLiteral("DEC") };
    static const QStringList days { QStringLiteral("SUN"), QStringLiteral("MON"), QStringLiteral("TUE"),
                                    QStringLiteral("WED"), QStringLiteral("THU"), QStringLiteral("FRI"),
                                    QStringLiteral("SAT"), QStringLiteral("SUN") };
    static const FieldSpec specs[] = {
        { "minute", 0, 59, {}, "" },
        { "hour", 0, 23, {}, "" },
        { "day-of-month", 1, 31, {}, "" },
        { "month", 1, 12, months, "a month name" },
        { "day-of-week", 0, 7, days, "a day name" },
    };
    std::vector<bool> selected[5];
    for (int i = 0; i < 5; ++i)
        selected[i] = FieldParser(expression, specs[i]).parse(fields.at(i));

    CronSchedule schedule;
    schedule.m_expression = fields.join(QLatin1Char(' '));
    for (int v = 0; v < 60; ++v)
        schedule.m_minutes[size_t(v)] = selected[0][size_t(v)];
    for (int v = 0; v < 24; ++v)
        schedule.m_hours[size_t(v)] = selected[1][size_t(v)];
    for (int v = 1; v <= 31; ++v)
        schedule.m_days[size_t(v)] = selected[2][size_t(v)];
    for (int v = 1; v <= 12; ++v)
        schedule.m_months[size_t(v)] = selected[3][size_t(v)];
    for (int v = 0; v <= 7; ++v) {
        if (selected[4][size_t(v)])
            schedule.m_weekdays[size_t(v % 7)] = true;
    }
    // Vixie cron's rule: a field starting with '*' (even "*/2") does not restrict days.
    schedule.m_dayRestricted = !fields.at(2).startsWith(QLatin1Char('*'));
    schedule.m_weekdayRestricted = !fields.at(4).startsWith(QLatin1Char('*'));

    // "0 0 31 FEB *" is well formed but never runs: say so now rather than never.
    if (schedule.m_dayRestricted && !schedule.m_weekdayRestricted) {
        bool possible = false;
        for (int month = 1; month <= 12 && !possible; ++month) {
            for (int day = 1; day <= daysInMonth(month) && schedule.m_months[size_t(month)] && !possible; ++day)
                possible = schedule.m_days[size_t(day)];
        }
        if (!possible)
            fail(expression, QStringLiteral("day-of-month: no selected day occurs in the selected months"));
    }
    return schedule;
}

bool CronSchedule::dayMatches(const QDate &date) const
{
    const bool day = m_days[size_t(date.day())];
    const bool weekday = m_weekdays[size_t(date.dayOfWeek() % 7)];
    if (m_dayRestricted && m_weekdayRestricted)
        return day || weekday;
    return day && weekday; // an unrestricted field selects every day
}

QDateTime CronSchedule::next(const QDateTime &after) const
{
    if (!after.isValid())
        return {};
    // Walk wall-clock fields from the largest down, jumping whole months, days and hours
    // that cannot match, so even a leap-day schedule takes a few thousand steps.
    QDate date = after.date();
    QTime start = after.time();
    int hour = start.hour();
    int minute = start.minute() + 1;
    const int lastYear = date.year() + 30;
    while (date.year() <= lastYear) {
        if (!m_months[size_t(date.month())]) {
            date = QDate(date.year(), date.month(), 1).addMonths(1);
            hour = 0;
            minute = 0;
            continue;
        }
        if (!dayMatches(date)) {
            date = date.addDays(1);
            hour = 0;
            minute = 0;
            continue;
        }
        for (; hour < 24; ++hour, minute = 0) {
            if (!m_hours[size_t(hour)])
                continue;
            for (; minute < 60; ++minute) {
                if (!m_minutes[size_t(minute)])
                    continue;
                const QDateTime candidate = at(date, QTime(hour, minute), after);
                // A minute inside a daylight-saving gap does not exist; Qt moves it past
                // the gap, which would change the wall-clock time the schedule names.
                if (candidate.isValid() && candidate.time() == QTime(hour, minute) && candidate > after)
                    return candidate;
            }
        }
        date = date.addDays(1);
        hour = 0;
        minute = 0;
    }
    return {};
}

} // namespace tf::sync
