#pragma once

#include <QSqlError>
#include <QString>

namespace tf::db {

// sqlError()'s text (connection.h) for any QSqlError (a failed open, a failed commit): the
// database's and the driver's messages, secrets removed.
QString sqlError(const QSqlError &error);

} // namespace tf::db
