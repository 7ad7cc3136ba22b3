#pragma once

#include "db/connection.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace tf::db {

// A row of `admin_jobs` (migration 0011): one long admin action of the gateway.
struct AdminJobRow
{
    qint64 id = 0;
    QString kind;
    QString status;
    double progress = 0;
    QString message;
    QJsonObject result; // empty: none (yet)
    QJsonObject error;  // empty: none
    QString createdBy;
    QDateTime createdAt;
    QDateTime startedAt;
    QDateTime finishedAt;
};

class AdminJobRepository final
{
    Q_DISABLE_COPY_MOVE(AdminJobRepository)
public:
    explicit AdminJobRepository(const Database &database)
        : m_database(database)
    { }

    qint64 newestId() const;
    // Inserts the row or replaces the one with its id.
    void save(const AdminJobRow &row);
    std::optional<AdminJobRow> find(qint64 id) const;
    // Newest first; ids below beforeId (0: from the newest); kind/status empty: any.
    QList<AdminJobRow> list(const QString &kind, const QString &status, qint64 beforeId, int limit) const;
    // Marks queued/running rows failed (code "interrupted"), except the ids still running in
    // this process; returns how many.
    int markInterrupted(const QList<qint64> &keep, const QString &message);

private:
    AdminJobRow read(const QSqlQuery &query) const;

    const Database &m_database;
};

} // namespace tf::db
