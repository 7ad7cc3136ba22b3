#include "postgresquery.h"

#include "core/errors.h"
#include "db/connection.h"
#include "postgrestypes.h"

#include <QSqlError>

namespace tf::sync::pg {

namespace {

[[noreturn]] void fail(const db::Database &database, const QSqlQuery &query, const QString &label)
{
    try {
        database.raise(query, "reading");
    } catch (const Error &error) {
        throw Error(error.kind(), label + QStringLiteral(": ") + error.message(), error.details());
    }
}

} // namespace

Selection selectionFor(PgCatalog &catalog, const ReadRequest &request)
{
    Selection selection;
    selection.table = catalog.table(request.entity);
    if (request.columns.isEmpty()) {
        selection.columns = selection.table.columns;
    } else {
        for (const QString &name : request.columns)
            selection.columns << selection.table.column(name);
    }
    QList<Column> schemaColumns;
    for (const PgColumn &column : std::as_const(selection.columns))
        schemaColumns << Column { column.name, column.type, column.nullable };
    const QStringList keyNames
        = request.keyColumns.isEmpty() ? selection.table.primaryKey : request.keyColumns;
    for (const QString &name : keyNames)
        selection.keys << selection.table.column(name);
    selection.schema = std::make_shared<const Schema>(schemaColumns);
    return selection;
}

QString columnRef(const PgColumn &column)
{
    return QStringLiteral("t.") + quoteIdentifier(column.name);
}

QString textList(const QList<PgColumn> &columns)
{
    QStringList parts;
    for (const PgColumn &column : columns)
        parts << textExpression(columnRef(column), column);
    return parts.join(QLatin1String(", "));
}

QString refList(const QList<PgColumn> &columns, const QString &prefix)
{
    QStringList parts;
    for (const PgColumn &column : columns)
        parts << prefix + quoteIdentifier(column.name);
    return parts.join(QLatin1String(", "));
}

QString orderBy(const QList<PgColumn> &columns)
{
    return columns.isEmpty() ? QString() : QStringLiteral(" ORDER BY ") + refList(columns);
}

QVariant cell(const QSqlQuery &query, int index, const PgColumn &column)
{
    const QVariant raw = query.value(index);
    return raw.isNull() ? QVariant() : valueFromText(raw.toString(), column.type, column.name);
}

// Runs one forward-only query and hands each row to onRow until it returns false.
void stream(const db::Database &database, const QString &sql, const QVariantList &binds,
            const QString &label, const std::function<bool(const QSqlQuery &)> &onRow)
{
    QSqlQuery query(database.connection());
    query.setForwardOnly(true);
    const bool ok = binds.isEmpty() ? query.exec(sql) : query.prepare(sql);
    if (!ok)
        fail(database, query, label);
    if (!binds.isEmpty()) {
        for (const QVariant &bind : binds)
            query.addBindValue(bind);
        if (!query.exec())
            fail(database, query, label);
    }
    while (query.next()) {
        if (!onRow(query))
            return; // the query's destructor drains what the server still sends
    }
    if (query.lastError().type() != QSqlError::NoError)
        fail(database, query, label);
}

QString labelFor(const PgTable &table)
{
    return QStringLiteral("reading %1").arg(table.qualifiedName());
}

bool readRow(const QSqlQuery &query, const Selection &selection, Batcher &batcher, bool withHash)
{
    Row row;
    row.reserve(selection.columns.size());
    for (int i = 0; i < selection.columns.size(); ++i)
        row << cell(query, i, selection.columns.at(i));
    if (withHash)
        return batcher.add(std::move(row), query.value(int(selection.columns.size())).toString().toLatin1());
    return batcher.add(std::move(row));
}

// A PostgreSQL array literal of text elements, each quoted and escaped.
QString arrayLiteral(const QList<QByteArray> &elements)
{
    QByteArray literal = "{";
    for (const QByteArray &element : elements) {
        if (literal.size() > 1)
            literal += ',';
        QByteArray escaped = element;
        escaped.replace('\\', "\\\\").replace('"', "\\\"");
        literal += '"' + escaped + '"';
    }
    return QString::fromUtf8(literal + '}');
}

} // namespace tf::sync::pg
