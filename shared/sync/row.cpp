#include "row.h"

#include "core/errors.h"
#include "timevalue.h"

#include <QCryptographicHash>
#include <QDate>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTimeZone>
#include <QUuid>

#include <charconv>
#include <cmath>
#include <limits>

namespace tf::sync {

QString valueTypeName(ValueType type)
{
    switch (type) {
    case ValueType::Text: return QStringLiteral("text");
    case ValueType::Integer: return QStringLiteral("integer");
    case ValueType::Decimal: return QStringLiteral("decimal");
    case ValueType::Double: return QStringLiteral("double");
    case ValueType::Boolean: return QStringLiteral("boolean");
    case ValueType::Date: return QStringLiteral("date");
    case ValueType::Timestamp: return QStringLiteral("timestamp");
    case ValueType::TimestampTz: return QStringLiteral("timestamptz");
    case ValueType::Bytes: return QStringLiteral("bytes");
    case ValueType::Uuid: return QStringLiteral("uuid");
    case ValueType::Json: return QStringLiteral("json");
    }
    return QStringLiteral("text");
}

bool parseValueType(const QString &name, ValueType *type)
{
    static const QHash<QString, ValueType> names {
        { QStringLiteral("text"), ValueType::Text }, { QStringLiteral("string"), ValueType::Text },
        { QStringLiteral("varchar"), ValueType::Text }, { QStringLiteral("character varying"), ValueType::Text },
        { QStringLiteral("char"), ValueType::Text }, { QStringLiteral("character"), ValueType::Text },
        { QStringLiteral("nvarchar"), ValueType::Text }, { QStringLiteral("bpchar"), ValueType::Text },
        { QStringLiteral("integer"), ValueType::Integer }, { QStringLiteral("int"), ValueType::Integer },
        { QStringLiteral("bigint"), ValueType::Integer }, { QStringLiteral("smallint"), ValueType::Integer },
        { QStringLiteral("int2"), ValueType::Integer }, { QStringLiteral("int4"), ValueType::Integer },
        { QStringLiteral("int8"), ValueType::Integer },
        { QStringLiteral("decimal"), ValueType::Decimal }, { QStringLiteral("numeric"), ValueType::Decimal },
        { QStringLiteral("money"), ValueType::Decimal },
        { QStringLiteral("double"), ValueType::Double }, { QStringLiteral("float"), ValueType::Double },
        { QStringLiteral("real"), ValueType::Double }, { QStringLiteral("double precision"), ValueType::Double },
        { QStringLiteral("float4"), ValueType::Double }, { QStringLiteral("float8"), ValueType::Double },
        { QStringLiteral("boolean"), ValueType::Boolean }, { QStringLiteral("bool"), ValueType::Boolean },
        { QStringLiteral("date"), ValueType::Date },
        { QStringLiteral("timestamp"), ValueType::Timestamp }, { QStringLiteral("datetime"), ValueType::Timestamp },
        { QStringLiteral("timestamp without time zone"), ValueType::Timestamp },
        { QStringLiteral("timestamptz"), ValueType::TimestampTz },
        { QStringLiteral("timestamp with time zone"), ValueType::TimestampTz },
        { QStringLiteral("bytes"), ValueType::Bytes }, { QStringLiteral("bytea"), ValueType::Bytes },
        { QStringLiteral("blob"), ValueType::Bytes }, { QStringLiteral("binary"), ValueType::Bytes },
        { QStringLiteral("uuid"), ValueType::Uuid }, { QStringLiteral("guid"), ValueType::Uuid },
        { QStringLiteral("uniqueidentifier"), ValueType::Uuid },
        { QStringLiteral("json"), ValueType::Json }, { QStringLiteral("jsonb"), ValueType::Json },
    };
    QString key = name.trimmed().toLower();
    const qsizetype paren = key.indexOf(QLatin1Char('('));
    if (paren > 0)
        key = key.left(paren).trimmed(); // numeric(12,2), varchar(50)
    const auto it = names.constFind(key);
    if (it == names.cend())
        return false;
    *type = it.value();
    return true;
}

Schema::Schema(QList<Column> columns)
    : m_columns(std::move(columns))
{
}

int Schema::indexOf(const QString &name) const
{
    for (int i = 0; i < m_columns.size(); ++i) {
        if (m_columns.at(i).name == name)
            return i;
    }
    return -1;
}

QStringList Schema::names() const
{
    QStringList list;
    for (const Column &column : m_columns)
        list << column.name;
    return list;
}

QList<int> Schema::indexesOf(const QStringList &names) const
{
    QList<int> indexes;
    for (const QString &name : names) {
        const int index = indexOf(name);
        if (index < 0) {
            throw Error(Error::Kind::Validation, QStringLiteral("no column named '%1'").arg(name),
                        QJsonObject { { QStringLiteral("column"), name } });
        }
        indexes << index;
    }
    return indexes;
}

bool Schema::operator==(const Schema &other) const
{
    if (m_columns.size() != other.m_columns.size())
        return false;
    for (int i = 0; i < m_columns.size(); ++i) {
        if (m_columns.at(i).name != other.m_columns.at(i).name || m_columns.at(i).type != other.m_columns.at(i).type)
            return false;
    }
    return true;
}

namespace {

// Canonical decimal text: no leading '+', no leading zeros, no trailing fractional zeros,
// "-0" as "0". Returns empty when the text is not a decimal number.
QString canonicalDecimal(QString text)
{
    static const QRegularExpression re(QStringLiteral("^([+-]?)(\\d*)(?:\\.(\\d*))?(?:[eE]([+-]?\\d+))?$"));
    text = text.trimmed();
    // PostgreSQL's numeric also holds these; they are carried, never turned into numbers.
    if (text.compare(QLatin1String("NaN"), Qt::CaseInsensitive) == 0)
        return QStringLiteral("NaN");
    if (text.compare(QLatin1String("Infinity"), Qt::CaseInsensitive) == 0
        || text.compare(QLatin1String("+Infinity"), Qt::CaseInsensitive) == 0)
        return QStringLiteral("Infinity");
    if (text.compare(QLatin1String("-Infinity"), Qt::CaseInsensitive) == 0)
        return QStringLiteral("-Infinity");
    const auto m = re.match(text);
    if (!m.hasMatch() || (m.captured(2).isEmpty() && m.captured(3).isEmpty()))
        return {};
    QString digits = m.captured(2) + m.captured(3);
    qsizetype pointPos = m.captured(2).size();
    if (!m.captured(4).isEmpty()) {
        bool ok = false;
        const int exponent = m.captured(4).toInt(&ok);
        if (!ok || std::abs(exponent) > 1000)
            return {};
        pointPos += exponent;
    }
    if (pointPos < 0) {
        digits = QString(-pointPos, QLatin1Char('0')) + digits;
        pointPos = 0;
    } else if (pointPos > digits.size()) {
        digits += QString(pointPos - digits.size(), QLatin1Char('0'));
    }
    QString integer = digits.left(pointPos);
    QString fraction = digits.mid(pointPos);
    while (integer.size() > 1 && integer.startsWith(QLatin1Char('0')))
        integer.remove(0, 1);
    if (integer.isEmpty())
        integer = QStringLiteral("0");
    while (fraction.endsWith(QLatin1Char('0')))
        fraction.chop(1);
    QString result = fraction.isEmpty() ? integer : integer + QLatin1Char('.') + fraction;
    if (m.captured(1) == QLatin1String("-") && result != QLatin1String("0"))
        result.prepend(QLatin1Char('-'));
    return result;
}

TimeValue::Kind timeKind(ValueType type)
{
    switch (type) {
    case ValueType::Date: return TimeValue::Kind::Date;
    case ValueType::Timestamp: return TimeValue::Kind::Timestamp;
    default: return TimeValue::Kind::TimestampTz;
    }
}

} // namespace

bool coerceValue(const QVariant &raw, ValueType type, QVariant *out, QString *error)
{
    if (raw.isNull() || !raw.isValid()) {
        *out = QVariant();
        return true;
    }
    const auto fail = [&](const QString &what) {
        QString shown = raw.toString();
        if (shown.size() > 60)
            shown = shown.left(57) + QStringLiteral("...");
        *error = QStringLiteral("'%1' is not %2").arg(shown, what);
        return false;
    };
    const int id = raw.typeId();
    switch (type) {
    case ValueType::Text:
        *out = raw.toString();
        return true;
    case ValueType::Integer: {
        if (id == QMetaType::Double || id == QMetaType::Float) {
            const double d = raw.toDouble();
            if (std::floor(d) != d || std::abs(d) > 9.2e18)
                return fail(QStringLiteral("an integer"));
            *out = qint64(d);
            return true;
        }
        if (id == QMetaType::Bool) {
            *out = qint64(raw.toBool() ? 1 : 0);
            return true;
        }
        bool ok = false;
        const QString text = raw.toString().trimmed();
        const qint64 v = text.toLongLong(&ok);
        if (!ok) {
            // "12.0" from a CSV is an integer; "12.5" is not.
            const QString dec = canonicalDecimal(text);
            if (!dec.isEmpty() && !dec.contains(QLatin1Char('.'))) {
                const qint64 v2 = dec.toLongLong(&ok);
                if (ok) {
                    *out = v2;
                    return true;
                }
            }
            return fail(QStringLiteral("an integer"));
        }
        *out = v;
        return true;
    }
    case ValueType::Decimal: {
        QString text;
        if (id == QMetaType::Double || id == QMetaType::Float)
            text = QString::number(raw.toDouble(), 'g', 17);
        else
            text = raw.toString();
        const QString dec = canonicalDecimal(text);
        if (dec.isEmpty())
            return fail(QStringLiteral("a decimal number"));
        *out = dec;
        return true;
    }
    case ValueType::Double: {
        bool ok = false;
        double v = 0;
        if (id == QMetaType::QString) {
            // PostgreSQL's spellings of the IEEE specials, carried like any other value.
            const QString text = raw.toString().trimmed();
            if (text.compare(QLatin1String("NaN"), Qt::CaseInsensitive) == 0) {
                *out = std::numeric_limits<double>::quiet_NaN();
                return true;
            }
            if (text.compare(QLatin1String("Infinity"), Qt::CaseInsensitive) == 0
                || text.compare(QLatin1String("inf"), Qt::CaseInsensitive) == 0) {
                *out = std::numeric_limits<double>::infinity();
                return true;
            }
            if (text.compare(QLatin1String("-Infinity"), Qt::CaseInsensitive) == 0
                || text.compare(QLatin1String("-inf"), Qt::CaseInsensitive) == 0) {
                *out = -std::numeric_limits<double>::infinity();
                return true;
            }
            v = text.toDouble(&ok);
        } else {
            v = raw.toDouble(&ok);
        }
        if (!ok || (std::isnan(v) && id == QMetaType::QString))
            return fail(QStringLiteral("a number"));
        *out = v;
        return true;
    }
    case ValueType::Boolean: {
        if (id == QMetaType::Bool) {
            *out = raw.toBool();
            return true;
        }
        const QString text = raw.toString().trimmed().toLower();
        if (text == QLatin1String("true") || text == QLatin1String("t") || text == QLatin1String("1")
            || text == QLatin1String("yes") || text == QLatin1String("y")) {
            *out = true;
            return true;
        }
        if (text == QLatin1String("false") || text == QLatin1String("f") || text == QLatin1String("0")
            || text == QLatin1String("no") || text == QLatin1String("n")) {
            *out = false;
            return true;
        }
        return fail(QStringLiteral("a boolean"));
    }
    case ValueType::Date:
    case ValueType::Timestamp:
    case ValueType::TimestampTz: {
        const TimeValue::Kind kind = timeKind(type);
        TimeValue time;
        if (id == TimeValue::metaTypeId())
            time = raw.value<TimeValue>().as(kind);
        else if (id == QMetaType::QDate)
            time = TimeValue::fromQDate(raw.toDate()).as(kind);
        else if (id == QMetaType::QDateTime)
            time = TimeValue::fromQDateTime(raw.toDateTime(), kind);
        else
            time = TimeValue::parse(raw.toString(), kind);
        if (!time.isValid())
            return fail(type == ValueType::Date ? QStringLiteral("a date (YYYY-MM-DD)")
                                                : QStringLiteral("a timestamp (ISO 8601)"));
        *out = time.toVariant();
        return true;
    }
    case ValueType::Bytes:
        *out = raw.toByteArray();
        return true;
    case ValueType::Uuid: {
        const QUuid uuid(raw.toString().trimmed());
        if (uuid.isNull() && raw.toString().trimmed() != QLatin1String("00000000-0000-0000-0000-000000000000"))
            return fail(QStringLiteral("a UUID"));
        *out = uuid.toString(QUuid::WithoutBraces);
        return true;
    }
    case ValueType::Json: {
        if (id == QMetaType::QJsonObject || id == QMetaType::QJsonArray || id == QMetaType::QJsonValue
            || id == QMetaType::QVariantMap || id == QMetaType::QVariantList) {
            *out = QString::fromUtf8(QJsonDocument::fromVariant(raw).toJson(QJsonDocument::Compact));
            return true;
        }
        // Checked, but kept exactly as written: re-serialising would round numbers past a
        // double's precision and reorder keys.
        QJsonParseError parseError;
        const QString text = raw.toString();
        QJsonDocument::fromJson("[" + text.toUtf8() + "]", &parseError);
        if (parseError.error != QJsonParseError::NoError || text.trimmed().isEmpty())
            return fail(QStringLiteral("JSON"));
        *out = text;
        return true;
    }
    }
    return fail(QStringLiteral("a known type"));
}

QVariant unreadableValue(const QString &text, const QString &reason)
{
    return QVariant::fromValue(UnreadableValue { text, reason });
}

const UnreadableValue *unreadableOf(const QVariant &value)
{
    if (value.typeId() != qMetaTypeId<UnreadableValue>())
        return nullptr;
    return static_cast<const UnreadableValue *>(value.constData());
}

QByteArray canonicalValue(const QVariant &value, ValueType type)
{
    if (value.isNull() || !value.isValid())
        return QByteArrayLiteral("\\N");
    if (const UnreadableValue *unreadable = unreadableOf(value)) // no value of a type that can fail to read starts so
        return QByteArrayLiteral("\\?") + unreadable->text.toUtf8();
    switch (type) {
    case ValueType::Integer: return QByteArray::number(value.toLongLong());
    case ValueType::Decimal: return value.toString().toUtf8();
    case ValueType::Double: {
        const double d = value.toDouble();
        if (d == 0 && std::signbit(d))
            return QByteArrayLiteral("-0"); // a change from 0 to -0 is a change
        return QByteArray::number(d, 'g', 17);
    }
    case ValueType::Boolean: return value.toBool() ? QByteArrayLiteral("t") : QByteArrayLiteral("f");
    case ValueType::Date:
    case ValueType::Timestamp:
    case ValueType::TimestampTz: {
        // Exact, so the same instant always gives the same bytes (never a truncation).
        const TimeValue time = timeValueOf(value, type);
        return time.isValid() ? time.toString().toLatin1() : value.toString().toUtf8();
    }
    case ValueType::Bytes: return "\\x" + value.toByteArray().toHex();
    case ValueType::Text:
    case ValueType::Uuid:
    case ValueType::Json: return value.toString().toUtf8();
    }
    return value.toString().toUtf8();
}

QString oneLineJson(const QString &text)
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
        if (c == QLatin1Char('\n') || c == QLatin1Char('\r'))
            continue;
        if (c == QLatin1Char('"'))
            inString = true;
        out += c;
    }
    return out;
}

