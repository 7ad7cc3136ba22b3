// The COPY text parser: any line splits into fields or throws tf::Error(Internal) for a wrong
// field count; a field's value read by the fast path (valueFromCopyText) equals what the
// general parser (valueFromText) reads from the same text whenever that one accepts it. The
// first byte of an input gives the column count, the second the column type.
#include "../fuzzinput.h"

#include "core/errors.h"
#include "sync/connectors/copytextparser.h"
#include "sync/connectors/postgrestypes.h"

using tf::sync::ValueType;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const ValueType types[] = { ValueType::Text,      ValueType::Integer,     ValueType::Decimal,
                                       ValueType::Double,    ValueType::Boolean,     ValueType::Date,
                                       ValueType::Timestamp, ValueType::TimestampTz, ValueType::Bytes,
                                       ValueType::Uuid,      ValueType::Json };
    tf::fuzz::FuzzInput input(data, size);
    const int columns = input.byte() % 8 + 1;
    const ValueType type = types[input.byte() % 11];
    const QByteArrayView line = input.rest();

    tf::sync::pg::CopyTextParser parser;
    try {
        parser.parse(line, columns, QStringLiteral("fuzz"));
    } catch (const tf::Error &error) {
        TF_FUZZ_REQUIRE(error.kind() == tf::Error::Kind::Internal, "a bad COPY line is not an internal error");
        return 0;
    }
    for (int i = 0; i < columns; ++i) {
        if (parser.isNull(i))
            continue;
        const QByteArrayView text = parser.field(i);
        TF_FUZZ_REQUIRE(text.size() <= line.size(), "a field is longer than its line");
        QVariant general;
        try {
            general = tf::sync::pg::valueFromText(QString::fromUtf8(text), type, QStringLiteral("c"));
        } catch (const tf::Error &error) {
            TF_FUZZ_REQUIRE(error.kind() == tf::Error::Kind::Validation, "bad text is not a validation error");
            try {
                (void)tf::sync::pg::valueFromCopyText(text, type, QStringLiteral("c"));
            } catch (const tf::Error &fastError) {
                TF_FUZZ_REQUIRE(fastError.kind() == tf::Error::Kind::Validation, "bad text is not a validation error");
            }
            continue;
        }
        QVariant fast;
        try {
            fast = tf::sync::pg::valueFromCopyText(text, type, QStringLiteral("c"));
        } catch (const tf::Error &) {
            TF_FUZZ_REQUIRE(false, "the fast path refuses text the general parser reads");
        }
        TF_FUZZ_REQUIRE(tf::sync::canonicalValue(fast, type) == tf::sync::canonicalValue(general, type),
                        "the fast path reads another value than the general parser");
    }
    return 0;
}
