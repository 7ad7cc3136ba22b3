// A MariaDB field's value and hash text straight from its bytes (mysqlfieldvalues.h) against
// fromText()'s rules through a QString, value by value: every type's common text and its edges
// (int64 min/max, -0, 1e308, DECIMAL(65,30), zero dates, years 0001 and 9999, microseconds,
// 4-byte UTF-8...). A fast path that converts differently, or claims bytes as hash text that
// hashRow() would spell otherwise, fails here. hashRow() and doubleText() are also held to the
// QString implementation they replaced (kept below as the reference).
#include "sync/connectors/mysqlfieldvalues.h"
#include "sync/connectors/mysqlvalues.h"

#include <QCryptographicHash>
#include <QLocale>
#include <QRandomGenerator>

#include <QtTest>

#include <charconv>
#include <cmath>
#include <cstring>

using namespace tf::sync;
using namespace tf::sync::mysql;
using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(tf::sync::ValueType)

namespace reference {

// mysqlvalues.cpp before session 15: doubleText through QLocale, hashRow through QString.
QString doubleText(double value)
{
    if (std::isnan(value))
        return QStringLiteral("NaN");
    if (std::isinf(value))
        return value > 0 ? QStringLiteral("Infinity") : QStringLiteral("-Infinity");
    if (value == 0)
        return QStringLiteral("0");
    const QString e = QLocale::c().toString(value, 'e', QLocale::FloatingPointShortest);
    const bool negative = e.startsWith(QLatin1Char('-'));
    const qsizetype ePos = e.indexOf(QLatin1Char('e'));
    QString digits = e.mid(negative ? 1 : 0, ePos - (negative ? 1 : 0));
    digits.remove(QLatin1Char('.'));
    const int exponent = e.mid(ePos + 1).toInt();
    const qsizetype length = digits.size();
    const qsizetype point = exponent + 1;
    QString text;
    if (point < -14 || (point > 15 && point >= length)) {
        text = digits.left(1) + (length > 1 ? QLatin1Char('.') + digits.mid(1) : QString()) + QLatin1Char('e')
            + QString::number(exponent);
    } else if (point <= 0) {
        text = QStringLiteral("0.") + QString(-point, QLatin1Char('0')) + digits;
    } else if (point >= length) {
        text = digits + QString(point - length, QLatin1Char('0'));
    } else {
        text = digits.left(point) + QLatin1Char('.') + digits.mid(point);
    }
    return negative ? QLatin1Char('-') + text : text;
}

QString pad(qint64 value, int width)
{
    return QStringLiteral("%1").arg(value, width, 10, QLatin1Char('0'));
}

QString dateText(const TimeValue &time)
{
    const qint64 year = time.year();
    return (year < 0 ? QStringLiteral("-") + pad(-year, 4) : pad(year, 4)) + QLatin1Char('-') + pad(time.month(), 2)
        + QLatin1Char('-') + pad(time.day(), 2);
}

QString timestampText(const TimeValue &time)
{
    qint64 ofDay = time.micros() - (time.days() - 10957) * Q_INT64_C(86400000000);
    const qint64 micro = ofDay % 1000000;
    ofDay /= 1000000;
    return dateText(time) + QLatin1Char(' ') + pad(ofDay / 3600, 2) + QLatin1Char(':') + pad(ofDay / 60 % 60, 2)
        + QLatin1Char(':') + pad(ofDay % 60, 2) + QLatin1Char('.') + pad(micro, 6);
}

QString valueText(const QVariant &value, ValueType type)
{
    if (const UnreadableValue *unreadable = unreadableOf(value))
        return unreadable->text;
    switch (type) {
    case ValueType::Integer: return QString::number(value.toLongLong());
    case ValueType::Double: return doubleText(value.toDouble());
    case ValueType::Boolean: return value.toBool() ? QStringLiteral("1") : QStringLiteral("0");
    case ValueType::Date: return dateText(timeValueOf(value, type));
    case ValueType::Timestamp:
    case ValueType::TimestampTz: return timestampText(timeValueOf(value, type));
    case ValueType::Bytes: return QString::fromLatin1(value.toByteArray().toHex().toUpper());
    default: return value.toString();
    }
}

bool plainHashText(ValueType type)
{
    return type != ValueType::Text && type != ValueType::Json;
}

QByteArray hashRow(const Row &row, const Schema &schema)
{
    QByteArray text;
    for (int i = 0; i < schema.size(); ++i) {
        if (i > 0)
            text += ',';
        const QVariant &value = i < row.size() ? row.at(i) : QVariant();
        if ((value.isNull() || !value.isValid()) && !unreadableOf(value)) {
            text += '-';
            continue;
        }
        const QByteArray bytes = valueText(value, schema.at(i).type).toUtf8();
        if (!plainHashText(schema.at(i).type))
            text += QByteArray::number(bytes.size()) + ':';
        text += bytes;
    }
    const QByteArray md5 = QCryptographicHash::hash(text, QCryptographicHash::Md5).toHex();
    const quint64 high = md5.left(7).toULongLong(nullptr, 16);
    const quint64 low = md5.mid(7, 6).toULongLong(nullptr, 16);
    return QByteArray::number((high << 32) | low);
}

} // namespace reference

