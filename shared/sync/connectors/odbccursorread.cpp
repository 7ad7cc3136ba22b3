#include "odbccursorread.h"

#include "odbcvalues.h"

namespace tf::sync::odbc {

bool isRowversion(const Dialect &dialect, const ColumnInfo &cursor)
{
    return dialect.dbms() == Dbms::SqlServer
        && (cursor.typeName == QLatin1String("rowversion") || cursor.typeName == QLatin1String("timestamp"));
}

QString pastPosition(const Dialect &dialect, const QList<ColumnInfo> &order, const QVariantList &after, int from,
                     QVariantList *values)
{
    const ColumnInfo &c = order.at(from);
    const QString q = dialect.quote(c.name);
    const QString p = dialect.parameter(c);
    const QVariant v = toParameter(after.at(from), c.type, dialect.dbms());
    if (from + 1 == order.size()) {
        *values << v;
        return QStringLiteral("%1 > %2").arg(q, p);
    }
    *values << v << v;
    return QStringLiteral("%1 > %2 OR (%1 = %2 AND (%3))").arg(q, p, pastPosition(dialect, order, after, from + 1, values));
}

CursorRead cursorRead(const Dialect &dialect, const ColumnInfo &cursor, const QList<ColumnInfo> &keys,
                      const std::optional<Checkpoint> &after)
{
    CursorRead read;
    const QString q = dialect.quote(cursor.name);
    // NULL cursors first, in every database (PostgreSQL sorts them last by default).
    read.order = QStringList { QStringLiteral("CASE WHEN %1 IS NULL THEN 0 ELSE 1 END").arg(q), q };
    for (const ColumnInfo &key : keys)
        read.order << dialect.quote(key.name);
    if (after) {
        const QString pastKey = keys.isEmpty() || after->key.size() != keys.size()
            ? QStringLiteral("1 = 0")
            : pastPosition(dialect, keys, after->key, 0, &read.values);
        if (after->cursor.isNull() || !after->cursor.isValid()) {
            read.where = QStringLiteral("(%1 IS NULL AND (%2)) OR %1 IS NOT NULL").arg(q, pastKey);
        } else {
            const QVariant v = toParameter(after->cursor, cursor.type, dialect.dbms());
            read.where = QStringLiteral("%1 > %2 OR (%1 = %2 AND (%3))").arg(q, dialect.parameter(cursor), pastKey);
            read.values = QVariantList { v, v } + read.values;
        }
    }
    if (isRowversion(dialect, cursor)) {
        const QString bound = QStringLiteral("%1 < MIN_ACTIVE_ROWVERSION()").arg(q);
        read.where = read.where.isEmpty() ? bound : QStringLiteral("(%1) AND %2").arg(read.where, bound);
    }
    return read;
}

} // namespace tf::sync::odbc
