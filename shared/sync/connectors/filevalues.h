#pragma once

#include "sync/row.h"

namespace tf::sync::files {

// The text of a non-NULL value in a CSV or JSON Lines file: Integer digits; Double the
// shortest text that reads back to the same double ("1e-20"); Decimal its canonical text;
// Boolean true/false; Date YYYY-MM-DD; Timestamp YYYY-MM-DDTHH:MM:SS.mmm and TimestampTz
// the same with 'Z'; Bytes "\x" and lower-case hex; Text, Uuid and Json as they are.
QString formatValue(const QVariant &value, ValueType type);

// The reverse, for one field's text (never NULL here: NULL is decided by the format).
// Bytes decode "\x..." hex; text without the prefix is taken as its UTF-8 bytes.
bool parseValue(const QString &text, ValueType type, QVariant *out, QString *error);

// Order of two values of one type, NULL first (as SQLite and ORDER BY ... NULLS FIRST).
// Decimals compare by value, not as text. Returns <0, 0 or >0.
int compareValues(const QVariant &a, const QVariant &b, ValueType type);

} // namespace tf::sync::files
