#pragma once

#include "sync/row.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace tf::sync::odbc {

// The database behind an ODBC connection, as the driver reports it (SQL_DBMS_NAME): it
// decides quoting, the text form of timestamps, upserts, temporary tables and paging.
enum class Dbms { Generic, PostgreSQL, SQLite, SqlServer };

// One column as the ODBC catalog (SQLColumns) and information_schema describe it.
struct ColumnInfo
{
    QString name;
    int sqlType = 0;       // ODBC SQL type code (SQL_DECIMAL = 3, SQL_TYPE_TIMESTAMP = 93...)
    QString typeName;      // information_schema DATA_TYPE where the database has one, lower case
    ValueType type = ValueType::Text;
    int length = 0;        // characters or bytes; 0 unknown
    int precision = 0;     // decimal digits
    int scale = 0;
    bool isMax = false;    // SQL Server (MAX) or an unbounded LOB: read last
};

// The row-model type of an ODBC column (docs/connectors/odbc.md, Type mapping).
ValueType valueTypeOf(const ColumnInfo &column, Dbms dbms);

// SQL text for one kind of database. Pure functions of their arguments, so every statement
// can be checked word for word (tst_sqlserverdialect, tst_odbcconnector).
class Dialect
{
public:
    explicit Dialect(Dbms dbms)
        : m_dbms(dbms)
    { }

    Dbms dbms() const { return m_dbms; }
    // "name" with " doubled; SQL Server: [name] with ] doubled.
    QString quote(const QString &name) const;
    // A column as the reader selects it: timestamps as text (ODBC's TIMESTAMP_STRUCT reaches
    // Qt only to the millisecond), SQL Server's datetime2 through CONVERT(varchar(33), c, 126),
    // uniqueidentifier as char(36); everything else as it is (decimals through HighPrecision).
    QString readExpression(const ColumnInfo &column) const;
    // The placeholder for a value written to or compared with `column`.
    QString parameter(const ColumnInfo &column) const;
    // Most parameters one statement may carry (SQL Server: 2,100, less one for safety margin).
    int maxParameters() const;
    // Most rows one VALUES list may carry (SQL Server: 1,000).
    int maxRowsPerValues() const;
    // Column type names for the state tables.
    QString textType() const;     // unbounded text
    QString keyType(int length) const; // bounded text usable in a primary key

    // The select list in read order: SQL Server's (MAX) columns last (FreeTDS reads long
    // columns only after the short ones). Returns indexes into `columns`.
    QList<int> readOrder(const QList<ColumnInfo> &columns) const;
    // SELECT <columns in readOrder>[, extra] FROM <table> [WHERE where] ORDER BY <order>.
    QString select(const QString &table, const QList<ColumnInfo> &columns, const QStringList &order,
                   const QString &where = QString(), const QString &extra = QString()) const;
    // `body` (a SELECT ... ORDER BY ...) limited to a bound row count (the last parameter):
    // LIMIT ? or OFFSET 0 ROWS FETCH NEXT ? ROWS ONLY.
    QString firstRows(const QString &body) const;
    // (k1 = ? AND k2 = ?) OR (...), `rows` times.
    QString keyMatch(const QList<ColumnInfo> &keys, int rows, const QString &alias = QString()) const;
    // Upsert of `rows` rows by key; empty when the database has none (Generic: the writer
    // deletes the keys, then inserts). PostgreSQL, SQLite: INSERT ... ON CONFLICT; SQL Server: MERGE.
    QString upsert(const QString &table, const QList<ColumnInfo> &columns, const QStringList &keys, int rows) const;
    QString insert(const QString &table, const QList<ColumnInfo> &columns, int rows) const;
    // CREATE TEMPORARY TABLE <name> (<definition>); the name to use after it (SQL Server: #name).
    QString temporaryName(const QString &name) const;
    QString createTemporary(const QString &name, const QString &definition) const;

private:
    QString tuple(const QList<ColumnInfo> &columns) const;

    Dbms m_dbms;
};

} // namespace tf::sync::odbc
