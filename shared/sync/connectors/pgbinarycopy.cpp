#include "pgbinarycopy.h"

#include "sync/byteappend.h"
#include "sync/timevalue.h"

#include <QVarLengthArray>
#include <cmath>
#include <cstring>
#include <limits>

namespace tf::sync::pg {

namespace {

constexpr qint64 kDays1970To2000 = 10957;
constexpr int kNumericMaxWeight = 32767; // int16, in groups of four digits
constexpr qsizetype kNumericMaxScale = 0x3FFF; // NUMERIC_DSCALE_MASK
constexpr quint16 kNumericPositive = 0x0000;
constexpr quint16 kNumericNegative = 0x4000;

void put16(char *at, quint16 value)
{
    at[0] = char(value >> 8);
    at[1] = char(value);
}

void put32(char *at, quint32 value)
{
    at[0] = char(value >> 24);
    at[1] = char(value >> 16);
    at[2] = char(value >> 8);
    at[3] = char(value);
}

void put64(char *at, quint64 value)
{
    put32(at, quint32(value >> 32));
    put32(at + 4, quint32(value));
}

void appendFixed32(QByteArray &out, quint32 value)
{
    char *at = appendSpace(out, 8);
    put32(at, 4);
    put32(at + 4, value);
    commitSpace(out, 8);
}

void appendFixed64(QByteArray &out, quint64 value)
{
    char *at = appendSpace(out, 12);
    put32(at, 8);
    put64(at + 4, value);
    commitSpace(out, 12);
}

// Bytes with their length in front.
void appendSized(QByteArray &out, const char *bytes, qsizetype size)
{
    char *at = appendSpace(out, 4 + size);
    put32(at, quint32(size));
    if (size > 0)
        std::memcpy(at + 4, bytes, size_t(size));
    commitSpace(out, 4 + size);
}

// Text without U+0000 as UTF-8 (ASCII copied straight from the QString); false for U+0000,
// which the server refuses in text either way (the text path then reports it as always).
bool appendText(QByteArray &out, const QString &text)
{
    const char16_t *chars = reinterpret_cast<const char16_t *>(text.utf16());
    const qsizetype size = text.size();
    bool ascii = true;
    for (qsizetype i = 0; i < size; ++i) {
        if (chars[i] == 0)
            return false;
        if (chars[i] >= 0x80) {
            ascii = false;
            break;
        }
    }
    if (!ascii) {
        const QByteArray utf8 = text.toUtf8();
        if (std::memchr(utf8.constData(), 0, size_t(utf8.size())))
            return false;
        appendSized(out, utf8.constData(), utf8.size());
        return true;
    }
    char *at = appendSpace(out, 4 + size);
    put32(at, quint32(size));
    for (qsizetype i = 0; i < size; ++i)
        at[4 + i] = char(chars[i]);
    commitSpace(out, 4 + size);
    return true;
}

// Decimal text [-]digits[.digits] as numeric's binary form: base-10000 digits aligned on the
// point, the weight of the first, the sign and the display scale (the digits written after
// the point, as numeric_in counts them). Anything else (NaN, Infinity, exponents, signs or
// spaces numeric_in would also take) has none here.
bool appendNumeric(QByteArray &out, const QString &text)
{
    const char16_t *c = reinterpret_cast<const char16_t *>(text.utf16());
    const qsizetype size = text.size();
    qsizetype i = 0;
    const bool negative = size > 0 && c[0] == u'-';
    if (negative)
        ++i;
    const qsizetype intStart = i;
    while (i < size && c[i] >= u'0' && c[i] <= u'9')
        ++i;
    const qsizetype intEnd = i;
    qsizetype fracStart = i;
    qsizetype fracEnd = i;
    if (i < size && c[i] == u'.') {
        fracStart = ++i;
        while (i < size && c[i] >= u'0' && c[i] <= u'9')
            ++i;
        fracEnd = i;
    }
    if (i != size || (intEnd == intStart && fracEnd == fracStart))
        return false;
    qsizetype firstDigit = intStart;
    while (firstDigit < intEnd && c[firstDigit] == u'0')
        ++firstDigit;
    const qsizetype intDigits = intEnd - firstDigit;
    const qsizetype scale = fracEnd - fracStart;
    if (scale > kNumericMaxScale || intDigits > qsizetype(4) * kNumericMaxWeight)
        return false;

    // The groups: the integer digits padded on the left to whole groups, the fraction's on
    // the right.
    const qsizetype lead = (4 - intDigits % 4) % 4;
    const qsizetype intGroups = (intDigits + lead) / 4;
    const qsizetype fracGroups = (scale + 3) / 4;
    QVarLengthArray<quint16, 64> groups(intGroups + fracGroups);
    const auto digitAt = [&](qsizetype position) -> int { // position in the padded digit string
        if (position < lead)
            return 0;
        position -= lead;
        if (position < intDigits)
            return c[firstDigit + position] - u'0';
        position -= intDigits;
        return position < scale ? c[fracStart + position] - u'0' : 0;
    };
    for (qsizetype g = 0; g < groups.size(); ++g) {
        const qsizetype p = 4 * g;
        groups[g] = quint16(digitAt(p) * 1000 + digitAt(p + 1) * 100 + digitAt(p + 2) * 10 + digitAt(p + 3));
    }
    qsizetype first = 0;
    qsizetype last = groups.size();
    int weight = int(intGroups) - 1;
    while (first < last && groups[first] == 0) {
        ++first;
        --weight;
    }
    while (last > first && groups[last - 1] == 0)
        --last;
    const qsizetype n = last - first;
    quint16 sign = negative ? kNumericNegative : kNumericPositive;
    if (n == 0) { // zero, "-0" included: numeric_in makes it positive too
        weight = 0;
        sign = kNumericPositive;
    }
    char *at = appendSpace(out, 4 + 8 + 2 * n);
    put32(at, quint32(8 + 2 * n));
    put16(at + 4, quint16(n));
    put16(at + 6, quint16(qint16(weight)));
    put16(at + 8, sign);
    put16(at + 10, quint16(scale));
    for (qsizetype g = 0; g < n; ++g)
        put16(at + 12 + 2 * g, groups[first + g]);
    commitSpace(out, 4 + 8 + 2 * n);
    return true;
}

bool integerOf(const QVariant &value, qint64 *number)
{
    const int id = value.typeId();
    if (id == QMetaType::LongLong)
        *number = *static_cast<const qint64 *>(value.constData());
    else if (id == QMetaType::Int)
        *number = *static_cast<const int *>(value.constData());
    else
        return false;
    return true;
}

// A finite time of `kind` in PostgreSQL's range.
const TimeValue *timeOf(const QVariant &value, TimeValue::Kind kind)
{
    if (value.typeId() != TimeValue::metaTypeId())
        return nullptr;
    const TimeValue *time = static_cast<const TimeValue *>(value.constData());
    return time->isFinite() && time->kind() == kind && time->inPostgresRange() ? time : nullptr;
}

bool appendValue(QByteArray &out, const QVariant &value, BinaryForm form)
{
    switch (form) {
    case BinaryForm::None:
        return false;
    case BinaryForm::Int2:
    case BinaryForm::Int4:
    case BinaryForm::Int8: {
        qint64 number = 0;
        if (!integerOf(value, &number))
            return false;
        if (form == BinaryForm::Int8) {
            appendFixed64(out, quint64(number));
        } else if (form == BinaryForm::Int4) {
            if (number < std::numeric_limits<qint32>::min() || number > std::numeric_limits<qint32>::max())
                return false;
            appendFixed32(out, quint32(qint32(number)));
        } else {
            if (number < std::numeric_limits<qint16>::min() || number > std::numeric_limits<qint16>::max())
                return false;
            char *at = appendSpace(out, 6);
            put32(at, 2);
            put16(at + 4, quint16(qint16(number)));
            commitSpace(out, 6);
        }
        return true;
    }
    case BinaryForm::Float4:
    case BinaryForm::Float8: {
        if (value.typeId() != QMetaType::Double)
            return false;
        const double d = *static_cast<const double *>(value.constData());
        if (std::isnan(d)) // text gives the server's one NaN, whatever the bits here
            return false;
        if (form == BinaryForm::Float8) {
            quint64 bits;
            std::memcpy(&bits, &d, sizeof bits);
            appendFixed64(out, bits);
            return true;
        }
        const float f = float(d);
        if (double(f) != d) // float4 would round it; the text path decides
            return false;
        quint32 bits;
        std::memcpy(&bits, &f, sizeof bits);
        appendFixed32(out, bits);
        return true;
    }
    case BinaryForm::Numeric:
        return value.typeId() == QMetaType::QString
            && appendNumeric(out, *static_cast<const QString *>(value.constData()));
    case BinaryForm::Text:
        return value.typeId() == QMetaType::QString
            && appendText(out, *static_cast<const QString *>(value.constData()));
    case BinaryForm::Bool: {
        if (value.typeId() != QMetaType::Bool)
            return false;
        char *at = appendSpace(out, 5);
        put32(at, 1);
        at[4] = *static_cast<const bool *>(value.constData()) ? 1 : 0;
        commitSpace(out, 5);
        return true;
    }
    case BinaryForm::Bytea: {
        if (value.typeId() != QMetaType::QByteArray)
            return false;
        const QByteArray &bytes = *static_cast<const QByteArray *>(value.constData());
        appendSized(out, bytes.constData(), bytes.size());
        return true;
    }
    case BinaryForm::Date: {
        const TimeValue *time = timeOf(value, TimeValue::Kind::Date);
        if (!time)
            return false;
        appendFixed32(out, quint32(qint32(time->days() - kDays1970To2000)));
        return true;
    }
    case BinaryForm::Timestamp:
    case BinaryForm::TimestampTz: {
        const TimeValue *time = timeOf(value, form == BinaryForm::Timestamp ? TimeValue::Kind::Timestamp
                                                                           : TimeValue::Kind::TimestampTz);
        if (!time)
            return false;
        appendFixed64(out, quint64(time->micros()));
        return true;
    }
    }
    return false;
}

} // namespace

BinaryForm binaryFormOf(const PgColumn &column)
{
    // The row-model type a value of each form arrives as, and the server's type name.
    static const struct
    {
        ValueType type;
        QLatin1String base;
        BinaryForm form;
    } forms[] = {
        { ValueType::Integer, QLatin1String("int8"), BinaryForm::Int8 },
        { ValueType::Integer, QLatin1String("int4"), BinaryForm::Int4 },
        { ValueType::Integer, QLatin1String("int2"), BinaryForm::Int2 },
        { ValueType::Double, QLatin1String("float8"), BinaryForm::Float8 },
        { ValueType::Double, QLatin1String("float4"), BinaryForm::Float4 },
        { ValueType::Decimal, QLatin1String("numeric"), BinaryForm::Numeric },
        { ValueType::Text, QLatin1String("text"), BinaryForm::Text },
        { ValueType::Text, QLatin1String("varchar"), BinaryForm::Text },
        { ValueType::Text, QLatin1String("bpchar"), BinaryForm::Text },
        { ValueType::Boolean, QLatin1String("bool"), BinaryForm::Bool },
        { ValueType::Bytes, QLatin1String("bytea"), BinaryForm::Bytea },
        { ValueType::Date, QLatin1String("date"), BinaryForm::Date },
        { ValueType::Timestamp, QLatin1String("timestamp"), BinaryForm::Timestamp },
        { ValueType::TimestampTz, QLatin1String("timestamptz"), BinaryForm::TimestampTz },
    };
    for (const auto &f : forms) {
        if (f.type == column.type && column.baseName == f.base)
            return f.form;
    }
    return BinaryForm::None;
}

QList<BinaryForm> binaryForms(const PgTable &table, const QStringList &columns)
{
    QList<BinaryForm> forms;
    forms.reserve(columns.size());
    for (const QString &name : columns) {
        const int index = table.indexOf(name);
        const BinaryForm form = index < 0 ? BinaryForm::None : binaryFormOf(table.columns.at(index));
        if (form == BinaryForm::None)
            return {};
        forms << form;
    }
    return forms;
}

void appendBinaryHeader(QByteArray &out)
{
    static const char signature[] = "PGCOPY\n\377\r\n"; // and its terminating zero
    appendBytes(out, signature, sizeof signature);
    char *at = appendSpace(out, 8);
    put32(at, 0); // flags: no OIDs
    put32(at + 4, 0); // no header extension
    commitSpace(out, 8);
}

void appendBinaryRowStart(QByteArray &out, int fields)
{
    char *at = appendSpace(out, 2);
    put16(at, quint16(fields));
    commitSpace(out, 2);
}

void appendBinaryTrailer(QByteArray &out)
{
    appendBinaryRowStart(out, -1);
}

bool appendBinaryField(QByteArray &out, const QVariant &value, BinaryForm form)
{
    if (!value.isValid() || value.isNull()) {
        if (form == BinaryForm::None)
            return false;
        char *at = appendSpace(out, 4);
        put32(at, quint32(-1));
        commitSpace(out, 4);
        return true;
    }
    const qsizetype size = out.size();
    if (appendValue(out, value, form))
        return true;
    out.truncate(size);
    return false;
}

} // namespace tf::sync::pg
