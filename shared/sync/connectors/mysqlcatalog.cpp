#include "mysqlcatalog.h"

#include "columnlookup.h"
#include "core/errors.h"
#include "mysqlsession.h"

#include <QSet>

namespace tf::sync::mysql {

const ColumnInfo &Table::column(const QString &name) const
{
    return columnNamed(columns, description.name, name);
}

bool Table::hasUniqueKey(const QStringList &wanted) const
{
    const QSet<QString> set(wanted.begin(), wanted.end());
    for (const QStringList &key : uniqueKeys) {
        if (QSet<QString>(key.begin(), key.end()) == set)
            return true;
    }
    return false;
}

ValueType valueTypeOf(const ColumnInfo &c)
{
    const QString &t = c.dataType;
    if (t == QLatin1String("bigint") && c.isUnsigned)
        return ValueType::Decimal; // past qint64
    if (t == QLatin1String("bit"))
        return c.precision >= 64 ? ValueType::Decimal : ValueType::Integer;
    static const QSet<QString> integers { QStringLiteral("tinyint"), QStringLiteral("smallint"), QStringLiteral("mediumint"),
                                          QStringLiteral("int"), QStringLiteral("integer"), QStringLiteral("bigint"),
                                          QStringLiteral("year") };
    if (integers.contains(t))
        return ValueType::Integer;
    if (t == QLatin1String("decimal") || t == QLatin1String("numeric"))
        return ValueType::Decimal;
    if (t == QLatin1String("float") || t == QLatin1String("double") || t == QLatin1String("real"))
        return ValueType::Double;
    if (t == QLatin1String("date"))
        return ValueType::Date;
    if (t == QLatin1String("datetime"))
        return ValueType::Timestamp;
    if (t == QLatin1String("timestamp"))
        return ValueType::TimestampTz; // stored as UTC, read in the session's +00:00
    if (t == QLatin1String("json"))
        return ValueType::Json;
    if (t == QLatin1String("uuid"))
        return ValueType::Uuid;
    if (t.contains(QLatin1String("blob")) || t == QLatin1String("binary") || t == QLatin1String("varbinary"))
        return ValueType::Bytes;
    return ValueType::Text; // char, varchar, *text, enum, set, time, inet4/6...
}

QStringList tableNames(Session &session)
{
    QSqlQuery query = session.run(Session::Role::Write,
                                  QStringLiteral("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() "
                                                 "AND TABLE_TYPE = 'BASE TABLE' AND TABLE_NAME NOT IN ('tf_sync_state', "
                                                 "'tf_sync_checkpoint', 'tf_cdc_position', 'tf_cdc_snapshot') "
                                                 "ORDER BY TABLE_NAME"),
                                  {}, "listing tables");
    QStringList names;
    while (query.next())
        names << query.value(0).toString();
    return names;
}

Table readTable(Session &session, const QString &name)
{
    QSqlQuery columns = session.run(
        Session::Role::Write,
        QStringLiteral("SELECT COLUMN_NAME, LOWER(DATA_TYPE), LOWER(COLUMN_TYPE), IS_NULLABLE, NUMERIC_PRECISION, "
                       "NUMERIC_SCALE, DATETIME_PRECISION, CHARACTER_MAXIMUM_LENGTH, LOWER(COLLATION_NAME) "
                       "FROM information_schema.COLUMNS "
                       "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION"),
        { name }, "reading the columns of a table");
    Table table;
    table.description.name = name;
    QList<Column> schema;
    while (columns.next()) {
        ColumnInfo info;
        info.name = columns.value(0).toString();
        info.dataType = columns.value(1).toString();
        info.columnType = columns.value(2).toString();
        info.isUnsigned = info.columnType.contains(QLatin1String("unsigned"));
        if (info.dataType == QLatin1String("decimal") || info.dataType == QLatin1String("numeric")
            || info.dataType == QLatin1String("bit")) {
            info.precision = columns.value(4).toInt();
            info.scale = columns.value(5).toInt();
        } else if (info.dataType == QLatin1String("datetime") || info.dataType == QLatin1String("timestamp")) {
            info.scale = columns.value(6).toInt();
        } else if (!columns.value(7).isNull()) {
            info.precision = int(qMin<qint64>(columns.value(7).toLongLong(), std::numeric_limits<int>::max()));
        }
        info.collation = columns.value(8).toString();
        // PAD SPACE: every MariaDB collation but the *_nopad_* ones, MySQL's but utf8mb4_0900_*.
        info.padSpace = !info.collation.isEmpty() && !info.collation.contains(QLatin1String("nopad"))
            && !info.collation.contains(QLatin1String("_0900_"));
        info.type = valueTypeOf(info);
        schema << Column { info.name, info.type, columns.value(3).toString() == QLatin1String("YES") };
        table.columns << info;
    }
    if (table.columns.isEmpty()) {
        throw Error(Error::Kind::NotFound,
                    QStringLiteral("MySQL table '%1' does not exist in %2").arg(name, session.settings().describe()),
                    QJsonObject { { QStringLiteral("entity"), name } });
    }
    table.description.schema = Schema(schema);

    QSqlQuery keys = session.run(
        Session::Role::Write,
        QStringLiteral("SELECT INDEX_NAME, COLUMN_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() "
                       "AND TABLE_NAME = ? AND NON_UNIQUE = 0 ORDER BY INDEX_NAME = 'PRIMARY' DESC, INDEX_NAME, SEQ_IN_INDEX"),
        { name }, "reading the keys of a table");
    QString current;
    while (keys.next()) {
        const QString index = keys.value(0).toString();
        if (index != current || table.uniqueKeys.isEmpty()) {
            table.uniqueKeys.append(QStringList());
            current = index;
        }
        table.uniqueKeys.last() << keys.value(1).toString();
        if (index == QLatin1String("PRIMARY"))
            table.description.keyColumns << keys.value(1).toString();
        for (ColumnInfo &info : table.columns) {
            if (info.name == keys.value(1).toString())
                info.inUniqueKey = true;
        }
    }
    return table;
}

} // namespace tf::sync::mysql
