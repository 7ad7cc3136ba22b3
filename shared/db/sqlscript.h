#pragma once

#include <QString>
#include <QStringList>

namespace tf::db {

// Splits an SQL script into single statements (QSQLITE executes only one per exec()).
// Understands -- and /* */ comments (dropped), 'strings' with '' escapes, "identifiers",
// PostgreSQL $tag$ dollar-quoted bodies, and SQLite CREATE TRIGGER ... BEGIN ... END;
// bodies (including CASE ... END inside them). Statements are trimmed, without the ';'.
QStringList splitSqlStatements(const QString &script);

} // namespace tf::db
