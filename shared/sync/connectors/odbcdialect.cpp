#include "odbcdialect.h"

#include <QSet>

namespace tf::sync::odbc {

namespace {

// ODBC SQL type codes (sql.h, sqlext.h), without including the driver manager's headers.
enum SqlType {
    kChar = 1, kNumeric = 2, kDecimal = 3, kInteger = 4, kSmallInt = 5, kFloat = 6, kReal = 7, kDouble = 8,
    kDate = 9, kTime = 10, kTimestamp = 11, kVarChar = 12, kTypeDate = 91, kTypeTime = 92, kTypeTimestamp = 93,
    kLongVarChar = -1, kBinary = -2, kVarBinary = -3, kLongVarBinary = -4, kBigInt = -5, kTinyInt = -6, kBit = -7,
    kWChar = -8, kWVarChar = -9, kWLongVarChar = -10, kGuid = -11, kSsTimestampOffset = -155
};

bool isTimestamp(const ColumnInfo &c)
{
    return c.type == ValueType::Timestamp || c.type == ValueType::TimestampTz;
}

} // namespace

ValueType valueTypeOf(const ColumnInfo &c, Dbms dbms)
{
    const QString &t = c.typeName;
    if (dbms == Dbms::PostgreSQL) {
        if (t == QLatin1String("timestamp with time zone"))
            return ValueType::TimestampTz;
        if (t == QLatin1String("json") || t == QLatin1String("jsonb"))
            return ValueType::Json;
        if (t == QLatin1String("uuid"))
            return ValueType::Uuid;
        if (t == QLatin1String("boolean")) // psqlODBC's BoolsAsChar reads it as text
            return ValueType::Boolean;
    }
    if (dbms == Dbms::SqlServer) {
        if (t == QLatin1String("datetimeoffset"))
            return ValueType::TimestampTz;
        if (t == QLatin1String("money") || t == QLatin1String("smallmoney"))
            return ValueType::Decimal;
        if (t == QLatin1String("rowversion") || t == QLatin1String("timestamp"))
            return ValueType::Bytes;
    }
    switch (c.sqlType) {
    case kBit: return ValueType::Boolean;
    case kTinyInt: case kSmallInt: case kInteger: case kBigInt: return ValueType::Integer;
    case kNumeric: case kDecimal: return ValueType::Decimal;
    case kFloat: case kReal: case kDouble: return ValueType::Double;
    case kDate: case kTypeDate: return ValueType::Date;
    case kTimestamp: case kTypeTimestamp: return ValueType::Timestamp;
    case kSsTimestampOffset: return ValueType::TimestampTz;
    case kBinary: case kVarBinary: case kLongVarBinary: return ValueType::Bytes;
    case kGuid: return ValueType::Uuid;
    default: return ValueType::Text; // char, varchar, text, time, xml...
    }
}

QString Dialect::quote(const QString &name) const
{
    if (m_dbms == Dbms::SqlServer)
        return QLatin1Char('[') + QString(name).replace(QLatin1Char(']'), QLatin1String("]]")) + QLatin1Char(']');
    return QLatin1Char('"') + QString(name).replace(QLatin1Char('"'), QLatin1String("\"\"")) + QLatin1Char('"');
}

QString Dialect::readExpression(const ColumnInfo &c) const
{
    const QString q = quote(c.name);
    switch (m_dbms) {
    case Dbms::SqlServer:
        if (isTimestamp(c))
            return QStringLiteral("CONVERT(varchar(33), %1, 126)").arg(q);
        if (c.type == ValueType::Uuid)
            return QStringLiteral("CONVERT(char(36), %1)").arg(q);
        if (c.type == ValueType::Double) // style 3: 17 digits, every double exactly (SQL Server 2016+)
            return QStringLiteral("CONVERT(varchar(30), %1, 3)").arg(q);
        return q;
    case Dbms::PostgreSQL:
        if (c.type == ValueType::TimestampTz) // ISO text in UTC whatever the session's TimeZone
            return QStringLiteral("to_char(%1 AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')").arg(q);
        return isTimestamp(c) ? QStringLiteral("CAST(%1 AS varchar)").arg(q) : q;
    case Dbms::SQLite:
        // The SQLite ODBC driver turns a REAL into text with 15 digits (0.30000000000000004
        // would arrive as 0.3): 17 significant digits read back as the same double.
        if (c.type == ValueType::Double)
            return QStringLiteral("CASE WHEN %1 IS NULL THEN NULL ELSE printf('%!.17g', %1) END").arg(q); // printf makes NULL 0.0
        if (c.type == ValueType::Integer) // the driver reads -9223372036854775808 as 0
            return QStringLiteral("CAST(%1 AS TEXT)").arg(q);
        return isTimestamp(c) ? QStringLiteral("CAST(%1 AS TEXT)").arg(q) : q;
    case Dbms::Generic:
        break;
    }
    return isTimestamp(c) ? QStringLiteral("CAST(%1 AS VARCHAR(40))").arg(q) : q;
}

QString Dialect::parameter(const ColumnInfo &c) const
{
    if (m_dbms == Dbms::SqlServer) {
        if (isTimestamp(c) || c.type == ValueType::Date)
            return QStringLiteral("CONVERT(%1, ?, 126)").arg(c.typeName.isEmpty() ? QStringLiteral("datetime2") : c.typeName);
        if (c.type == ValueType::Decimal && c.precision > 0)
            return QStringLiteral("CAST(? AS decimal(%1, %2))").arg(c.precision).arg(c.scale);
        return QStringLiteral("?");
    }
    if (m_dbms == Dbms::PostgreSQL) {
        // psqlODBC sends text parameters untyped but a NULL as varchar, which no bytea or
        // integer column takes: every value is cast to its column's own type.
        if (!c.typeName.isEmpty())
            return QStringLiteral("CAST(? AS %1)").arg(c.typeName);
        switch (c.type) {
        case ValueType::Decimal: return QStringLiteral("CAST(? AS numeric)");
        case ValueType::Timestamp: return QStringLiteral("CAST(? AS timestamp)");
        case ValueType::TimestampTz: return QStringLiteral("CAST(? AS timestamptz)");
        case ValueType::Date: return QStringLiteral("CAST(? AS date)");
        case ValueType::Uuid: return QStringLiteral("CAST(? AS uuid)");
        case ValueType::Json: return QStringLiteral("CAST(? AS %1)").arg(c.typeName == QLatin1String("jsonb") ? QStringLiteral("jsonb") : QStringLiteral("json"));
        default: return QStringLiteral("?");
        }
    }
    return QStringLiteral("?");
}

int Dialect::maxParameters() const
{
    switch (m_dbms) {
    case Dbms::SqlServer: return 2099; // "more than 2100 parameters" is refused; one left for safety
    case Dbms::PostgreSQL: return 30000;
    case Dbms::SQLite: return 999; // SQLITE_MAX_VARIABLE_NUMBER before 3.32
    case Dbms::Generic: break;
    }
    return 999;
}

int Dialect::maxRowsPerValues() const
{
    return m_dbms == Dbms::SqlServer ? 1000 : 5000;
}

QString Dialect::textType() const
{
    return m_dbms == Dbms::SqlServer ? QStringLiteral("nvarchar(max)") : QStringLiteral("TEXT");
}

QString Dialect::keyType(int length) const
{
    return (m_dbms == Dbms::SqlServer ? QStringLiteral("nvarchar(%1)") : QStringLiteral("VARCHAR(%1)")).arg(length);
}

QList<int> Dialect::readOrder(const QList<ColumnInfo> &columns) const
{
    QList<int> order;
    QList<int> last;
    for (int i = 0; i < columns.size(); ++i)
        (m_dbms == Dbms::SqlServer && columns.at(i).isMax ? last : order) << i;
    return order + last;
}

QString Dialect::select(const QString &table, const QList<ColumnInfo> &columns, const QStringList &order,
                        const QString &where, const QString &extra) const
{
    QStringList list;
    for (int index : readOrder(columns))
        list << readExpression(columns.at(index));
    if (!extra.isEmpty())
        list << extra;
    QString sql = QStringLiteral("SELECT %1 FROM %2").arg(list.join(QStringLiteral(", ")), quote(table));
    if (!where.isEmpty())
        sql += QStringLiteral(" WHERE ") + where;
    if (!order.isEmpty())
        sql += QStringLiteral(" ORDER BY ") + order.join(QStringLiteral(", "));
    return sql;
}

QString Dialect::firstRows(const QString &body) const
{
    return body + (m_dbms == Dbms::SqlServer ? QStringLiteral(" OFFSET 0 ROWS FETCH NEXT ? ROWS ONLY") : QStringLiteral(" LIMIT ?"));
}

QString Dialect::keyMatch(const QList<ColumnInfo> &keys, int rows, const QString &alias) const
{
    QStringList parts;
    for (const ColumnInfo &key : keys)
        parts << QStringLiteral("%1%2 = %3").arg(alias.isEmpty() ? QString() : alias + QLatin1Char('.'), quote(key.name), parameter(key));
    const QString one = QLatin1Char('(') + parts.join(QStringLiteral(" AND ")) + QLatin1Char(')');
    return QStringList(rows, one).join(QStringLiteral(" OR "));
}

QString Dialect::tuple(const QList<ColumnInfo> &columns) const
{
    QStringList params;
    for (const ColumnInfo &c : columns)
        params << parameter(c);
    return QLatin1Char('(') + params.join(QStringLiteral(", ")) + QLatin1Char(')');
}

QString Dialect::insert(const QString &table, const QList<ColumnInfo> &columns, int rows) const
{
    QStringList names;
    for (const ColumnInfo &c : columns)
        names << quote(c.name);
    return QStringLiteral("INSERT INTO %1 (%2) VALUES %3")
        .arg(quote(table), names.join(QStringLiteral(", ")), QStringList(rows, tuple(columns)).join(QStringLiteral(", ")));
}

QString Dialect::upsert(const QString &table, const QList<ColumnInfo> &columns, const QStringList &keys, int rows) const
{
    QStringList names;
    QStringList sets;
    QStringList sourceNames;
    for (const ColumnInfo &c : columns) {
        const QString q = quote(c.name);
        names << q;
        sourceNames << QStringLiteral("s.") + q;
        if (!keys.contains(c.name))
            sets << (m_dbms == Dbms::SqlServer ? QStringLiteral("t.%1 = s.%1") : QStringLiteral("%1 = EXCLUDED.%1")).arg(q);
    }
    QStringList keyNames;
    QStringList on;
    for (const QString &key : keys) {
        keyNames << quote(key);
        on << QStringLiteral("t.%1 = s.%1").arg(quote(key));
    }
    switch (m_dbms) {
    case Dbms::PostgreSQL:
    case Dbms::SQLite:
        return insert(table, columns, rows)
            + QStringLiteral(" ON CONFLICT (%1) DO ").arg(keyNames.join(QStringLiteral(", ")))
            + (sets.isEmpty() ? QStringLiteral("NOTHING") : QStringLiteral("UPDATE SET ") + sets.join(QStringLiteral(", ")));
    case Dbms::SqlServer:
        return QStringLiteral("MERGE INTO %1 WITH (HOLDLOCK) AS t USING (VALUES %2) AS s (%3) ON %4%5 "
                              "WHEN NOT MATCHED THEN INSERT (%3) VALUES (%6);")
            .arg(quote(table), QStringList(rows, tuple(columns)).join(QStringLiteral(", ")), names.join(QStringLiteral(", ")),
                 on.join(QStringLiteral(" AND ")),
                 sets.isEmpty() ? QString() : QStringLiteral(" WHEN MATCHED THEN UPDATE SET ") + sets.join(QStringLiteral(", ")),
                 sourceNames.join(QStringLiteral(", ")));
    case Dbms::Generic:
        break;
    }
    return {};
}

QString Dialect::temporaryName(const QString &name) const
{
    return m_dbms == Dbms::SqlServer ? QLatin1Char('#') + name : name;
}

QString Dialect::createTemporary(const QString &name, const QString &definition) const
{
    if (m_dbms == Dbms::SqlServer)
        return QStringLiteral("CREATE TABLE %1 (%2)").arg(temporaryName(name), definition);
    return QStringLiteral("CREATE TEMPORARY TABLE %1 (%2)").arg(name, definition);
}

} // namespace tf::sync::odbc
