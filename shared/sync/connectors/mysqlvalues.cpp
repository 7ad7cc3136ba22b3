#include "mysqlvalues.h"

#include "mysqlfieldvalues.h"
#include "sync/textlength.h"

#include <QSet>

#include <charconv>
#include <cmath>
#include <limits>

namespace tf::sync::mysql {

namespace {

constexpr qint64 kDaysTo2000 = 10957; // 1970-01-01 .. 2000-01-01
constexpr qint64 kMicrosPerDay = Q_INT64_C(86400000000);

bool isGeometry(const QString &dataType)
{
    static const QSet<QString> types { QStringLiteral("geometry"), QStringLiteral("point"), QStringLiteral("linestring"),
                                       QStringLiteral("polygon"), QStringLiteral("multipoint"), QStringLiteral("multilinestring"),
                                       QStringLiteral("multipolygon"), QStringLiteral("geometrycollection") };
    return types.contains(dataType);
}

QString zeroGuard(const QString &column, const QString &text, const QString &mapped, const ZeroDate &zeroDate)
{
    if (!zeroDate.mapped)
        return text;
    return QStringLiteral("IF(MONTH(%1) = 0 OR DAYOFMONTH(%1) = 0, %2, %3)").arg(column, mapped, text);
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
    qint64 ofDay = time.micros() - (time.days() - kDaysTo2000) * kMicrosPerDay;
    const qint64 micro = ofDay % 1000000;
    ofDay /= 1000000;
    return dateText(time) + QLatin1Char(' ') + pad(ofDay / 3600, 2) + QLatin1Char(':') + pad(ofDay / 60 % 60, 2)
        + QLatin1Char(':') + pad(ofDay % 60, 2) + QLatin1Char('.') + pad(micro, 6);
}

// The text readExpression() gives for a row-model value.
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

// True when readExpression()'s text of every value of this row-model type is digits, signs,
// points, dashes, colons, spaces or hex (numbers, dates, timestamps, HEX of bytes, UUIDs), never
// a ',' nor a lone '-': such a part of the row's hash text needs no length prefix, and the
// server builds the text once per row instead of twice (LENGTH(text) and text).
bool plainHashText(ValueType type)
{
    switch (type) {
    case ValueType::Integer:
    case ValueType::Decimal:
    case ValueType::Double:
    case ValueType::Boolean:
    case ValueType::Date:
    case ValueType::Timestamp:
    case ValueType::TimestampTz:
    case ValueType::Bytes:
    case ValueType::Uuid: return true;
    default: return false;
    }
}

} // namespace

QString zeroDateVariable()
{
    return QStringLiteral("@tf_zero_date");
}

QString readExpression(const ColumnInfo &c, const ZeroDate &zeroDate)
{
    const QString q = Session::quote(c.name);
    const QString &t = c.dataType;
    if (t == QLatin1String("bit"))
        return QStringLiteral("CAST(%1 + 0 AS CHAR)").arg(q);
    if (isGeometry(t))
        return QStringLiteral("ST_AsText(%1)").arg(q);
    switch (c.type) {
    case ValueType::Integer: return QStringLiteral("CAST(%1 AS CHAR)").arg(q);
    case ValueType::Decimal:
        if (c.scale <= 0)
            return QStringLiteral("CAST(%1 AS CHAR)").arg(q);
        return QStringLiteral("IF(%1 = 0, '0', TRIM(TRAILING '.' FROM TRIM(TRAILING '0' FROM CAST(%1 AS CHAR))))").arg(q);
    case ValueType::Double:
        return t == QLatin1String("double") ? QStringLiteral("CAST(%1 AS CHAR)").arg(q)
                                            : QStringLiteral("CAST(CAST(%1 AS DOUBLE) AS CHAR)").arg(q);
    case ValueType::Date:
        return zeroGuard(q, QStringLiteral("CAST(%1 AS CHAR)").arg(q), zeroDateVariable(), zeroDate);
    case ValueType::Timestamp:
    case ValueType::TimestampTz:
        // Six fractional digits already print as six: the second CAST only pads shorter ones
        // (and costs as much as the rest of a row's text on a wide scan).
        return zeroGuard(q, (c.scale == 6 ? QStringLiteral("CAST(%1 AS CHAR)") : QStringLiteral("CAST(CAST(%1 AS DATETIME(6)) AS CHAR)")).arg(q),
                         QStringLiteral("CONCAT(%1, ' 00:00:00.000000')").arg(zeroDateVariable()), zeroDate);
    case ValueType::Bytes: return QStringLiteral("HEX(%1)").arg(q);
    case ValueType::Uuid: return QStringLiteral("LOWER(CAST(%1 AS CHAR))").arg(q);
    default: {
        // Strings arrive as they are; TIME, INET6 and the like as the server's text (the
        // binary protocol would turn a TIME into a QTime, which has no -838:59:59).
        static const QSet<QString> strings { QStringLiteral("char"), QStringLiteral("varchar"), QStringLiteral("tinytext"),
                                             QStringLiteral("text"), QStringLiteral("mediumtext"), QStringLiteral("longtext"),
                                             QStringLiteral("enum"), QStringLiteral("set"), QStringLiteral("json") };
        return strings.contains(t) ? q : QStringLiteral("CAST(%1 AS CHAR)").arg(q);
    }
    }
}

QString streamExpression(const ColumnInfo &c, const ZeroDate &zeroDate)
{
    const QString &t = c.dataType;
    if (t == QLatin1String("bit") || isGeometry(t))
        return readExpression(c, zeroDate);
    const bool exactTime = (c.type == ValueType::Timestamp || c.type == ValueType::TimestampTz) && c.scale == 6
        && !zeroDate.mapped;
    return c.type == ValueType::Integer || exactTime ? Session::quote(c.name) : readExpression(c, zeroDate);
}

QString hashExpression(const QList<ColumnInfo> &columns, const ZeroDate &zeroDate)
{
    QStringList parts;
    for (const ColumnInfo &column : columns) {
        const QString text = QStringLiteral("CONVERT(%1 USING utf8mb4)").arg(readExpression(column, zeroDate));
        // Geometry is Text (ST_AsText has commas) and BIT an Integer (its number): the type
        // decides, as in hashRow(), which only knows the row model's types.
        if (plainHashText(column.type))
            parts << QStringLiteral("COALESCE(%1, '-')").arg(text);
        else
            parts << QStringLiteral("COALESCE(CONCAT(LENGTH(%1), ':', %1), '-')").arg(text);
    }
    // hashRow()'s 52 bits: hex digits 1-7 of the MD5, two zeros, digits 8-13.
    return QStringLiteral("CONV(INSERT(LEFT(MD5(CONCAT_WS(',', %1)), 13), 8, 0, '00'), 16, 10)")
        .arg(parts.join(QStringLiteral(", ")));
}

namespace {

// fromText() of a non-NULL value that is not Bytes (those are HEX text).
QVariant fromString(const QString &raw, const ColumnInfo &column, const QString &entity)
{
    QVariant value;
    QString error;
    if (coerceValue(raw, column.type, &value, &error))
        return value;
    const bool timeType = column.type == ValueType::Date || column.type == ValueType::Timestamp
        || column.type == ValueType::TimestampTz;
    if (timeType && (raw.mid(5, 2) == QLatin1String("00") || raw.mid(8, 2) == QLatin1String("00"))) {
        error = QStringLiteral("'%1' is a zero date; set \"zero_date\" in the system's settings to map it (\"null\" or a date)")
                    .arg(raw);
    }
    return unreadableValue(raw, QStringLiteral("table '%1': %2").arg(entity, error));
}

} // namespace

QVariant fromText(const QVariant &text, const ColumnInfo &column, const QString &entity)
{
    if (text.isNull() || !text.isValid())
        return {};
    if (column.type == ValueType::Bytes)
        return QByteArray::fromHex(text.toString().toLatin1());
    return fromString(text.toString(), column, entity);
}

QVariant fromText(const char *data, qsizetype size, const ColumnInfo &column, const QString &entity,
                  bool *bytesAreHashText)
{
    QVariant value;
    const bool fromBytes = valueFromBytes(data, size, column.type, &value);
    if (bytesAreHashText)
        *bytesAreHashText = fromBytes;
    if (fromBytes)
        return value;
    if (!data)
        return {};
    if (column.type == ValueType::Bytes)
        return QByteArray::fromHex(QByteArray::fromRawData(data, size));
    return fromString(QString::fromUtf8(data, size), column, entity);
}

QByteArray hashRow(const Row &row, const Schema &schema)
{
    thread_local RowHasher hasher;
    for (int i = 0; i < schema.size(); ++i)
        hasher.add(i < row.size() ? row.at(i) : QVariant(), schema.at(i).type);
    return hasher.take();
}

namespace {

// `value` in decimal, at least `width` digits (pad()'s text of a value >= 0).
void appendPadded(QByteArray &out, qint64 value, int width)
{
    char digits[24];
    const qsizetype length = std::to_chars(digits, digits + sizeof digits, value).ptr - digits;
    if (length < width)
        out.append(qsizetype(width - length), '0');
    out.append(digits, length);
}

// dateText() and timestampText() of a finite value, as bytes.
void appendTime(QByteArray &out, const TimeValue &time, ValueType type)
{
    const qint64 year = time.year();
    if (year < 0)
        out += '-';
    appendPadded(out, year < 0 ? -year : year, 4);
    out += '-';
    appendPadded(out, time.month(), 2);
    out += '-';
    appendPadded(out, time.day(), 2);
    if (type == ValueType::Date)
        return;
    qint64 ofDay = time.micros() - (time.days() - kDaysTo2000) * kMicrosPerDay;
    const qint64 micro = ofDay % 1000000;
    ofDay /= 1000000;
    out += ' ';
    appendPadded(out, ofDay / 3600, 2);
    out += ':';
    appendPadded(out, ofDay / 60 % 60, 2);
    out += ':';
    appendPadded(out, ofDay % 60, 2);
    out += '.';
    appendPadded(out, micro, 6);
}

} // namespace

void RowHasher::add(const QVariant &value, ValueType type)
{
    if ((value.isNull() || !value.isValid()) && !unreadableOf(value)) {
        addText(nullptr, 0, type);
        return;
    }
    // valueText()'s bytes, formatted straight into a buffer for the types that are numbers and
    // times; the others (text, unreadable values...) through valueText() itself.
    m_scratch.resize(0);
    if (unreadableOf(value)) {
        m_scratch = valueText(value, type).toUtf8();
    } else if (type == ValueType::Integer) {
        char digits[24];
        m_scratch.append(digits, std::to_chars(digits, digits + sizeof digits, value.toLongLong()).ptr - digits);
    } else if (type == ValueType::Double) {
        appendDoubleText(m_scratch, value.toDouble());
    } else if (type == ValueType::Boolean) {
        m_scratch += value.toBool() ? '1' : '0';
    } else if (type == ValueType::Date || type == ValueType::Timestamp || type == ValueType::TimestampTz) {
        const TimeValue time = timeValueOf(value, type);
        if (time.isFinite())
            appendTime(m_scratch, time, type);
        else
            m_scratch = valueText(value, type).toUtf8();
    } else {
        m_scratch = valueText(value, type).toUtf8();
    }
    appendPart(m_scratch.constData(), m_scratch.size(), type);
}

void RowHasher::addText(const char *data, qsizetype size, ValueType type)
{
    if (!data) {
        if (m_parts++ > 0)
            m_text += ',';
        m_text += '-';
        return;
    }
    appendPart(data, size, type);
}

void RowHasher::appendPart(const char *data, qsizetype size, ValueType type)
{
    if (m_parts++ > 0)
        m_text += ',';
    if (!plainHashText(type)) {
        char digits[24];
        m_text.append(digits, std::to_chars(digits, digits + sizeof digits, size).ptr - digits);
        m_text += ':';
    }
    m_text.append(data, size);
}

QByteArray RowHasher::take()
{
    m_md5.addData(QByteArrayView(m_text.data(), qsizetype(m_text.size())));
    const QByteArrayView md5 = m_md5.resultView();
    const auto byte = [&md5](int i) { return quint64(static_cast<unsigned char>(md5.at(i))); };
    // 52 bits of the MD5: its first 28 bits (hex digits 1-7) as the high 32-bit half (below
    // 2^28) and the next 24 (digits 8-13) as the low half (below 2^24), in decimal. The low
    // halves of a block's rows (at most 256) then sum below 2^32, so one SUM per block tells
    // both halves' sums apart (MysqlConnector::blockSums).
    const quint64 high = (byte(0) << 20) | (byte(1) << 12) | (byte(2) << 4) | (byte(3) >> 4);
    const quint64 low = ((byte(3) & 0xF) << 20) | (byte(4) << 12) | (byte(5) << 4) | (byte(6) >> 4);
    m_md5.reset();
    clear();
    char digits[24];
    return QByteArray(digits, std::to_chars(digits, digits + sizeof digits, (high << 32) | low).ptr - digits);
}

void RowHasher::clear()
{
    m_text.clear(); // keeps its capacity
    m_parts = 0;
}

QVariant toParameter(const QVariant &value, ValueType type)
{
    if (value.isNull() || !value.isValid())
        return QVariant(QMetaType::fromType<QString>());
    switch (type) {
    case ValueType::Integer: return value.toLongLong();
    case ValueType::Boolean: return qint64(value.toBool() ? 1 : 0);
    case ValueType::Double: return value.toDouble();
    case ValueType::Date: return dateText(timeValueOf(value, type));
    case ValueType::Timestamp:
    case ValueType::TimestampTz: return timestampText(timeValueOf(value, type));
    case ValueType::Bytes: return value.toByteArray();
    default: return value.toString();
    }
}

QString parameterExpression(const ColumnInfo &column)
{
    if (column.type == ValueType::Decimal && column.dataType != QLatin1String("bit"))
        return QStringLiteral("CAST(? AS DECIMAL(%1, %2))").arg(qMax(column.precision, 20)).arg(column.scale);
    return QStringLiteral("?");
}

namespace {

QString integerRange(qint64 v, const ColumnInfo &c)
{
    struct Range { const char *type; qint64 low; qint64 high; qint64 uhigh; };
    static const Range ranges[] = { { "tinyint", -128, 127, 255 }, { "smallint", -32768, 32767, 65535 },
                                    { "mediumint", -8388608, 8388607, 16777215 },
                                    { "int", -2147483648LL, 2147483647LL, 4294967295LL },
                                    { "integer", -2147483648LL, 2147483647LL, 4294967295LL } };
    for (const Range &r : ranges) {
        if (c.dataType != QLatin1String(r.type))
            continue;
        const bool fits = c.isUnsigned ? (v >= 0 && v <= r.uhigh) : (v >= r.low && v <= r.high);
        return fits ? QString() : QStringLiteral("%1 does not fit %2").arg(v).arg(c.columnType);
    }
    if (c.dataType == QLatin1String("bigint") && c.isUnsigned && v < 0)
        return QStringLiteral("%1 does not fit %2").arg(v).arg(c.columnType);
    if (c.dataType == QLatin1String("bit") && c.precision < 63 && (v < 0 || v >= (qint64(1) << c.precision)))
        return QStringLiteral("%1 does not fit %2").arg(v).arg(c.columnType);
    if (c.dataType == QLatin1String("year") && v != 0 && (v < 1901 || v > 2155))
        return QStringLiteral("%1 is not a YEAR (1901 to 2155)").arg(v);
    return {};
}

QString decimalFits(const QString &text, const ColumnInfo &c)
{
    if (text == QLatin1String("NaN") || text.endsWith(QLatin1String("Infinity")))
        return QStringLiteral("MySQL has no decimal %1").arg(text);
    const bool negative = text.startsWith(QLatin1Char('-'));
    const QString digits = negative ? text.mid(1) : text;
    const qsizetype point = digits.indexOf(QLatin1Char('.'));
    const QString integer = point < 0 ? digits : digits.left(point);
    const qsizetype fraction = point < 0 ? 0 : digits.size() - point - 1;
    if (negative && c.isUnsigned)
        return QStringLiteral("%1 is negative; %2 is unsigned").arg(text, c.columnType);
    if (c.dataType == QLatin1String("bigint") || c.dataType == QLatin1String("bit")) {
        bool ok = false;
        const quint64 v = digits.toULongLong(&ok);
        const bool fits = ok && point < 0 && (c.dataType == QLatin1String("bigint") || c.precision >= 64 || v < (quint64(1) << c.precision));
        return fits ? QString() : QStringLiteral("%1 does not fit %2").arg(text, c.columnType);
    }
    const int integerDigits = integer == QLatin1String("0") ? 0 : int(integer.size());
    if (fraction > c.scale)
        return QStringLiteral("%1 would be rounded to %2 fractional digits (%3)").arg(text).arg(c.scale).arg(c.columnType);
    if (integerDigits > c.precision - c.scale)
        return QStringLiteral("%1 has more than %2 integer digits (%3)").arg(text).arg(c.precision - c.scale).arg(c.columnType);
    return {};
}

QString timeFits(const TimeValue &time, const ColumnInfo &c)
{
    if (!time.isValid())
        return {};
    const QString text = QString::fromLatin1(time.toPgText()); // as PostgreSQL spells it: "4713-01-01 BC"
    if (!time.isFinite())
        return QStringLiteral("MySQL has no infinite dates (%1)").arg(text);
    if (time.year() < 0 || time.year() > 9999)
        return QStringLiteral("%1 is outside MySQL's years 0000 to 9999").arg(text);
    if (time.kind() == TimeValue::Kind::Date)
        return {};
    if (c.dataType == QLatin1String("timestamp")) {
        const qint64 ofDay = time.micros() - (time.days() - kDaysTo2000) * kMicrosPerDay;
        const qint64 seconds = time.days() * 86400 + ofDay / 1000000; // since 1970-01-01 UTC
        if (seconds < 1 || seconds > Q_INT64_C(2147483647))
            return QStringLiteral("%1 is outside TIMESTAMP's range (1970-01-01 00:00:01 to 2038-01-19 03:14:07 UTC)").arg(text);
    }
    qint64 step = 1;
    for (int i = c.scale; i < 6; ++i)
        step *= 10;
    const qint64 micro = ((time.micros() % 1000000) + 1000000) % 1000000;
    if (micro % step != 0)
        return QStringLiteral("%1 would be rounded to %2 fractional digits (%3)").arg(text).arg(c.scale).arg(c.columnType);
    return {};
}

} // namespace

QString unrepresentableReason(const QVariant &value, ValueType type, const ColumnInfo &c)
{
    if (value.isNull() || !value.isValid())
        return {};
    switch (type) {
    case ValueType::Integer:
        if (c.type == ValueType::Integer || c.type == ValueType::Decimal)
            return c.type == ValueType::Integer ? integerRange(value.toLongLong(), c)
                                                : decimalFits(QString::number(value.toLongLong()), c);
        return {};
    case ValueType::Decimal:
        return c.type == ValueType::Decimal ? decimalFits(value.toString(), c) : QString();
    case ValueType::Double: {
        const double d = value.toDouble();
        if (!std::isfinite(d))
            return QStringLiteral("MySQL has no %1 in a DOUBLE").arg(doubleText(d));
        if (d == 0 && std::signbit(d))
            return QStringLiteral("-0 would lose its sign: MySQL stores it as 0");
        if (c.dataType == QLatin1String("float") && double(float(d)) != d)
            return QStringLiteral("%1 would be rounded by a FLOAT column").arg(doubleText(d));
        return {};
    }
    case ValueType::Date:
    case ValueType::Timestamp:
    case ValueType::TimestampTz: return timeFits(timeValueOf(value, type), c);
    case ValueType::Bytes:
        if (c.precision > 0 && value.toByteArray().size() > c.precision)
            return QStringLiteral("%1 bytes do not fit %2").arg(value.toByteArray().size()).arg(c.columnType);
        return {};
    case ValueType::Uuid:
        if (c.dataType == QLatin1String("uuid")) {
            // MariaDB's UUID type refuses version 8 and above with the NCS variant (0xxx).
            const QString text = value.toString();
            const int version = QString(text.at(14)).toInt(nullptr, 16);
            const int variant = QString(text.at(19)).toInt(nullptr, 16);
            if (text.size() == 36 && version >= 8 && variant < 8)
                return QStringLiteral("MariaDB's UUID type refuses %1 (version %2 with the NCS variant); "
                                      "use a CHAR(36) column").arg(text).arg(version);
        }
        return {};
    default: {
        const QString text = value.toString();
        const bool bytesLimit = c.dataType.endsWith(QLatin1String("text"));
        const qsizetype length = bytesLimit ? utf8Length(text) : codePoints(text);
        if (c.precision > 0 && (c.type == ValueType::Text || c.type == ValueType::Json) && length > c.precision)
            return QStringLiteral("%1 %2 do not fit %3").arg(length).arg(bytesLimit ? QStringLiteral("bytes") : QStringLiteral("characters"), c.columnType);
        if (text.endsWith(QLatin1Char(' ')) && c.type == ValueType::Text) {
            QString stripped = text;
            while (stripped.endsWith(QLatin1Char(' ')))
                stripped.chop(1);
            // CHAR(n) drops trailing spaces when it stores a value; a unique key's PAD SPACE
            // collation makes 'a ' the key of 'a' (an upsert would overwrite that row).
            if (c.dataType == QLatin1String("char"))
                return QStringLiteral("'%1' ends in spaces, which %2 drops").arg(text, c.columnType);
            if (c.padSpace && c.inUniqueKey)
                return QStringLiteral("'%1' ends in spaces, which the collation %2 (PAD SPACE) of a unique key ignores: it "
                                      "is the key of '%3'; declare the column with a NO PAD collation (utf8mb4_nopad_bin)")
                    .arg(text, c.collation, stripped);
        }
        return {};
    }
    }
}

QString doubleText(double value)
{
    QByteArray text;
    appendDoubleText(text, value);
    return QString::fromLatin1(text);
}

} // namespace tf::sync::mysql
