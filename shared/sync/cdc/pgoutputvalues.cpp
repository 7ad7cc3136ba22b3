#include "pgoutputvalues.h"

#include "core/errors.h"
#include "sync/connectors/postgrestypes.h"
#include "sync/timevalue.h"

#include <QJsonObject>
#include <charconv>
#include <limits>

namespace tf::sync::cdc {

namespace {

constexpr quint32 kFloat4Oid = 700;

[[noreturn]] void cannotRead(const QString &columnName, QByteArrayView text, ValueType type)
{
    QString shown = QString::fromUtf8(text);
    if (shown.size() > 60)
        shown = shown.left(57) + QStringLiteral("...");
    throw Error(Error::Kind::Validation,
                QStringLiteral("column \"%1\": streamed value '%2' is not a %3")
                    .arg(columnName, shown, valueTypeName(type)),
                QJsonObject { { QStringLiteral("column"), columnName } });
}

// float8out/float4out with extra_float_digits > 0: the shortest text that reads back
// exactly, or NaN, Infinity, -Infinity.
std::optional<double> readFloat(QByteArrayView text, bool isFloat4)
{
    if (text == "NaN")
        return std::numeric_limits<double>::quiet_NaN();
    if (text == "Infinity")
        return std::numeric_limits<double>::infinity();
    if (text == "-Infinity")
        return -std::numeric_limits<double>::infinity();
    // from_chars: exact rounding, no locale, and a float read as a float (a float4's
    // shortest text read as a double would be another number).
    const char *begin = text.data();
    const char *end = begin + text.size();
    if (isFloat4) {
        float value = 0;
        const auto [at, error] = std::from_chars(begin, end, value);
        if (error != std::errc() || at != end)
            return std::nullopt;
        return double(value);
    }
    double value = 0;
    const auto [at, error] = std::from_chars(begin, end, value);
    if (error != std::errc() || at != end)
        return std::nullopt;
    return value;
}

} // namespace

QVariant valueFromOutputText(QByteArrayView text, ValueType type, quint32 typeOid,
                             const QString &columnName)
{
    switch (type) {
    case ValueType::Double: {
        const auto value = readFloat(text, typeOid == kFloat4Oid);
        if (!value)
            cannotRead(columnName, text, type);
        return *value;
    }
    case ValueType::Boolean:
        if (text == "t")
            return true;
        if (text == "f")
            return false;
        cannotRead(columnName, text, type);
    case ValueType::Date:
    case ValueType::Timestamp:
    case ValueType::TimestampTz: {
        const TimeValue time = TimeValue::parse(QString::fromLatin1(text), pg::timeKind(type));
        if (!time.isValid())
            cannotRead(columnName, text, type);
        return time.toVariant();
    }
    case ValueType::Bytes:
        if (!text.startsWith("\\x") || text.size() % 2 != 0)
            cannotRead(columnName, text, type);
        return QByteArray::fromHex(text.sliced(2).toByteArray());
    case ValueType::Text:
    case ValueType::Uuid:
    case ValueType::Json:
    case ValueType::Integer:
    case ValueType::Decimal:
        // Their output text is what the full load's cast to text reads: the same parser.
        return pg::valueFromText(QString::fromUtf8(text), type, columnName);
    }
    return QString::fromUtf8(text);
}

} // namespace tf::sync::cdc
