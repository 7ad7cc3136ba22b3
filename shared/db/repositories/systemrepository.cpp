#include "systemrepository.h"

#include "rowhelpers.h"

namespace tf::db {

namespace {
const QString kColumns
    = QStringLiteral("id, name, kind, description, settings, credentials_encrypted IS NOT NULL, "
                     "created_at, updated_at, version");

QVariant blobOrNull(const QByteArray &bytes)
{
    return bytes.isEmpty() ? QVariant(QMetaType(QMetaType::QByteArray)) : QVariant(bytes);
}
} // namespace

QJsonObject SystemRecord::toJson() const
{
    return { { QStringLiteral("id"), id },
             { QStringLiteral("name"), name },
             { QStringLiteral("kind"), kind },
             { QStringLiteral("description"), description },
             { QStringLiteral("settings"), settings },
             { QStringLiteral("has_credentials"), hasCredentials },
             { QStringLiteral("created_at"), rows::isoOrNull(createdAt) },
             { QStringLiteral("updated_at"), rows::isoOrNull(updatedAt) } };
}

SystemRecord SystemRepository::read(const QSqlQuery &query) const
{
    const Dialect &dialect = m_database.dialect();
    SystemRecord record;
    record.id = query.value(0).toLongLong();
    record.name = query.value(1).toString();
    record.kind = query.value(2).toString();
    record.description = query.value(3).toString();
    record.settings = rows::jsonObject(query.value(4));
    record.hasCredentials = query.value(5).toBool();
    record.createdAt = dialect.fromDb(query.value(6));
    record.updatedAt = dialect.fromDb(query.value(7));
    record.version = query.value(8).toLongLong();
    return record;
}

QList<SystemRecord> SystemRepository::list() const
{
    QSqlQuery query = m_database.prepare(QStringLiteral("SELECT ") + kColumns
                                         + QStringLiteral(" FROM systems ORDER BY name"));
    m_database.exec(query, "listing systems");
    QList<SystemRecord> records;
    while (query.next())
        records.append(read(query));
    return records;
}

QList<SystemRecord> SystemRepository::page(qint64 afterId, int limit) const
{
    QSqlQuery query = m_database.prepare(QStringLiteral("SELECT ") + kColumns
                                         + QStringLiteral(" FROM systems WHERE id > ? ORDER BY id LIMIT ?"));
    query.addBindValue(afterId);
    query.addBindValue(limit);
    m_database.exec(query, "listing systems");
    QList<SystemRecord> records;
    while (query.next())
        records.append(read(query));
    return records;
}

SystemRecord SystemRepository::get(qint64 id) const
{
    QSqlQuery query = m_database.prepare(QStringLiteral("SELECT ") + kColumns
                                         + QStringLiteral(" FROM systems WHERE id = ?"));
    query.addBindValue(id);
    m_database.exec(query, "reading a system");
    if (!query.next())
        rows::notFound("system", id);
    return read(query);
}

qint64 SystemRepository::insert(const SystemRecord &record, const QByteArray &encryptedCredentials)
{
    const QVariant now = m_database.dialect().toDb(QDateTime::currentDateTimeUtc());
    QSqlQuery query = m_database.prepare(
        QStringLiteral("INSERT INTO systems (name, kind, description, settings, "
                       "credentials_encrypted, created_at, updated_at) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id"));
    query.addBindValue(record.name);
    query.addBindValue(record.kind);
    query.addBindValue(rows::nonNull(record.description));
    query.addBindValue(rows::jsonText(record.settings));
    query.addBindValue(blobOrNull(encryptedCredentials));
    query.addBindValue(now);
    query.addBindValue(now);
    rows::execNamed(m_database, query, "inserting a system", "systems", "system", record.name);
    return rows::returnedId(m_database, query);
}

qint64 SystemRepository::update(const SystemRecord &record, qint64 expectedVersion)
{
    // Compare and set: the version is checked by the UPDATE itself, never read first.
    QSqlQuery query = m_database.prepare(
        QStringLiteral("UPDATE systems SET name = ?, kind = ?, description = ?, settings = ?, "
                       "updated_at = ?, version = version + 1 WHERE id = ?")
        + (expectedVersion != 0 ? QStringLiteral(" AND version = ?") : QString())
        + QStringLiteral(" RETURNING version"));
    query.addBindValue(record.name);
    query.addBindValue(record.kind);
    query.addBindValue(rows::nonNull(record.description));
    query.addBindValue(rows::jsonText(record.settings));
    query.addBindValue(m_database.dialect().toDb(QDateTime::currentDateTimeUtc()));
    query.addBindValue(record.id);
    if (expectedVersion != 0)
        query.addBindValue(expectedVersion);
    rows::execNamed(m_database, query, "updating a system", "systems", "system", record.name, record.id);
    if (!query.next())
        rows::staleOrMissing("system", get(record.id).version);
    return query.value(0).toLongLong();
}

void SystemRepository::remove(qint64 id, qint64 expectedVersion)
{
    QSqlQuery query = m_database.prepare(
        QStringLiteral("DELETE FROM systems WHERE id = ?")
        + (expectedVersion != 0 ? QStringLiteral(" AND version = ?") : QString()));
    query.addBindValue(id);
    if (expectedVersion != 0)
        query.addBindValue(expectedVersion);
    m_database.exec(query, "removing a system");
    if (query.numRowsAffected() == 0)
        rows::staleOrMissing("system", get(id).version);
}

QByteArray SystemRepository::credentials(qint64 id) const
{
    QSqlQuery query = m_database.prepare(
        QStringLiteral("SELECT credentials_encrypted FROM systems WHERE id = ?"));
    query.addBindValue(id);
    m_database.exec(query, "reading system credentials");
    if (!query.next())
        rows::notFound("system", id);
    return query.value(0).toByteArray();
}

void SystemRepository::setCredentials(qint64 id, const QByteArray &encryptedCredentials)
{
    QSqlQuery query = m_database.prepare(QStringLiteral(
        "UPDATE systems SET credentials_encrypted = ?, updated_at = ? WHERE id = ?"));
    query.addBindValue(blobOrNull(encryptedCredentials));
    query.addBindValue(m_database.dialect().toDb(QDateTime::currentDateTimeUtc()));
    query.addBindValue(id);
    m_database.exec(query, "storing system credentials");
    if (query.numRowsAffected() == 0)
        rows::notFound("system", id);
}

} // namespace tf::db
