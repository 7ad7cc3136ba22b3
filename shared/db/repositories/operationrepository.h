#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace tf::db {

class Database;

// A row of sync_operations.
struct OperationRecord
{
    qint64 id = 0;
    qint64 pairId = 0;
    QString status;          // queued, running, completed, completed_with_errors, failed, cancelled
    QString mode;
    bool dryRun = false;
    QString trigger;         // manual, schedule, cli, retry
    QString nodeId;
    int attempt = 0;
    double progress = 0;     // percent
    QString currentEntity;
    QJsonObject statistics;
    QString error;
    QDateTime createdAt;
    QDateTime startedAt;
    QDateTime finishedAt;

    QJsonObject toJson() const;
};

// sync_operations, for runs started outside the queue (tfctl sync run) and, later, the
// queue itself. The database's partial unique index allows one running operation per pair:
// start() answers a second one with tf::Error(Conflict).
class OperationRepository final
{
public:
    explicit OperationRepository(const Database &database)
        : m_database(database)
    {
    }

    // Inserts an operation already running on nodeId.
    qint64 start(qint64 pairId, const QString &mode, bool dryRun, const QString &trigger, const QString &nodeId);
    void progress(qint64 id, double percent, const QString &entity, const QJsonObject &statistics);
    void finish(qint64 id, const QString &status, const QJsonObject &statistics, const QString &error);
    OperationRecord get(qint64 id) const;
    QList<OperationRecord> listForPair(qint64 pairId, int limit) const;

private:
    const Database &m_database;
};

} // namespace tf::db
