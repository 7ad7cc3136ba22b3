// TimeValue, the row model's exact dates and timestamps, and the other exact values of the
// row model (NaN, infinities, -0.0, decimal specials, JSON text): parsing, canonical text,
// PostgreSQL's text, ordering, keys, and what a QVariant round trip keeps.
#include "sync/row.h"
#include "sync/timevalue.h"

#include <QDataStream>
#include <QRandomGenerator>
#include <QtTest>

#include <cmath>
#include <limits>

using namespace tf::sync;
using Kind = TimeValue::Kind;

namespace {

// toPgText() as it was written before it formatted into a buffer (QString pieces): the
// reference its bytes must equal.
QByteArray referencePgText(const TimeValue &value)
{
    if (!value.isValid())
        return {};
    if (!value.isFinite())
        return value.toPgText(); // "infinity" / "-infinity", literals both ways
    const auto two = [](qint64 v) { return QString::number(v).rightJustified(2, QLatin1Char('0')); };
    const QDate date = value.toQDate(); // year -1 for 1 BC
    const qint64 y = date.year() < 0 ? date.year() + 1 : date.year();
    const bool bc = y <= 0;
    QString text = QString::number(bc ? 1 - y : y).rightJustified(4, QLatin1Char('0'))
        + QLatin1Char('-') + two(date.month()) + QLatin1Char('-') + two(date.day());
    if (value.kind() != Kind::Date) {
        const qint64 micros = value.micros();
        const qint64 inDay = ((micros % 86400000000LL) + 86400000000LL) % 86400000000LL;
        const qint64 seconds = inDay / 1000000;
        text += QLatin1Char(' ') + two(seconds / 3600) + QLatin1Char(':') + two(seconds / 60 % 60)
            + QLatin1Char(':') + two(seconds % 60) + QLatin1Char('.')
            + QString::number(inDay % 1000000).rightJustified(6, QLatin1Char('0'));
        if (value.kind() == Kind::TimestampTz)
            text += QLatin1String("+00");
    }
    if (bc)
        text += QLatin1String(" BC");
    return text.toLatin1();
}

} // namespace

class TestTimeValue final : public QObject
{
    Q_OBJECT

private slots:
    void parsesAndWrites_data();
    void parsesAndWrites();
    void rejects_data();
    void rejects();
    void ordersInfinityAroundEveryValue();
    void postgresRange();
    void endsOfTheSixtyFourBitRangePrintAndCompare();
    void millisecondValuesKeepTheirCanonicalText();
    void keysRoundTripExactly();
    void variantAndStreamRoundTrip();
    void doublesKeepNaNInfinityAndNegativeZero();
    void decimalAndJsonAreNotRespelled();
    void pgTextIsTheTextOfItsFields();
    void pgTextIsTheReferenceFormattersByteForByte();
};

void TestTimeValue::parsesAndWrites_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("canonical");
    QTest::addColumn<QString>("postgres");
    const auto row = [](const char *name, const char *input, Kind kind, const char *canonical, const char *pg) {
        QTest::newRow(name) << QString::fromUtf8(input) << int(kind) << QString::fromUtf8(canonical)
                            << QString::fromUtf8(pg);
    };
    row("microseconds with +14", "1999-12-31 23:59:59.999999+14", Kind::TimestampTz,
        "1999-12-31T09:59:59.999999", "1999-12-31 09:59:59.999999+00");
    row("offset with seconds", "1900-06-01 12:00:00.5-00:19:32", Kind::TimestampTz,
        "1900-06-01T12:19:32.500", "1900-06-01 12:19:32.500000+00");
    row("offset as +0545", "2024-01-01T00:00:00.000001+0545", Kind::TimestampTz,
        "2023-12-31T18:15:00.000001", "2023-12-31 18:15:00.000001+00");
    row("no zone reads as UTC", "2024-03-10T08:30:00", Kind::TimestampTz, "2024-03-10T08:30:00.000",
        "2024-03-10 08:30:00.000000+00");
    row("wall clock ignores the offset", "2024-03-10 08:30:00.123456+05:30", Kind::Timestamp,
        "2024-03-10T08:30:00.123456", "2024-03-10 08:30:00.123456");
    row("PostgreSQL BC", "0044-03-15 12:00:00.5 BC", Kind::Timestamp, "-0043-03-15T12:00:00.500",
        "0044-03-15 12:00:00.500000 BC");
    row("ISO astronomical year", "-0043-03-15", Kind::Date, "-0043-03-15", "0044-03-15 BC");
    row("first PostgreSQL day", "4714-11-24 BC", Kind::Date, "-4713-11-24", "4714-11-24 BC");
    row("year 1", "0001-01-01", Kind::Date, "0001-01-01", "0001-01-01");
    row("last PostgreSQL timestamp", "294276-12-31T23:59:59.999999", Kind::Timestamp,
        "294276-12-31T23:59:59.999999", "294276-12-31 23:59:59.999999");
    row("last PostgreSQL date", "5874897-12-31", Kind::Date, "5874897-12-31", "5874897-12-31");
    row("24:00 is the next day", "2024-02-29 24:00:00", Kind::Timestamp, "2024-03-01T00:00:00.000",
        "2024-03-01 00:00:00.000000");
    row("nanosecond zeros", "2024-01-01T00:00:00.1234560", Kind::Timestamp, "2024-01-01T00:00:00.123456",
        "2024-01-01 00:00:00.123456");
    row("date of a timestamp text", "2024-02-29T13:00:00", Kind::Date, "2024-02-29", "2024-02-29");
    row("infinity", "infinity", Kind::Date, "infinity", "infinity");
    row("minus infinity", "-Infinity", Kind::TimestampTz, "-infinity", "-infinity");
}

