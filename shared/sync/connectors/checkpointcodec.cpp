#include "checkpointcodec.h"

#include "db/dialect.h"

namespace tf::sync {

namespace {

// The value type whose in-memory representation a value has. Types sharing one
// representation (Text/Decimal/Uuid/Json, Timestamp/TimestampTz) restore identically.
ValueType representationOf(const QVariant &value)
{
    switch (value.typeId()) {
    case QMetaType::LongLong:
    case QMetaType::Int:
    case QMetaType::UInt:
    case QMetaType::ULongLong: return ValueType::Integer;
    case QMetaType::Double:
    case QMetaType::Float: return ValueType::Double;
    case QMetaType::Bool: return ValueType::Boolean;
    case QMetaType::QDate: return ValueType::Date;
    case QMetaType::QDateTime: return ValueType::TimestampTz;
    case QMetaType::QByteArray: return ValueType::Bytes;
    default: break;
    }
    const TimeValue time = TimeValue::fromVariant(value);
    if (!time.isValid())
        return ValueType::Text;
    switch (time.kind()) {
    case TimeValue::Kind::Date: return ValueType::Date;
    case TimeValue::Kind::Timestamp: return ValueType::Timestamp;
    case TimeValue::Kind::TimestampTz: return ValueType::TimestampTz;
    }
    return ValueType::Text;
}

ValueType typeNamed(const QString &name)
{
    ValueType type = ValueType::Text;
    parseValueType(name, &type);
    return type;
}

} // namespace

CheckpointText encodeCheckpoint(const Checkpoint &checkpoint)
{
    const ValueType cursorType = representationOf(checkpoint.cursor);
    QStringList keyTypeNames;
    QList<ValueType> keyTypes;
    for (const QVariant &value : checkpoint.key) {
        keyTypes << representationOf(value);
        keyTypeNames << valueTypeName(keyTypes.last());
    }
    const bool nullCursor = checkpoint.cursor.isNull() || !checkpoint.cursor.isValid();
    CheckpointText text;
    text.cursorValue = nullCursor ? db::Dialect::nullOf(QMetaType::QString)
                                  : QVariant(QString::fromUtf8(canonicalValue(checkpoint.cursor, cursorType)));
    text.types = valueTypeName(cursorType) + QLatin1Char(';') + keyTypeNames.join(QLatin1Char(','));
    text.keyText = keyTypes.isEmpty() ? QString() : keyText(checkpoint.key, keyTypes);
    return text;
}

Checkpoint decodeCheckpoint(const QVariant &cursorValue, const QString &typeText, const QString &keyTextValue)
{
    const QStringList types = typeText.split(QLatin1Char(';'));
    Checkpoint result;
    if (!cursorValue.isNull())
        result.cursor = keyFromText(cursorValue.toString(), { typeNamed(types.value(0)) }).value(0);
    QList<ValueType> keyTypes;
    const QString keyTypeList = types.value(1);
    for (const QString &name : keyTypeList.split(QLatin1Char(','), Qt::SkipEmptyParts))
        keyTypes << typeNamed(name);
    if (!keyTypes.isEmpty())
        result.key = keyFromText(keyTextValue, keyTypes);
    return result;
}

} // namespace tf::sync
