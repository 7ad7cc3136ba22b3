#include "timevalue.h"

#include "byteappend.h"

#include <algorithm>
#include <charconv>

#include <QRegularExpression>

namespace tf::sync {

namespace {

constexpr qint64 kMicrosPerDay = 86400LL * 1000000LL;
// Timestamps count from PostgreSQL's epoch, 2000-01-01 (10957 days after 1970-01-01): from
// 1970, 294276-12-31 would not fit in 64 bits.
constexpr qint64 kEpochShiftDays = 10957;
// Days from 2000-01-01 whose midnight still fits in qint64 microseconds.
constexpr qint64 kMaxTimestampDays = 106751990;
// PostgreSQL's limits: 4714-11-24 BC (Julian day 0) up to 294276-12-31 for timestamps and
// 5874897-12-31 for dates.
constexpr qint64 kPgMinDays = -2440588;
constexpr qint64 kPgMaxDateDays = 2145042905;
constexpr qint64 kPgMinMicros = (kPgMinDays - kEpochShiftDays) * kMicrosPerDay;
constexpr qint64 kPgEndMicros = 9223371331200000000LL; // 294277-01-01, exclusive
// What this type parses at all (keeps the arithmetic inside qint64).
constexpr qint64 kMaxYear = 5874898;

// Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian, astronomical year).
qint64 daysFromCivil(qint64 y, int m, int d)
{
    y -= m <= 2 ? 1 : 0;
    const qint64 era = (y >= 0 ? y : y - 399) / 400;
    const qint64 yoe = y - era * 400;
    const qint64 doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const qint64 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void civilFromDays(qint64 z, qint64 *year, int *month, int *day)
{
    z += 719468;
    const qint64 era = (z >= 0 ? z : z - 146096) / 146097;
    const qint64 doe = z - era * 146097;
    const qint64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const qint64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const qint64 mp = (5 * doy + 2) / 153;
    *day = int(doy - (153 * mp + 2) / 5 + 1);
    *month = int(mp < 10 ? mp + 3 : mp - 9);
    *year = yoe + era * 400 + (*month <= 2 ? 1 : 0);
}

bool isLeap(qint64 y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int daysInMonth(qint64 y, int m)
{
    static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    return m == 2 && isLeap(y) ? 29 : days[m - 1];
}

qint64 floorDiv(qint64 a, qint64 b)
{
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

// Microseconds since the day's midnight, for any stored value: computed as a remainder, never
// as value - midnight, whose midnight does not fit in 64 bits near the ends of the range
// (fuzz_copytext: -9223372036854775808 microseconds overflowed).
qint64 microsInDay(qint64 micros)
{
    const qint64 rest = micros % kMicrosPerDay;
    return rest < 0 ? rest + kMicrosPerDay : rest;
}

QString yearText(qint64 year)
{
    const QString digits = QString::number(year < 0 ? -year : year).rightJustified(4, QLatin1Char('0'));
    return year < 0 ? QLatin1Char('-') + digits : digits;
}

QString twoDigits(qint64 v)
{
    return QString::number(v).rightJustified(2, QLatin1Char('0'));
}

QString fraction(qint64 micro)
{
    if (micro % 1000 == 0)
        return QString::number(micro / 1000).rightJustified(3, QLatin1Char('0'));
    return QString::number(micro).rightJustified(6, QLatin1Char('0'));
}

} // namespace

TimeValue TimeValue::fromDays(qint64 daysSinceEpoch)
{
    TimeValue v;
    v.m_kind = Kind::Date;
    v.m_value = daysSinceEpoch;
    v.m_valid = true;
    return v;
}

TimeValue TimeValue::fromMicros(Kind kind, qint64 microsSinceEpoch)
{
    if (kind == Kind::Date)
        return fromDays(floorDiv(microsSinceEpoch, kMicrosPerDay) + kEpochShiftDays);
    TimeValue v;
    v.m_kind = kind;
    v.m_value = microsSinceEpoch;
    v.m_valid = true;
    return v;
}

TimeValue TimeValue::infinity(Kind kind, bool positive)
{
    TimeValue v;
    v.m_kind = kind;
    v.m_infinity = positive ? 1 : -1;
    v.m_valid = true;
    return v;
}

TimeValue TimeValue::fromCivil(Kind kind, qint64 year, int month, int day, int hour, int minute,
                               int second, int micro)
{
    if (year < -kMaxYear || year > kMaxYear || month < 1 || month > 12 || day < 1
        || day > daysInMonth(year, month) || hour < 0 || hour > 24 || minute < 0 || minute > 59
        || second < 0 || second > 60 || micro < 0 || micro > 999999)
        return {};
    if (hour == 24 && (minute != 0 || second != 0 || micro != 0))
        return {};
    const qint64 days = daysFromCivil(year, month, day);
    if (kind == Kind::Date)
        return fromDays(days);
    if (qAbs(days - kEpochShiftDays) > kMaxTimestampDays)
        return {};
    // A leap second (60) is the next second, as PostgreSQL reads it.
    const qint64 micros = (days - kEpochShiftDays) * kMicrosPerDay
        + ((qint64(hour) * 60 + minute) * 60 + second) * 1000000LL + micro;
    return fromMicros(kind, micros);
}

TimeValue TimeValue::fromQDate(const QDate &date)
{
    if (!date.isValid())
        return {};
    return fromDays(date.toJulianDay() - 2440588);
}

TimeValue TimeValue::fromQDateTime(const QDateTime &dateTime, Kind kind)
{
    if (!dateTime.isValid())
        return {};
    if (kind == Kind::Date)
        return fromQDate(dateTime.date());
    if (kind == Kind::TimestampTz) {
        const QDateTime utc = dateTime.toUTC();
        return fromCivil(kind, utc.date().year() < 0 ? utc.date().year() + 1 : utc.date().year(),
                         utc.date().month(), utc.date().day(), utc.time().hour(), utc.time().minute(),
                         utc.time().second(), utc.time().msec() * 1000);
    }
    const QDate d = dateTime.date();
    const QTime t = dateTime.time();
    return fromCivil(kind, d.year() < 0 ? d.year() + 1 : d.year(), d.month(), d.day(), t.hour(),
                     t.minute(), t.second(), t.msec() * 1000);
}

TimeValue TimeValue::parse(const QString &input, Kind kind)
{
    QString text = input.trimmed();
    const QString lower = text.toLower();
    if (lower == QLatin1String("infinity") || lower == QLatin1String("+infinity"))
        return infinity(kind, true);
    if (lower == QLatin1String("-infinity"))
        return infinity(kind, false);
    static const QRegularExpression re(QStringLiteral(
        "^([+-]?)(\\d{4,7})-(\\d{2})-(\\d{2})"                     // date
        "(?:[T ](\\d{2}):(\\d{2})(?::(\\d{2})(?:[.,](\\d+))?)?"     // time
        "\\s*(Z|[+-]\\d{2}(?::?\\d{2}(?::?\\d{2})?)?)?)?"           // zone
        "(?:\\s*(BC|AD))?$"),
        QRegularExpression::CaseInsensitiveOption);
    const auto m = re.match(text);
    if (!m.hasMatch())
        return {};
    qint64 year = m.captured(2).toLongLong();
    if (m.captured(1) == QLatin1String("-"))
        year = -year;
    if (m.captured(10).compare(QLatin1String("BC"), Qt::CaseInsensitive) == 0) {
        if (year <= 0)
            return {};
        year = 1 - year; // 1 BC is year 0
    }
    const int month = m.captured(3).toInt();
    const int day = m.captured(4).toInt();
    if (kind == Kind::Date)
        return fromCivil(kind, year, month, day);
    const bool hasTime = !m.captured(5).isEmpty();
    int micro = 0;
    QString digits = m.captured(8);
    if (digits.size() > 6) {
        // Finer than a microsecond: only zeros may be dropped, never a digit that counts.
        if (QStringView(digits).mid(6).toString().count(QLatin1Char('0')) != digits.size() - 6)
            return {};
        digits.truncate(6);
    }
    if (!digits.isEmpty())
        micro = digits.leftJustified(6, QLatin1Char('0')).toInt();
    TimeValue value = fromCivil(kind, year, month, day, hasTime ? m.captured(5).toInt() : 0,
                                hasTime ? m.captured(6).toInt() : 0,
                                m.captured(7).isEmpty() ? 0 : m.captured(7).toInt(), micro);
    if (!value.isValid())
        return {};
    const QString zone = m.captured(9);
    if (kind == Kind::TimestampTz && !zone.isEmpty() && zone.compare(QLatin1String("Z"), Qt::CaseInsensitive) != 0) {
        QString z = zone.mid(1);
        z.remove(QLatin1Char(':'));
        const qint64 hours = z.mid(0, 2).toInt();
        const qint64 minutes = z.size() >= 4 ? z.mid(2, 2).toInt() : 0;
        const qint64 seconds = z.size() >= 6 ? z.mid(4, 2).toInt() : 0;
        if (minutes > 59 || seconds > 59)
            return {};
        const qint64 offset = ((hours * 60 + minutes) * 60 + seconds) * 1000000LL;
        value.m_value += zone.startsWith(QLatin1Char('-')) ? offset : -offset;
    }
    return value;
}

qint64 TimeValue::days() const
{
    return m_kind == Kind::Date ? m_value : floorDiv(m_value, kMicrosPerDay) + kEpochShiftDays;
}

TimeValue TimeValue::as(Kind kind) const
{
    if (!m_valid || kind == m_kind)
        return *this;
    if (m_infinity != 0)
        return infinity(kind, m_infinity > 0);
    if (m_kind == Kind::Date) {
        if (qAbs(m_value - kEpochShiftDays) > kMaxTimestampDays)
            return {};
        return fromMicros(kind, (m_value - kEpochShiftDays) * kMicrosPerDay);
    }
    return fromMicros(kind, m_value);
}

qint64 TimeValue::year() const
{
    qint64 y = 0;
    int mo = 0, d = 0;
    civilFromDays(days(), &y, &mo, &d);
    return y;
}

int TimeValue::month() const
{
    qint64 y = 0;
    int mo = 0, d = 0;
    civilFromDays(days(), &y, &mo, &d);
    return mo;
}

int TimeValue::day() const
{
    qint64 y = 0;
    int mo = 0, d = 0;
    civilFromDays(days(), &y, &mo, &d);
    return d;
}

QString TimeValue::toString() const
{
    if (!m_valid)
        return {};
    if (m_infinity != 0)
        return m_infinity > 0 ? QStringLiteral("infinity") : QStringLiteral("-infinity");
    qint64 y = 0;
    int mo = 0, d = 0;
    const qint64 day = days();
    civilFromDays(day, &y, &mo, &d);
    QString text = yearText(y) + QLatin1Char('-') + twoDigits(mo) + QLatin1Char('-') + twoDigits(d);
    if (m_kind == Kind::Date)
        return text;
    const qint64 inDay = microsInDay(m_value);
    const qint64 seconds = inDay / 1000000;
    text += QLatin1Char('T') + twoDigits(seconds / 3600) + QLatin1Char(':')
        + twoDigits(seconds / 60 % 60) + QLatin1Char(':') + twoDigits(seconds % 60)
        + QLatin1Char('.') + fraction(inDay % 1000000);
    return text;
}

QString TimeValue::toIsoString() const
{
    const QString text = toString();
    return m_kind == Kind::TimestampTz && isFinite() ? text + QLatin1Char('Z') : text;
}

QByteArray TimeValue::toPgText() const
{
    if (!m_valid)
        return {};
    QByteArray text;
    text.reserve(40);
    appendPgText(text);
    return text;
}

void TimeValue::appendPgText(QByteArray &out) const
{
    if (!m_valid)
        return;
    if (m_infinity != 0) {
        out.append(m_infinity > 0 ? "infinity" : "-infinity");
        return;
    }
    qint64 y = 0;
    int mo = 0, d = 0;
    civilFromDays(days(), &y, &mo, &d);
    const bool bc = y <= 0;
    char text[64];
    char *p = text;
    const auto two = [&p](qint64 v) {
        *p++ = char('0' + v / 10);
        *p++ = char('0' + v % 10);
    };
    char year[24];
    const char *const yearEnd = std::to_chars(year, year + sizeof year, bc ? 1 - y : y).ptr;
    for (qsizetype pad = 4 - (yearEnd - year); pad > 0; --pad)
        *p++ = '0';
    p = std::copy(static_cast<const char *>(year), yearEnd, p);
    *p++ = '-';
    two(mo);
    *p++ = '-';
    two(d);
    if (m_kind != Kind::Date) {
        const qint64 inDay = microsInDay(m_value);
        const qint64 seconds = inDay / 1000000;
        *p++ = ' ';
        two(seconds / 3600);
        *p++ = ':';
        two(seconds / 60 % 60);
        *p++ = ':';
        two(seconds % 60);
        *p++ = '.';
        for (qint64 micro = inDay % 1000000, unit = 100000; unit > 0; unit /= 10)
            *p++ = char('0' + micro / unit % 10);
        if (m_kind == Kind::TimestampTz) {
            *p++ = '+';
            *p++ = '0';
            *p++ = '0';
        }
    }
    if (bc) {
        *p++ = ' ';
        *p++ = 'B';
        *p++ = 'C';
    }
    appendBytes(out, text, p - text);
}

QDate TimeValue::toQDate() const
{
    if (!isFinite())
        return {};
    qint64 y = 0;
    int mo = 0, d = 0;
    civilFromDays(days(), &y, &mo, &d);
    return QDate(int(y <= 0 ? y - 1 : y), mo, d); // QDate has no year 0
}

QDateTime TimeValue::toQDateTime() const
{
    const QDate date = toQDate();
    if (!date.isValid())
        return {};
    if (m_kind == Kind::Date)
        return QDateTime(date, QTime(0, 0), Qt::UTC);
    const qint64 inDay = microsInDay(m_value);
    return QDateTime(date, QTime::fromMSecsSinceStartOfDay(int(inDay / 1000)), Qt::UTC);
}

bool TimeValue::inPostgresRange() const
{
    if (!m_valid)
        return false;
    if (m_infinity != 0)
        return true;
    if (m_kind == Kind::Date)
        return m_value >= kPgMinDays && m_value <= kPgMaxDateDays;
    return m_value >= kPgMinMicros && m_value < kPgEndMicros;
}

int TimeValue::metaTypeId()
{
    static const int id = [] {
        const int type = qRegisterMetaType<TimeValue>("tf::sync::TimeValue");
        // Generic code (toString() for messages, JSON) sees the canonical text.
        QMetaType::registerConverter<TimeValue, QString>(&TimeValue::toString);
        return type;
    }();
    return id;
}

QVariant TimeValue::toVariant() const
{
    metaTypeId();
    return QVariant::fromValue(*this);
}

TimeValue TimeValue::fromVariant(const QVariant &value)
{
    if (value.typeId() != metaTypeId())
        return {};
    return value.value<TimeValue>();
}

int TimeValue::compare(const TimeValue &a, const TimeValue &b)
{
    if (a.m_infinity != b.m_infinity)
        return a.m_infinity < b.m_infinity ? -1 : 1;
    if (a.m_infinity != 0)
        return 0;
    if ((a.m_kind == Kind::Date) == (b.m_kind == Kind::Date))
        return a.m_value < b.m_value ? -1 : (a.m_value > b.m_value ? 1 : 0);
    // A date against a timestamp: by day, then a date is its day's midnight.
    const qint64 ad = a.days();
    const qint64 bd = b.days();
    if (ad != bd)
        return ad < bd ? -1 : 1;
    const qint64 at = a.m_kind == Kind::Date ? 0 : microsInDay(a.m_value);
    const qint64 bt = b.m_kind == Kind::Date ? 0 : microsInDay(b.m_value);
    return at < bt ? -1 : (at > bt ? 1 : 0);
}

QDataStream &operator<<(QDataStream &out, const TimeValue &value)
{
    return out << value.isValid() << quint8(value.kind()) << qint8(value.infinitySign())
               << value.micros();
}

QDataStream &operator>>(QDataStream &in, TimeValue &value)
{
    bool valid = false;
    quint8 kind = 0;
    qint8 infinity = 0;
    qint64 number = 0;
    in >> valid >> kind >> infinity >> number;
    const auto k = TimeValue::Kind(kind);
    if (!valid)
        value = TimeValue();
    else if (infinity != 0)
        value = TimeValue::infinity(k, infinity > 0);
    else if (k == TimeValue::Kind::Date)
        value = TimeValue::fromDays(number);
    else
        value = TimeValue::fromMicros(k, number);
    return in;
}

QDebug operator<<(QDebug debug, const TimeValue &value)
{
    QDebugStateSaver saver(debug);
    debug.nospace() << "TimeValue(" << value.toIsoString() << ')';
    return debug;
}

} // namespace tf::sync