namespace {

ColumnInfo columnOf(ValueType type)
{
    ColumnInfo column;
    column.name = u"c"_s;
    column.type = type;
    return column;
}

// Empty when `a` and `b` are the same value to the engine: both NULL, both unreadable with the
// same text and reason, or the same type holding the same value (doubles bit for bit).
QString difference(const QVariant &a, const QVariant &b, ValueType type)
{
    const UnreadableValue *ua = unreadableOf(a);
    const UnreadableValue *ub = unreadableOf(b);
    if (ua || ub) {
        if (ua && ub && ua->text == ub->text && ua->reason == ub->reason)
            return {};
        return u"unreadable: '%1' / '%2'"_s.arg(ua ? ua->text + u": "_s + ua->reason : a.toString(),
                                                ub ? ub->text + u": "_s + ub->reason : b.toString());
    }
    if (a.isNull() != b.isNull() || a.isValid() != b.isValid())
        return u"NULL against a value"_s;
    if (!a.isValid())
        return {};
    if (a.metaType() != b.metaType())
        return u"%1 against %2"_s.arg(QString::fromLatin1(a.metaType().name()), QString::fromLatin1(b.metaType().name()));
    if (type == ValueType::Double) {
        const double x = a.toDouble();
        const double y = b.toDouble();
        return std::memcmp(&x, &y, sizeof x) == 0 ? QString() : u"%1 against %2"_s.arg(x, 0, 'g', 17).arg(y, 0, 'g', 17);
    }
    if (a.metaType() == QMetaType::fromType<TimeValue>())
        return a.value<TimeValue>() == b.value<TimeValue>() ? QString() : u"time values differ"_s;
    const QByteArray ca = canonicalValue(a, type);
    const QByteArray cb = canonicalValue(b, type);
    return ca == cb ? QString() : u"'%1' against '%2'"_s.arg(QString::fromUtf8(ca), QString::fromUtf8(cb));
}

// The hash of one column holding `bytes` as its text (RowHasher::addText).
QByteArray hashOfText(const QByteArray &bytes, ValueType type)
{
    RowHasher hasher;
    hasher.addText(bytes.constData(), bytes.size(), type);
    return hasher.take();
}

} // namespace

class TestMysqlFieldValues final : public QObject
{
    Q_OBJECT

private slots:
    void bytesGiveTheTextPathsValue_data();
    void bytesGiveTheTextPathsValue();
    void doubleTextIsTheQLocaleText();
    void hashRowIsTheQStringHashRow();
    void rowHasherMixesBytesAndValues();
};

