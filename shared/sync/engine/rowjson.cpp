#include "rowjson.h"

#include <QJsonValue>

namespace tf::sync {

QJsonObject rowToJson(const Row &row, const Schema &schema)
{
    QJsonObject object;
    for (int i = 0; i < schema.size() && i < row.size(); ++i) {
        const QVariant &value = row.at(i);
        const Column &column = schema.at(i);
        QJsonValue json;
        if (value.isNull() || !value.isValid()) {
            json = QJsonValue::Null;
        } else if (const UnreadableValue *unreadable = unreadableOf(value)) {
            json = unreadable->text; // as the source holds it, for the person fixing it
        } else {
            switch (column.type) {
            case ValueType::Integer:
                json = value.toLongLong();
                break;
            case ValueType::Double:
                json = value.toDouble();
                break;
            case ValueType::Boolean:
                json = value.toBool();
                break;
            case ValueType::Bytes:
                json = QString::fromLatin1(value.toByteArray().toBase64());
                break;
            default:
                json = QString::fromUtf8(canonicalValue(value, column.type));
                break;
            }
        }
        object.insert(column.name, json);
    }
    return object;
}

Row rowFromJson(const QJsonObject &object, const Schema &schema, QList<FieldError> *errors)
{
    Row row;
    row.reserve(schema.size());
    for (const Column &column : schema.columns()) {
        const QJsonValue json = object.value(column.name);
        if (json.isNull() || json.isUndefined()) {
            row << QVariant();
            continue;
        }
        if (column.type == ValueType::Bytes) {
            row << QByteArray::fromBase64(json.toString().toLatin1());
            continue;
        }
        QVariant value;
        QString error;
        if (!coerceValue(json.toVariant(), column.type, &value, &error)) {
            if (errors)
                errors->append(FieldError { column.name, QStringLiteral("type"), error });
            value = QVariant();
        }
        row << value;
    }
    return row;
}

} // namespace tf::sync
