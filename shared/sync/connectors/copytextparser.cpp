#include "copytextparser.h"

#include "core/errors.h"
#include "postgrestypes.h"

#include <cstring>
#include <limits>

namespace tf::sync::pg {

namespace {

int hexDigit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// Decodes the escapes of [begin, end) into out; returns the end of what it wrote.
char *decode(const char *begin, const char *end, char *out)
{
    for (const char *p = begin; p < end; ++p) {
        if (*p != '\\' || p + 1 == end) {
            *out++ = *p;
            continue;
        }
        const char c = *++p;
        switch (c) {
        case 'b': *out++ = '\b'; break;
        case 'f': *out++ = '\f'; break;
        case 'n': *out++ = '\n'; break;
        case 'r': *out++ = '\r'; break;
        case 't': *out++ = '\t'; break;
        case 'v': *out++ = '\v'; break;
        case 'x': {
            int value = p + 1 < end ? hexDigit(p[1]) : -1;
            if (value < 0) {
                *out++ = c; // not an escape: the letter itself
                break;
            }
            ++p;
            if (p + 1 < end && hexDigit(p[1]) >= 0)
                value = value * 16 + hexDigit(*++p);
            *out++ = char(value);
            break;
        }
        default:
            if (c >= '0' && c <= '7') {
                int value = c - '0';
                for (int i = 0; i < 2 && p + 1 < end && p[1] >= '0' && p[1] <= '7'; ++i)
                    value = value * 8 + (*++p - '0');
                *out++ = char(value);
            } else {
                *out++ = c;
            }
            break;
        }
    }
    return out;
}

// A decimal integer exactly as int8's output writes it: an optional '-' and digits, no
// leading zeros; false for anything else (the slow path then decides).
bool parseInt64(QByteArrayView text, qint64 *value)
{
    const char *p = text.data();
    const char *end = p + text.size();
    const bool negative = p < end && *p == '-';
    if (negative)
        ++p;
    if (p == end || end - p > 19 || (*p == '0' && end - p > 1))
        return false;
    quint64 magnitude = 0;
    for (; p < end; ++p) {
        if (*p < '0' || *p > '9')
            return false;
        magnitude = magnitude * 10 + quint64(*p - '0');
    }
    const quint64 limit = negative ? quint64(std::numeric_limits<qint64>::max()) + 1
                                   : quint64(std::numeric_limits<qint64>::max());
    if (magnitude > limit)
        return false; // 19 digits cannot overflow quint64, only qint64
    *value = negative ? qint64(0 - magnitude) : qint64(magnitude);
    return true;
}

// numeric's trim_scale output that canonicalDecimal() returns unchanged: "0", "-12.5",
// "0.001"; false for "-0", NaN, infinities, exponents, trailing zeros.
bool isCanonicalDecimal(QByteArrayView text)
{
    const char *p = text.data();
    const char *end = p + text.size();
    const bool negative = p < end && *p == '-';
    if (negative)
        ++p;
    const char *integer = p;
    while (p < end && *p >= '0' && *p <= '9')
        ++p;
    const qsizetype integerDigits = p - integer;
    if (integerDigits == 0 || (integerDigits > 1 && *integer == '0'))
        return false;
    if (p == end)
        return !(negative && integerDigits == 1 && *integer == '0');
    if (*p++ != '.' || p == end)
        return false;
    for (const char *q = p; q < end; ++q) {
        if (*q < '0' || *q > '9')
            return false;
    }
    return end[-1] != '0';
}

} // namespace

void CopyTextParser::parse(QByteArrayView line, int columns, const QString &what)
{
    m_fields.clear();
    if (m_decoded.size() < line.size())
        m_decoded.resize(line.size()); // never reallocated while a field points into it
    char *out = m_decoded.data();
    const char *p = line.data();
    const char *end = p + line.size();
    while (true) {
        const char *start = p;
        bool escaped = false;
        while (p < end && *p != '\t') {
            if (*p == '\\') {
                escaped = true;
                ++p; // an escaped tab is "\t", never a raw tab; skip the escaped byte
            }
            if (p < end)
                ++p;
        }
        Field field;
        if (p - start == 2 && start[0] == '\\' && start[1] == 'N') {
            field.null = true;
        } else if (!escaped) {
            field.text = QByteArrayView(start, p - start);
        } else {
            char *written = decode(start, p, out);
            field.text = QByteArrayView(out, written - out);
            out = written;
        }
        m_fields.push_back(field);
        if (p == end)
            break;
        ++p; // the tab
    }
    if (int(m_fields.size()) != columns) {
        throw Error(Error::Kind::Internal,
                    QStringLiteral("%1: COPY sent a row of %2 fields, expected %3")
                        .arg(what)
                        .arg(m_fields.size())
                        .arg(columns));
    }
}

QVariant valueFromCopyText(QByteArrayView text, ValueType type, const QString &columnName)
{
    switch (type) {
    case ValueType::Text:
    case ValueType::Uuid:
    case ValueType::Json:
        return QString::fromUtf8(text);
    case ValueType::Integer: {
        qint64 value = 0;
        if (parseInt64(text, &value))
            return value;
        break;
    }
    case ValueType::Decimal:
        if (isCanonicalDecimal(text))
            return QString::fromLatin1(text);
        break;
    case ValueType::Double: {
        if (text.size() != 16)
            break;
        quint64 bits = 0;
        bool ok = true;
        for (const char c : text) {
            const int digit = hexDigit(c);
            ok = ok && digit >= 0;
            bits = (bits << 4) | quint64(digit & 0xf);
        }
        if (!ok)
            break;
        double value = 0;
        std::memcpy(&value, &bits, sizeof value);
        return value;
    }
    case ValueType::Boolean:
        if (text == "true")
            return true;
        if (text == "false")
            return false;
        break;
    case ValueType::Date:
    case ValueType::Timestamp:
    case ValueType::TimestampTz: {
        qint64 number = 0;
        if (!parseInt64(text, &number))
            break;
        const TimeValue time = type == ValueType::Date
            ? TimeValue::fromDays(number)
            : TimeValue::fromMicros(type == ValueType::Timestamp ? TimeValue::Kind::Timestamp
                                                                 : TimeValue::Kind::TimestampTz,
                                    number);
        if (time.isValid())
            return time.toVariant();
        break;
    }
    case ValueType::Bytes:
        return QByteArray::fromHex(QByteArray::fromRawData(text.data(), text.size()));
    }
    return valueFromText(QString::fromUtf8(text), type, columnName);
}

} // namespace tf::sync::pg
