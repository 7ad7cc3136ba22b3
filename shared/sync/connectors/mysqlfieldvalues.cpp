#include "mysqlfieldvalues.h"

#include "sync/timevalue.h"

#include <charconv>
#include <cmath>
#include <cstring>

namespace tf::sync::mysql {

namespace {

// The longest doubleText(): "-0." with 14 zeros and 17 digits.
constexpr int kDoubleTextMax = 40;

// doubleText()'s bytes at `out` (kDoubleTextMax bytes); returns their number.
qsizetype doubleTextChars(char *out, double value)
{
    char *o = out;
    const auto put = [&o](const char *text, qsizetype n) {
        std::memcpy(o, text, size_t(n));
        o += n;
    };
    if (std::isnan(value)) {
        put("NaN", 3);
        return o - out;
    }
    if (std::isinf(value)) {
        if (value > 0)
            put("Infinity", 8);
        else
            put("-Infinity", 9);
        return o - out;
    }
    if (value == 0) {
        *o++ = '0'; // MySQL keeps no -0: it reads back as 0
        return o - out;
    }
    // "d.ddde±xx": the shortest digits that read back as the same double, and the exponent.
    char e[32];
    const char *end = std::to_chars(e, e + sizeof e, value, std::chars_format::scientific).ptr;
    const char *p = e;
    if (*p == '-') {
        *o++ = '-';
        ++p;
    }
    char digits[24];
    int length = 0;
    for (; p < end && *p != 'e'; ++p) {
        if (*p != '.')
            digits[length++] = *p;
    }
    int exponent = 0;
    std::from_chars(p + 1 + (p[1] == '+' ? 1 : 0), end, exponent);
    const int point = exponent + 1; // digits before the decimal point
    if (point < -14 || (point > 15 && point >= length)) {
        *o++ = digits[0];
        if (length > 1) {
            *o++ = '.';
            put(digits + 1, length - 1);
        }
        *o++ = 'e';
        o = std::to_chars(o, o + 8, exponent).ptr;
    } else if (point <= 0) {
        put("0.", 2);
        std::memset(o, '0', size_t(-point));
        o += -point;
        put(digits, length);
    } else if (point >= length) {
        put(digits, length);
        std::memset(o, '0', size_t(point - length));
        o += point - length;
    } else {
        put(digits, point);
        *o++ = '.';
        put(digits + point, length - point);
    }
    return o - out;
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

// `count` digits at `p` as a number (the caller checked they are digits).
int digitsValue(const char *p, int count)
{
    int value = 0;
    for (int i = 0; i < count; ++i)
        value = value * 10 + (p[i] - '0');
    return value;
}

bool allDigits(const char *p, qsizetype count)
{
    for (qsizetype i = 0; i < count; ++i) {
        if (!isDigit(p[i]))
            return false;
    }
    return true;
}

// QString::number(v)'s text: an optional '-', no leading zeros, no "-0", within qint64.
bool integerFromBytes(const char *p, qsizetype size, qint64 *out)
{
    const bool negative = size > 0 && p[0] == '-';
    const qsizetype start = negative ? 1 : 0;
    const qsizetype digits = size - start;
    if (digits < 1 || digits > 19 || !allDigits(p + start, digits))
        return false;
    if (p[start] == '0' && (digits > 1 || negative))
        return false;
    quint64 magnitude = 0;
    for (qsizetype i = start; i < size; ++i)
        magnitude = magnitude * 10 + quint64(p[i] - '0'); // 19 digits cannot wrap a quint64
    const quint64 limit = negative ? quint64(1) << 63 : (quint64(1) << 63) - 1;
    if (magnitude > limit)
        return false;
    *out = negative ? qint64(0 - magnitude) : qint64(magnitude);
    return true;
}

// canonicalDecimal()'s output: an optional '-', "0" or digits without a leading zero, and a
// fraction that does not end in '0'; never "-0".
bool canonicalDecimalBytes(const char *p, qsizetype size)
{
    const bool negative = size > 0 && p[0] == '-';
    qsizetype i = negative ? 1 : 0;
    const qsizetype integerStart = i;
    while (i < size && isDigit(p[i]))
        ++i;
    const qsizetype integerDigits = i - integerStart;
    if (integerDigits == 0 || (p[integerStart] == '0' && integerDigits > 1))
        return false;
    if (i == size)
        return !(negative && integerDigits == 1 && p[integerStart] == '0');
    if (p[i] != '.')
        return false;
    const qsizetype fractionStart = ++i;
    while (i < size && isDigit(p[i]))
        ++i;
    return i == size && i > fractionStart && p[size - 1] != '0';
}

// A double in the text CAST(d AS CHAR) gives: -?digits(.digits)?(e-?digits)?, read exactly
// (std::from_chars rounds correctly, as QString::toDouble does), finite, and whose
// doubleText() is these very bytes.
bool doubleFromBytes(const char *p, qsizetype size, double *out)
{
    qsizetype i = (size > 0 && p[0] == '-') ? 1 : 0;
    const qsizetype mantissa = i;
    while (i < size && isDigit(p[i]))
        ++i;
    if (i == mantissa)
        return false;
    if (i < size && p[i] == '.') {
        const qsizetype fraction = ++i;
        while (i < size && isDigit(p[i]))
            ++i;
        if (i == fraction)
            return false;
    }
    if (i < size && p[i] == 'e') {
        ++i;
        if (i < size && p[i] == '-')
            ++i;
        const qsizetype exponent = i;
        while (i < size && isDigit(p[i]))
            ++i;
        if (i == exponent)
            return false;
    }
    if (i != size)
        return false;
    double value = 0;
    const std::from_chars_result read = std::from_chars(p, p + size, value);
    if (read.ec != std::errc() || read.ptr != p + size || !std::isfinite(value))
        return false;
    char text[kDoubleTextMax];
    if (doubleTextChars(text, value) != size || std::memcmp(text, p, size_t(size)) != 0)
        return false;
    *out = value;
    return true;
}

// "YYYY-MM-DD" (any four-digit year: the text dateText() gives back).
bool dateFields(const char *p, int *year, int *month, int *day)
{
    if (!allDigits(p, 4) || p[4] != '-' || !allDigits(p + 5, 2) || p[7] != '-' || !allDigits(p + 8, 2))
        return false;
    *year = digitsValue(p, 4);
    *month = digitsValue(p + 5, 2);
    *day = digitsValue(p + 8, 2);
    return true;
}

bool timeFromBytes(const char *p, qsizetype size, ValueType type, QVariant *out)
{
    int year = 0;
    int month = 0;
    int day = 0;
    if (type == ValueType::Date) {
        if (size != 10 || !dateFields(p, &year, &month, &day))
            return false;
        const TimeValue time = TimeValue::fromCivil(TimeValue::Kind::Date, year, month, day);
        if (!time.isValid())
            return false;
        *out = time.toVariant();
        return true;
    }
    // "YYYY-MM-DD HH:MM:SS.ffffff": timestampText()'s layout. Hour 24 and second 60, which
    // TimeValue reads as the next day or second, print otherwise: those go the long way.
    if (size != 26 || !dateFields(p, &year, &month, &day) || p[10] != ' ' || !allDigits(p + 11, 2) || p[13] != ':'
        || !allDigits(p + 14, 2) || p[16] != ':' || !allDigits(p + 17, 2) || p[19] != '.' || !allDigits(p + 20, 6))
        return false;
    const int hour = digitsValue(p + 11, 2);
    const int minute = digitsValue(p + 14, 2);
    const int second = digitsValue(p + 17, 2);
    if (hour > 23 || minute > 59 || second > 59)
        return false;
    const TimeValue::Kind kind = type == ValueType::Timestamp ? TimeValue::Kind::Timestamp : TimeValue::Kind::TimestampTz;
    const TimeValue time = TimeValue::fromCivil(kind, year, month, day, hour, minute, second, digitsValue(p + 20, 6));
    if (!time.isValid())
        return false;
    *out = time.toVariant();
    return true;
}

bool isAscii(const char *p, qsizetype size)
{
    qsizetype i = 0;
    for (; i + 8 <= size; i += 8) {
        quint64 word;
        std::memcpy(&word, p + i, sizeof word);
        if (word & Q_UINT64_C(0x8080808080808080))
            return false;
    }
    for (; i < size; ++i) {
        if (static_cast<unsigned char>(p[i]) >= 0x80)
            return false;
    }
    return true;
}

// HEX()'s text: upper-case hex digits in pairs (the text valueText() gives bytes back).
bool upperHex(const char *p, qsizetype size)
{
    if (size % 2 != 0)
        return false;
    for (qsizetype i = 0; i < size; ++i) {
        if (!isDigit(p[i]) && !(p[i] >= 'A' && p[i] <= 'F'))
            return false;
    }
    return true;
}

} // namespace

bool valueFromBytes(const char *data, qsizetype size, ValueType type, QVariant *value)
{
    if (!data)
        return false;
    switch (type) {
    case ValueType::Integer: {
        qint64 v = 0;
        if (!integerFromBytes(data, size, &v))
            return false;
        *value = v;
        return true;
    }
    case ValueType::Decimal:
        if (!canonicalDecimalBytes(data, size))
            return false;
        *value = QString::fromLatin1(data, size);
        return true;
    case ValueType::Double: {
        double v = 0;
        if (!doubleFromBytes(data, size, &v))
            return false;
        *value = v;
        return true;
    }
    case ValueType::Boolean:
        if (size != 1 || (data[0] != '0' && data[0] != '1'))
            return false;
        *value = data[0] == '1';
        return true;
    case ValueType::Date:
    case ValueType::Timestamp:
    case ValueType::TimestampTz: return timeFromBytes(data, size, type, value);
    case ValueType::Bytes:
        if (!upperHex(data, size))
            return false;
        *value = QByteArray::fromHex(QByteArray::fromRawData(data, size));
        return true;
    case ValueType::Text:
        if (!isAscii(data, size))
            return false;
        *value = QString::fromLatin1(data, size);
        return true;
    default: return false; // Uuid, Json: checked by coerceValue
    }
}

void appendDoubleText(QByteArray &out, double value)
{
    char text[kDoubleTextMax];
    out.append(text, doubleTextChars(text, value));
}

} // namespace tf::sync::mysql
