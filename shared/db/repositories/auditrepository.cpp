#include "auditrepository.h"

#include "auditsql.h"
#include "rowhelpers.h"

#include <QCryptographicHash>
#include <QJsonArray>

namespace tf::db {

namespace {

QJsonValue idOrNull(qint64 id)
{
    return id == 0 ? QJsonValue() : QJsonValue(id);
}

QVariant objectOrNull(const QJsonObject &object)
{
    return object.isEmpty() ? QVariant(QMetaType(QMetaType::QString))
                            : QVariant(rows::jsonText(object));
}

QJsonObject countsJson(const QMap<QString, qint64> &counts)
{
    QJsonObject json;
    for (auto it = counts.constBegin(); it != counts.constEnd(); ++it)
        json.insert(it.key(), it.value());
    return json;
}

} // namespace

namespace audit {

const QString kEntryColumns = QStringLiteral(
    "id, created_at, event_type, severity, resource_type, resource_id, operation_id, description, "
    "previous_state, new_state, username, ip_address, user_agent, correlation_id, prev_hash, entry_hash");

AuditEntry readEntry(const Dialect &dialect, const QSqlQuery &query)
{
    AuditEntry entry;
    entry.id = query.value(0).toLongLong();
    entry.createdAt = dialect.fromDb(query.value(1));
    entry.eventType = query.value(2).toString();
    entry.severity = query.value(3).toString();
    entry.resourceType = query.value(4).toString();
    entry.resourceId = query.value(5).toString();
    entry.operationId = query.value(6).toLongLong();
    entry.description = query.value(7).toString();
    entry.previousState = rows::jsonObject(query.value(8));
    entry.newState = rows::jsonObject(query.value(9));
    entry.username = query.value(10).toString();
    entry.ipAddress = query.value(11).toString();
    entry.userAgent = query.value(12).toString();
    entry.correlationId = query.value(13).toString();
    entry.prevHash = query.value(14).toString();
    entry.entryHash = query.value(15).toString();
    return entry;
}

WhereClause whereClause(const Dialect &dialect, const AuditFilter &filter)
{
    WhereClause where;
    auto equals = [&where](const char *column, const QString &value) {
        if (value.isEmpty())
            return;
        where.conditions << QStringLiteral("%1 = ?").arg(QLatin1String(column));
        where.values << value;
    };
    equals("event_type", filter.eventType);
    equals("severity", filter.severity);
    equals("resource_type", filter.resourceType);
    equals("resource_id", filter.resourceId);
    equals("username", filter.username);
    if (filter.from.isValid()) {
        where.conditions << QStringLiteral("created_at >= ?");
        where.values << dialect.toDb(filter.from);
    }
    if (filter.to.isValid()) {
        where.conditions << QStringLiteral("created_at < ?");
        where.values << dialect.toDb(filter.to);
    }
    if (!filter.text.isEmpty()) {
        // The text is a literal: escape LIKE's wildcards. SQLite's LIKE ignores ASCII case.
        QString pattern = filter.text;
        pattern.replace(QLatin1Char('\\'), QLatin1String("\\\\"))
            .replace(QLatin1Char('%'), QLatin1String("\\%"))
            .replace(QLatin1Char('_'), QLatin1String("\\_"));
        where.conditions << (dialect.isPostgres() ? QStringLiteral("description ILIKE ? ESCAPE '\\'")
                                                  : QStringLiteral("description LIKE ? ESCAPE '\\'"));
        where.values << QString(QLatin1Char('%') + pattern + QLatin1Char('%'));
    }
    return where;
}

} // namespace audit

QByteArray AuditEntry::canonicalContent() const
{
    // QJsonObject keeps keys sorted, so the compact form is canonical.
    const QJsonObject content { { QStringLiteral("timestamp"), rows::isoOrNull(createdAt) },
                                { QStringLiteral("event_type"), eventType },
                                { QStringLiteral("severity"), severity },
                                { QStringLiteral("resource_type"), resourceType },
                                { QStringLiteral("resource_id"), resourceId },
                                { QStringLiteral("operation_id"), idOrNull(operationId) },
                                { QStringLiteral("description"), description },
                                { QStringLiteral("previous_state"), previousState },
                                { QStringLiteral("new_state"), newState },
                                { QStringLiteral("username"), username },
                                { QStringLiteral("ip_address"), ipAddress },
                                { QStringLiteral("user_agent"), userAgent },
                                { QStringLiteral("correlation_id"), correlationId } };
    return json::compact(content);
}

QString AuditEntry::computeHash(const QString &prevHash, const AuditEntry &entry)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(prevHash.toUtf8());
    hash.addData(entry.canonicalContent());
    return QString::fromLatin1(hash.result().toHex());
}

QJsonObject AuditEntry::toJson() const
{
    QJsonObject json = QJsonDocument::fromJson(canonicalContent()).object();
    json.insert(QStringLiteral("id"), id);
    json.insert(QStringLiteral("prev_hash"), prevHash);
    json.insert(QStringLiteral("entry_hash"), entryHash);
    return json;
}

