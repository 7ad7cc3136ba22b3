#pragma once

#include <QList>
#include <QString>
#include <QStringList>
#include <QVariant>

#include "timevalue.h"

#include <memory>

namespace tf::sync {

// The value types rows carry between connectors. Each has one in-memory representation so
// that values survive a round trip exactly, whatever the source and target:
//   Text        QString
//   Integer     qint64
//   Decimal     QString holding canonical decimal text ("123456789012.34"); never a double
//   Double      double (1e-20, NaN, +/-Infinity and -0.0 survive)
//   Boolean     bool
//   Date        TimeValue (timevalue.h): days since 1970-01-01, or +/-infinity
//   Timestamp   TimeValue: microseconds since 1970-01-01 of the wall-clock time (no zone known)
//   TimestampTz TimeValue: microseconds since 1970-01-01T00:00Z of the instant
//   (exact over PostgreSQL's whole range; QDate/QDateTime input is converted by coerceValue)
//   Bytes       QByteArray
//   Uuid        QString, lower-case canonical 8-4-4-4-12
//   Json        QString, the JSON text exactly as the source holds it (checked, never
//               re-serialised: that would round numbers and reorder keys)
// NULL is an invalid QVariant (QVariant()) for every type.
enum class ValueType { Text, Integer, Decimal, Double, Boolean, Date, Timestamp, TimestampTz, Bytes, Uuid, Json };

QString valueTypeName(ValueType type);
// Accepts the names above in lower case ("timestamptz", "decimal", ...) and common SQL
// spellings (varchar, bigint, numeric, timestamp with time zone, bytea, blob...). Returns
// false when unknown.
bool parseValueType(const QString &name, ValueType *type);

struct Column
{
    QString name;
    ValueType type = ValueType::Text;
    bool nullable = true;
};

// Column list shared by every row of a batch; rows are plain value vectors in this order.
class Schema
{
public:
    Schema() = default;
    explicit Schema(QList<Column> columns);

    const QList<Column> &columns() const { return m_columns; }
    int size() const { return int(m_columns.size()); }
    const Column &at(int index) const { return m_columns.at(index); }
    int indexOf(const QString &name) const; // -1 when absent (exact, case-sensitive)
    QStringList names() const;
    // Indexes of the named columns; throws tf::Error(Validation) naming a missing one.
    QList<int> indexesOf(const QStringList &names) const;

    bool operator==(const Schema &other) const;

private:
    QList<Column> m_columns;
};

using SchemaPtr = std::shared_ptr<const Schema>;
using Row = QList<QVariant>;

struct RowBatch
{
    SchemaPtr schema;
    QList<Row> rows;
    // Empty, or each row's source hash (ReadRequest::withSourceHashes), in row order.
    QList<QByteArray> hashes;
};

// A key as values of the key columns, in key-column order.
using KeyValues = QList<QVariant>;

// Canonical, type-stable text of a value and of a key: used for hashing rows and as the key
// of sync state, so "1" (Integer) and 1.0 (Double) or two time zones of one instant never
// compare equal by accident, and the same row always yields the same bytes.
QByteArray canonicalValue(const QVariant &value, ValueType type);
QString keyText(const KeyValues &key, const QList<ValueType> &types);
KeyValues keyFromText(const QString &text, const QList<ValueType> &types);

// SHA-256 (first 16 bytes, hex) of the canonical values of a row, in schema order.
QByteArray rowHash(const Row &row, const Schema &schema);

// A source value that cannot be read as its column's type ("2024-13-45" in a CSV date
// column): a source connector puts one in place of the value instead of failing the whole
// read, and the engine quarantines the row naming the column and the reason (rule
// "source_type"). In a key or cursor column it fails the entity: such a row cannot be placed.
// Hashes and canonical text carry the source's text, so a fix at the source is a change.
struct UnreadableValue
{
    QString text; // as the source holds it
    QString reason; // coerceValue's error: "'2024-13-45' is not a date"
};
QVariant unreadableValue(const QString &text, const QString &reason);
// The unreadable value a QVariant holds, or nullptr for any other value.
const UnreadableValue *unreadableOf(const QVariant &value);

// Converts a raw value (e.g. what a driver or file produced) to the representation of
// `type`. Returns false and sets *error ("'abc' is not an integer") when it cannot.
bool coerceValue(const QVariant &raw, ValueType type, QVariant *out, QString *error);

// JSON text on one line: line breaks outside strings removed (JSON Lines); everything else,
// spaces between tokens included, is untouched.
QString oneLineJson(const QString &text);

// The exact value of a Date/Timestamp/TimestampTz column in any representation coerceValue
// accepts (TimeValue, QDate, QDateTime, text), as that type's kind; invalid when none.
TimeValue timeValueOf(const QVariant &value, ValueType type);

} // namespace tf::sync

Q_DECLARE_METATYPE(tf::sync::UnreadableValue)
