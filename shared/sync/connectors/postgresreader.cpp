#include "postgresreader.h"

#include "core/errors.h"
#include "db/connection.h"
#include "postgrescatalog.h"
#include "postgrestypes.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlError>
#include <QSqlQuery>
#include <functional>

namespace tf::sync::pg {

namespace {

// The columns a read returns and the key it is ordered by.
struct Selection
{
    PgTable table;
    QList<PgColumn> columns;
    QList<PgColumn> keys;
    SchemaPtr schema;
};

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

QString refList(const QList<PgColumn> &columns, const QString &prefix = QStringLiteral("t."))
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

[[noreturn]] void fail(const db::Database &database, const QSqlQuery &query, const QString &label)
{
    try {
        database.raise(query, "reading");
    } catch (const Error &error) {
        throw Error(error.kind(), label + QStringLiteral(": ") + error.message(), error.details());
    }
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

// Groups rows into batches of batchSize for the sink.
class Batcher final
{
public:
    Batcher(SchemaPtr schema, int batchSize, const BatchSink &sink)
        : m_batchSize(qMax(1, batchSize))
        , m_sink(sink)
    {
        m_batch.schema = std::move(schema);
        m_batch.rows.reserve(m_batchSize);
    }

    bool add(Row row)
    {
        m_batch.rows << std::move(row);
        return m_batch.rows.size() < m_batchSize || flush();
    }

    bool flush()
    {
        if (m_batch.rows.isEmpty())
            return true;
        const bool more = m_sink(m_batch);
        m_batch.rows.clear();
        return more;
    }

private:
    int m_batchSize;
    const BatchSink &m_sink;
    RowBatch m_batch;
};

QString labelFor(const PgTable &table)
{
    return QStringLiteral("reading %1").arg(table.qualifiedName());
}

bool readRow(const QSqlQuery &query, const Selection &selection, Batcher &batcher)
{
    Row row;
    row.reserve(selection.columns.size());
    for (int i = 0; i < selection.columns.size(); ++i)
        row << cell(query, i, selection.columns.at(i));
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

} // namespace

PgReader::PgReader(const db::Database &streaming, const db::Database &lookups, PgCatalog &catalog)
    : m_streaming(streaming)
    , m_lookups(lookups)
    , m_catalog(catalog)
{ }

void PgReader::readAll(const ReadRequest &request, const BatchSink &sink)
{
    const Selection selection = selectionFor(m_catalog, request);
    const QString sql = QStringLiteral("SELECT %1 FROM %2 AS t%3")
                            .arg(textList(selection.columns), selection.table.qualifiedName(),
                                 orderBy(selection.keys));
    Batcher batcher(selection.schema, request.batchSize, sink);
    bool more = true;
    stream(m_streaming, sql, {}, labelFor(selection.table), [&](const QSqlQuery &query) {
        more = readRow(query, selection, batcher);
        return more;
    });
    if (more)
        batcher.flush();
}

void PgReader::readKeyHashes(const ReadRequest &request, const KeyHashSink &sink)
{
    const Selection selection = selectionFor(m_catalog, request);
    if (selection.keys.isEmpty()) {
        throw Error(Error::Kind::Validation,
                    QStringLiteral("%1 has no primary key: name the key columns to hash by")
                        .arg(selection.table.qualifiedName()));
    }
    // The canonical text of a row is its record of session-independent texts: NULL and ''
    // differ there, and separators inside values are quoted.
    const QString sql = QStringLiteral("SELECT %1, md5(CAST(ROW(%2) AS text)) FROM %3 AS t%4")
                            .arg(textList(selection.keys), textList(selection.columns),
                                 selection.table.qualifiedName(), orderBy(selection.keys));
    const int batchSize = qMax(1, request.batchSize);
    QList<KeyHash> batch;
    batch.reserve(batchSize);
    bool more = true;
    const int hashIndex = int(selection.keys.size());
    stream(m_streaming, sql, {}, labelFor(selection.table), [&](const QSqlQuery &query) {
        KeyHash entry;
        for (int i = 0; i < selection.keys.size(); ++i)
            entry.key << cell(query, i, selection.keys.at(i));
        entry.hash = query.value(hashIndex).toString().toLatin1();
        batch << std::move(entry);
        if (batch.size() >= batchSize) {
            more = sink(batch);
            batch.clear();
        }
        return more;
    });
    if (more && !batch.isEmpty())
        sink(batch);
}

void PgReader::readByKeys(const ReadRequest &request, const QList<KeyValues> &keys,
                          const BatchSink &sink)
{
    const Selection selection = selectionFor(m_catalog, request);
    if (selection.keys.isEmpty()) {
        throw Error(Error::Kind::Validation,
                    QStringLiteral("%1 has no primary key: name the key columns to read by")
                        .arg(selection.table.qualifiedName()));
    }
    // The keys travel as one JSON parameter; jsonb_populate_recordset turns them into records
    // of the table's own row type, so every key value is parsed by its column's type.
    const QString sql
        = QStringLiteral("SELECT %1 FROM %2 AS t WHERE (%3) IN (SELECT %4 FROM "
                         "jsonb_populate_recordset(CAST(NULL AS %2), CAST(? AS jsonb)) AS k)%5")
              .arg(textList(selection.columns), selection.table.qualifiedName(),
                   refList(selection.keys), refList(selection.keys, QStringLiteral("k.")),
                   orderBy(selection.keys));
    const int chunkSize = qMax(1, request.batchSize);
    Batcher batcher(selection.schema, request.batchSize, sink);
    bool more = true;
    for (qsizetype start = 0; more && start < keys.size(); start += chunkSize) {
        QJsonArray records;
        for (qsizetype i = start; i < qMin(keys.size(), start + chunkSize); ++i) {
            const KeyValues &key = keys.at(i);
            if (key.size() != selection.keys.size()) {
                throw Error(Error::Kind::Validation,
                            QStringLiteral("a key of %1 has %2 values, expected %3")
                                .arg(selection.table.qualifiedName())
                                .arg(key.size())
                                .arg(selection.keys.size()));
            }
            QJsonObject record;
            for (int k = 0; k < key.size(); ++k) {
                const PgColumn &column = selection.keys.at(k);
                const QByteArray text = inputText(key.at(k), column.type, column.name);
                record.insert(column.name,
                              text.isNull() ? QJsonValue() : QJsonValue(QString::fromUtf8(text)));
            }
            records.append(record);
        }
        const QString json
            = QString::fromUtf8(QJsonDocument(records).toJson(QJsonDocument::Compact));
        stream(m_streaming, sql, { json }, labelFor(selection.table), [&](const QSqlQuery &query) {
            more = readRow(query, selection, batcher);
            return more;
        });
    }
    if (more)
        batcher.flush();
}

void PgReader::readSince(const ReadRequest &request, const QString &cursorColumn,
                         const std::optional<Checkpoint> &after, const BatchSink &sink)
{
    const Selection selection = selectionFor(m_catalog, request);
    const PgColumn cursor = selection.table.column(cursorColumn);
    QList<PgColumn> order { cursor };
    order << selection.keys;

    QString where;
    QVariantList binds;
    if (after && !(after->cursor.isNull() || !after->cursor.isValid())) {
        // (cursor, key...) > (checkpoint): ties on the cursor are broken by key. Without a
        // stored key, rows at the checkpoint's cursor are read again rather than skipped.
        const bool withKey = !after->key.isEmpty() && after->key.size() == selection.keys.size();
        const QList<PgColumn> compared = withKey ? order : QList<PgColumn> { cursor };
        QStringList params;
        for (int i = 0; i < compared.size(); ++i) {
            const PgColumn &column = compared.at(i);
            const QVariant value = i == 0 ? after->cursor : after->key.at(i - 1);
            params << QStringLiteral("CAST(? AS %1)").arg(column.sqlType);
            binds << QString::fromUtf8(inputText(value, column.type, column.name));
        }
        where = QStringLiteral(" WHERE (%1) %2 (%3)")
                    .arg(refList(compared), withKey ? QStringLiteral(">") : QStringLiteral(">="),
                         params.join(QLatin1String(", ")));
    }
    const QString sql = QStringLiteral("SELECT %1 FROM %2 AS t%3%4")
                            .arg(textList(selection.columns), selection.table.qualifiedName(),
                                 where, orderBy(order));
    Batcher batcher(selection.schema, request.batchSize, sink);
    bool more = true;
    stream(m_streaming, sql, binds, labelFor(selection.table), [&](const QSqlQuery &query) {
        more = readRow(query, selection, batcher);
        return more;
    });
    if (more)
        batcher.flush();
}

CursorHorizon PgReader::cursorHorizon(const QString &entity, const QString &cursorColumn)
{
    const PgTable table = m_catalog.table(entity);
    const PgColumn cursor = table.column(cursorColumn);
    const bool temporal = cursor.type == ValueType::Date || cursor.type == ValueType::Timestamp
        || cursor.type == ValueType::TimestampTz;
    // Other client sessions of this database only: not ours, not autovacuum or WAL senders.
    const QString others = QStringLiteral(
        "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        " AND backend_type = 'client backend' AND xact_start IS NOT NULL");
    const QString label = QStringLiteral("finding the open transactions of %1").arg(table.qualifiedName());
    CursorHorizon horizon;
    if (!temporal) {
        bool writing = false;
        stream(m_lookups, QStringLiteral("SELECT count(*) %1 AND backend_xid IS NOT NULL").arg(others),
               {}, label, [&](const QSqlQuery &query) {
                   writing = query.value(0).toLongLong() > 0;
                   return true;
               });
        horizon.kind = writing ? CursorHorizon::Kind::Hold : CursorHorizon::Kind::None;
        return horizon;
    }
    // A timestamp cursor is compared in this session's time zone (the writers' usually).
    const QString start = QStringLiteral("CAST((SELECT least(now(), min(xact_start)) %1) AS %2)")
                              .arg(others, cursor.sqlType);
    stream(m_lookups, QStringLiteral("SELECT %1").arg(textExpression(start, cursor)), {}, label,
           [&](const QSqlQuery &query) {
               horizon.kind = CursorHorizon::Kind::Below;
               horizon.value = cell(query, 0, cursor);
               return true;
           });
    return horizon;
}

QSet<QString> PgReader::existingValues(const QString &entity, const QString &column, ValueType type,
                                       const QList<QVariant> &values)
{
    const PgTable table = m_catalog.table(entity);
    const PgColumn target = table.column(column);
    QList<QByteArray> elements;
    for (const QVariant &value : values) {
        if (!value.isNull() && value.isValid())
            elements << inputText(value, type, column);
    }
    QSet<QString> found;
    if (elements.isEmpty())
        return found;
    const QString sql
        = QStringLiteral("SELECT DISTINCT %1 FROM %2 AS t WHERE %3 = ANY(CAST(? AS %4[]))")
              .arg(textExpression(columnRef(target), target), table.qualifiedName(),
                   columnRef(target), target.sqlType);
    stream(m_lookups, sql, { arrayLiteral(elements) },
           QStringLiteral("looking up values in %1").arg(table.qualifiedName()),
           [&](const QSqlQuery &query) {
               QVariant value = cell(query, 0, target);
               if (target.type != type) {
                   QVariant converted;
                   QString error;
                   if (coerceValue(value, type, &converted, &error))
                       value = converted;
               }
               found.insert(QString::fromUtf8(canonicalValue(value, type)));
               return true;
           });
    return found;
}

} // namespace tf::sync::pg
