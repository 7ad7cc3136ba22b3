#pragma once

#include "db/connection.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace tf::db {

// One running (or once running) tf-gateway or tf-syncd process: the node registry's row.
struct ServiceNodeRecord
{
    QString service; // "tf-gateway" or "tf-syncd"
    QString nodeId;
    QString host;
    qint64 pid = 0;
    QString url;
    QString version;
    QString supervisor; // the node id of the gateway supervising this tf-syncd, if any
    int heartbeatMs = 10000;
    QDateTime startedAt;
    QDateTime heartbeatAt;
    QDateTime stoppedAt; // invalid while it runs

    // "stopped" (a clean stop), "running" (a heartbeat within three intervals) or "stale"
    // (silent for longer: the process most likely died without stopping cleanly).
    QString statusAt(const QDateTime &now) const;
};

// The `service_nodes` table (migration 0012). Every write is its own transaction that waits at
// most 2 s for a lock (a restore holds the tables), so a heartbeat never stalls a service.
class ServiceNodeRepository final
{
    Q_DISABLE_COPY_MOVE(ServiceNodeRepository)
public:
    explicit ServiceNodeRepository(Database &database)
        : m_database(database)
    { }

    // Writes the node as started now (startedAt, heartbeatAt; stoppedAt cleared), in one
    // transaction with the removal of its predecessors: other rows of the same service, host
    // and URL (a process that bound the same address on the same host replaced them).
    void registerNode(const ServiceNodeRecord &node);
    // Moves heartbeat_at to `at`; false when the row is gone (pruned, or replaced by a
    // successor), so the caller registers again.
    bool heartbeat(const QString &service, const QString &nodeId, const QDateTime &at);
    void markStopped(const QString &service, const QString &nodeId, const QDateTime &at);
    // Removes rows stopped, or silent, before `before`; returns how many.
    int prune(const QDateTime &before);
    // Every row, by service then node id.
    QList<ServiceNodeRecord> list() const;

private:
    void boundLockWait() const; // inside a transaction: PostgreSQL waits 2 s at most for a lock

    Database &m_database;
};

} // namespace tf::db
