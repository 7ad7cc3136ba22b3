#include "odbcvalues.h"

#include <QDate>

namespace tf::sync::odbc {

QVariant fromDriver(const QVariant &raw, const ColumnInfo &column, const QString &entity)
{
    if (raw.isNull() || !raw.isValid())
        return {};
    QVariant input = raw;
    switch (column.type) {
    case ValueType::Bytes: return raw.toByteArray();
    case ValueType::Uuid: {
        QString text = raw.toString().trimmed().toLower();
        if (text.startsWith(QLatin1Char('{')) && text.endsWith(QLatin1Char('}')))
            text = text.mid(1, text.size() - 2);
        input = text;
        break;
    }
    case ValueType::Date:
        if (raw.typeId() == QMetaType::QDate)
            input = raw.toDate().toString(Qt::ISODate);
        break;
    case ValueType::Boolean:
        if (raw.typeId() == QMetaType::QString) {
            const QString text = raw.toString().trimmed().toLower();
            input = text == QLatin1String("1") || text == QLatin1String("t") || text == QLatin1String("true");
            if (!(input.toBool() || text == QLatin1String("0") || text == QLatin1String("f") || text == QLatin1String("false")))
                input = raw;
        } else if (raw.typeId() != QMetaType::Bool) {
            input = raw.toLongLong() != 0;
        }
        break;
    default: break;
    }
    QVariant value;
    QString error;
    if (coerceValue(input, column.type, &value, &error))
        return value;
    return unreadableValue(raw.toString(), QStringLiteral("table '%1', column '%2': %3").arg(entity, column.name, error));
}

QVariant toParameter(const QVariant &value, ValueType type, Dbms dbms)
{
    if (value.isNull() || !value.isValid())
        return QVariant(QMetaType::fromType<QString>());
    switch (type) {
    case ValueType::Integer: return value.toLongLong();
    case ValueType::Boolean:
        if (dbms == Dbms::PostgreSQL)
            return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
        return dbms == Dbms::SQLite ? QVariant(qint64(value.toBool() ? 1 : 0)) : QVariant(value.toBool());
    case ValueType::Double: return value.toDouble();
    case ValueType::Date:
    case ValueType::Timestamp:
        return timeValueOf(value, type).toString();
    case ValueType::TimestampTz: return timeValueOf(value, type).toIsoString();
    case ValueType::Bytes: return value.toByteArray();
    default: return value.toString();
    }
}

} // namespace tf::sync::odbc
