#pragma once

#include "sync/row.h"

#include <QByteArrayView>
#include <QString>
#include <QVariant>

namespace tf::sync::cdc {

// The row-model value of one pgoutput text value: the column type's output function under
// the replication connection's settings (DateStyle ISO, TimeZone UTC, extra_float_digits 3,
// bytea_output hex). It is exactly the value the full load reads for the same stored value
// (pg::valueFromCopyText() of textExpression()), so a row streamed and a row copied compare
// equal. typeOid is the column's type from the Relation message: a float4 is read as a float,
// then widened, as the full load widens it. Throws tf::Error(Validation) naming the column
// when the text is not a value of the type.
QVariant valueFromOutputText(QByteArrayView text, ValueType type, quint32 typeOid,
                             const QString &columnName);

} // namespace tf::sync::cdc
