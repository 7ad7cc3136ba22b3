#include "pgtypedhash.h"

#include "copytextparser.h"
#include "pgcopyforms.h"
#include "core/errors.h"

#include <QtEndian>
#include <charconv>
#include <cstring>
#include <limits>

namespace tf::sync::pg {

namespace {

quint32 rotl(quint32 x, int k) { return (x << k) | (x >> (32 - k)); }

// Bob Jenkins' lookup3 mixing steps, as PostgreSQL's hashfn.c uses them.
void mix(quint32 &a, quint32 &b, quint32 &c)
{
    a -= c; a ^= rotl(c, 4); c += b;
    b -= a; b ^= rotl(a, 6); a += c;
    c -= b; c ^= rotl(b, 8); b += a;
    a -= c; a ^= rotl(c, 16); c += b;
    b -= a; b ^= rotl(a, 19); a += c;
    c -= b; c ^= rotl(b, 4); b += a;
}

void finish(quint32 &a, quint32 &b, quint32 &c)
{
    c ^= b; c -= rotl(b, 14);
    a ^= c; a -= rotl(c, 11);
    b ^= a; b -= rotl(a, 25);
    c ^= b; c -= rotl(b, 16);
    a ^= c; a -= rotl(c, 4);
    b ^= a; b -= rotl(a, 14);
    c ^= b; c -= rotl(b, 24);
}

// Up to 4 bytes from p as a little-endian word.
quint32 littleEndian(const unsigned char *p, int count)
{
    if (count == 4)
        return qFromLittleEndian<quint32>(p);
    quint32 word = 0;
    for (int i = 0; i < count; ++i)
        word |= quint32(p[i]) << (8 * i);
    return word;
}

void seedState(quint32 &a, quint32 &b, quint32 &c, quint64 seed)
{
    if (seed == 0)
        return;
    a += quint32(seed >> 32);
    b += quint32(seed);
    mix(a, b, c);
}

constexpr quint32 kInit = 0x9e3779b9u + 3923095u;

template <typename T>
QByteArrayView bigEndian(T value, char (&buffer)[sizeof(T)])
{
    using U = std::make_unsigned_t<T>;
    U bits = U(value);
    for (int i = int(sizeof(T)) - 1; i >= 0; --i) {
        buffer[i] = char(bits & 0xff);
        bits >>= 8;
    }
    return QByteArrayView(buffer, sizeof(T));
}

// The value of each byte as a hex digit, -1 for the others.
struct HexDigits
{
    signed char value[256];
    constexpr HexDigits()
        : value {}
    {
        for (int c = 0; c < 256; ++c)
            value[c] = c >= '0' && c <= '9' ? c - '0'
                : c >= 'a' && c <= 'f'      ? c - 'a' + 10
                : c >= 'A' && c <= 'F'      ? c - 'A' + 10
                                            : -1;
    }
};
constexpr HexDigits kHex;

// Hex digits (dashes skipped when `dashes`) into out, which holds text.size() / 2 bytes;
// the number of bytes written, or -1 on any other byte or an odd count.
qsizetype fromHex(QByteArrayView text, char *out, bool dashes)
{
    char *const start = out;
    int high = -1;
    for (const char c : text) {
        if (dashes && c == '-')
            continue;
        const int digit = kHex.value[static_cast<unsigned char>(c)];
        if (digit < 0)
            return -1;
        if (high < 0) {
            high = digit;
        } else {
            *out++ = char(high << 4 | digit);
            high = -1;
        }
    }
    return high < 0 ? out - start : -1;
}

// int8's output: an optional '-' and decimal digits.
bool parseInteger(QByteArrayView text, qint64 *value)
{
    const char *p = text.data();
    const char *const end = p + text.size();
    const bool negative = p < end && *p == '-';
    if (negative)
        ++p;
    if (p == end || end - p > 19)
        return false;
    quint64 magnitude = 0;
    for (; p < end; ++p) {
        if (*p < '0' || *p > '9')
            return false;
        magnitude = magnitude * 10 + quint64(*p - '0');
    }
    if (magnitude > quint64(std::numeric_limits<qint64>::max()) + (negative ? 1u : 0u))
        return false;
    *value = negative ? qint64(0 - magnitude) : qint64(magnitude);
    return true;
}

} // namespace

quint64 pgHashBytesExtended(QByteArrayView bytes, quint64 seed)
{
    const auto *k = reinterpret_cast<const unsigned char *>(bytes.data());
    quint32 length = quint32(bytes.size());
    quint32 a = kInit + length;
    quint32 b = a;
    quint32 c = a;
    seedState(a, b, c, seed);
    while (length >= 12) {
        a += littleEndian(k, 4);
        b += littleEndian(k + 4, 4);
        c += littleEndian(k + 8, 4);
        mix(a, b, c);
        k += 12;
        length -= 12;
    }
    // The last 0 - 11 bytes; the lowest byte of c stays free (it stood for the length).
    const int left = int(length);
    a += littleEndian(k, qMin(left, 4));
    if (left > 4)
        b += littleEndian(k + 4, qMin(left - 4, 4));
    if (left > 8)
        c += littleEndian(k + 8, left - 8) << 8;
    finish(a, b, c);
    return (quint64(b) << 32) | c;
}

quint64 pgHashUint32Extended(quint32 value, quint64 seed)
{
    quint32 a = kInit + 4;
    quint32 b = a;
    quint32 c = a;
    seedState(a, b, c, seed);
    a += value;
    finish(a, b, c);
    return (quint64(b) << 32) | c;
}

PgTypedRowHasher::PgTypedRowHasher(const QList<PgColumn> &columns)
{
    // Each column's typedExpression() (postgresranges.cpp), read back from its textExpression().
    for (const PgColumn &column : columns) {
        switch (column.type) {
        case ValueType::Integer: m_forms << Form::Integer; break;
        case ValueType::Double: m_forms << Form::Double; break;
        case ValueType::Boolean: m_forms << Form::Boolean; break;
        case ValueType::Date: m_forms << Form::Date; break;
        case ValueType::Timestamp:
        case ValueType::TimestampTz: m_forms << Form::Timestamp; break;
        case ValueType::Uuid: m_forms << Form::Uuid; break;
        case ValueType::Bytes: m_forms << Form::Hex; break;
        case ValueType::Decimal: m_forms << Form::Numeric; break; // hashed as trim_scale's text
        case ValueType::Json: m_forms << Form::Bytes; break;
        case ValueType::Text:
            // character(n) is read as itself (its padding kept) but hashed as CAST(... AS
            // text), which drops the trailing spaces.
            m_forms << (column.baseName == QLatin1String("bpchar") ? Form::BpChar : Form::Bytes);
            break;
        }
    }
}

QByteArray PgTypedRowHasher::hash(const CopyTextParser &fields, const QString &what) const
{
    quint64 result = 0;
    QByteArray decoded; // bytea only
    for (int i = 0; i < m_forms.size(); ++i) {
        quint64 element = 0; // NULL
        if (!fields.isNull(i)) {
            const QByteArrayView text = fields.field(i);
            bool ok = true;
            char buffer8[8];
            char buffer4[4];
            char buffer16[16];
            switch (m_forms.at(i)) {
            case Form::Bytes: element = pgHashBytesExtended(text); break;
            case Form::Numeric: element = pgHashBytesExtended(trimmedNumeric(text)); break;
            case Form::BpChar: {
                qsizetype size = text.size();
                while (size > 0 && text.at(size - 1) == ' ')
                    --size;
                element = pgHashBytesExtended(text.first(size));
                break;
            }
            case Form::Integer: {
                qint64 value = 0;
                ok = parseInteger(text, &value);
                element = pgHashBytesExtended(bigEndian(value, buffer8));
                break;
            }
            case Form::Double: // float8send's bytes, hex
            case Form::Timestamp: // timestamp_send's bytes, hex
                ok = text.size() == 16 && fromHex(text, buffer8, false) == 8;
                element = pgHashBytesExtended(QByteArrayView(buffer8, 8));
                break;
            case Form::Boolean:
                ok = text == "true" || text == "false";
                element = pgHashUint32Extended(text == "true" ? 1 : 0);
                break;
            case Form::Date: { // days since 1970 -> date_send's days since 2000
                qint64 days = 0;
                if (text == "infinity")
                    days = std::numeric_limits<qint32>::max();
                else if (text == "-infinity")
                    days = std::numeric_limits<qint32>::min();
                else if ((ok = parseInteger(text, &days)))
                    days -= 10957; // 2000-01-01 - 1970-01-01
                ok = ok && days >= std::numeric_limits<qint32>::min() && days <= std::numeric_limits<qint32>::max();
                element = pgHashBytesExtended(bigEndian(qint32(days), buffer4));
                break;
            }
            case Form::Uuid:
                ok = text.size() == 36 && fromHex(text, buffer16, true) == 16;
                element = pgHashBytesExtended(QByteArrayView(buffer16, 16));
                break;
            case Form::Hex: {
                decoded.resize(text.size() / 2);
                const qsizetype size = fromHex(text, decoded.data(), false);
                ok = size >= 0;
                element = pgHashBytesExtended(QByteArrayView(decoded.constData(), qMax<qsizetype>(size, 0)));
                break;
            }
            }
            if (!ok)
                throw Error(Error::Kind::Internal,
                            QStringLiteral("%1: COPY sent '%2' in field %3, not the text it reads")
                                .arg(what, QString::fromUtf8(text.first(qMin<qsizetype>(text.size(), 60))))
                                .arg(i + 1));
        }
        result = (result << 5) - result + element; // hash_record_extended's combination
    }
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, qint64(result)).ptr;
    return QByteArray(digits, end - digits);
}

QByteArray typedHashProbeSql()
{
    return QByteArrayLiteral(
        "SELECT CAST(hash_record_extended(ROW(int8send(CAST(-5 AS int8)), "
        "CAST('The quick brown fox jumps' AS text) COLLATE \"C\", CAST(true AS bool), CAST(NULL AS text), "
        "CAST('' AS text) COLLATE \"C\", CAST('abcdefghijk' AS text) COLLATE \"C\"), 0) AS text)");
}

QByteArray typedHashProbeExpected()
{
    char buffer[8];
    const quint64 elements[] = {
        pgHashBytesExtended(bigEndian(qint64(-5), buffer)),
        pgHashBytesExtended("The quick brown fox jumps"),
        pgHashUint32Extended(1),
        0,
        pgHashBytesExtended(""),
        pgHashBytesExtended("abcdefghijk"),
    };
    quint64 result = 0;
    for (const quint64 element : elements)
        result = (result << 5) - result + element;
    return QByteArray::number(qint64(result));
}

} // namespace tf::sync::pg
