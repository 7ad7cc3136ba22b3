#pragma once

#include "sync/mapping/fielderror.h"
#include "sync/row.h"

#include <QJsonObject>
#include <QList>

namespace tf::sync {

// Rows as JSON objects, for quarantine (shown to and edited by a person) and dry-run
// reports. Integers, doubles and booleans are JSON numbers/booleans, NULL is null, bytes are
// base64, everything else is the value's canonical text, so rowFromJson(rowToJson(r)) == r.
QJsonObject rowToJson(const Row &row, const Schema &schema);
// Columns absent from the object are NULL. A value that does not fit its column's type is a
// FieldError (rule "type") and NULL in the row.
Row rowFromJson(const QJsonObject &object, const Schema &schema, QList<FieldError> *errors);

} // namespace tf::sync
