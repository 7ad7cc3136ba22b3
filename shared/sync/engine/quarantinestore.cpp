#include "quarantinestore.h"

#include "core/errors.h"
#include "db/connection.h"
#include "db/repositories/rowhelpers.h"

#include <QStringList>

namespace tf::sync {

namespace {

const QString kColumns = QStringLiteral(
    "id, pair_id, operation_id, entity, source_key, source_row, transformed_row, source_hash, "
    "rule, field, message, status, attempts, created_at, updated_at");

QString joinedMessages(const QList<FieldError> &errors)
{
    QStringList messages;
    for (const FieldError &error : errors)
        messages << error.message;
    return messages.join(QStringLiteral("; "));
}

QuarantineEntry readEntry(const QSqlQuery &query, const db::Dialect &dialect)
{
    QuarantineEntry entry;
    entry.id = query.value(0).toLongLong();
    entry.pairId = query.value(1).toString();
    entry.operationId = query.value(2).toLongLong();
    entry.entity = query.value(3).toString();
    entry.sourceKey = query.value(4).toString();
    entry.sourceRow = db::rows::jsonObject(query.value(5));
    entry.transformedRow = db::rows::jsonObject(query.value(6));
    entry.sourceHash = query.value(7).toString().toLatin1();
    entry.rule = query.value(8).toString();
    entry.field = query.value(9).toString();
    entry.message = query.value(10).toString();
    entry.status = query.value(11).toString();
    entry.attempts = query.value(12).toInt();
    entry.createdAt = dialect.fromDb(query.value(13));
    entry.updatedAt = dialect.fromDb(query.value(14));
    return entry;
}

} // namespace

namespace {
QJsonValue pairIdJson(const QString &pairId)
{
    bool isId = false;
    const qint64 id = pairId.toLongLong(&isId);
    return isId ? QJsonValue(id) : QJsonValue(pairId);
}
} // namespace

QJsonObject QuarantineEntry::toJson() const
{
    return { { QStringLiteral("id"), id },
             // The column is text (file-defined runs of tfctl name their pair); the API's pairs
             // have integer ids, and ids are JSON integers.
             { QStringLiteral("pair_id"), pairIdJson(pairId) },
             { QStringLiteral("operation_id"), operationId },
             { QStringLiteral("entity"), entity },
             { QStringLiteral("source_key"), sourceKey },
             { QStringLiteral("source_row"), sourceRow },
             { QStringLiteral("transformed_row"), transformedRow },
             { QStringLiteral("rule"), rule },
             { QStringLiteral("field"), field },
             { QStringLiteral("message"), message },
             { QStringLiteral("status"), status },
             { QStringLiteral("attempts"), attempts },
             { QStringLiteral("created_at"), db::rows::isoOrNull(createdAt) },
             { QStringLiteral("updated_at"), db::rows::isoOrNull(updatedAt) } };
}

QuarantineStore::QuarantineStore(const db::Database &database)
    : m_database(database)
{ }

qint64 QuarantineStore::record(const Record &record)
{
    const FieldError first = record.errors.value(0);
    QSqlQuery query = m_database.prepare(QStringLiteral(
        "INSERT INTO quarantine (pair_id, operation_id, entity, source_key, source_row, "
        "transformed_row, "
        "source_hash, rule, field, message, status, attempts, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', 1, ?, ?) "
        "ON CONFLICT (pair_id, entity, source_key) DO UPDATE SET "
        "operation_id = excluded.operation_id, source_row = excluded.source_row, "
        "transformed_row = excluded.transformed_row, rule = excluded.rule, field = excluded.field, "
        "message = excluded.message, attempts = quarantine.attempts + 1, updated_at = "
        "excluded.updated_at, "
        "status = CASE WHEN quarantine.status = 'discarded' AND quarantine.source_hash = "
        "excluded.source_hash "
        "THEN 'discarded' ELSE 'open' END, "
        "source_hash = excluded.source_hash "
        "RETURNING id"));
    const QVariant now = m_database.dialect().toDb(QDateTime::currentDateTimeUtc());
    query.addBindValue(record.pairId);
    query.addBindValue(record.operationId > 0 ? QVariant(record.operationId)
                                              : db::Dialect::nullOf(QMetaType::LongLong));
    query.addBindValue(record.entity);
    query.addBindValue(record.sourceKey);
    query.addBindValue(db::rows::jsonText(record.sourceRow));
    query.addBindValue(db::rows::jsonText(record.transformedRow));
    query.addBindValue(QString::fromLatin1(record.sourceHash));
    query.addBindValue(db::rows::nonNull(first.rule));
    query.addBindValue(db::rows::nonNull(first.field));
    query.addBindValue(db::rows::nonNull(joinedMessages(record.errors)));
    query.addBindValue(now);
    query.addBindValue(now);
    m_database.exec(query, "recording a quarantined row");
    return db::rows::returnedId(m_database, query);
}

QuarantineStore::Page QuarantineStore::list(const QString &pairId, const QString &status, int limit,
                                            qint64 afterId) const
{
    // One row more than asked tells whether another page exists.
    const int pageSize = qBound(1, limit, 1000);
    QSqlQuery query = m_database.prepare(
        QStringLiteral(
            "SELECT %1 FROM quarantine WHERE pair_id = ? AND (? = '' OR status = ?) AND id > ? "
            "ORDER BY id LIMIT ?")
            .arg(kColumns));
    const QString filter = db::rows::nonNull(status);
    query.addBindValue(pairId);
    query.addBindValue(filter);
    query.addBindValue(filter);
    query.addBindValue(afterId);
    query.addBindValue(pageSize + 1);
    m_database.exec(query, "listing quarantined rows");
    Page page;
    while (query.next()) {
        if (page.entries.size() == pageSize) {
            page.nextAfterId = page.entries.constLast().id;
            break;
        }
        page.entries << readEntry(query, m_database.dialect());
    }
    return page;
}

QuarantineEntry QuarantineStore::get(qint64 id) const
{
    QSqlQuery query = m_database.prepare(
        QStringLiteral("SELECT %1 FROM quarantine WHERE id = ?").arg(kColumns));
    query.addBindValue(id);
    m_database.exec(query, "reading a quarantined row");
    if (!query.next())
        db::rows::notFound("quarantine entry", id);
    return readEntry(query, m_database.dialect());
}

qint64 QuarantineStore::countOpen(const QString &pairId) const
{
    QSqlQuery query = m_database.prepare(
        QStringLiteral("SELECT COUNT(*) FROM quarantine WHERE pair_id = ? AND status = 'open'"));
    query.addBindValue(pairId);
    m_database.exec(query, "counting quarantined rows");
    return query.next() ? query.value(0).toLongLong() : 0;
}

QList<QPair<QString, qint64>> QuarantineStore::countOpenByPair() const
{
    QSqlQuery query = m_database.prepare(QStringLiteral(
        "SELECT pair_id, COUNT(*) FROM quarantine WHERE status = 'open' GROUP BY pair_id ORDER BY pair_id"));
    m_database.exec(query, "counting quarantined rows per pair");
    QList<QPair<QString, qint64>> counts;
    while (query.next())
        counts.append({ query.value(0).toString(), query.value(1).toLongLong() });
    return counts;
}

void QuarantineStore::edit(qint64 id, const QJsonObject &transformedRow)
{
    QSqlQuery query
        = m_database.prepare(QStringLiteral("UPDATE quarantine SET transformed_row = ?, updated_at "
                                            "= ? WHERE id = ? AND status = 'open'"));
    query.addBindValue(db::rows::jsonText(transformedRow));
    query.addBindValue(m_database.dialect().toDb(QDateTime::currentDateTimeUtc()));
    query.addBindValue(id);
    m_database.exec(query, "editing a quarantined row");
    if (query.numRowsAffected() == 0) {
        const QuarantineEntry entry = get(id); // NotFound when absent
        throw Error(Error::Kind::Conflict, QStringLiteral("entry_not_open"),
                    QStringLiteral("quarantine entry %1 is %2, only open entries can be edited")
                        .arg(id)
                        .arg(entry.status),
                    QJsonObject { { QStringLiteral("status"), entry.status } });
    }
}

void QuarantineStore::discard(qint64 id)
{
    setStatus(id, QStringLiteral("discarded"), QStringLiteral("open"),
              "discarding a quarantined row");
}

void QuarantineStore::markReplayed(qint64 id)
{
    setStatus(id, QStringLiteral("replayed"), QStringLiteral("open"),
              "marking a quarantined row replayed");
}

void QuarantineStore::markReplayFailed(qint64 id, const QList<FieldError> &errors)
{
    const FieldError first = errors.value(0);
    QSqlQuery query
        = m_database.prepare(QStringLiteral("UPDATE quarantine SET rule = ?, field = ?, message = "
                                            "?, attempts = attempts + 1, updated_at = ? "
                                            "WHERE id = ?"));
    query.addBindValue(db::rows::nonNull(first.rule));
    query.addBindValue(db::rows::nonNull(first.field));
    query.addBindValue(db::rows::nonNull(joinedMessages(errors)));
    query.addBindValue(m_database.dialect().toDb(QDateTime::currentDateTimeUtc()));
    query.addBindValue(id);
    m_database.exec(query, "recording a failed replay");
}

void QuarantineStore::setStatus(qint64 id, const QString &status, const QString &allowedFrom,
                                const char *what)
{
    QSqlQuery query = m_database.prepare(QStringLiteral(
        "UPDATE quarantine SET status = ?, updated_at = ? WHERE id = ? AND status = ?"));
    query.addBindValue(status);
    query.addBindValue(m_database.dialect().toDb(QDateTime::currentDateTimeUtc()));
    query.addBindValue(id);
    query.addBindValue(allowedFrom);
    m_database.exec(query, what);
    if (query.numRowsAffected() == 0) {
        const QuarantineEntry entry = get(id);
        if (entry.status == status)
            return; // already there: idempotent
        throw Error(Error::Kind::Conflict, QStringLiteral("entry_not_open"),
                    QStringLiteral("quarantine entry %1 is %2, not %3")
                        .arg(id)
                        .arg(entry.status, allowedFrom),
                    QJsonObject { { QStringLiteral("status"), entry.status } });
    }
}

QuarantineStore::Page QuarantineStore::search(const Filter &filter) const
{
    const int pageSize = qBound(1, filter.limit, 10000);
    QSqlQuery query = m_database.prepare(
        QStringLiteral("SELECT %1 FROM quarantine WHERE (? = '' OR pair_id = ?) AND (? = '' OR entity = ?) "
                       "AND (? = '' OR rule = ?) AND (? = '' OR status = ?) AND (? = 0 OR updated_at >= ?) "
                       "AND (? = 0 OR created_at >= ?) AND (? = 0 OR created_at < ?) AND (? = 0 OR id < ?) ORDER BY id DESC LIMIT ?")
            .arg(kColumns));
    for (const QString &value : { filter.pairId, filter.entity, filter.rule, filter.status }) {
        const QString bound = db::rows::nonNull(value);
        query.addBindValue(bound);
        query.addBindValue(bound);
    }
    for (const QDateTime &time : { filter.since, filter.createdAfter, filter.createdBefore }) {
        const bool has = time.isValid();
        query.addBindValue(has ? 1 : 0);
        query.addBindValue(m_database.dialect().toDb(has ? time : QDateTime::fromSecsSinceEpoch(0, Qt::UTC)));
    }
    query.addBindValue(filter.beforeId);
    query.addBindValue(filter.beforeId);
    query.addBindValue(pageSize + 1);
    m_database.exec(query, "searching quarantined rows");
    Page page;
    while (query.next()) {
        if (page.entries.size() == pageSize) {
            page.nextAfterId = page.entries.constLast().id;
            break;
        }
        page.entries << readEntry(query, m_database.dialect());
    }
    return page;
}

} // namespace tf::sync
