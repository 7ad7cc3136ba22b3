// Mapping function arguments: the first line of an input is a mapping ({"fields": [...]}),
// compiled against fixed source and target schemas holding every value type; the rest is one
// source row, tab-separated text per source column (\N for NULL). Any mapping either compiles
// or throws tf::Error(Validation); a compiled mapping maps the row into one value per target
// column, each NULL with a FieldError or a value already in its column's representation.
#include "../fuzzinput.h"

#include "core/errors.h"
#include "core/jsonutil.h"
#include "sync/mapping/mappingplan.h"

using tf::sync::Schema;
using tf::sync::ValueType;

namespace {

const QList<ValueType> &allTypes()
{
    static const QList<ValueType> types { ValueType::Text,      ValueType::Integer,     ValueType::Decimal,
                                          ValueType::Double,    ValueType::Boolean,     ValueType::Date,
                                          ValueType::Timestamp, ValueType::TimestampTz, ValueType::Bytes,
                                          ValueType::Uuid,      ValueType::Json };
    return types;
}

// Columns "in", "Address", "City" (Text) and one per type named after it ("decimal", "date"...).
Schema schemaOf(const QString &prefix)
{
    QList<tf::sync::Column> columns { { prefix + QStringLiteral("in"), ValueType::Text },
                                      { prefix + QStringLiteral("Address"), ValueType::Text },
                                      { prefix + QStringLiteral("City"), ValueType::Text } };
    for (ValueType type : allTypes())
        columns.append({ prefix + tf::sync::valueTypeName(type), type });
    return Schema(columns);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const Schema source = schemaOf(QString());
    static const Schema target = schemaOf(QStringLiteral("out_"));
    tf::fuzz::FuzzInput input(data, size);
    const QByteArray mappingText = input.part('\n').toByteArray();

    tf::sync::Row row;
    for (int i = 0; i < source.size(); ++i) {
        const QByteArrayView text = input.part('\t');
        QVariant value;
        QString error;
        if (text != "\\N" && !tf::sync::coerceValue(QString::fromUtf8(text), source.at(i).type, &value, &error))
            value = QVariant();
        row.append(value);
    }

    try {
        const QJsonObject mapping = tf::json::parseObject(mappingText);
        const tf::sync::MappingPlan plan = tf::sync::MappingPlan::compile(mapping, source, target);
        const tf::sync::MappingPlan::Result result = plan.apply(row);
        const Schema &mapped = *plan.targetSchema();
        TF_FUZZ_REQUIRE(result.row.size() == mapped.size(), "the mapped row does not have one value per column");
        for (int i = 0; i < mapped.size(); ++i) {
            const QVariant &value = result.row.at(i);
            if (!value.isValid())
                continue;
            QVariant again;
            QString error;
            TF_FUZZ_REQUIRE(tf::sync::coerceValue(value, mapped.at(i).type, &again, &error),
                            "a mapped value does not read as its column's type");
            TF_FUZZ_REQUIRE(tf::sync::canonicalValue(again, mapped.at(i).type)
                                == tf::sync::canonicalValue(value, mapped.at(i).type),
                            "a mapped value is not in its column's representation");
        }
        for (const tf::sync::FieldError &error : result.errors) {
            const int index = mapped.indexOf(error.field);
            TF_FUZZ_REQUIRE(index >= 0, "a field error names no mapped column");
            TF_FUZZ_REQUIRE(!result.row.at(index).isValid(), "a failed field is not NULL");
        }
    } catch (const tf::Error &error) {
        TF_FUZZ_REQUIRE(error.kind() == tf::Error::Kind::Validation || error.kind() == tf::Error::Kind::BadRequest,
                        "a bad mapping is not a validation error");
    }
    return 0;
}