QJsonObject AuditFilter::toJson() const
{
    QJsonObject json;
    auto put = [&json](const char *key, const QString &value) {
        if (!value.isEmpty())
            json.insert(QLatin1String(key), value);
    };
    if (from.isValid())
        json.insert(QStringLiteral("from"), rows::isoOrNull(from));
    if (to.isValid())
        json.insert(QStringLiteral("to"), rows::isoOrNull(to));
    put("event_type", eventType);
    put("severity", severity);
    put("resource_type", resourceType);
    put("resource_id", resourceId);
    put("user", username);
    put("text", text);
    return json;
}

QJsonObject AuditSummary::toJson() const
{
    QJsonArray errors;
    for (const AuditEntry &entry : latestErrors)
        errors.append(entry.toJson());
    return { { QStringLiteral("total_entries"), totalEntries },
             { QStringLiteral("latest_timestamp"), rows::isoOrNull(latestTimestamp) },
             { QStringLiteral("by_event_type"), countsJson(byEventType) },
             { QStringLiteral("by_severity"), countsJson(bySeverity) },
             { QStringLiteral("by_day"), countsJson(byDay) },
             { QStringLiteral("by_username"), countsJson(byUsername) },
             { QStringLiteral("latest_errors"), errors } };
}

AuditEntry AuditRepository::append(AuditEntry entry)
{
    const Dialect &dialect = m_database.dialect();
    if (!entry.createdAt.isValid())
        entry.createdAt = QDateTime::currentDateTimeUtc();
    // Round-trip through the stored form so the hash matches what a verifier reads back.
    entry.createdAt = dialect.fromDb(dialect.toDb(entry.createdAt));

    Transaction transaction(m_database);
    transaction.lock(locks::kAuditChain);
    {
        QSqlQuery last = m_database.prepare(
            QStringLiteral("SELECT entry_hash FROM audit_entries ORDER BY id DESC LIMIT 1"));
        m_database.exec(last, "reading the last audit entry");
        entry.prevHash = last.next() ? last.value(0).toString() : QString();
    }
    entry.entryHash = AuditEntry::computeHash(entry.prevHash, entry);

    QSqlQuery insert = m_database.prepare(QStringLiteral(
        "INSERT INTO audit_entries (created_at, event_type, severity, resource_type, resource_id, "
        "operation_id, description, previous_state, new_state, username, ip_address, user_agent, "
        "correlation_id, prev_hash, entry_hash) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"));
    insert.addBindValue(dialect.toDb(entry.createdAt));
    insert.addBindValue(entry.eventType);
    insert.addBindValue(rows::nonNull(entry.severity));
    insert.addBindValue(rows::textOrNull(entry.resourceType));
    insert.addBindValue(rows::textOrNull(entry.resourceId));
    insert.addBindValue(entry.operationId == 0 ? QVariant(QMetaType(QMetaType::LongLong))
                                               : QVariant(entry.operationId));
    insert.addBindValue(rows::nonNull(entry.description));
    insert.addBindValue(objectOrNull(entry.previousState));
    insert.addBindValue(objectOrNull(entry.newState));
    insert.addBindValue(rows::textOrNull(entry.username));
    insert.addBindValue(rows::textOrNull(entry.ipAddress));
    insert.addBindValue(rows::textOrNull(entry.userAgent));
    insert.addBindValue(rows::textOrNull(entry.correlationId));
    insert.addBindValue(rows::nonNull(entry.prevHash));
    insert.addBindValue(entry.entryHash);
    m_database.exec(insert, "appending an audit entry");
    entry.id = rows::returnedId(m_database, insert);
    transaction.commit();
    return entry;
}

QList<AuditEntry> AuditRepository::latest(int limit) const
{
    QSqlQuery query = m_database.prepare(QStringLiteral("SELECT ") + audit::kEntryColumns
                                         + QStringLiteral(" FROM audit_entries ORDER BY id DESC LIMIT ?"));
    query.addBindValue(qMax(0, limit));
    m_database.exec(query, "reading audit entries");
    QList<AuditEntry> entries;
    while (query.next())
        entries.append(audit::readEntry(m_database.dialect(), query));
    return entries;
}

qint64 AuditRepository::count() const
{
    QSqlQuery query = m_database.prepare(QStringLiteral("SELECT COUNT(*) FROM audit_entries"));
    m_database.exec(query, "counting audit entries");
    return query.next() ? query.value(0).toLongLong() : 0;
}

AuditPage AuditRepository::list(const AuditFilter &filter, int limit, qint64 beforeId, AuditOrder order) const
{
    limit = qMax(1, limit);
    const bool oldestFirst = order == AuditOrder::OldestFirst;
    audit::WhereClause where = audit::whereClause(m_database.dialect(), filter);
    if (beforeId > 0) {
        where.conditions << (oldestFirst ? QStringLiteral("id > ?") : QStringLiteral("id < ?"));
        where.values << beforeId;
    }
    // One row more than asked says whether there is a next page.
    QSqlQuery query = m_database.prepare(QStringLiteral("SELECT ") + audit::kEntryColumns
                                         + QStringLiteral(" FROM audit_entries") + where.sql()
                                         + (oldestFirst ? QStringLiteral(" ORDER BY id LIMIT ?")
                                                        : QStringLiteral(" ORDER BY id DESC LIMIT ?")));
    for (const QVariant &value : std::as_const(where.values))
        query.addBindValue(value);
    query.addBindValue(limit + 1);
    m_database.exec(query, "listing audit entries");
    AuditPage page;
    while (query.next()) {
        if (page.entries.size() == limit) {
            page.nextBeforeId = page.entries.constLast().id;
            break;
        }
        page.entries.append(audit::readEntry(m_database.dialect(), query));
    }
    query.finish();
    return page;
}

