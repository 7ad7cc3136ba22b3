#pragma once

#include "sync/connector.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace tf::sync::mysql {

class Session;

// What the catalog says of one column, beyond the row model's type: enough to read it
// exactly, hash it on the server and refuse what it cannot hold.
struct ColumnInfo
{
    QString name;
    QString dataType;   // information_schema DATA_TYPE, lower case: "decimal", "datetime"...
    QString columnType; // COLUMN_TYPE: "decimal(65,30)", "tinyint(1)", "bigint(20) unsigned"
    ValueType type = ValueType::Text;
    bool isUnsigned = false;
    int precision = 0;  // decimal digits, bit width, character or byte length
    int scale = 0;      // decimal scale, fractional second digits
    QString collation;  // COLLATION_NAME, lower case; empty for non-strings
    bool padSpace = false;    // the collation ignores trailing spaces: 'a' = 'a '
    bool inUniqueKey = false; // part of the primary key or a unique index
};

struct Table
{
    EntityDescription description; // name, columns, primary key
    QList<ColumnInfo> columns;     // in description.schema order
    QList<QStringList> uniqueKeys; // primary key and unique indexes

    const ColumnInfo &column(const QString &name) const; // throws Validation naming it
    bool hasUniqueKey(const QStringList &columns) const;
};

// The row-model type of a column (docs/connectors/mysql.md, Type mapping).
ValueType valueTypeOf(const ColumnInfo &column);

// Base tables of the session's database (views are not entities), by name.
QStringList tableNames(Session &session);
// Throws tf::Error(NotFound) naming the table when it does not exist.
Table readTable(Session &session, const QString &name);

} // namespace tf::sync::mysql
