#pragma once

#include "odbcdialect.h"

#include <QVariant>

namespace tf::sync::odbc {

// The row-model value of what the driver returned for `column` (read with
// Dialect::readExpression and QSql::HighPrecision): decimals and doubles arrive as text,
// timestamps as the database's text, uuids in any brace or case spelling. A value the row
// model cannot hold exactly (SQL Server's 7th fractional digit of datetime2, say) becomes an
// unreadable value naming the column, and its row is quarantined, never rounded.
QVariant fromDriver(const QVariant &raw, const ColumnInfo &column, const QString &entity);

// The value to bind for `value` (of row-model `type`) written to or compared with a column of
// `dbms`, matching Dialect::parameter().
QVariant toParameter(const QVariant &value, ValueType type, Dbms dbms);

} // namespace tf::sync::odbc
