#include "pgcopyforms.h"

#include "copytextparser.h"
#include "core/errors.h"
#include "postgresquery.h"

#include <limits>

namespace tf::sync::pg {

QString copyExpression(const QString &qualified, const PgColumn &column)
{
    switch (column.type) {
    case ValueType::Integer: // int2out/int4out/int8out: CAST(... AS text) is the same I/O call
    case ValueType::Uuid:
    case ValueType::Json:
    case ValueType::Decimal:
        return qualified;
    case ValueType::Timestamp:
        return QStringLiteral("encode(timestamp_send(CAST(%1 AS timestamp)), 'hex')").arg(qualified);
    case ValueType::TimestampTz:
        return QStringLiteral("encode(timestamptz_send(CAST(%1 AS timestamptz)), 'hex')").arg(qualified);
    default:
        return textExpression(qualified, column);
    }
}

QString copyList(const QList<PgColumn> &columns)
{
    QStringList parts;
    for (const PgColumn &column : columns)
        parts << copyExpression(columnRef(column), column);
    return parts.join(QLatin1String(", "));
}

QByteArrayView trimmedNumeric(QByteArrayView text)
{
    if (!text.contains('.'))
        return text;
    qsizetype size = text.size();
    while (size > 0 && text.at(size - 1) == '0')
        --size;
    if (size > 0 && text.at(size - 1) == '.')
        --size;
    return text.first(size);
}

bool microsFromSendHex(QByteArrayView text, qint64 *micros)
{
    if (text.size() != 16)
        return false;
    quint64 bits = 0;
    for (const char c : text) {
        int digit = -1;
        if (c >= '0' && c <= '9')
            digit = c - '0';
        else if (c >= 'a' && c <= 'f')
            digit = c - 'a' + 10;
        if (digit < 0)
            return false;
        bits = bits << 4 | quint64(digit);
    }
    *micros = qint64(bits);
    return true;
}

QVariant valueFromCopyField(QByteArrayView text, const PgColumn &column)
{
    switch (column.type) {
    case ValueType::Decimal:
        return valueFromCopyText(trimmedNumeric(text), column.type, column.name);
    case ValueType::Timestamp:
    case ValueType::TimestampTz: {
        qint64 micros = 0;
        if (!microsFromSendHex(text, &micros))
            break;
        const TimeValue::Kind kind = timeKind(column.type);
        // timestamp_send writes infinity as the int8 extremes (DT_NOEND, DT_NOBEGIN).
        if (micros == std::numeric_limits<qint64>::max() || micros == std::numeric_limits<qint64>::min())
            return TimeValue::infinity(kind, micros > 0).toVariant();
        const TimeValue time = TimeValue::fromMicros(kind, micros);
        if (time.isValid())
            return time.toVariant();
        break;
    }
    default:
        return valueFromCopyText(text, column.type, column.name);
    }
    QString shown = QString::fromUtf8(text);
    if (shown.size() > 60)
        shown = shown.left(57) + QStringLiteral("...");
    throw Error(Error::Kind::Validation,
                QStringLiteral("column \"%1\": value '%2' cannot be carried as %3")
                    .arg(column.name, shown, valueTypeName(column.type)),
                QJsonObject { { QStringLiteral("column"), column.name } });
}

} // namespace tf::sync::pg
