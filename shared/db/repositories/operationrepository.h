#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QSqlQuery>
#include <QString>
#include <optional>

namespace tf::db {

class Database;
class Dialect;

// A row of sync_operations.
struct OperationRecord
{
    qint64 id = 0;
    qint64 pairId = 0;
    QString status; // queued, running, completed, completed_with_errors, failed, cancelled
    QString mode;
    bool dryRun = false;
    QString trigger; // manual, schedule, startup, cli, retry
    QString nodeId; // the node that ran (or runs) it
    int attempt = 0;
    double progress = 0; // percent
    QString currentEntity;
    QJsonObject statistics;
    QString error;
    QDateTime createdAt;
    QDateTime startedAt;
    QDateTime finishedAt;
    // Queue (migration 0003): a full resync, a cancel asked of a running operation, the
    // lease of the node running it, the earliest next claim after a transient failure, and
    // the operation a retry was made from (0: none).
    bool fullResync = false;
    bool cancelRequested = false;
    QString leaseOwner;
    QDateTime leaseExpiresAt;
    QDateTime heartbeatAt;
    QDateTime notBefore;
    qint64 retryOf = 0;

    // The API's long-running-operation shape: kind (sync, verify, repair), status, progress
    // as a fraction 0..1, result (the statistics once it completed, else null), error
    // ({code, message} or null) and the times.
    QJsonObject toJson() const;
    // eta_s: seconds left while running, from the rate between started_at and the last
    // progress (heartbeat_at); null when not running or no progress is known yet.
    QJsonValue etaSeconds() const;
    bool isFinished() const; // not queued or running
    // One line for a person: what it is doing, or how it ended.
    QString message() const;
    static QString kindOf(const QString &mode);
};

// sync_operations, for runs started outside the queue (tfctl sync run); the queue
// (sync/queue/operationqueue.h) reads and writes the same rows. The database's partial
// unique index allows one running operation per pair: start() answers a second one with
// tf::Error(Conflict).
class OperationRepository final
{
public:
    explicit OperationRepository(const Database &database)
        : m_database(database)
    { }

    // Runs started directly (tfctl) hold a lease this long, renewed by progress() and renewLease().
    static constexpr int kDirectRunLeaseMs = 120000;

    // Marks the pair's running operations failed ("abandoned") when their lease expired or
    // their process (owner "host-pid" on this host) is gone. Returns how many.
    int abandonDeadRuns(qint64 pairId);
    void renewLease(qint64 id);

    // Inserts an operation already running on nodeId, after abandonDeadRuns(pairId).
    qint64 start(qint64 pairId, const QString &mode, bool dryRun, const QString &trigger,
                 const QString &nodeId);
    void progress(qint64 id, double percent, const QString &entity, const QJsonObject &statistics);
    void finish(qint64 id, const QString &status, const QJsonObject &statistics,
                const QString &error);
    OperationRecord get(qint64 id) const;
    QList<OperationRecord> listForPair(qint64 pairId, int limit) const;

    // The column list readRecord() expects, for other readers of sync_operations.
    static QString columns();
    static OperationRecord readRecord(const QSqlQuery &query, const Dialect &dialect);

private:
    const Database &m_database;
};

} // namespace tf::db