void TestTimeValue::parsesAndWrites()
{
    QFETCH(QString, input);
    QFETCH(int, kind);
    QFETCH(QString, canonical);
    QFETCH(QString, postgres);
    const TimeValue value = TimeValue::parse(input, Kind(kind));
    QVERIFY(value.isValid());
    QCOMPARE(value.toString(), canonical);
    QCOMPARE(QString::fromLatin1(value.toPgText()), postgres);
    // Both texts read back as the same value.
    QCOMPARE(TimeValue::parse(canonical, Kind(kind)), value);
    QCOMPARE(TimeValue::parse(postgres, Kind(kind)), value);
    QCOMPARE(TimeValue::parse(value.toIsoString(), Kind(kind)), value);
}

void TestTimeValue::rejects_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<int>("kind");
    QTest::newRow("finer than a microsecond") << QStringLiteral("2024-01-01T00:00:00.1234567") << int(Kind::Timestamp);
    QTest::newRow("no such day") << QStringLiteral("2023-02-29") << int(Kind::Date);
    QTest::newRow("24:00:01") << QStringLiteral("2024-01-01 24:00:01") << int(Kind::Timestamp);
    QTest::newRow("year 0 BC") << QStringLiteral("0000-01-01 BC") << int(Kind::Date);
    QTest::newRow("past 64-bit microseconds") << QStringLiteral("300000-01-01T00:00:00") << int(Kind::Timestamp);
    QTest::newRow("words") << QStringLiteral("soon") << int(Kind::Date);
}

void TestTimeValue::rejects()
{
    QFETCH(QString, input);
    QFETCH(int, kind);
    QVERIFY(!TimeValue::parse(input, Kind(kind)).isValid());
}

void TestTimeValue::ordersInfinityAroundEveryValue()
{
    const TimeValue low = TimeValue::parse(QStringLiteral("4714-11-24 00:00:00 BC"), Kind::Timestamp);
    const TimeValue high = TimeValue::parse(QStringLiteral("294276-12-31 23:59:59.999999"), Kind::Timestamp);
    const TimeValue a = TimeValue::parse(QStringLiteral("2024-01-01T00:00:00.000001"), Kind::Timestamp);
    const TimeValue b = TimeValue::parse(QStringLiteral("2024-01-01T00:00:00.000002"), Kind::Timestamp);
    QVERIFY(TimeValue::infinity(Kind::Timestamp, false) < low);
    QVERIFY(low < a);
    QVERIFY(a < b);
    QVERIFY(b < high);
    QVERIFY(high < TimeValue::infinity(Kind::Timestamp, true));
    // A date against a timestamp: its midnight.
    const TimeValue day = TimeValue::parse(QStringLiteral("2024-01-01"), Kind::Date);
    QCOMPARE(TimeValue::compare(day, a), -1);
    QCOMPARE(TimeValue::compare(day, a.as(Kind::Date).as(Kind::Timestamp)), 0);
}

