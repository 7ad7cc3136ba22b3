#include "serviceeventrepository.h"

#include "rowhelpers.h"

namespace tf::db {

QJsonObject ServiceEventRecord::toJson() const
{
    return { { QStringLiteral("id"), id },
             { QStringLiteral("created_at"), rows::isoOrNull(createdAt) },
             { QStringLiteral("node"), node },
             { QStringLiteral("service"), service },
             { QStringLiteral("event"), event },
             { QStringLiteral("message"), message },
             { QStringLiteral("details"), details } };
}

qint64 ServiceEventRepository::record(const QString &service, const QString &event,
                                      const QString &message, const QJsonObject &details,
                                      const QString &node)
{
    QSqlQuery query = m_database.prepare(QStringLiteral(
        "INSERT INTO service_events (created_at, node, service, event, message, details) "
        "VALUES (?, ?, ?, ?, ?, ?) RETURNING id"));
    query.addBindValue(m_database.dialect().toDb(QDateTime::currentDateTimeUtc()));
    query.addBindValue(rows::nonNull(node));
    query.addBindValue(service);
    query.addBindValue(event);
    query.addBindValue(rows::nonNull(message));
    query.addBindValue(rows::jsonText(details));
    m_database.exec(query, "recording a service event");
    return rows::returnedId(m_database, query);
}

QList<ServiceEventRecord> ServiceEventRepository::list(const QString &service, int limit) const
{
    // "? = ''" keeps one statement for both cases without building SQL from input.
    QSqlQuery query = m_database.prepare(QStringLiteral(
        "SELECT id, created_at, node, service, event, message, details FROM service_events "
        "WHERE (? = '' OR service = ?) ORDER BY created_at DESC, id DESC LIMIT ?"));
    const QString filter = rows::nonNull(service);
    query.addBindValue(filter);
    query.addBindValue(filter);
    query.addBindValue(qMax(0, limit));
    m_database.exec(query, "listing service events");
    return readRecords(query);
}

QList<ServiceEventRecord> ServiceEventRepository::page(const QString &service, qint64 beforeId, int limit) const
{
    QSqlQuery query = m_database.prepare(QStringLiteral(
        "SELECT id, created_at, node, service, event, message, details FROM service_events "
        "WHERE (? = '' OR service = ?) AND (? = 0 OR id < ?) ORDER BY id DESC LIMIT ?"));
    const QString filter = rows::nonNull(service);
    query.addBindValue(filter);
    query.addBindValue(filter);
    query.addBindValue(beforeId);
    query.addBindValue(beforeId);
    query.addBindValue(qMax(0, limit));
    m_database.exec(query, "paging service events");
    return readRecords(query);
}

QList<ServiceEventRecord> ServiceEventRepository::readRecords(QSqlQuery &query) const
{
    QList<ServiceEventRecord> records;
    while (query.next()) {
        ServiceEventRecord record;
        record.id = query.value(0).toLongLong();
        record.createdAt = m_database.dialect().fromDb(query.value(1));
        record.node = query.value(2).toString();
        record.service = query.value(3).toString();
        record.event = query.value(4).toString();
        record.message = query.value(5).toString();
        record.details = rows::jsonObject(query.value(6));
        records.append(record);
    }
    return records;
}

int ServiceEventRepository::countSince(const QString &service, const QString &event,
                                       const QDateTime &since) const
{
    QSqlQuery query = m_database.prepare(QStringLiteral(
        "SELECT COUNT(*) FROM service_events WHERE service = ? AND event = ? AND created_at >= ?"));
    query.addBindValue(rows::nonNull(service));
    query.addBindValue(rows::nonNull(event));
    query.addBindValue(m_database.dialect().toDb(since));
    m_database.exec(query, "counting service events");
    return query.next() ? query.value(0).toInt() : 0;
}

int ServiceEventRepository::countSince(const QString &service, const QString &event,
                                       const QDateTime &since, const QStringList &nodes) const
{
    if (nodes.isEmpty())
        return 0;
    // One placeholder per node: the statement's shape depends on the count, never on a value.
    QStringList placeholders;
    placeholders.fill(QStringLiteral("?"), nodes.size());
    QSqlQuery query = m_database.prepare(
        QStringLiteral("SELECT COUNT(*) FROM service_events WHERE service = ? AND event = ? "
                       "AND created_at >= ? AND node IN (%1)")
            .arg(placeholders.join(QStringLiteral(", "))));
    query.addBindValue(rows::nonNull(service));
    query.addBindValue(rows::nonNull(event));
    query.addBindValue(m_database.dialect().toDb(since));
    for (const QString &node : nodes)
        query.addBindValue(rows::nonNull(node));
    m_database.exec(query, "counting a node's service events");
    return query.next() ? query.value(0).toInt() : 0;
}

} // namespace tf::db
