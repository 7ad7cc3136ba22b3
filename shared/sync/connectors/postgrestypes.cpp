#include "postgrestypes.h"

#include "core/errors.h"

#include <QDate>
#include <QDateTime>
#include <QHash>
#include <QLocale>
#include <QTime>
#include <cmath>
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

// "YYYY-MM-DDTHH:MI:SS.US" as to_char writes it; microseconds truncated to milliseconds.
QDateTime parseTimestampText(const QString &text, bool *ok)
{
    *ok = false;
    if (text.size() != 26 || text.at(10) != QLatin1Char('T'))
        return {};
    const QDate date = QDate::fromString(text.left(10), Qt::ISODate);
    bool h = false, m = false, s = false, f = false;
    const QTime time(text.mid(11, 2).toInt(&h), text.mid(14, 2).toInt(&m),
                     text.mid(17, 2).toInt(&s), text.mid(20, 3).toInt(&f));
    if (!date.isValid() || !time.isValid() || !h || !m || !s || !f)
        return {};
    *ok = true;
    return QDateTime(date, time, Qt::UTC);
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

QByteArray timestampText(const QDateTime &value, bool withZone)
{
    const QDateTime dt = withZone ? value.toUTC() : value;
    QByteArray text = dt.date().toString(Qt::ISODate).toLatin1() + ' '
        + dt.time().toString(QStringLiteral("HH:mm:ss.zzz")).toLatin1();
    if (withZone)
        text += "+00";
    return text;
}

} // namespace

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
    // to_char ignores DateStyle and TimeZone; values it cannot write (infinity, BC) fall back
    // to their text so valueFromText() reports them instead of reading a wrong date.
    const auto guarded = [&](const QString &lowest, const QString &formatted) {
        return QStringLiteral("CASE WHEN isfinite(%1) AND %1 >= %2 THEN %3 ELSE %4 END")
            .arg(qualified, lowest, formatted, asText);
    };
    switch (column.type) {
    case ValueType::Text: {
        static const QStringList textual { QStringLiteral("text"), QStringLiteral("varchar"),
                                           QStringLiteral("bpchar") };
        return textual.contains(column.baseName) ? qualified : asText;
    }
    case ValueType::Date:
        return guarded(QStringLiteral("DATE '0001-01-01'"),
                       QStringLiteral("to_char(%1, 'YYYY-MM-DD')").arg(qualified));
    case ValueType::Timestamp:
        return guarded(
            QStringLiteral("TIMESTAMP '0001-01-01'"),
            QStringLiteral("to_char(%1, 'YYYY-MM-DD\"T\"HH24:MI:SS.US')").arg(qualified));
    case ValueType::TimestampTz:
        return guarded(
            QStringLiteral("TIMESTAMPTZ '0001-01-01 00:00:00+00'"),
            QStringLiteral("to_char(%1 AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US')")
                .arg(qualified));
    case ValueType::Bytes:
        return QStringLiteral("encode(%1, 'hex')").arg(qualified);
    case ValueType::Integer:
    case ValueType::Decimal:
    case ValueType::Double:
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
        return compactJson(text);
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
        if (text == QLatin1String("Infinity"))
            return std::numeric_limits<double>::infinity();
        if (text == QLatin1String("-Infinity"))
            return -std::numeric_limits<double>::infinity();
        if (text == QLatin1String("NaN"))
            return std::numeric_limits<double>::quiet_NaN();
        const double v = text.toDouble(&ok);
        if (!ok)
            cannotCarry(columnName, text, type);
        return v;
    }
    case ValueType::Boolean:
        if (text == QLatin1String("true"))
            return true;
        if (text == QLatin1String("false"))
            return false;
        cannotCarry(columnName, text, type);
    case ValueType::Date: {
        const QDate date = text.size() == 10 ? QDate::fromString(text, Qt::ISODate) : QDate();
        if (!date.isValid())
            cannotCarry(columnName, text, type);
        return date;
    }
    case ValueType::Timestamp:
    case ValueType::TimestampTz: {
        const QDateTime dt = parseTimestampText(text, &ok);
        if (!ok)
            cannotCarry(columnName, text, type);
        return dt;
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
        return QString::number(d, 'g', QLocale::FloatingPointShortest).toLatin1();
    }
    case ValueType::Boolean:
        if (id == QMetaType::Bool)
            return value.toBool() ? QByteArrayLiteral("t") : QByteArrayLiteral("f");
        return inputText(coerced(value, type, columnName), type, columnName);
    case ValueType::Date:
        if (id == QMetaType::QDate)
            return value.toDate().toString(Qt::ISODate).toLatin1();
        return inputText(coerced(value, type, columnName), type, columnName);
    case ValueType::Timestamp:
    case ValueType::TimestampTz:
        if (id == QMetaType::QDateTime)
            return timestampText(value.toDateTime(), type == ValueType::TimestampTz);
        return inputText(coerced(value, type, columnName), type, columnName);
    case ValueType::Bytes:
        return QByteArrayLiteral("\\x") + value.toByteArray().toHex();
    }
    return value.toString().toUtf8();
}

void appendCopyText(QByteArray &out, const QByteArray &text)
{
    for (const char c : text) {
        switch (c) {
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            out += c;
            break;
        }
    }
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

QString compactJson(const QString &text)
{
    QString out;
    out.reserve(text.size());
    bool inString = false;
    bool escaped = false;
    for (const QChar c : text) {
        if (inString) {
            out += c;
            if (escaped)
                escaped = false;
            else if (c == QLatin1Char('\\'))
                escaped = true;
            else if (c == QLatin1Char('"'))
                inString = false;
            continue;
        }
        if (c == QLatin1Char(' ') || c == QLatin1Char('\n') || c == QLatin1Char('\r')
            || c == QLatin1Char('\t'))
            continue;
        if (c == QLatin1Char('"'))
            inString = true;
        out += c;
    }
    return out;
}

} // namespace tf::sync::pg
