#pragma once

#include "sync/row.h"

#include <QString>
#include <QVariant>

namespace tf::sync::sqlite {

// SQLite's column affinity, from the declared type by SQLite's own rules (datatype3.html
// section 3.1). It decides what SQLite does to a value on insert: a NUMERIC column turns the
// text '0.12345678901234567890' into a REAL, keeping 15 significant digits.
enum class Affinity { Integer, Text, Blob, Real, Numeric };

Affinity affinityOf(const QString &declaredType);

// The row-model type of a declared column type: parseValueType() on the whole declaration,
// then on its first word ("DECIMAL TEXT" is a Decimal stored with TEXT affinity, the way to
// keep more than 15 digits), else Text.
ValueType valueTypeOf(const QString &declaredType);

// The stored form of a model value: Integer INTEGER, Double REAL, Decimal canonical TEXT,
// Boolean INTEGER 0/1, Date 'YYYY-MM-DD', Timestamp 'YYYY-MM-DDTHH:MM:SS.mmm',
// TimestampTz the same with 'Z', Bytes BLOB, Text/Uuid/Json TEXT. NULL stays NULL.
QVariant toStored(const QVariant &value, ValueType type);

// Back from what QSQLITE returned to the model representation of `type`. A Decimal that
// SQLite stored as REAL is read with 15 significant digits, as SQLite itself prints it.
bool fromStored(const QVariant &raw, ValueType type, QVariant *out, QString *error);

// Whether SQLite keeps this canonical decimal exactly in a column of this affinity.
bool decimalSurvives(const QString &canonical, Affinity affinity);

} // namespace tf::sync::sqlite
