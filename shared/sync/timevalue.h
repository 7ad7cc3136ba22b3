#pragma once

#include <QDataStream>
#include <QDate>
#include <QDateTime>
#include <QDebug>
#include <QMetaType>
#include <QString>
#include <QVariant>

namespace tf::sync {

// An exact date or timestamp as rows carry it. QDate/QDateTime cannot hold what databases
// hold (QDateTime keeps milliseconds, PostgreSQL microseconds; neither has infinity), so the
// row model keeps days since 1970-01-01 for dates and, as PostgreSQL does, microseconds since
// 2000-01-01 for timestamps (UTC for TimestampTz; the wall clock for Timestamp), or
// +/-infinity. The whole PostgreSQL range fits: timestamps from
// 4714-11-24 BC to 294276-12-31 23:59:59.999999, dates to 5874897-12-31.
//
// Years are astronomical inside (year 0 is 1 BC). Canonical text (toString) is ISO 8601 with
// astronomical years ("-0043-03-15" for 44 BC), seconds with three fractional digits when the
// value has whole milliseconds and six otherwise, so millisecond values keep the text they
// had before microseconds were carried. PostgreSQL's text form is toPgText().
class TimeValue final
{
public:
    enum class Kind : quint8 { Date, Timestamp, TimestampTz };

    TimeValue() = default; // invalid

    static TimeValue fromDays(qint64 daysSinceEpoch);
    // Timestamp(Tz): microseconds since 2000-01-01 00:00 (PostgreSQL's epoch).
    static TimeValue fromMicros(Kind kind, qint64 microsSince2000);
    static TimeValue infinity(Kind kind, bool positive);
    // From civil fields (astronomical year); invalid when a field is out of range.
    static TimeValue fromCivil(Kind kind, qint64 year, int month, int day, int hour = 0,
                               int minute = 0, int second = 0, int micro = 0);
    static TimeValue fromQDate(const QDate &date);
    // Timestamp: the wall-clock digits of `dateTime`; TimestampTz: its instant.
    static TimeValue fromQDateTime(const QDateTime &dateTime, Kind kind);
    // ISO 8601 ("2024-03-10T08:30:00.123456+05:30", "2024-03-10", "-0043-03-15"), PostgreSQL's
    // output ("0044-03-15 12:00:00 BC", offsets "+05", "+05:30:15") and "infinity"/"-infinity".
    // Timestamp ignores an offset (it keeps the written wall clock); TimestampTz reads a
    // missing one as UTC; Date takes the date of a timestamp text. Invalid when the text is none
    // of these or has digits finer than a microsecond.
    static TimeValue parse(const QString &text, Kind kind);

    bool isValid() const { return m_valid; }
    Kind kind() const { return m_kind; }
    bool isFinite() const { return m_valid && m_infinity == 0; }
    int infinitySign() const { return m_infinity; } // 0 finite, +1, -1
    qint64 days() const; // Date: days since epoch; timestamps: the day of the value
    qint64 micros() const { return m_value; } // timestamps: microseconds since 2000-01-01

    // The same value as another kind (Date <-> Timestamp(Tz) at midnight; Timestamp and
    // TimestampTz keep the digits, read as UTC).
    TimeValue as(Kind kind) const;

    QString toString() const; // canonical text, see above
    QString toIsoString() const; // canonical text, with "Z" for TimestampTz
    QByteArray toPgText() const; // PostgreSQL input: "0044-03-15 12:00:00.500000+00 BC", "infinity"
    // The same appended to `out`, without an allocation of its own (nothing when invalid).
    void appendPgText(QByteArray &out) const;

    // Civil fields (astronomical year) of a finite value.
    qint64 year() const;
    int month() const;
    int day() const;
    // For formatting only: the value as QDate/QDateTime (milliseconds), invalid when it has
    // no such representation (infinity, outside QDate's range).
    QDate toQDate() const;
    QDateTime toQDateTime() const;
    // True when the value lies in PostgreSQL's range for its kind (infinity included).
    bool inPostgresRange() const;

    QVariant toVariant() const;
    // The TimeValue a variant holds, or an invalid one.
    static TimeValue fromVariant(const QVariant &value);
    static int metaTypeId();

    friend bool operator==(const TimeValue &a, const TimeValue &b)
    {
        return a.m_valid == b.m_valid && a.m_kind == b.m_kind && a.m_infinity == b.m_infinity
            && a.m_value == b.m_value;
    }
    friend bool operator!=(const TimeValue &a, const TimeValue &b) { return !(a == b); }
    // Orders values of one kind: -infinity < every finite value < +infinity.
    friend bool operator<(const TimeValue &a, const TimeValue &b) { return compare(a, b) < 0; }
    static int compare(const TimeValue &a, const TimeValue &b);

private:
    qint64 m_value = 0; // days since 1970-01-01 (Date), microseconds since 2000-01-01
    Kind m_kind = Kind::Date;
    qint8 m_infinity = 0;
    bool m_valid = false;
};

QDataStream &operator<<(QDataStream &out, const TimeValue &value);
QDataStream &operator>>(QDataStream &in, TimeValue &value);
QDebug operator<<(QDebug debug, const TimeValue &value);

} // namespace tf::sync

Q_DECLARE_METATYPE(tf::sync::TimeValue)
