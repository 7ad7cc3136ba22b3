#include "postgresreader.h"

#include "pgcopyforms.h"

#include "postgresquery.h"
#include "postgressince.h"

#include "pgcopyread.h"
#include "prefetchingreader.h"

#include "core/errors.h"
#include "db/connection.h"
#include "postgrescatalog.h"
#include "postgresranges.h"
#include "postgrestypes.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlError>
#include <QSqlQuery>
#include <functional>

namespace tf::sync::pg {


PgReader::PgReader(const db::Database &streaming, const db::Database &lookups, PgCatalog &catalog)
    : m_streaming(streaming)
    , m_lookups(lookups)
    , m_catalog(catalog)
{ }

bool PgReader::typedHashes()
{
    return m_ranges && m_ranges->typedRangeHash();
}

SourceHash PgReader::sourceHash(const ReadRequest &request)
{
    if (!request.withSourceHashes)
        return SourceHash::None;
    return typedHashes() && m_ranges->typedHashHere() ? SourceHash::Computed : SourceHash::Selected;
}

QString PgReader::rowColumns(const Selection &selection, const ReadRequest &request)
{
    if (sourceHash(request) != SourceHash::Selected)
        return copyList(selection.columns);
    return copyList(selection.columns) + QStringLiteral(", ")
        + sourceHashExpression(selection.columns, typedHashes());
}

void PgReader::readAll(const ReadRequest &request, const BatchSink &sink)
{
    const Selection selection = selectionFor(m_catalog, request);
    const QString sql = QStringLiteral("SELECT %1 FROM %2 AS t%3")
                            .arg(rowColumns(selection, request), selection.table.qualifiedName(),
                                 orderBy(selection.keys));
    prefetch(selection, {}, [sql](const QStringList &) { return sql; }, request, sink);
}

void PgReader::prefetch(const Selection &selection, const QList<QByteArray> &params,
                        const SelectBuilder &buildSelect, const ReadRequest &request,
                        const BatchSink &sink)
{
    // The read runs on its own thread and connection, a batch or two ahead of the sink.
    const QString label = labelFor(selection.table);
    const SourceHash hash = sourceHash(request); // as rowColumns() chose
    PrefetchingBatchSource::run(
        selection.schema, request.batchSize,
        [&](const RowSink &addRow) {
            copyRows(m_streaming, selection, params, buildSelect, label, addRow, hash, m_snapshot);
        },
        sink);
}

void PgReader::readKeyHashes(const ReadRequest &request, const KeyHashSink &sink)
{
    const Selection selection = selectionFor(m_catalog, request);
    if (selection.keys.isEmpty()) {
        throw Error(Error::Kind::Validation,
                    QStringLiteral("%1 has no primary key: name the key columns to hash by")
                        .arg(selection.table.qualifiedName()));
    }
    const QString sql = QStringLiteral("SELECT %1, %2 FROM %3 AS t%4")
                            .arg(textList(selection.keys), sourceHashExpression(selection.columns, typedHashes()),
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
    const SelectBuilder select = [&](const QStringList &params) {
        return QStringLiteral("SELECT %1 FROM %2 AS t WHERE (%3) IN (SELECT %4 FROM "
                              "jsonb_populate_recordset(CAST(NULL AS %2), CAST(%5 AS jsonb)) AS k)%6")
            .arg(rowColumns(selection, request), selection.table.qualifiedName(),
                 refList(selection.keys), refList(selection.keys, QStringLiteral("k.")),
                 params.value(0), orderBy(selection.keys));
    };
    const int chunkSize = qMax(1, request.batchSize);
    Batcher batcher(selection.schema, request.batchSize, sink);
    const QString label = labelFor(selection.table);
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
        const QByteArray json = QJsonDocument(records).toJson(QJsonDocument::Compact);
        copyRows(m_streaming, selection, { json }, select, label, [&](Row &&row, QByteArray &&hash) {
            more = batcher.add(std::move(row), hash);
            return more;
        }, sourceHash(request), m_snapshot);
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

    // The filter's values travel as COPY parameters (copyRows); the same filter as the row
    // estimate's (sinceFilter).
    QList<QByteArray> params;
    for (const QVariant &bind : sinceFilter(cursor, selection.keys, after).binds)
        params << bind.toString().toUtf8();
    const SelectBuilder select = [=](const QStringList &reads) {
        const SinceFilter filter = sinceFilter(cursor, selection.keys, after, reads);
        return QStringLiteral("SELECT %1 FROM %2 AS t%3%4")
            .arg(rowColumns(selection, request), selection.table.qualifiedName(), filter.where,
                 orderBy(order));
    };
    prefetch(selection, params, select, request, sink);
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
