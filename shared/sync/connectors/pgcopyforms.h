#pragma once

#include "postgrestypes.h"

#include <QByteArrayView>
#include <QList>
#include <QString>
#include <QVariant>

namespace tf::sync::pg {

// What a COPY read (copyRows) selects per column: the cheapest server text that reads back to
// exactly the value textExpression()'s text gives. Integers, uuid and json as the server
// writes them (the same bytes as their text casts); numeric as the server writes it (trimmed
// here, not by trim_scale); timestamps as timestamp_send()'s eight bytes in hex (not by
// extract(epoch) in numeric arithmetic); every other type as textExpression(). On a 1M-row
// table these casts were a third of the source's COPY statement.
QString copyExpression(const QString &qualified, const PgColumn &column);
// copyExpression() of each column (as t."name"), comma-separated.
QString copyList(const QList<PgColumn> &columns);

// The row-model value of one non-NULL field holding copyExpression()'s text: exactly what
// valueFromText() returns for textExpression()'s text of the same value (the same error for
// text it cannot carry).
QVariant valueFromCopyField(QByteArrayView text, const PgColumn &column);

// numeric's output without trailing fractional zeros (and without a point left bare): the text
// trim_scale(x) writes ("12.50" -> "12.5", "0.000" -> "0"); NaN and infinities unchanged.
QByteArrayView trimmedNumeric(QByteArrayView text);
// The microseconds since 2000 of timestamp_send()'s eight bytes as 16 hex digits; false
// for any other text.
bool microsFromSendHex(QByteArrayView text, qint64 *micros);

} // namespace tf::sync::pg