TimeValue timeValueOf(const QVariant &value, ValueType type)
{
    const TimeValue held = TimeValue::fromVariant(value);
    if (held.isValid())
        return held.as(timeKind(type));
    QVariant out;
    QString ignored;
    if (!coerceValue(value, type, &out, &ignored))
        return {};
    return TimeValue::fromVariant(out);
}

QString keyText(const KeyValues &key, const QList<ValueType> &types)
{
    if (key.size() == 1)
        return QString::fromUtf8(canonicalValue(key.at(0), types.value(0, ValueType::Text)));
    QJsonArray parts;
    for (int i = 0; i < key.size(); ++i)
        parts.append(QString::fromUtf8(canonicalValue(key.at(i), types.value(i, ValueType::Text))));
    return QString::fromUtf8(QJsonDocument(parts).toJson(QJsonDocument::Compact));
}

KeyValues keyFromText(const QString &text, const QList<ValueType> &types)
{
    QStringList parts;
    if (types.size() == 1) {
        parts << text;
    } else {
        for (const QJsonValue &v : QJsonDocument::fromJson(text.toUtf8()).array())
            parts << v.toString();
    }
    KeyValues key;
    for (int i = 0; i < parts.size(); ++i) {
        const ValueType type = types.value(i, ValueType::Text);
        const QString &part = parts.at(i);
        if (part == QLatin1String("\\N")) {
            key << QVariant();
            continue;
        }
        QVariant value;
        QString error;
        if (type == ValueType::Bytes && part.startsWith(QLatin1String("\\x")))
            value = QByteArray::fromHex(part.mid(2).toLatin1());
        else if (type == ValueType::Boolean)
            value = part == QLatin1String("t");
        else if (!coerceValue(part, type, &value, &error))
            value = part;
        key << value;
    }
    return key;
}

