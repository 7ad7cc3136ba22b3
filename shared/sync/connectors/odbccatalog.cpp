#include "odbccatalog.h"

#include "columnlookup.h"
#include "core/errors.h"
#include "odbcsession.h"
#include "sqlserverstatements.h"

#include <QHash>
#include <QSqlField>
#include <QSqlIndex>
#include <QSqlRecord>

namespace tf::sync::odbc {

const ColumnInfo &Table::column(const QString &name) const
{
    return columnNamed(columns, description.name, name);
}

QList<ColumnInfo> Table::columnsNamed(const QStringList &names) const
{
    if (names.isEmpty())
        return columns;
    QList<ColumnInfo> result;
    for (const QString &name : names)
        result << column(name);
    return result;
}

QStringList tableNames(Session &session)
{
    QStringList names;
    if (session.dialect().dbms() == Dbms::SqlServer) {
        QSqlQuery query = session.run(sqlserver::tablesStatement(), {}, "listing tables");
        while (query.next())
            names << query.value(0).toString();
        return names;
    }
    for (const QString &name : session.connection().tables(QSql::Tables)) {
        if (!name.startsWith(QLatin1String("tf_odbc_sync_")) && !name.startsWith(QLatin1String("sqlite_"))
            && name != QLatin1String("tf_cdc_position") && name != QLatin1String("tf_cdc_snapshot"))
            names << name;
    }
    names.sort();
    return names;
}

namespace {

struct Extra
{
    QString typeName;
    int maxLength = 0;
    int precision = 0;
    int scale = 0;
};

// What the ODBC catalog leaves out: PostgreSQL's type names (json, uuid, timestamptz, boolean
// all reach ODBC as text or timestamps), SQL Server's (MAX) and exact types.
QHash<QString, Extra> extras(Session &session, const QString &name)
{
    QHash<QString, Extra> result;
    const Dbms dbms = session.dialect().dbms();
    if (dbms == Dbms::PostgreSQL) {
        QSqlQuery query = session.run(QStringLiteral("SELECT column_name, data_type, udt_name, numeric_precision, numeric_scale "
                                                     "FROM information_schema.columns WHERE table_schema = current_schema() "
                                                     "AND table_name = ?"),
                                      { name }, "reading the column types of a table");
        while (query.next()) {
            const QString type = query.value(1).toString();
            result.insert(query.value(0).toString(),
                          Extra { type == QLatin1String("USER-DEFINED") || type == QLatin1String("ARRAY") ? query.value(2).toString() : type,
                                  0, query.value(3).toInt(), query.value(4).toInt() });
        }
    } else if (dbms == Dbms::SqlServer) {
        QSqlQuery query = session.run(sqlserver::columnsStatement(), { name }, "reading the columns of a table");
        while (query.next()) {
            result.insert(query.value(0).toString(),
                          Extra { query.value(1).toString(), query.value(2).toInt(), query.value(3).toInt(), query.value(4).toInt() });
        }
    }
    return result;
}

} // namespace

Table readTable(Session &session, const QString &name)
{
    QSqlDatabase db = session.connection();
    const Dialect &dialect = session.dialect();
    const QSqlRecord record = db.record(name);
    if (record.isEmpty()) {
        throw Error(Error::Kind::NotFound, QStringLiteral("ODBC table '%1' does not exist in %2").arg(name, session.settings().describe()),
                    QJsonObject { { QStringLiteral("entity"), name } });
    }
    const QHash<QString, Extra> more = extras(session, name);
    Table table;
    table.description.name = name;
    QList<Column> schema;
    for (int i = 0; i < record.count(); ++i) {
        const QSqlField field = record.field(i);
        ColumnInfo info;
        info.name = field.name();
        info.sqlType = field.typeID();
        info.length = field.length();
        info.precision = field.length();
        info.scale = qMax(0, field.precision());
        const auto extra = more.constFind(info.name);
        if (extra != more.cend()) {
            info.typeName = extra->typeName.toLower();
            if (extra->precision > 0) {
                info.precision = extra->precision;
                info.scale = extra->scale;
            }
            info.isMax = extra->maxLength == -1;
        }
        info.isMax = info.isMax || info.sqlType == -1 || info.sqlType == -4 || info.sqlType == -10;
        info.type = valueTypeOf(info, dialect.dbms());
        schema << Column { info.name, info.type, field.requiredStatus() != QSqlField::Required };
        table.columns << info;
    }
    table.description.schema = Schema(schema);
    const QSqlIndex key = db.primaryIndex(name);
    for (int i = 0; i < key.count(); ++i)
        table.description.keyColumns << key.fieldName(i);
    return table;
}

} // namespace tf::sync::odbc
