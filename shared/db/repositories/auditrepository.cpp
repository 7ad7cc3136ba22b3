#include "auditrepository.h"

#include "rowhelpers.h"

#include <QCryptographicHash>

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

} // namespace

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
    entry.id = rows::returnedId(insert);
    transaction.commit();
    return entry;
}

QList<AuditEntry> AuditRepository::latest(int limit) const
{
    QSqlQuery query = m_database.prepare(QStringLiteral(
        "SELECT id, created_at, event_type, severity, resource_type, resource_id, operation_id, "
        "description, previous_state, new_state, username, ip_address, user_agent, correlation_id, "
        "prev_hash, entry_hash FROM audit_entries ORDER BY id DESC LIMIT ?"));
    query.addBindValue(qMax(0, limit));
    m_database.exec(query, "reading audit entries");
    QList<AuditEntry> entries;
    while (query.next()) {
        AuditEntry entry;
        entry.id = query.value(0).toLongLong();
        entry.createdAt = m_database.dialect().fromDb(query.value(1));
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
        entries.append(entry);
    }
    return entries;
}

qint64 AuditRepository::count() const
{
    QSqlQuery query = m_database.prepare(QStringLiteral("SELECT COUNT(*) FROM audit_entries"));
    m_database.exec(query, "counting audit entries");
    return query.next() ? query.value(0).toLongLong() : 0;
}

} // namespace tf::db
