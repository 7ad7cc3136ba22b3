#include "postgrestypes.h"

#include "core/errors.h"
#include "sync/byteappend.h"
#include "sync/textlength.h"

#include <QHash>
#include <QLocale>
#include <QTime>
#include <cmath>
#include <cstring>
#include <limits>

namespace tf::sync::pg {

namespace {

[[noreturn]] void cannotCarry(const QString &columnName, const QString &value, ValueType type)
{
    QString shown = value;
    if (shown.size() > 60)
        shown = shown.left(57) + QStringLiteral("...");
    throw Error(Error::Kind::Validation,
                QStringLiteral("column \"%1\": value '%2' cannot be carried as %3")
                    .arg(columnName, shown, valueTypeName(type)),
                QJsonObject { { QStringLiteral("column"), columnName } });
}

QVariant coerced(const QVariant &value, ValueType type, const QString &columnName)
{
    QVariant out;
    QString error;
    if (!coerceValue(value, type, &out, &error)) {
        throw Error(Error::Kind::Validation,
                    QStringLiteral("column \"%1\": %2").arg(columnName, error),
                    QJsonObject { { QStringLiteral("column"), columnName } });
    }
    return out;
}

bool isIntegral(int typeId)
{
    switch (typeId) {
    case QMetaType::Int:
    case QMetaType::UInt:
    case QMetaType::LongLong:
    case QMetaType::Short:
    case QMetaType::UShort:
    case QMetaType::Long:
        return true;
    default:
        return false;
    }
}

} // namespace

TimeValue::Kind timeKind(ValueType type)
{
    return type == ValueType::Date ? TimeValue::Kind::Date
        : type == ValueType::Timestamp ? TimeValue::Kind::Timestamp
                                       : TimeValue::Kind::TimestampTz;
}

int PgTable::indexOf(const QString &column) const
{
    for (int i = 0; i < columns.size(); ++i) {
        if (columns.at(i).name == column)
            return i;
    }
    return -1;
}

const PgColumn &PgTable::column(const QString &columnName) const
{
    const int index = indexOf(columnName);
    if (index < 0) {
        throw Error(
            Error::Kind::Validation,
            QStringLiteral("table %1 has no column \"%2\"").arg(qualifiedName(), columnName),
            QJsonObject { { QStringLiteral("table"), name },
                          { QStringLiteral("column"), columnName } });
    }
    return columns.at(index);
}

QString PgTable::qualifiedName() const
{
    return quoteIdentifier(schema) + QLatin1Char('.') + quoteIdentifier(name);
}

QString quoteIdentifier(const QString &name)
{
    QString quoted = name;
    quoted.replace(QLatin1Char('"'), QLatin1String("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

ValueType valueTypeForPgType(const QString &typeName)
{
    static const QHash<QString, ValueType> types {
        { QStringLiteral("numeric"), ValueType::Decimal },
        { QStringLiteral("int2"), ValueType::Integer },
        { QStringLiteral("int4"), ValueType::Integer },
        { QStringLiteral("int8"), ValueType::Integer },
        { QStringLiteral("float4"), ValueType::Double },
        { QStringLiteral("float8"), ValueType::Double },
        { QStringLiteral("bool"), ValueType::Boolean },
        { QStringLiteral("date"), ValueType::Date },
        { QStringLiteral("timestamp"), ValueType::Timestamp },
        { QStringLiteral("timestamptz"), ValueType::TimestampTz },
        { QStringLiteral("bytea"), ValueType::Bytes },
        { QStringLiteral("uuid"), ValueType::Uuid },
        { QStringLiteral("json"), ValueType::Json },
        { QStringLiteral("jsonb"), ValueType::Json },
    };
    return types.value(typeName, ValueType::Text);
}

QString textExpression(const QString &qualified, const PgColumn &column)
{
    const QString asText = QStringLiteral("CAST(%1 AS text)").arg(qualified);
    // Exact and independent of session settings (DateStyle, TimeZone, extra_float_digits):
    // days since 1970-01-01 for finite dates, microseconds since 2000-01-01 (PostgreSQL's
    // own epoch: from 1970, 294276 would not fit in int8) for finite timestamps ("infinity" as
    // itself), the IEEE bits of a float, numeric without trailing zeros.
    const auto finiteOr = [&](const QString &finite) {
        return QStringLiteral("CASE WHEN isfinite(%1) THEN %2 ELSE %3 END")
            .arg(qualified, finite, asText);
    };
    switch (column.type) {
    case ValueType::Text: {
        static const QStringList textual { QStringLiteral("text"), QStringLiteral("varchar"),
                                           QStringLiteral("bpchar") };
        return textual.contains(column.baseName) ? qualified : asText;
    }
    case ValueType::Date:
        return finiteOr(QStringLiteral("CAST(%1 - DATE '1970-01-01' AS text)").arg(qualified));
    case ValueType::Timestamp:
    case ValueType::TimestampTz:
        // Through an interval: extract(epoch) of the timestamp itself loses the microseconds
        // near the top of the range.
        return finiteOr(
            QStringLiteral("CAST(CAST(extract(epoch FROM %1 - %2 '2000-01-01 00:00:00%3') * 1000000 "
                           "AS int8) AS text)")
                .arg(qualified,
                     column.type == ValueType::Timestamp ? QStringLiteral("TIMESTAMP")
                                                         : QStringLiteral("TIMESTAMPTZ"),
                     column.type == ValueType::Timestamp ? QString() : QStringLiteral("+00")));
    case ValueType::Double:
        return QStringLiteral("encode(float8send(CAST(%1 AS float8)), 'hex')").arg(qualified);
    case ValueType::Decimal:
        return QStringLiteral("CAST(trim_scale(CAST(%1 AS numeric)) AS text)").arg(qualified);
    case ValueType::Bytes:
        return QStringLiteral("encode(%1, 'hex')").arg(qualified);
    case ValueType::Integer:
    case ValueType::Boolean:
    case ValueType::Uuid:
    case ValueType::Json:
        return asText;
    }
    return asText;
}

QVariant valueFromText(const QString &text, ValueType type, const QString &columnName)
{
    bool ok = false;
    switch (type) {
    case ValueType::Text:
    case ValueType::Uuid:
        return text;
    case ValueType::Json:
        return text; // exactly as stored: json keeps its own spelling, jsonb its canonical one
    case ValueType::Integer: {
        const qint64 v = text.toLongLong(&ok);
        if (!ok)
            cannotCarry(columnName, text, type);
        return v;
    }
    case ValueType::Decimal: {
        QVariant out;
        QString error;
        if (!coerceValue(text, ValueType::Decimal, &out, &error))
            cannotCarry(columnName, text, type);
        return out;
    }
    case ValueType::Double: {
        // The IEEE bits, as textExpression() writes them: NaN, infinities and -0.0 included.
        const quint64 bits = text.size() == 16 ? text.toULongLong(&ok, 16) : 0;
        if (!ok)
            cannotCarry(columnName, text, type);
        double v = 0;
        std::memcpy(&v, &bits, sizeof v);
        return v;
    }
    case ValueType::Boolean:
        if (text == QLatin1String("true"))
            return true;
        if (text == QLatin1String("false"))
            return false;
        cannotCarry(columnName, text, type);
    case ValueType::Date:
    case ValueType::Timestamp:
    case ValueType::TimestampTz: {
        const TimeValue::Kind kind = timeKind(type);
        TimeValue time;
        if (text == QLatin1String("infinity") || text == QLatin1String("-infinity")) {
            time = TimeValue::infinity(kind, text.at(0) != QLatin1Char('-'));
        } else {
            const qint64 number = text.toLongLong(&ok);
            if (ok)
                time = kind == TimeValue::Kind::Date ? TimeValue::fromDays(number)
                                                     : TimeValue::fromMicros(kind, number);
        }
        if (!time.isValid())
            cannotCarry(columnName, text, type);
        return time.toVariant();
    }
    case ValueType::Bytes:
        return QByteArray::fromHex(text.toLatin1());
    }
    return text;
}

QByteArray inputText(const QVariant &value, ValueType type, const QString &columnName)
{
    if (!value.isValid() || value.isNull())
        return {};
    const int id = value.typeId();
    switch (type) {
    case ValueType::Text:
    case ValueType::Decimal:
    case ValueType::Uuid:
    case ValueType::Json:
        if (id == QMetaType::QString) {
            const QByteArray text = value.toString().toUtf8();
            return text.isNull() ? QByteArrayLiteral("") : text; // an empty string is not NULL
        }
        return inputText(coerced(value, type, columnName), type, columnName);
    case ValueType::Integer:
        if (isIntegral(id))
            return QByteArray::number(value.toLongLong());
        return inputText(coerced(value, type, columnName), type, columnName);
    case ValueType::Double: {
        if (id != QMetaType::Double && id != QMetaType::Float && !isIntegral(id))
            return inputText(coerced(value, type, columnName), type, columnName);
        const double d = value.toDouble();
        if (std::isnan(d))
            return QByteArrayLiteral("NaN");
        if (std::isinf(d))
            return d > 0 ? QByteArrayLiteral("Infinity") : QByteArrayLiteral("-Infinity");
        if (d == 0 && std::signbit(d))
            return QByteArrayLiteral("-0"); // the shortest form drops the sign
        return QString::number(d, 'g', QLocale::FloatingPointShortest).toLatin1();
    }
    case ValueType::Boolean:
        if (id == QMetaType::Bool)
            return value.toBool() ? QByteArrayLiteral("t") : QByteArrayLiteral("f");
        return inputText(coerced(value, type, columnName), type, columnName);
    case ValueType::Date:
    case ValueType::Timestamp:
    case ValueType::TimestampTz: {
        const TimeValue time = TimeValue::fromVariant(value);
        if (time.isValid() && time.kind() == timeKind(type))
            return time.toPgText();
        return inputText(coerced(value, type, columnName), type, columnName);
    }
    case ValueType::Bytes:
        return QByteArrayLiteral("\\x") + value.toByteArray().toHex();
    }
    return value.toString().toUtf8();
}

QString cannotHold(const QVariant &value, const PgColumn &column)
{
    if (!value.isValid() || value.isNull())
        return {};
    switch (column.type) {
    case ValueType::Date:
    case ValueType::Timestamp:
    case ValueType::TimestampTz: {
        const TimeValue time = timeValueOf(value, column.type);
        if (time.isValid() && !time.inPostgresRange())
            return QStringLiteral("%1 %2 is outside PostgreSQL's range")
                .arg(column.sqlType, time.toIsoString());
        // timestamp(p) rounds to p fractional digits.
        if (column.type != ValueType::Date && column.typmod >= 0 && column.typmod < 6
            && time.isFinite()) {
            qint64 unit = 1;
            for (int i = column.typmod; i < 6; ++i)
                unit *= 10;
            if (time.micros() % unit != 0)
                return QStringLiteral("%1 has more fractional digits than %2(%3) keeps")
                    .arg(time.toIsoString(), column.sqlType)
                    .arg(column.typmod);
        }
        return {};
    }
    case ValueType::Decimal: {
        if (column.baseName != QLatin1String("numeric") || column.typmod < 4)
            return {};
        const int precision = ((column.typmod - 4) >> 16) & 0xffff;
        const int scale = (((column.typmod - 4) & 0x7ff) ^ 1024) - 1024; // may be negative
        const QString text = value.toString();
        // Built only for a message: the check itself allocates nothing (it runs per value).
        const auto shape = [&] { return QStringLiteral("numeric(%1,%2)").arg(precision).arg(scale); };
        if (text == QLatin1String("NaN"))
            return {};
        if (text.endsWith(QLatin1String("Infinity")))
            return QStringLiteral("%1 does not fit in %2").arg(text, shape());
        // The digits without the sign(s): a view when the only '-' leads, a copy otherwise.
        QString unsigned_;
        QStringView digits(text);
        if (digits.startsWith(QLatin1Char('-')))
            digits = digits.mid(1);
        if (digits.contains(QLatin1Char('-'))) {
            unsigned_ = text;
            unsigned_.remove(QLatin1Char('-'));
            digits = unsigned_;
        }
        const qsizetype point = digits.indexOf(QLatin1Char('.'));
        const QStringView integer = point < 0 ? digits : digits.left(point);
        const qsizetype fraction = point < 0 ? 0 : digits.size() - point - 1;
        qsizetype trailingZeros = 0;
        while (trailingZeros < integer.size() && integer.at(integer.size() - 1 - trailingZeros) == QLatin1Char('0'))
            ++trailingZeros;
        const bool rounded = scale >= 0 ? fraction > scale
                                        : fraction > 0 || (integer != QLatin1String("0") && trailingZeros < -scale);
        if (rounded)
            return QStringLiteral("%1 would be rounded to %2 decimal places by %3")
                .arg(text)
                .arg(scale)
                .arg(shape());
        const qsizetype integerDigits = integer == QLatin1String("0") ? 0 : integer.size();
        if (integerDigits > precision - scale)
            return QStringLiteral("%1 does not fit in %2").arg(text, shape());
        return {};
    }
    case ValueType::Text: {
        if (column.typmod < 4
            || (column.baseName != QLatin1String("varchar") && column.baseName != QLatin1String("bpchar")))
            return {};
        const qsizetype length = codePoints(value.toString());
        if (length > column.typmod - 4)
            return QStringLiteral("%1 characters do not fit in %2(%3)")
                .arg(length)
                .arg(column.sqlType)
                .arg(column.typmod - 4);
        return {};
    }
    case ValueType::Integer: {
        bool ok = false;
        const qint64 v = value.toLongLong(&ok);
        const qint64 limit = column.baseName == QLatin1String("int2") ? 32767
            : column.baseName == QLatin1String("int4")                ? 2147483647
                                                                      : 0;
        if (ok && limit > 0 && (v > limit || v < -limit - 1))
            return QStringLiteral("%1 does not fit in %2").arg(v).arg(column.sqlType);
        return {};
    }
    case ValueType::Double: {
        if (column.baseName != QLatin1String("float4") || value.typeId() != QMetaType::Double)
            return {};
        const double d = value.toDouble();
        if (std::isnan(d) || std::isinf(d) || double(float(d)) == d)
            return {};
        return QStringLiteral("%1 cannot be stored in real without rounding")
            .arg(QString::number(d, 'g', QLocale::FloatingPointShortest));
    }
    default:
        return {};
    }
}

void appendCopyText(QByteArray &out, const QByteArray &text)
{
    // Runs without a special byte are appended at once, the rest escaped one by one.
    const char *run = text.constData();
    const char *const end = run + text.size();
    for (const char *p = run; p < end; ++p) {
        const char c = *p;
        if (c != '\\' && c != '\n' && c != '\r' && c != '\t')
            continue;
        appendBytes(out, run, p - run);
        const char escaped[2] = { '\\', c == '\\' ? '\\' : c == '\n' ? 'n' : c == '\r' ? 'r' : 't' };
        appendBytes(out, escaped, 2);
        run = p + 1;
    }
    appendBytes(out, run, end - run);
}

void appendCopyString(QByteArray &out, const QString &text)
{
    const ushort *chars = text.utf16();
    const qsizetype size = text.size();
    bool ascii = true;
    for (qsizetype i = 0; i < size && ascii; ++i)
        ascii = chars[i] < 0x80;
    if (!ascii) {
        appendCopyText(out, text.toUtf8());
        return;
    }
    char *const start = appendSpace(out, 2 * size); // every character escaped, at most
    char *write = start;
    for (qsizetype i = 0; i < size; ++i) {
        const char c = char(chars[i]);
        switch (c) {
        case '\\':
            *write++ = '\\';
            *write++ = '\\';
            break;
        case '\n':
            *write++ = '\\';
            *write++ = 'n';
            break;
        case '\r':
            *write++ = '\\';
            *write++ = 'r';
            break;
        case '\t':
            *write++ = '\\';
            *write++ = 't';
            break;
        default:
            *write++ = c;
        }
    }
    commitSpace(out, write - start);
}

void appendCopyField(QByteArray &out, const QVariant &value, ValueType type,
                     const QString &columnName)
{
    const QByteArray text = inputText(value, type, columnName);
    if (text.isNull())
        out += "\\N";
    else
        appendCopyText(out, text);
}

} // namespace tf::sync::pg