void TestTimeValue::postgresRange()
{
    QVERIFY(TimeValue::parse(QStringLiteral("294276-12-31T23:59:59.999999"), Kind::Timestamp).inPostgresRange());
    QVERIFY(!TimeValue::parse(QStringLiteral("294277-01-01T00:00:00"), Kind::Timestamp).inPostgresRange());
    QVERIFY(TimeValue::parse(QStringLiteral("4714-11-24 BC"), Kind::Timestamp).inPostgresRange());
    QVERIFY(!TimeValue::parse(QStringLiteral("4714-11-23 23:59:59.999999 BC"), Kind::Timestamp).inPostgresRange());
    QVERIFY(TimeValue::parse(QStringLiteral("5874897-12-31"), Kind::Date).inPostgresRange());
    QVERIFY(!TimeValue::parse(QStringLiteral("5874898-01-01"), Kind::Date).inPostgresRange());
    QVERIFY(TimeValue::infinity(Kind::Date, true).inPostgresRange());
}

void TestTimeValue::endsOfTheSixtyFourBitRangePrintAndCompare()
{
    // A COPY field read as microseconds may be any int8 (fuzz_copytext found
    // -9223372036854775808): its day's midnight does not fit in 64 bits, so the time of day is
    // a remainder, not value - midnight (signed overflow before).
    const TimeValue lowest = TimeValue::fromMicros(Kind::Timestamp, std::numeric_limits<qint64>::min());
    const TimeValue highest = TimeValue::fromMicros(Kind::Timestamp, std::numeric_limits<qint64>::max());
    QVERIFY(lowest.isValid() && highest.isValid());
    // -9223372036854775808 = -106751992 days + 71945224192 us; 9223372036854775807 = 106751991 days + 14454775807 us.
    QVERIFY2(lowest.toString().endsWith(QStringLiteral("T19:59:05.224192")), qPrintable(lowest.toString()));
    QVERIFY2(highest.toString().endsWith(QStringLiteral("T04:00:54.775807")), qPrintable(highest.toString()));
    QCOMPARE(lowest.days(), qint64(-106751992 + 10957));
    QCOMPARE(highest.days(), qint64(106751991 + 10957));
    QCOMPARE(TimeValue::compare(lowest, highest), -1);
    QCOMPARE(TimeValue::compare(lowest.as(Kind::Date), lowest), -1); // the date is its midnight
    QCOMPARE(TimeValue::compare(highest, highest.as(Kind::Date)), 1);
    QVERIFY(!lowest.inPostgresRange());
    QVERIFY(!highest.inPostgresRange());
    QCOMPARE(canonicalValue(lowest.toVariant(), ValueType::Timestamp).right(16), QByteArray("T19:59:05.224192"));
}

void TestTimeValue::millisecondValuesKeepTheirCanonicalText()
{
    // Sync state written before microseconds were carried stays valid: the same text.
    const QDateTime old(QDate(2024, 5, 6), QTime(7, 8, 9, 10), Qt::UTC);
    QCOMPARE(canonicalValue(old, ValueType::TimestampTz), QByteArray("2024-05-06T07:08:09.010"));
    QVariant exact;
    QString error;
    QVERIFY(coerceValue(QStringLiteral("2024-05-06T07:08:09.010Z"), ValueType::TimestampTz, &exact, &error));
    QCOMPARE(canonicalValue(exact, ValueType::TimestampTz), QByteArray("2024-05-06T07:08:09.010"));
    QCOMPARE(canonicalValue(QDate(2024, 2, 29), ValueType::Date), QByteArray("2024-02-29"));
}

void TestTimeValue::keysRoundTripExactly()
{
    // The lost row: a composite key with a microsecond timestamptz.
    const QList<ValueType> types { ValueType::Text, ValueType::TimestampTz, ValueType::Decimal };
    QVariant at;
    QString error;
    QVERIFY(coerceValue(QStringLiteral("1999-12-31 23:59:59.999999+14"), ValueType::TimestampTz, &at, &error));
    const KeyValues key { QStringLiteral("a \"b\""), at, QStringLiteral("1234567890123456789012345678901234567890.5") };
    const QString text = keyText(key, types);
    const KeyValues back = keyFromText(text, types);
    QCOMPARE(back.size(), 3);
    QCOMPARE(back.at(0), key.at(0));
    QCOMPARE(TimeValue::fromVariant(back.at(1)), TimeValue::fromVariant(at));
    QCOMPARE(back.at(2), key.at(2));
    QCOMPARE(keyText(back, types), text);
    // One microsecond apart is another key.
    const TimeValue later = TimeValue::fromMicros(Kind::TimestampTz, TimeValue::fromVariant(at).micros() + 1);
    QVERIFY(keyText({ key.at(0), later.toVariant(), key.at(2) }, types) != text);
}

