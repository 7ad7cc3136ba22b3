#include "valuetext.h"

#include "sync/row.h"

#include <QDate>
#include <QDateTime>
#include <QJsonDocument>
#include <QJsonArray>
#include <QJsonObject>
#include <QLocale>

#include <cmath>

namespace tf::sync::valuetext {

namespace {

// True for text already in canonical form ("-12.5", "0", "3"), the common case for values
// from a Decimal column, so they skip the general parser.
bool isCanonicalDecimal(const QString &text)
{
    const qsizetype size = text.size();
    qsizetype i = text.startsWith(QLatin1Char('-')) ? 1 : 0;
    const qsizetype integerStart = i;
    while (i < size && text.at(i).isDigit() && text.at(i).unicode() < 128)
        ++i;
    const qsizetype integerDigits = i - integerStart;
    if (integerDigits == 0 || (integerDigits > 1 && text.at(integerStart) == QLatin1Char('0')))
        return false;
    if (i == size)
        return !(integerStart == 1 && integerDigits == 1 && text.at(1) == QLatin1Char('0')); // "-0"
    if (text.at(i) != QLatin1Char('.') || i + 1 == size || text.at(size - 1) == QLatin1Char('0'))
        return false;
    for (++i; i < size; ++i) {
        if (!text.at(i).isDigit() || text.at(i).unicode() >= 128)
            return false;
    }
    return true;
}

} // namespace

QString decimalFromText(const QString &text)
{
    if (isCanonicalDecimal(text))
        return text;
    QVariant out;
    QString error;
    if (!coerceValue(text, ValueType::Decimal, &out, &error))
        return {};
    return out.toString();
}

QString decimalFromDouble(double value)
{
    if (!std::isfinite(value))
        return {};
    return decimalFromText(QString::number(value, 'g', QLocale::FloatingPointShortest));
}

QString decimalFromVariant(const QVariant &value)
{
    switch (value.typeId()) {
    case QMetaType::LongLong:
    case QMetaType::Int:
    case QMetaType::UInt:
    case QMetaType::ULongLong:
        return value.toString();
    case QMetaType::Double:
    case QMetaType::Float:
        return decimalFromDouble(value.toDouble());
    case QMetaType::QString:
        return decimalFromText(value.toString());
    default:
        return {};
    }
}

namespace {

struct DecimalParts
{
    bool negative = false;
    QString integer;
    QString fraction;
};

DecimalParts split(const QString &canonical)
{
    DecimalParts parts;
    QString text = canonical;
    if (text.startsWith(QLatin1Char('-'))) {
        parts.negative = true;
        text.remove(0, 1);
    }
    const qsizetype point = text.indexOf(QLatin1Char('.'));
    parts.integer = point < 0 ? text : text.left(point);
    parts.fraction = point < 0 ? QString() : text.mid(point + 1);
    return parts;
}

int compareMagnitudes(const DecimalParts &a, const DecimalParts &b)
{
    if (a.integer.size() != b.integer.size())
        return a.integer.size() < b.integer.size() ? -1 : 1;
    const int integer = a.integer.compare(b.integer);
    if (integer != 0)
        return integer < 0 ? -1 : 1;
    const qsizetype width = std::max(a.fraction.size(), b.fraction.size());
    const int fraction = a.fraction.leftJustified(width, QLatin1Char('0'))
                             .compare(b.fraction.leftJustified(width, QLatin1Char('0')));
    return fraction < 0 ? -1 : (fraction > 0 ? 1 : 0);
}

} // namespace

int compareDecimals(const QString &a, const QString &b)
{
    const DecimalParts pa = split(a);
    const DecimalParts pb = split(b);
    if (pa.negative != pb.negative)
        return pa.negative ? -1 : 1; // canonical text never writes "-0"
    const int magnitude = compareMagnitudes(pa, pb);
    return pa.negative ? -magnitude : magnitude;
}

QString roundDecimal(const QString &canonical, int places)
{
    // Nothing to round (the common case, per value): no split into parts.
    const qsizetype point = canonical.indexOf(QLatin1Char('.'));
    if ((point < 0 ? 0 : canonical.size() - point - 1) <= places)
        return canonical;
    DecimalParts parts = split(canonical);
    if (parts.fraction.size() <= places)
        return canonical;
    const bool roundUp = parts.fraction.at(places) >= QLatin1Char('5');
    QString digits = parts.integer + parts.fraction.left(places);
    if (roundUp) {
        // Add one unit in the last kept place, carrying leftwards.
        qsizetype i = digits.size() - 1;
        for (; i >= 0; --i) {
            if (digits.at(i) == QLatin1Char('9')) {
                digits[i] = QLatin1Char('0');
            } else {
                digits[i] = QChar(digits.at(i).unicode() + 1);
                break;
            }
        }
        if (i < 0) {
            digits.prepend(QLatin1Char('1'));
            parts.integer.prepend(QLatin1Char('0')); // one more integer digit
        }
    }
    const qsizetype integerDigits = parts.integer.size();
    QString text = digits.left(integerDigits);
    if (places > 0)
        text += QLatin1Char('.') + digits.mid(integerDigits);
    // Drop trailing fractional zeros and a "-0" left by rounding (-0.001 -> 0).
    if (text.contains(QLatin1Char('.'))) {
        while (text.endsWith(QLatin1Char('0')))
            text.chop(1);
        if (text.endsWith(QLatin1Char('.')))
            text.chop(1);
    }
    if (parts.negative && text != QLatin1String("0"))
        text.prepend(QLatin1Char('-'));
    return text;
}

QVariant variantFromJson(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        return {};
    case QJsonValue::Bool:
        return value.toBool();
    case QJsonValue::Double: {
        const double d = value.toDouble();
        if (std::floor(d) == d && std::abs(d) <= 9007199254740992.0)
            return qint64(d);
        return decimalFromDouble(d);
    }
    case QJsonValue::String:
        return value.toString();
    case QJsonValue::Array:
        return QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
    case QJsonValue::Object:
        return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
    }
    return {};
}

QString plainText(const QVariant &value)
{
    switch (value.typeId()) {
    case QMetaType::Bool:
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QMetaType::Double:
    case QMetaType::Float:
        return decimalFromDouble(value.toDouble());
    case QMetaType::QDate:
        return value.toDate().toString(Qt::ISODate);
    case QMetaType::QDateTime:
        return value.toDateTime().toString(Qt::ISODateWithMs);
    default: {
        const TimeValue time = TimeValue::fromVariant(value);
        return time.isValid() ? time.toIsoString() : value.toString();
    }
    }
}

QString shown(const QVariant &value)
{
    if (value.isNull() || !value.isValid())
        return QStringLiteral("NULL");
    QString text = plainText(value);
    if (text.size() > 60)
        text = text.left(57) + QStringLiteral("...");
    return QLatin1Char('\'') + text + QLatin1Char('\'');
}

} // namespace tf::sync::valuetext