std::optional<AuditEntry> AuditRepository::find(qint64 id) const
{
    QSqlQuery query = m_database.prepare(QStringLiteral("SELECT ") + audit::kEntryColumns
                                         + QStringLiteral(" FROM audit_entries WHERE id = ?"));
    query.addBindValue(id);
    m_database.exec(query, "reading an audit entry");
    if (!query.next())
        return std::nullopt;
    AuditEntry entry = audit::readEntry(m_database.dialect(), query);
    query.finish();
    return entry;
}

QList<AuditEntry> AuditRepository::ascending(const AuditFilter &filter, qint64 afterId, qint64 upToId,
                                             int limit) const
{
    audit::WhereClause where = audit::whereClause(m_database.dialect(), filter);
    where.conditions << QStringLiteral("id > ?") << QStringLiteral("id <= ?");
    where.values << afterId << upToId;
    QSqlQuery query = m_database.prepare(QStringLiteral("SELECT ") + audit::kEntryColumns
                                         + QStringLiteral(" FROM audit_entries") + where.sql()
                                         + QStringLiteral(" ORDER BY id LIMIT ?"));
    for (const QVariant &value : std::as_const(where.values))
        query.addBindValue(value);
    query.addBindValue(qMax(1, limit));
    m_database.exec(query, "reading audit entries");
    QList<AuditEntry> entries;
    while (query.next())
        entries.append(audit::readEntry(m_database.dialect(), query));
    return entries;
}

qint64 AuditRepository::newestId() const
{
    QSqlQuery query = m_database.prepare(QStringLiteral("SELECT MAX(id) FROM audit_entries"));
    m_database.exec(query, "reading the newest audit entry");
    return query.next() ? query.value(0).toLongLong() : 0;
}

AuditSummary AuditRepository::summary(const AuditFilter &filter, int latestErrors) const
{
    AuditSummary summary;
    const Dialect &dialect = m_database.dialect();
    const audit::WhereClause where = audit::whereClause(dialect, filter);
    auto bound = [this, &where](const QString &sql) {
        QSqlQuery query = m_database.prepare(sql);
        for (const QVariant &value : std::as_const(where.values))
            query.addBindValue(value);
        return query;
    };
    {
        QSqlQuery query = bound(QStringLiteral("SELECT created_at FROM audit_entries") + where.sql()
                                + QStringLiteral(" ORDER BY id DESC LIMIT 1"));
        m_database.exec(query, "reading the newest audit entry");
        if (query.next())
            summary.latestTimestamp = dialect.fromDb(query.value(0));
    }
    // Without a filter each GROUP BY reads only its (column, id) index (the day: the created_at
    // index, in order), which is faster than one GROUP BY of all four that must sort the rows.
    // The column names are constants of this file, never input.
    auto countBy = [&](const QString &column, QMap<QString, qint64> *counts) {
        QSqlQuery query = bound(QStringLiteral("SELECT %1, COUNT(*) FROM audit_entries").arg(column) + where.sql()
                                + QStringLiteral(" GROUP BY 1"));
        m_database.exec(query, "counting audit entries");
        qint64 total = 0;
        while (query.next()) {
            counts->insert(query.value(0).toString(), query.value(1).toLongLong());
            total += query.value(1).toLongLong();
        }
        return total;
    };
    summary.totalEntries = countBy(QStringLiteral("severity"), &summary.bySeverity);
    countBy(QStringLiteral("event_type"), &summary.byEventType);
    countBy(QStringLiteral("COALESCE(username, '')"), &summary.byUsername);
    // SQLite stores UTC as "yyyy-MM-ddTHH:mm:ss.zzzZ", so the day is its first ten characters.
    countBy(dialect.isPostgres() ? QStringLiteral("to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')")
                                 : QStringLiteral("substr(created_at, 1, 10)"),
            &summary.byDay);
    audit::WhereClause errorsWhere = where;
    errorsWhere.conditions << QStringLiteral("severity IN ('error', 'critical')");
    QSqlQuery errors = m_database.prepare(QStringLiteral("SELECT ") + audit::kEntryColumns + QStringLiteral(" FROM audit_entries")
                                          + errorsWhere.sql() + QStringLiteral(" ORDER BY id DESC LIMIT ?"));
    for (const QVariant &value : std::as_const(errorsWhere.values))
        errors.addBindValue(value);
    errors.addBindValue(qMax(0, latestErrors));
    m_database.exec(errors, "reading the latest audit errors");
    while (errors.next())
        summary.latestErrors.append(audit::readEntry(dialect, errors));
    return summary;
}

} // namespace tf::db
