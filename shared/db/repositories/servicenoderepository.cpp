#include "servicenoderepository.h"

#include "rowhelpers.h"

namespace tf::db {

QString ServiceNodeRecord::statusAt(const QDateTime &now) const
{
    if (stoppedAt.isValid())
        return QStringLiteral("stopped");
    // A heartbeat "in the future" is a node whose clock runs ahead: it did answer lately.
    const bool recent
        = heartbeatAt.isValid() && heartbeatAt.msecsTo(now) <= 3 * qint64(heartbeatMs);
    return recent ? QStringLiteral("running") : QStringLiteral("stale");
}

void ServiceNodeRepository::boundLockWait() const
{
    // The services write their row from their event loop's thread: a table locked by a
    // restore must cost a missed heartbeat, not a stalled service. (SQLite: busy_timeout.)
    if (m_database.dialect().isPostgres())
        m_database.execDirect(QStringLiteral("SET LOCAL lock_timeout = '2s'"),
                              "bounding the wait for a lock");
}

void ServiceNodeRepository::registerNode(const ServiceNodeRecord &node)
{
    const QVariant now = m_database.dialect().toDb(QDateTime::currentDateTimeUtc());
    Transaction transaction(m_database);
    boundLockWait();
    if (!node.url.isEmpty()) {
        QSqlQuery replaced
            = m_database.prepare(QStringLiteral("DELETE FROM service_nodes WHERE service = ? AND "
                                                "host = ? AND url = ? AND node_id <> ?"));
        replaced.addBindValue(node.service);
        replaced.addBindValue(rows::nonNull(node.host));
        replaced.addBindValue(node.url);
        replaced.addBindValue(node.nodeId);
        m_database.exec(replaced, "removing the nodes this one replaces");
    }
    QSqlQuery upsert = m_database.prepare(QStringLiteral(
        "INSERT INTO service_nodes (service, node_id, host, pid, url, version, supervisor, "
        "heartbeat_ms, started_at, heartbeat_at, stopped_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
        "NULL) "
        "ON CONFLICT (service, node_id) DO UPDATE SET host = excluded.host, pid = excluded.pid, "
        "url = excluded.url, version = excluded.version, supervisor = excluded.supervisor, "
        "heartbeat_ms = excluded.heartbeat_ms, started_at = excluded.started_at, "
        "heartbeat_at = excluded.heartbeat_at, stopped_at = NULL"));
    upsert.addBindValue(node.service);
    upsert.addBindValue(node.nodeId);
    upsert.addBindValue(rows::nonNull(node.host));
    upsert.addBindValue(node.pid);
    upsert.addBindValue(rows::nonNull(node.url));
    upsert.addBindValue(rows::nonNull(node.version));
    upsert.addBindValue(rows::nonNull(node.supervisor));
    upsert.addBindValue(node.heartbeatMs);
    upsert.addBindValue(node.startedAt.isValid() ? m_database.dialect().toDb(node.startedAt) : now);
    upsert.addBindValue(now);
    m_database.exec(upsert, "registering a service node");
    transaction.commit();
}

bool ServiceNodeRepository::heartbeat(const QString &service, const QString &nodeId,
                                      const QDateTime &at)
{
    Transaction transaction(m_database);
    boundLockWait();
    QSqlQuery query
        = m_database.prepare(QStringLiteral("UPDATE service_nodes SET heartbeat_at = ? WHERE "
                                            "service = ? AND node_id = ? AND stopped_at IS NULL"));
    query.addBindValue(m_database.dialect().toDb(at));
    query.addBindValue(service);
    query.addBindValue(nodeId);
    m_database.exec(query, "refreshing a service node's heartbeat");
    const bool found = query.numRowsAffected() > 0;
    query.finish();
    transaction.commit();
    return found;
}

void ServiceNodeRepository::markStopped(const QString &service, const QString &nodeId,
                                        const QDateTime &at)
{
    Transaction transaction(m_database);
    boundLockWait();
    QSqlQuery query
        = m_database.prepare(QStringLiteral("UPDATE service_nodes SET stopped_at = ?, heartbeat_at "
                                            "= ? WHERE service = ? AND node_id = ?"));
    const QVariant when = m_database.dialect().toDb(at);
    query.addBindValue(when);
    query.addBindValue(when);
    query.addBindValue(service);
    query.addBindValue(nodeId);
    m_database.exec(query, "marking a service node stopped");
    query.finish();
    transaction.commit();
}

int ServiceNodeRepository::prune(const QDateTime &before)
{
    Transaction transaction(m_database);
    boundLockWait();
    QSqlQuery query
        = m_database.prepare(QStringLiteral("DELETE FROM service_nodes WHERE (stopped_at IS NOT "
                                            "NULL AND stopped_at < ?) OR heartbeat_at < ?"));
    const QVariant limit = m_database.dialect().toDb(before);
    query.addBindValue(limit);
    query.addBindValue(limit);
    m_database.exec(query, "pruning old service nodes");
    const int removed = query.numRowsAffected();
    query.finish();
    transaction.commit();
    return removed;
}

QList<ServiceNodeRecord> ServiceNodeRepository::list() const
{
    QSqlQuery query = m_database.prepare(QStringLiteral(
        "SELECT service, node_id, host, pid, url, version, supervisor, heartbeat_ms, started_at, "
        "heartbeat_at, stopped_at FROM service_nodes ORDER BY service, node_id"));
    m_database.exec(query, "listing service nodes");
    QList<ServiceNodeRecord> nodes;
    while (query.next()) {
        ServiceNodeRecord node;
        node.service = query.value(0).toString();
        node.nodeId = query.value(1).toString();
        node.host = query.value(2).toString();
        node.pid = query.value(3).toLongLong();
        node.url = query.value(4).toString();
        node.version = query.value(5).toString();
        node.supervisor = query.value(6).toString();
        node.heartbeatMs = query.value(7).toInt();
        node.startedAt = m_database.dialect().fromDb(query.value(8));
        node.heartbeatAt = m_database.dialect().fromDb(query.value(9));
        if (!query.value(10).isNull())
            node.stoppedAt = m_database.dialect().fromDb(query.value(10));
        nodes.append(node);
    }
    return nodes;
}

} // namespace tf::db
