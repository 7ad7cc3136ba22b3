#include "filevalues.h"

#include <QLocale>

#include <cmath>

namespace tf::sync::files {

namespace {

bool isNull(const QVariant &value)
{
    return value.isNull() || !value.isValid();
}

// |a| vs |b| for canonical decimal texts without sign (no leading zeros but "0").
int compareMagnitude(QStringView a, QStringView b)
{
    const qsizetype pointA = a.indexOf(QLatin1Char('.'));
    const qsizetype pointB = b.indexOf(QLatin1Char('.'));
    const QStringView intA = pointA < 0 ? a : a.left(pointA);
    const QStringView intB = pointB < 0 ? b : b.left(pointB);
    if (intA.size() != intB.size())
        return intA.size() < intB.size() ? -1 : 1;
    if (const int c = intA.compare(intB))
        return c;
    const QStringView fracA = pointA < 0 ? QStringView() : a.mid(pointA + 1);
    const QStringView fracB = pointB < 0 ? QStringView() : b.mid(pointB + 1);
    for (qsizetype i = 0; i < qMax(fracA.size(), fracB.size()); ++i) {
        const QChar ca = i < fracA.size() ? fracA.at(i) : QLatin1Char('0');
        const QChar cb = i < fracB.size() ? fracB.at(i) : QLatin1Char('0');
        if (ca != cb)
            return ca < cb ? -1 : 1;
    }
    return 0;
}

int compareDecimals(const QString &a, const QString &b)
{
    const bool negativeA = a.startsWith(QLatin1Char('-'));
    const bool negativeB = b.startsWith(QLatin1Char('-'));
    if (negativeA != negativeB)
        return negativeA ? -1 : 1;
    const int magnitude = compareMagnitude(QStringView(a).mid(negativeA ? 1 : 0), QStringView(b).mid(negativeB ? 1 : 0));
    return negativeA ? -magnitude : magnitude;
}

template<typename T>
int order(const T &a, const T &b)
{
    return a < b ? -1 : (b < a ? 1 : 0);
}

} // namespace

QString formatValue(const QVariant &value, ValueType type)
{
    switch (type) {
    case ValueType::Integer: return QString::number(value.toLongLong());
    case ValueType::Double: {
        const double d = value.toDouble();
        if (d == 0 && std::signbit(d))
            return QStringLiteral("-0"); // the shortest form would drop the sign
        return QString::number(d, 'g', QLocale::FloatingPointShortest);
    }
    case ValueType::Boolean: return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case ValueType::Date:
    case ValueType::Timestamp:
    case ValueType::TimestampTz: return timeValueOf(value, type).toIsoString();
    case ValueType::Bytes: return QStringLiteral("\\x") + QString::fromLatin1(value.toByteArray().toHex());
    case ValueType::Text:
    case ValueType::Decimal:
    case ValueType::Uuid:
    case ValueType::Json: return value.toString();
    }
    return value.toString();
}

bool parseValue(const QString &text, ValueType type, QVariant *out, QString *error)
{
    if (type != ValueType::Bytes || !text.startsWith(QLatin1String("\\x")))
        return coerceValue(text, type, out, error);
    const QByteArray hex = text.mid(2).toLatin1();
    static const QByteArray digits = QByteArrayLiteral("0123456789abcdefABCDEF");
    bool valid = hex.size() % 2 == 0;
    for (qsizetype i = 0; valid && i < hex.size(); ++i)
        valid = digits.contains(hex.at(i));
    if (!valid) {
        *error = QStringLiteral("'%1' is not \\x followed by pairs of hex digits").arg(text.left(60));
        return false;
    }
    *out = QByteArray::fromHex(hex);
    return true;
}

int compareValues(const QVariant &a, const QVariant &b, ValueType type)
{
    if (isNull(a) || isNull(b))
        return isNull(a) == isNull(b) ? 0 : (isNull(a) ? -1 : 1);
    switch (type) {
    case ValueType::Integer: return order(a.toLongLong(), b.toLongLong());
    case ValueType::Double: return order(a.toDouble(), b.toDouble());
    case ValueType::Decimal: return compareDecimals(a.toString(), b.toString());
    case ValueType::Boolean: return order(int(a.toBool()), int(b.toBool()));
    case ValueType::Date:
    case ValueType::Timestamp:
    case ValueType::TimestampTz: return TimeValue::compare(timeValueOf(a, type), timeValueOf(b, type));
    case ValueType::Bytes: return order(a.toByteArray(), b.toByteArray());
    case ValueType::Text:
    case ValueType::Uuid:
    case ValueType::Json: return order(a.toString(), b.toString());
    }
    return 0;
}

} // namespace tf::sync::files
