#pragma once

#include "postgrestypes.h"

#include <QByteArray>
#include <QList>
#include <QVariant>

namespace tf::sync::pg {

// COPY ... FROM STDIN WITH (FORMAT binary) for the writes of rows into a table.
//
// The server takes a binary field without parsing it: int8 is eight bytes, a timestamp its
// microseconds, where text input runs strtoll, strtod, the date parser and numeric's digit
// reader (a third of the target's CPU for a table of numbers and timestamps). The receive
// functions apply the same checks as text input (the column's typmod: varchar(n), char(n)
// padding, numeric(p,s), timestamp(p); encoding checks; date and timestamp ranges), so a value
// written either way is stored the same. Only types whose binary form is plain have one here;
// a table with any other column (json, uuid, arrays, enums...) is written as text.
//
// A value is encoded only in its row-model representation (row.h) and only when the two ways
// are known to agree: NULL, qint64 into int2/int4/int8 within range, a finite double, canonical
// decimal text into numeric, text without U+0000, a bool, bytes, a finite date or timestamp
// of the column's kind in PostgreSQL's range. Anything else (infinity, NaN, a value of another
// representation, an integer too wide) has no binary form: the caller writes that batch as
// text, where the server decides as it always did (tst_pgbinarycopy holds the two ways equal).
enum class BinaryForm : quint8 {
    None,
    Int2,
    Int4,
    Int8,
    Float4,
    Float8,
    Numeric,
    Text, // text, varchar(n), char(n)
    Bool,
    Bytea,
    Date,
    Timestamp,
    TimestampTz,
};

// The binary form of `column`'s values, or None.
BinaryForm binaryFormOf(const PgColumn &column);

// The forms of `columns` of `table` in that order; empty when one has none (or is not there).
QList<BinaryForm> binaryForms(const PgTable &table, const QStringList &columns);

// The signature and the header without extensions that start a binary COPY's data.
void appendBinaryHeader(QByteArray &out);
// The field count that starts each row.
void appendBinaryRowStart(QByteArray &out, int fields);
// The end of the data.
void appendBinaryTrailer(QByteArray &out);

// Appends `value` as a field of `form` (its length, then its bytes; length -1 for NULL) and
// returns true; returns false with `out` as it was when the value has no binary form (above).
bool appendBinaryField(QByteArray &out, const QVariant &value, BinaryForm form);

} // namespace tf::sync::pg