QByteArray rowHash(const Row &row, const Schema &schema)
{
    // One buffer per thread, reused: the bytes hashed are "<length>:<canonical value>" per
    // value and "N;" per NULL, in schema order, hashed at once.
    thread_local QByteArray bytes;
    bytes.resize(0);
    char digits[24];
    for (int i = 0; i < row.size() && i < schema.size(); ++i) {
        const QVariant &cell = row.at(i);
        if (cell.isNull() || !cell.isValid()) {
            // Not canonicalValue's "\N", which the two-character text \N also gives: a change
            // between NULL and that text must change the hash. No "<length>:" starts with 'N'.
            bytes.append("N;", 2);
            continue;
        }
        const ValueType type = schema.at(i).type;
        if (type == ValueType::Integer && unreadableOf(cell) == nullptr) {
            // canonicalValue's QByteArray::number, without the temporary.
            const auto end = std::to_chars(digits, digits + sizeof digits, cell.toLongLong()).ptr;
            const auto length = std::to_chars(end, digits + sizeof digits, end - digits).ptr;
            bytes.append(end, length - end).append(':').append(digits, end - digits);
            continue;
        }
        const QByteArray value = canonicalValue(cell, type);
        const auto length = std::to_chars(digits, digits + sizeof digits, value.size()).ptr;
        bytes.append(digits, length - digits).append(':').append(value);
    }
    return QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).left(16).toHex();
}

} // namespace tf::sync
