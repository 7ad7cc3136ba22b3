#pragma once

#include "sync/row.h"

#include <QByteArray>
#include <QVariant>

namespace tf::sync::mysql {

// The row-model value of one field's bytes (readExpression()'s text, as libmariadb gives it),
// straight from the bytes, for the text the server gives most often: a canonical integer,
// DECIMAL, DOUBLE, boolean, DATE, DATETIME(6)/TIMESTAMP(6), HEX of bytes and ASCII text.
// Returns false when the bytes are anything else (NULL, zero dates, non-ASCII text, JSON,
// UUIDs, numbers in other spellings...): then fromText()'s own rules decide, through a QString.
//
// Only text in exactly the form that the value's own text (hashRow()'s part) takes back is
// taken, so a value taken here is the one fromText() makes of the same bytes, AND those bytes
// are its hash text: a row's hash can be built from them (RowHasher::addText) without
// formatting the value again. tst_mysqlfieldvalues holds both to fromText()'s QString path.
bool valueFromBytes(const char *data, qsizetype size, ValueType type, QVariant *value);

// doubleText() as bytes, appended: the shortest digits that read back as the same double
// (std::to_chars), in MariaDB's CAST(d AS CHAR) layout.
void appendDoubleText(QByteArray &out, double value);

} // namespace tf::sync::mysql