void TestTimeValue::variantAndStreamRoundTrip()
{
    const TimeValue value = TimeValue::parse(QStringLiteral("0044-03-15 12:00:00.000001 BC"), Kind::TimestampTz);
    const QVariant variant = value.toVariant();
    QCOMPARE(variant.toString(), value.toString()); // generic code sees the canonical text
    QByteArray bytes;
    {
        QDataStream out(&bytes, QIODevice::WriteOnly);
        out << variant << TimeValue::infinity(Kind::Date, false).toVariant();
    }
    QDataStream in(bytes);
    QVariant a;
    QVariant b;
    in >> a >> b;
    QCOMPARE(TimeValue::fromVariant(a), value);
    QCOMPARE(TimeValue::fromVariant(b), TimeValue::infinity(Kind::Date, false));
}

void TestTimeValue::doublesKeepNaNInfinityAndNegativeZero()
{
    QVariant out;
    QString error;
    QVERIFY(coerceValue(QStringLiteral("NaN"), ValueType::Double, &out, &error));
    QVERIFY(std::isnan(out.toDouble()));
    QVERIFY(coerceValue(QStringLiteral("-Infinity"), ValueType::Double, &out, &error));
    QCOMPARE(out.toDouble(), -std::numeric_limits<double>::infinity());
    QVERIFY(coerceValue(QStringLiteral("-0"), ValueType::Double, &out, &error));
    QVERIFY(out.toDouble() == 0 && std::signbit(out.toDouble()));
    QVERIFY(canonicalValue(-0.0, ValueType::Double) != canonicalValue(0.0, ValueType::Double));
    QVERIFY(coerceValue(std::numeric_limits<double>::quiet_NaN(), ValueType::Double, &out, &error));
    QVERIFY(!coerceValue(QStringLiteral("not a number"), ValueType::Double, &out, &error));
}

void TestTimeValue::decimalAndJsonAreNotRespelled()
{
    QVariant out;
    QString error;
    QVERIFY(coerceValue(QStringLiteral("nan"), ValueType::Decimal, &out, &error));
    QCOMPARE(out.toString(), QStringLiteral("NaN"));
    QVERIFY(coerceValue(QStringLiteral("-Infinity"), ValueType::Decimal, &out, &error));
    QCOMPARE(out.toString(), QStringLiteral("-Infinity"));
    const QString digits = QStringLiteral("-1234567890123456789012345678901234567890.0000000001");
    QVERIFY(coerceValue(digits, ValueType::Decimal, &out, &error));
    QCOMPARE(out.toString(), digits);
    // JSON is checked, then kept as written: no rounding, no reordering.
    const QString json = QStringLiteral("{ \"z\": 1.50, \"a\": [12345678901234567890123] }");
    QVERIFY(coerceValue(json, ValueType::Json, &out, &error));
    QCOMPARE(out.toString(), json);
    QCOMPARE(oneLineJson(QStringLiteral("{ \"a\":\n [1, \"x\\ny\"]\r\n}")),
             QStringLiteral("{ \"a\": [1, \"x\\ny\"]}"));
    QVERIFY(!coerceValue(QStringLiteral("{oops"), ValueType::Json, &out, &error));
}