void TestMysqlFieldValues::bytesGiveTheTextPathsValue_data()
{
    QTest::addColumn<ValueType>("type");
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<bool>("fromBytes"); // taken straight from the bytes (else the QString path)

    const auto row = [](const char *name, ValueType type, const QByteArray &text, bool fromBytes) {
        QTest::newRow(name) << type << text << fromBytes;
    };
    using V = ValueType;
    row("int 0", V::Integer, "0", true);
    row("int 1", V::Integer, "1", true);
    row("int negative", V::Integer, "-42", true);
    row("int64 max", V::Integer, "9223372036854775807", true);
    row("int64 min", V::Integer, "-9223372036854775808", true);
    row("int past int64", V::Integer, "9223372036854775808", false);
    row("int below int64", V::Integer, "-9223372036854775809", false);
    row("bigint unsigned max", V::Integer, "18446744073709551615", false);
    row("int -0", V::Integer, "-0", false);
    row("int leading zero", V::Integer, "007", false);
    row("int plus", V::Integer, "+5", false);
    row("int spaces", V::Integer, " 5", false);
    row("int 12.0", V::Integer, "12.0", false);
    row("int empty", V::Integer, "", false);
    row("int text", V::Integer, "abc", false);

    row("decimal 0", V::Decimal, "0", true);
    row("decimal 1.5", V::Decimal, "1.5", true);
    row("decimal negative", V::Decimal, "-1.5", true);
    row("decimal -0.0000000001", V::Decimal, "-0.0000000001", true);
    row("decimal(40,20)", V::Decimal, "12345678901234567890.00000000000000000001", true);
    row("decimal(65,30) max", V::Decimal, "99999999999999999999999999999999999.999999999999999999999999999999", true);
    row("decimal(65,30) min", V::Decimal, "-99999999999999999999999999999999999.999999999999999999999999999999", true);
    row("decimal bigint unsigned", V::Decimal, "18446744073709551615", true);
    row("decimal -0", V::Decimal, "-0", false);
    row("decimal trailing zero", V::Decimal, "1.50", false);
    row("decimal leading zero", V::Decimal, "01.5", false);
    row("decimal point only", V::Decimal, "1.", false);
    row("decimal no integer", V::Decimal, ".5", false);
    row("decimal exponent", V::Decimal, "1e5", false);
    row("decimal NaN", V::Decimal, "NaN", false);
    row("decimal empty", V::Decimal, "", false);

    row("double 0", V::Double, "0", true);
    row("double 0.1", V::Double, "0.1", true);
    row("double negative", V::Double, "-2.5", true);
    row("double 1e308", V::Double, "1e308", true);
    row("double max", V::Double, "1.7976931348623157e308", true);
    row("double denormal min", V::Double, "5e-324", true);
    row("double 1e15", V::Double, "1e15", true);
    row("double 1e14", V::Double, "100000000000000", true);
    row("double 1.5e-15", V::Double, "0.0000000000000015", true);
    row("double 1.5e-16", V::Double, "1.5e-16", true);
    row("double 2^53+2", V::Double, "9.007199254740994e15", true);
    row("double 2^53+2 fixed", V::Double, "9007199254740994", false);
    row("double 1.2345678901234568e20", V::Double, "1.2345678901234568e20", true);
    row("double small fixed", V::Double, "-0.000025", true);
    row("double -0", V::Double, "-0", false); // doubleText(-0.0) is "0": not its own text
    row("double other spelling", V::Double, "-2.5e-5", false);
    row("double plus exponent", V::Double, "1e+15", false);
    row("double 17 digits of 0.1", V::Double, "0.10000000000000001", false);
    row("double overflow", V::Double, "1e309", false);
    row("double underflow", V::Double, "1e-400", false);
    row("double inf", V::Double, "inf", false);
    row("double NaN", V::Double, "NaN", false);
    row("double text", V::Double, "x", false);

    row("bool 1", V::Boolean, "1", true);
    row("bool 0", V::Boolean, "0", true);
    row("bool 2", V::Boolean, "2", false);
    row("bool true", V::Boolean, "true", false);

    row("date", V::Date, "2024-02-29", true);
    row("date year 0001", V::Date, "0001-01-01", true);
    row("date year 9999", V::Date, "9999-12-31", true);
    row("date year 0", V::Date, "0000-01-01", true);
    row("date zero", V::Date, "0000-00-00", false);
    row("date zero month", V::Date, "2024-00-10", false);
    row("date zero day", V::Date, "2024-01-00", false);
    row("date Feb 30", V::Date, "2024-02-30", false);
    row("date no leap day", V::Date, "2023-02-29", false);
    row("date of a timestamp", V::Date, "2024-02-29 10:00:00.000000", false);

    row("datetime(6)", V::Timestamp, "2024-01-01 00:00:00.000001", true);
    row("datetime year 0001", V::Timestamp, "0001-01-01 00:00:00.000000", true);
    row("datetime year 9999", V::Timestamp, "9999-12-31 23:59:59.999999", true);
    row("datetime year 0999", V::Timestamp, "0999-12-31 23:59:59.999999", true);
    row("datetime zero date", V::Timestamp, "0000-00-00 00:00:00.000000", false);
    row("datetime zero month", V::Timestamp, "2024-00-00 00:00:00.000000", false);
    row("datetime hour 24", V::Timestamp, "2024-01-01 24:00:00.000000", false);
    row("datetime second 60", V::Timestamp, "2024-12-31 23:59:60.000000", false);
    row("datetime minute 60", V::Timestamp, "2024-12-31 23:60:00.000000", false);
    row("datetime no fraction", V::Timestamp, "2024-01-01 00:00:00", false);
    row("datetime short fraction", V::Timestamp, "2024-01-01 00:00:00.5", false);
    row("datetime T", V::Timestamp, "2024-01-01T00:00:00.000000", false);
    row("timestamp(6) utc", V::TimestampTz, "1970-01-01 00:00:01.000000", true);
    row("timestamp(6) 2038", V::TimestampTz, "2038-01-19 03:14:07.999000", true);
    row("timestamp zero", V::TimestampTz, "0000-00-00 00:00:00.000000", false);

    row("bytes empty", V::Bytes, "", true);
    row("bytes 00", V::Bytes, "00", true);
    row("bytes", V::Bytes, "DEADBEEF00FF", true);
    row("bytes lower case", V::Bytes, "deadbeef", false);
    row("bytes odd", V::Bytes, "ABC", false);

    row("text empty", V::Text, "", true);
    row("text ascii", V::Text, "Owner 42", true);
    row("text comma colon", V::Text, "a,b:c\\n", true);
    row("text controls", V::Text, QByteArray("tab\there\0nul", 12), true);
    row("text trailing spaces", V::Text, "trailing  ", true);
    row("text 2-byte utf-8", V::Text, "caf\xc3\xa9", false);
    row("text 4-byte utf-8", V::Text, "\xf0\x9f\x98\x80 emoji", false);
    row("text long ascii", V::Text, QByteArray(5000, 'x'), true);
    row("json", V::Json, "{\"a\": 1.50}", false);
    row("uuid", V::Uuid, "123e4567-e89b-12d3-a456-426614174000", false);
}

