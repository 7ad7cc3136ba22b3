#include "postgrestypes.h"

#include <QCryptographicHash>
#include <charconv>
#include <cstring>

// The texts and hashes hash mode compares (hashText, recordHash): the engine's side of what
// PgReader::readKeyHashes computes in SQL. Their bytes are stored: tst_rowhash pins them.

namespace tf::sync::pg {

namespace {

const QVariant kNullValue;

} // namespace

QByteArray hashText(const QVariant &value, ValueType type)
{
    if (!value.isValid() || value.isNull())
        return {};
    switch (type) {
    case ValueType::Date:
    case ValueType::Timestamp:
    case ValueType::TimestampTz: {
        TimeValue time = TimeValue::fromVariant(value);
        if (!time.isValid()) {
            QVariant out;
            QString error;
            if (coerceValue(value, type, &out, &error))
                time = TimeValue::fromVariant(out);
        }
        time = time.as(timeKind(type));
        if (!time.isFinite())
            return time.toPgText();
        return QByteArray::number(type == ValueType::Date ? time.days() : time.micros());
    }
    case ValueType::Double: {
        const double d = value.toDouble();
        quint64 bits = 0;
        static_assert(sizeof bits == sizeof d);
        std::memcpy(&bits, &d, sizeof d);
        return QByteArray::number(bits, 16).rightJustified(16, '0');
    }
    case ValueType::Bytes: {
        const QByteArray hex = value.toByteArray().toHex();
        return hex.isNull() ? QByteArrayLiteral("") : hex; // empty is not NULL
    }
    case ValueType::Boolean:
        return value.toBool() ? QByteArrayLiteral("true") : QByteArrayLiteral("false");
    case ValueType::Integer:
        return QByteArray::number(value.toLongLong());
    case ValueType::Text:
    case ValueType::Decimal:
    case ValueType::Uuid:
    case ValueType::Json: {
        const QByteArray text = value.toString().toUtf8();
        return text.isNull() ? QByteArrayLiteral("") : text;
    }
    }
    return value.toString().toUtf8();
}

namespace {

// hashText() of the values whose text is a number, appended without a temporary: integers,
// finite dates and timestamps, doubles' bits. False for every other value (hashText decides).
bool appendNumericHashText(QByteArray &out, const QVariant &value, ValueType type)
{
    char digits[24];
    switch (type) {
    case ValueType::Integer: {
        const auto end = std::to_chars(digits, digits + sizeof digits, value.toLongLong()).ptr;
        out.append(digits, end - digits);
        return true;
    }
    case ValueType::Date:
    case ValueType::Timestamp:
    case ValueType::TimestampTz: {
        TimeValue time = TimeValue::fromVariant(value);
        if (!time.isValid())
            return false;
        time = time.as(timeKind(type));
        if (!time.isFinite())
            return false;
        const qint64 number = type == ValueType::Date ? time.days() : time.micros();
        const auto end = std::to_chars(digits, digits + sizeof digits, number).ptr;
        out.append(digits, end - digits);
        return true;
    }
    case ValueType::Double: {
        const double d = value.toDouble();
        quint64 bits = 0;
        std::memcpy(&bits, &d, sizeof d);
        static const char hex[] = "0123456789abcdef";
        for (int shift = 60; shift >= 0; shift -= 4)
            digits[(60 - shift) / 4] = hex[(bits >> shift) & 0xf];
        out.append(digits, 16);
        return true;
    }
    default:
        return false;
    }
}

} // namespace

QByteArray recordHash(const Row &row, const Schema &schema)
{
    // record_out's text of ROW(textExpression...): NULL is nothing, a value is quoted when
    // empty or holding a quote, backslash, parenthesis, comma or white space, and quotes and
    // backslashes inside are doubled. Numbers never need quotes; one buffer per thread.
    thread_local QByteArray record;
    record.resize(0);
    record += '(';
    for (int i = 0; i < schema.size(); ++i) {
        if (i > 0)
            record += ',';
        const QVariant &value = i < row.size() ? row.at(i) : kNullValue;
        if (!value.isValid() || value.isNull())
            continue;
        if (appendNumericHashText(record, value, schema.at(i).type))
            continue;
        const QByteArray text = hashText(value, schema.at(i).type);
        if (text.isNull())
            continue;
        bool quote = text.isEmpty();
        for (const char c : text) {
            if (c == '"' || c == '\\' || c == '(' || c == ')' || c == ',' || c == ' ' || c == '\t'
                || c == '\n' || c == '\r' || c == '\v' || c == '\f') {
                quote = true;
                break;
            }
        }
        if (!quote) {
            record += text;
            continue;
        }
        record += '"';
        for (const char c : text) {
            if (c == '"' || c == '\\')
                record += c;
            record += c;
        }
        record += '"';
    }
    record += ')';
    return QCryptographicHash::hash(record, QCryptographicHash::Md5).toHex();
}

} // namespace tf::sync::pg
