#pragma once

#include <QJsonValue>
#include <QString>
#include <QVariant>

// Exact decimal arithmetic on canonical decimal text and the conversions mapping and
// validation share. Decimals are text in the row model (never doubles), so rounding and
// comparison work digit by digit: 2.675 rounds to 2.68, and 0.1 + nothing stays 0.1.
namespace tf::sync::valuetext {

// Canonical decimal text of a number given as text ("+012.50" -> "12.5"), or empty when the
// text is not a decimal number.
QString decimalFromText(const QString &text);
// The shortest decimal text that reads back as the same double (0.1 -> "0.1", not
// "0.1000000000000000055"); empty for NaN and infinities.
QString decimalFromDouble(double value);
// Decimal text of an Integer, Double, Decimal or numeric Text value; empty when the value is
// not a number (booleans are not numbers here).
QString decimalFromVariant(const QVariant &value);

// Compares two canonical decimal texts: negative, zero or positive.
int compareDecimals(const QString &a, const QString &b);
// Rounds canonical decimal text to `places` fractional digits, half away from zero.
QString roundDecimal(const QString &canonical, int places);

// A JSON literal from a definition as a row value: null -> NULL, bool -> bool, integral
// number -> qint64, other numbers -> exact decimal text (so 0.1 stays 0.1 in a Decimal
// column), string -> QString, array/object -> compact JSON text.
QVariant variantFromJson(const QJsonValue &value);

// A value as it appears in messages: quoted and cut at 60 characters ('abc'), or NULL.
QString shown(const QVariant &value);
// Plain text of a scalar value, as lookup tables and text functions see it.
QString plainText(const QVariant &value);

} // namespace tf::sync::valuetext