// The value from the bytes is the QString path's (fromText of the same text as a QVariant, as a
// paged read gives it), and bytes taken as hash text hash as the value does.
void TestMysqlFieldValues::bytesGiveTheTextPathsValue()
{
    QFETCH(ValueType, type);
    QFETCH(QByteArray, text);
    QFETCH(bool, fromBytes);
    const ColumnInfo column = columnOf(type);
    bool bytesAreHashText = !fromBytes;
    const QVariant fast = fromText(text.constData(), text.size(), column, u"t"_s, &bytesAreHashText);
    QCOMPARE(bytesAreHashText, fromBytes);
    const QVariant slow = fromText(QVariant(QString::fromUtf8(text)), column, u"t"_s);
    const QString diff = difference(fast, slow, type);
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
    const Schema schema({ Column { u"c"_s, type } });
    const QByteArray expected = reference::hashRow(Row { slow }, schema);
    QCOMPARE(hashRow(Row { fast }, schema), expected);
    if (bytesAreHashText)
        QCOMPARE(hashOfText(text, type), expected);

    // NULL is never taken from bytes and hashes as '-'.
    bool nullIsText = true;
    QVERIFY(!fromText(nullptr, 0, column, u"t"_s, &nullIsText).isValid());
    QVERIFY(!nullIsText);
}

