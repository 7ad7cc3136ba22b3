// Value functions of the mapping: conversions (to_int, to_float, to_decimal, to_bool,
// invert_bool), round, NULL handling (default, coalesce), lookups (map), constant and
// uuid_from. Conversions reuse coerceValue so a mapping accepts exactly what the row model
// accepts, with the same messages.
#include "functions.h"
#include "valuetext.h"

#include <QJsonObject>
#include <QUuid>

#include <cmath>

namespace tf::sync {

namespace {

bool isNull(const QVariant &value)
{
    return value.isNull() || !value.isValid();
}

TransformStep conversion(ValueType type)
{
    return [type](QVariant &value, const Row &, QString *error) {
        QVariant out;
        if (!coerceValue(value, type, &out, error))
            return false;
        value = out;
        return true;
    };
}

TransformStep invertBool(FunctionArgs &)
{
    return [](QVariant &value, const Row &, QString *error) {
        QVariant out;
        if (!coerceValue(value, ValueType::Boolean, &out, error))
            return false;
        value = isNull(out) ? out : QVariant(!out.toBool());
        return true;
    };
}

TransformStep round(FunctionArgs &args)
{
    const int places = args.count() > 0 ? args.integer(0, 0, 15) : 0;
    return [places](QVariant &value, const Row &, QString *error) {
        switch (value.typeId()) {
        case QMetaType::UnknownType:
        case QMetaType::LongLong:
        case QMetaType::Int:
            return true; // NULL, or already whole
        case QMetaType::Double:
        case QMetaType::Float: {
            // Round the shortest decimal text of the double, so 2.675 -> 2.68 as a person
            // expects, not 2.67 as the binary value 2.67499999... would give.
            const QString text = valuetext::decimalFromDouble(value.toDouble());
            if (text.isEmpty()) {
                *error = QStringLiteral("%1 is not a finite number").arg(valuetext::shown(value));
                return false;
            }
            value = valuetext::roundDecimal(text, places).toDouble();
            return true;
        }
        case QMetaType::QString: {
            const QString text = valuetext::decimalFromText(value.toString());
            if (text.isEmpty())
                break;
            value = valuetext::roundDecimal(text, places);
            return true;
        }
        default:
            break;
        }
        if (value.isNull())
            return true;
        *error = QStringLiteral("%1 is not a number").arg(valuetext::shown(value));
        return false;
    };
}

TransformStep defaultValue(FunctionArgs &args)
{
    const QVariant replacement = valuetext::variantFromJson(args.raw(0));
    return [replacement](QVariant &value, const Row &, QString *) {
        if (isNull(value) || (value.typeId() == QMetaType::QString && value.toString().isEmpty()))
            value = replacement;
        return true;
    };
}

TransformStep coalesce(FunctionArgs &args)
{
    QList<int> columns;
    for (int i = 0; i < args.count(); ++i)
        columns << args.column(i);
    return [columns](QVariant &value, const Row &source, QString *) {
        for (qsizetype i = 0; i < columns.size() && isNull(value); ++i)
            value = source.at(columns.at(i));
        return true;
    };
}

TransformStep lookup(FunctionArgs &args)
{
    QHash<QString, QVariant> table;
    const QJsonObject object = args.object(0);
    for (auto it = object.begin(); it != object.end(); ++it)
        table.insert(it.key(), valuetext::variantFromJson(it.value()));
    const bool hasDefault = args.count() > 1;
    const QVariant fallback = hasDefault ? valuetext::variantFromJson(args.raw(1)) : QVariant();
    return [table, hasDefault, fallback](QVariant &value, const Row &, QString *error) {
        if (isNull(value))
            return true;
        const auto it = table.constFind(valuetext::plainText(value));
        if (it != table.cend()) {
            value = it.value();
            return true;
        }
        if (!hasDefault) {
            *error = QStringLiteral("%1 is not in the lookup table").arg(valuetext::shown(value));
            return false;
        }
        value = fallback;
        return true;
    };
}

TransformStep constant(FunctionArgs &args)
{
    const QVariant constantValue = valuetext::variantFromJson(args.raw(0));
    return [constantValue](QVariant &value, const Row &, QString *) {
        value = constantValue;
        return true;
    };
}

// Canonical text a UUID is derived from: a GUID in any spelling ("{ABC...}", "abc...") is
// the same GUID, so it is lower-cased without braces; other values use canonicalValue.
QByteArray uuidSourceText(const QVariant &value)
{
    switch (value.typeId()) {
    case QMetaType::QString: {
        const QString text = value.toString();
        const QUuid asUuid(text);
        if (!asUuid.isNull())
            return asUuid.toByteArray(QUuid::WithoutBraces);
        return text.toUtf8();
    }
    case QMetaType::LongLong:
    case QMetaType::Int: return canonicalValue(value, ValueType::Integer);
    case QMetaType::Double: return canonicalValue(value, ValueType::Double);
    case QMetaType::Bool: return canonicalValue(value, ValueType::Boolean);
    case QMetaType::QDate: return canonicalValue(value, ValueType::Date);
    case QMetaType::QDateTime: return canonicalValue(value, ValueType::TimestampTz);
    case QMetaType::QByteArray: return canonicalValue(value, ValueType::Bytes);
    default: {
        // Dates and timestamps as their canonical text (millisecond values as they always were).
        const TimeValue time = TimeValue::fromVariant(value);
        return time.isValid() ? time.toString().toUtf8() : value.toString().toUtf8();
    }
    }
}

TransformStep uuidFrom(FunctionArgs &args)
{
    // Fixed forever: changing it would give every synced row a new identity.
    static const QUuid defaultNamespace(QStringLiteral("6f1c2a3e-5b7d-4c8e-9a0f-7e3d2b1c4a59"));
    QUuid ns = defaultNamespace;
    if (args.count() > 0) {
        const QString name = args.text(0);
        const QUuid given(name);
        // A UUID is used as is; any other text names a namespace of its own ("owner").
        ns = given.isNull() ? QUuid::createUuidV5(defaultNamespace, name) : given;
    }
    return [ns](QVariant &value, const Row &, QString *) {
        if (isNull(value))
            return true;
        value = QUuid::createUuidV5(ns, uuidSourceText(value)).toString(QUuid::WithoutBraces);
        return true;
    };
}

} // namespace

void registerValueFunctions(FunctionRegistry &registry)
{
    using Spec = FunctionRegistry::Spec;
    const auto typed = [](ValueType type) {
        return [type](FunctionArgs &) { return conversion(type); };
    };
    registry.add(QStringLiteral("to_int"), Spec { 0, 0, false, typed(ValueType::Integer) });
    registry.add(QStringLiteral("to_float"), Spec { 0, 0, false, typed(ValueType::Double) });
    registry.add(QStringLiteral("to_decimal"), Spec { 0, 0, false, typed(ValueType::Decimal) });
    registry.add(QStringLiteral("to_bool"), Spec { 0, 0, false, typed(ValueType::Boolean) });
    registry.add(QStringLiteral("invert_bool"), Spec { 0, 0, false, &invertBool });
    registry.add(QStringLiteral("round"), Spec { 0, 1, false, &round });
    registry.add(QStringLiteral("default"), Spec { 1, 1, false, &defaultValue });
    registry.add(QStringLiteral("coalesce"), Spec { 1, -1, true, &coalesce });
    registry.add(QStringLiteral("map"), Spec { 1, 2, false, &lookup });
    registry.add(QStringLiteral("constant"), Spec { 1, 1, true, &constant });
    registry.add(QStringLiteral("uuid_from"), Spec { 0, 1, false, &uuidFrom });
}

} // namespace tf::sync
