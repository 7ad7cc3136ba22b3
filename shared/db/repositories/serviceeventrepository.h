#pragma once

#include "db/connection.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace tf::db {

// Something a service did or saw: started, stopped, restarted tf-syncd, lost the database.
struct ServiceEventRecord
{
    qint64 id = 0;
    QDateTime createdAt;
    QString node;
    QString service;
    QString event;
    QString message;
    QJsonObject details;

    QJsonObject toJson() const;
};

// The `service_events` table.
class ServiceEventRepository final
{
    Q_DISABLE_COPY_MOVE(ServiceEventRepository)
public:
    explicit ServiceEventRepository(Database &database)
        : m_database(database)
    { }

    qint64 record(const QString &service, const QString &event, const QString &message,
                  const QJsonObject &details = {}, const QString &node = {});
    // Newest first; an empty service means all services.
    QList<ServiceEventRecord> list(const QString &service, int limit) const;
    // One page newest first by id, ids below beforeId (0: from the newest), for keyset paging.
    QList<ServiceEventRecord> page(const QString &service, qint64 beforeId, int limit) const;
    int countSince(const QString &service, const QString &event, const QDateTime &since) const;
    // The same, only events recorded under one of `nodes` (none: no event counts).
    int countSince(const QString &service, const QString &event, const QDateTime &since,
                   const QStringList &nodes) const;

private:
    QList<ServiceEventRecord> readRecords(QSqlQuery &query) const;

    Database &m_database;
};

} // namespace tf::db