// doubleText (std::to_chars) against the QLocale implementation it replaced, and reading back
// as the same double, over random bit patterns, ordinary magnitudes and integers near 2^53.
void TestMysqlFieldValues::doubleTextIsTheQLocaleText()
{
    QList<double> values { 0.1, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 1e15, 1e16, 1e14, 1.5e-15,
                           1.5e-16, 1e-15, 1e-14, 123456789012345680000.0, 0.000123, -2.5e-5, 9007199254740993.0,
                           1234567890123456.8, 12345678901234568.0, 1e308, -1e-300, 3.4028234663852886e38 };
    auto *random = QRandomGenerator::global();
    for (int i = 0; i < 300000; ++i) {
        double value = 0;
        switch (i % 3) {
        case 0: {
            const quint64 bits = random->generate64();
            std::memcpy(&value, &bits, sizeof value);
            break;
        }
        case 1: value = std::ldexp(double(random->generate64() >> 11), -int(random->bounded(0, 90))); break;
        default: value = double(qint64(random->generate64() >> random->bounded(1, 64))) * (i % 2 ? 1 : -1); break;
        }
        values << value;
    }
    int compared = 0;
    for (double value : std::as_const(values)) {
        if (!std::isfinite(value))
            continue;
        const QString text = doubleText(value);
        if (text != reference::doubleText(value))
            QFAIL(qPrintable(u"%1: '%2' against QLocale's '%3'"_s.arg(value, 0, 'g', 17).arg(text, reference::doubleText(value))));
        const QByteArray bytes = text.toLatin1();
        double back = 0;
        std::from_chars(bytes.constData(), bytes.constData() + bytes.size(), back);
        QVERIFY2(back == value || value == 0, qPrintable(text));
        ++compared;
    }
    QVERIFY(compared > 290000);
    for (double special : { std::nan(""), std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(), -0.0 })
        QCOMPARE(doubleText(special), reference::doubleText(special));
}

// hashRow (RowHasher, formatting into bytes) against the QString hashRow it replaced, on rows of
// every type with awkward values: NULLs, unreadable values, infinity, BC years, years past 9999.
void TestMysqlFieldValues::hashRowIsTheQStringHashRow()
{
    using K = TimeValue::Kind;
    const Schema schema({ Column { u"t"_s, ValueType::Text }, Column { u"i"_s, ValueType::Integer },
                          Column { u"n"_s, ValueType::Decimal }, Column { u"f"_s, ValueType::Double },
                          Column { u"b"_s, ValueType::Boolean }, Column { u"d"_s, ValueType::Date },
                          Column { u"ts"_s, ValueType::Timestamp }, Column { u"tz"_s, ValueType::TimestampTz },
                          Column { u"by"_s, ValueType::Bytes }, Column { u"u"_s, ValueType::Uuid },
                          Column { u"j"_s, ValueType::Json } });
    const QList<Row> rows {
        Row { u"tab\there \u00e9 \U0001F600 (a,b)"_s, qint64(-9223372036854775807LL - 1), u"-1234567890.000000000001"_s, -0.0,
              true, TimeValue::fromDays(-2440588).toVariant(), TimeValue::fromMicros(K::Timestamp, 1234567).toVariant(),
              TimeValue::infinity(K::TimestampTz, true).toVariant(), QByteArray("\x00\x01\\N\xff", 5),
              u"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"_s, u"{ \"a\" : [1, 2.50] }"_s },
        Row { QVariant(), QVariant(), QVariant(), QVariant(), QVariant(), QVariant(), QVariant(), QVariant(), QVariant(),
              QVariant(), QVariant() },
        Row { u""_s, qint64(9223372036854775807LL), u"NaN"_s, std::numeric_limits<double>::quiet_NaN(), false,
              TimeValue::infinity(K::Date, false).toVariant(), TimeValue::fromMicros(K::Timestamp, -211813488000000000LL).toVariant(),
              TimeValue::fromMicros(K::TimestampTz, 9223371331200000000LL - 1).toVariant(), QByteArray(""),
              u"00000000-0000-0000-0000-000000000000"_s, u"\"\""_s },
        Row { u"x"_s, unreadableValue(u"18446744073709551616"_s, u"too big"_s), u"0"_s, 1e308, QVariant(),
              unreadableValue(u"0000-00-00"_s, u"a zero date"_s), TimeValue::fromCivil(K::Timestamp, 1, 1, 1).toVariant(),
              TimeValue::fromCivil(K::TimestampTz, 9999, 12, 31, 23, 59, 59, 999999).toVariant(), QByteArray("\xde\xad", 2),
              QVariant(), QVariant() },
        Row { u"short"_s, qint64(0) }, // fewer values than columns: the rest hash as NULL
    };
    for (const Row &row : rows)
        QCOMPARE(hashRow(row, schema), reference::hashRow(row, schema));
    // Random rows of numbers and times.
    auto *random = QRandomGenerator::global();
    const Schema numbers({ Column { u"i"_s, ValueType::Integer }, Column { u"f"_s, ValueType::Double },
                           Column { u"d"_s, ValueType::Date }, Column { u"ts"_s, ValueType::Timestamp } });
    for (int i = 0; i < 20000; ++i) {
        double f = 0;
        const quint64 bits = random->generate64();
        std::memcpy(&f, &bits, sizeof f);
        const Row row { qint64(random->generate64()), f, TimeValue::fromDays(qint64(random->bounded(-800000, 3000000))).toVariant(),
                        TimeValue::fromMicros(K::Timestamp, qint64(random->generate64() >> 2) - (qint64(1) << 61)).toVariant() };
        QCOMPARE(hashRow(row, numbers), reference::hashRow(row, numbers));
    }
    // Pinned: the 52 bits of the MD5 of "42,3:a,b,0.1,2024-02-29,-,1.5,00FF,1" in decimal.
    const Schema pinned({ Column { u"i"_s, ValueType::Integer }, Column { u"t"_s, ValueType::Text },
                          Column { u"f"_s, ValueType::Double }, Column { u"d"_s, ValueType::Date },
                          Column { u"ts"_s, ValueType::Timestamp }, Column { u"n"_s, ValueType::Decimal },
                          Column { u"by"_s, ValueType::Bytes }, Column { u"b"_s, ValueType::Boolean } });
    const QByteArray md5 = QCryptographicHash::hash("42,3:a,b,0.1,2024-02-29,-,1.5,00FF,1", QCryptographicHash::Md5).toHex();
    const QByteArray expected = QByteArray::number((md5.left(7).toULongLong(nullptr, 16) << 32) | md5.mid(7, 6).toULongLong(nullptr, 16));
    QCOMPARE(hashRow(Row { qint64(42), u"a,b"_s, 0.1, TimeValue::fromCivil(K::Date, 2024, 2, 29).toVariant(), QVariant(),
                           u"1.5"_s, QByteArray("\x00\xff", 2), true },
                     pinned),
             expected);
}