// toPgText/appendPgText (written into a char buffer) against the text built from the value's
// civil fields the way it was built before (QString pieces): random days and microseconds over
// PostgreSQL's whole range, AD and BC, every kind, five-digit and larger years included.
void TestTimeValue::pgTextIsTheTextOfItsFields()
{
    const auto reference = [](const TimeValue &t) {
        const qint64 y = t.year();
        const bool bc = y <= 0;
        const auto two = [](qint64 v) { return QString::number(v).rightJustified(2, QLatin1Char('0')); };
        QString text = QString::number(bc ? 1 - y : y).rightJustified(4, QLatin1Char('0')) + QLatin1Char('-')
            + two(t.month()) + QLatin1Char('-') + two(t.day());
        if (t.kind() != Kind::Date) {
            constexpr qint64 kDay = Q_INT64_C(86400000000);
            const qint64 inDay = ((t.micros() % kDay) + kDay) % kDay;
            const qint64 seconds = inDay / 1000000;
            text += QLatin1Char(' ') + two(seconds / 3600) + QLatin1Char(':') + two(seconds / 60 % 60)
                + QLatin1Char(':') + two(seconds % 60) + QLatin1Char('.')
                + QString::number(inDay % 1000000).rightJustified(6, QLatin1Char('0'));
            if (t.kind() == Kind::TimestampTz)
                text += QLatin1String("+00");
        }
        if (bc)
            text += QLatin1String(" BC");
        return text.toLatin1();
    };
    QRandomGenerator random(20261205);
    QByteArray appended = "x";
    QByteArray expected = "x";
    for (int i = 0; i < 20000; ++i) {
        // Days from 4714-11-24 BC to 5874897 AD (dates), microseconds within 294276 AD.
        const qint64 day = -2451545 + qint64(random.bounded(2147483647.0 - 2451545.0 + 1.0));
        const qint64 micros = Q_INT64_C(-211813488000000000) + qint64(random.bounded(9.2e18 - 2.2e17));
        for (const TimeValue &t : { TimeValue::fromDays(i % 3 == 0 ? day % 4000000 : day),
                                    TimeValue::fromMicros(Kind::Timestamp, i % 3 == 0 ? micros % Q_INT64_C(100000000000000) : micros),
                                    TimeValue::fromMicros(Kind::TimestampTz, micros / 7) }) {
            const QByteArray text = t.toPgText();
            QCOMPARE(text, reference(t));
            t.appendPgText(appended);
            expected += text;
        }
    }
    QCOMPARE(appended, expected);
    QCOMPARE(TimeValue::infinity(Kind::Date, true).toPgText(), QByteArrayLiteral("infinity"));
    QCOMPARE(TimeValue::infinity(Kind::TimestampTz, false).toPgText(), QByteArrayLiteral("-infinity"));
    QVERIFY(TimeValue().toPgText().isNull());
    QByteArray untouched = "x";
    TimeValue().appendPgText(untouched);
    QCOMPARE(untouched, QByteArrayLiteral("x"));
}

QTEST_GUILESS_MAIN(TestTimeValue)
// toPgText() writes every date and timestamp PostgreSQL holds exactly as its QString-based
// formatter did: both ends of the range, BC, years of 1 - 7 digits, every kind.
void TestTimeValue::pgTextIsTheReferenceFormattersByteForByte()
{
    QRandomGenerator random(16);
    QList<TimeValue> values;
    for (const QString &text : { u"4713-01-01 BC"_qs, u"0001-01-01"_qs, u"0001-12-31 BC"_qs, u"0099-03-04"_qs,
                                 u"0999-12-31"_qs, u"1000-01-01"_qs, u"1969-12-31"_qs, u"1970-01-01"_qs,
                                 u"2000-01-01"_qs, u"9999-12-31"_qs, u"10000-01-01"_qs, u"294276-12-31"_qs,
                                 u"5874897-12-31"_qs, u"0044-03-15 BC"_qs, u"infinity"_qs, u"-infinity"_qs }) {
        const TimeValue date = TimeValue::parse(text, Kind::Date);
        QVERIFY2(date.isValid(), qPrintable(text));
        values << date;
    }
    const qint64 firstDay = values.at(0).days();
    const qint64 lastTimestampDay = TimeValue::parse(u"294276-12-31"_qs, Kind::Date).days();
    for (int i = 0; i < 20000; ++i) {
        const qint64 day = firstDay + qint64(random.bounded(quint64(lastTimestampDay - firstDay + 1)));
        const qint64 inDay = qint64(random.bounded(quint64(86400000000LL)));
        values << TimeValue::fromDays(day);
        for (const Kind kind : { Kind::Timestamp, Kind::TimestampTz }) {
            const qint64 micros = (day - 10957) * 86400000000LL + (i % 3 == 0 ? 0 : inDay);
            values << TimeValue::fromMicros(kind, i % 5 == 0 ? micros - micros % 1000000 : micros);
        }
    }
    for (const Kind kind : { Kind::Timestamp, Kind::TimestampTz }) {
        values << TimeValue::fromMicros(kind, -211813488000000000LL) // 4713-01-01 00:00:00 BC
               << TimeValue::fromMicros(kind, 9223371331199999999LL) // 294276-12-31 23:59:59.999999
               << TimeValue::fromMicros(kind, -1) << TimeValue::fromMicros(kind, 0);
    }
    int checked = 0;
    for (const TimeValue &value : std::as_const(values)) {
        QVERIFY(value.isValid());
        QCOMPARE(value.toPgText(), referencePgText(value));
        ++checked;
    }
    QCOMPARE(QString::fromLatin1(values.at(0).toPgText()), u"4713-01-01 BC"_qs);
    QVERIFY(checked > 60000);
}

#include "tst_timevalue.moc"
