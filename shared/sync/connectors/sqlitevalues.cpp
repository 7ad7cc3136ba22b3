#include "sqlitevalues.h"

#include <cmath>

namespace tf::sync::sqlite {

Affinity affinityOf(const QString &declaredType)
{
    const QString type = declaredType.toUpper();
    if (type.contains(QLatin1String("INT")))
        return Affinity::Integer;
    if (type.contains(QLatin1String("CHAR")) || type.contains(QLatin1String("CLOB")) || type.contains(QLatin1String("TEXT")))
        return Affinity::Text;
    if (type.contains(QLatin1String("BLOB")) || type.trimmed().isEmpty())
        return Affinity::Blob;
    if (type.contains(QLatin1String("REAL")) || type.contains(QLatin1String("FLOA")) || type.contains(QLatin1String("DOUB")))
        return Affinity::Real;
    return Affinity::Numeric;
}

ValueType valueTypeOf(const QString &declaredType)
{
    ValueType type = ValueType::Text;
    if (parseValueType(declaredType, &type))
        return type;
    const QString firstWord = declaredType.trimmed().section(QLatin1Char(' '), 0, 0);
    if (parseValueType(firstWord, &type))
        return type;
    return ValueType::Text;
}

QVariant toStored(const QVariant &value, ValueType type)
{
    if (value.isNull() || !value.isValid())
        return {};
    switch (type) {
    case ValueType::Integer: return value.toLongLong();
    case ValueType::Double: {
        // SQLite stores a NaN REAL as NULL and drops the sign of -0.0 (even turning it into
        // text): as text both survive in a TEXT column and read back exactly.
        const double d = value.toDouble();
        if (std::isnan(d))
            return QStringLiteral("NaN");
        if (d == 0 && std::signbit(d))
            return QStringLiteral("-0");
        return d;
    }
    case ValueType::Boolean: return qint64(value.toBool() ? 1 : 0);
    case ValueType::Date:
    case ValueType::Timestamp:
    case ValueType::TimestampTz: return timeValueOf(value, type).toIsoString();
    case ValueType::Bytes: {
        // QSQLITE binds a null QByteArray or QString as NULL: keep empty values empty.
        const QByteArray bytes = value.toByteArray();
        return bytes.isNull() ? QByteArray("") : bytes;
    }
    case ValueType::Text:
    case ValueType::Decimal:
    case ValueType::Uuid:
    case ValueType::Json: break;
    }
    const QString text = value.toString();
    return text.isNull() ? QStringLiteral("") : text;
}

bool fromStored(const QVariant &raw, ValueType type, QVariant *out, QString *error)
{
    if (type == ValueType::Decimal && raw.typeId() == QMetaType::Double)
        return coerceValue(QString::number(raw.toDouble(), 'g', 15), type, out, error);
    if (!coerceValue(raw, type, out, error))
        return false;
    // QSQLITE reads a zero-length BLOB as a null QByteArray, which would write back as NULL.
    if (type == ValueType::Bytes && out->isValid() && out->toByteArray().isNull())
        *out = QByteArray("");
    return true;
}

bool decimalSurvives(const QString &canonical, Affinity affinity)
{
    if (affinity == Affinity::Text || affinity == Affinity::Blob)
        return true;
    const bool isInteger = !canonical.contains(QLatin1Char('.'));
    if (isInteger && affinity != Affinity::Real) {
        bool fits = false;
        canonical.toLongLong(&fits);
        if (fits)
            return true; // stored as an exact INTEGER
    }
    // Otherwise SQLite stores a REAL: exact only within 15 significant digits and range.
    QString digits = canonical;
    digits.remove(QLatin1Char('-'));
    const qsizetype integerDigits = digits.indexOf(QLatin1Char('.')) < 0 ? digits.size() : digits.indexOf(QLatin1Char('.'));
    digits.remove(QLatin1Char('.'));
    qsizetype first = 0;
    while (first < digits.size() && digits.at(first) == QLatin1Char('0'))
        ++first;
    qsizetype last = digits.size();
    while (last > first && digits.at(last - 1) == QLatin1Char('0'))
        --last;
    return last - first <= 15 && integerDigits <= 300 && first <= 300;
}

} // namespace tf::sync::sqlite