// A row hashed from fields' bytes where they are the hash text and from values elsewhere (as a
// streamed read does) hashes as hashRow() of its values; a half-hashed row is forgotten by clear().
void TestMysqlFieldValues::rowHasherMixesBytesAndValues()
{
    const QList<ValueType> types { ValueType::Integer, ValueType::Text, ValueType::Text, ValueType::Decimal,
                                   ValueType::Double, ValueType::Timestamp, ValueType::Date, ValueType::Bytes,
                                   ValueType::Double, ValueType::Integer };
    const QList<QByteArray> fields { "7", "Owner 7", "caf\xc3\xa9, \xf0\x9f\x98\x80", "1.5", "0.0000001", "2024-01-01 00:00:00.000001",
                                     "0000-00-00", "00FF", "", QByteArray() };
    QList<Column> columns;
    for (ValueType type : types)
        columns << Column { u"c%1"_s.arg(columns.size()), type };
    const Schema schema(columns);
    RowHasher hasher;
    hasher.add(QVariant(qint64(1)), ValueType::Integer); // a row left half-hashed
    hasher.clear();
    Row row;
    int fromBytes = 0;
    for (int i = 0; i < types.size(); ++i) {
        const QByteArray &field = fields.at(i);
        bool bytesAreHashText = false;
        const QVariant value = fromText(field.isNull() ? nullptr : field.constData(), field.size(), columnOf(types.at(i)),
                                        u"t"_s, &bytesAreHashText);
        if (bytesAreHashText) {
            hasher.addText(field.constData(), field.size(), types.at(i));
            ++fromBytes;
        } else {
            hasher.add(value, types.at(i));
        }
        row << value;
    }
    QCOMPARE(fromBytes, 6); // integer, ASCII text, decimal, double, timestamp, bytes
    QVERIFY(unreadableOf(row.at(6))); // the zero date
    const QByteArray hash = hasher.take();
    QCOMPARE(hash, hashRow(row, schema));
    QCOMPARE(hash, reference::hashRow(row, schema));
}

QTEST_GUILESS_MAIN(TestMysqlFieldValues)
#include "tst_mysqlfieldvalues.moc"
