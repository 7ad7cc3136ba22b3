#include "core/errors.h"
#include "db/connection.h"
#include "db/repositories/rowhelpers.h"
#include "operationqueue.h"

#include <QLoggingCategory>
#include <QMutex>
#include <QMutexLocker>

// The lease side of the queue: claim, heartbeat, finish, release and the reaper's requeue.
namespace tf::sync {

Q_LOGGING_CATEGORY(lcQueue, "sync.queue")

namespace {

// SQLite has no SKIP LOCKED: claims of this process take turns (BEGIN IMMEDIATE serialises
// other processes on the same file).
QMutex g_sqliteClaimMutex;

// A claim that loses the race for a pair to another node (unique violation of
// sync_operations_one_running_per_pair) simply tries the next operation, a few times.
constexpr int kClaimTries = 8;

QVariant leaseExpiry(const db::Dialect &dialect, const QDateTime &now,
                     std::chrono::milliseconds lease)
{
    return dialect.toDb(now.addMSecs(lease.count()));
}

} // namespace

std::optional<db::OperationRecord> OperationQueue::claim(const QString &nodeId,
                                                         std::chrono::milliseconds lease)
{
    if (nodeId.isEmpty())
        throw Error(Error::Kind::Internal,
                    QStringLiteral("a claim needs the node id of the worker"));
    std::optional<QMutexLocker<QMutex>> serialise;
    if (!m_database.dialect().supportsSkipLocked())
        serialise.emplace(&g_sqliteClaimMutex);
    for (int attempt = 0; attempt < kClaimTries; ++attempt) {
        try {
            return claimOnce(nodeId, lease);
        } catch (const Error &error) {
            if (error.kind() != Error::Kind::Conflict)
                throw;
            qCDebug(lcQueue, "claim lost a race for a pair, trying the next operation: %s",
                    qPrintable(error.message()));
        }
    }
    return std::nullopt;
}

std::optional<db::OperationRecord> OperationQueue::claimOnce(const QString &nodeId,
                                                             std::chrono::milliseconds lease)
{
    const db::Dialect &dialect = m_database.dialect();
    const QDateTime at = now();
    qint64 id = 0;
    {
        db::Transaction transaction(m_database);
        QString sql = QStringLiteral(
            "SELECT o.id FROM sync_operations o "
            "WHERE o.status = 'queued' AND (o.not_before IS NULL OR o.not_before <= ?) "
            "AND NOT EXISTS (SELECT 1 FROM sync_operations r "
            "                WHERE r.pair_id = o.pair_id AND r.status = 'running') "
            "ORDER BY o.created_at, o.id LIMIT 1");
        if (dialect.supportsSkipLocked())
            sql += QStringLiteral(" FOR UPDATE OF o SKIP LOCKED");
        QSqlQuery candidate = m_database.prepare(sql);
        candidate.addBindValue(dialect.toDb(at));
        m_database.exec(candidate, "looking for a queued operation to claim");
        if (!candidate.next()) {
            candidate.finish();
            transaction.commit();
            return std::nullopt;
        }
        id = candidate.value(0).toLongLong();
        candidate.finish();

        QSqlQuery update = m_database.prepare(
            QStringLiteral("UPDATE sync_operations SET status = 'running', node_id = ?, "
                           "lease_owner = ?, lease_expires_at = ?, heartbeat_at = ?, "
                           "started_at = COALESCE(started_at, ?), attempt = attempt + 1, "
                           "not_before = NULL "
                           "WHERE id = ? AND status = 'queued'"));
        update.addBindValue(nodeId);
        update.addBindValue(nodeId);
        update.addBindValue(leaseExpiry(dialect, at, lease));
        update.addBindValue(dialect.toDb(at));
        update.addBindValue(dialect.toDb(at));
        update.addBindValue(id);
        m_database.exec(update, "claiming a queued operation"); // Conflict: the pair is taken
        if (update.numRowsAffected() != 1)
            throw Error(Error::Kind::Conflict,
                        QStringLiteral("operation %1 was claimed by someone else").arg(id));
        transaction.commit();
    }
    return get(id);
}

bool OperationQueue::heartbeat(qint64 id, const QString &nodeId, std::chrono::milliseconds lease,
                               double percent, const QString &entity, const QJsonObject &statistics)
{
    const db::Dialect &dialect = m_database.dialect();
    const QDateTime at = now();
    // A negative percent (size not known yet) leaves the recorded progress as it is.
    const bool withProgress = percent >= 0;
    QSqlQuery query
        = m_database.prepare(QStringLiteral("UPDATE sync_operations SET lease_expires_at = ?, "
                                            "heartbeat_at = ?, %1current_entity = ?, "
                                            "statistics = ? "
                                            "WHERE id = ? AND status = 'running' "
                                            "AND lease_owner = ? RETURNING cancel_requested")
                                 .arg(withProgress ? QStringLiteral("progress = ?, ") : QString()));
    query.addBindValue(leaseExpiry(dialect, at, lease));
    query.addBindValue(dialect.toDb(at));
    if (withProgress)
        query.addBindValue(qBound(0.0, percent, 100.0));
    query.addBindValue(db::rows::textOrNull(entity));
    query.addBindValue(db::rows::jsonText(statistics));
    query.addBindValue(id);
    query.addBindValue(nodeId);
    m_database.exec(query, "renewing an operation's lease");
    if (!query.next())
        return false; // re-queued by a reaper, finished, or someone else's now
    const bool cancelRequested = query.value(0).toBool();
    query.finish();
    return !cancelRequested;
}

void OperationQueue::finish(qint64 id, const QString &nodeId, const QString &status,
                            const QJsonObject &statistics, const QString &error)
{
    static const QStringList finals { QStringLiteral("completed"),
                                      QStringLiteral("completed_with_errors"),
                                      QStringLiteral("failed"), QStringLiteral("cancelled") };
    if (!finals.contains(status))
        throw Error(Error::Kind::Internal,
                    QStringLiteral("'%1' is not a final operation status").arg(status));
    QSqlQuery query = m_database.prepare(QStringLiteral(
        "UPDATE sync_operations SET status = ?, statistics = ?, error = ?, finished_at = ?, "
        "progress = CASE WHEN ? THEN 100 ELSE progress END, "
        "lease_owner = NULL, lease_expires_at = NULL "
        "WHERE id = ? AND status = 'running' AND lease_owner = ?"));
    query.addBindValue(status);
    query.addBindValue(db::rows::jsonText(statistics));
    query.addBindValue(db::rows::textOrNull(error));
    query.addBindValue(m_database.dialect().toDb(now()));
    query.addBindValue(status.startsWith(QLatin1String("completed")));
    query.addBindValue(id);
    query.addBindValue(nodeId);
    m_database.exec(query, "finishing a sync operation");
    if (query.numRowsAffected() == 0)
        qCWarning(lcQueue,
                  "operation %lld was not finished as %s: node %s no longer holds its lease",
                  static_cast<long long>(id), qPrintable(status), qPrintable(nodeId));
}

bool OperationQueue::release(qint64 id, const QString &nodeId, std::chrono::milliseconds delay,
                             const QString &error, bool countsAsAttempt)
{
    const QDateTime at = now();
    QSqlQuery query = m_database.prepare(
        QStringLiteral("UPDATE sync_operations SET status = 'queued', lease_owner = NULL, "
                       "lease_expires_at = NULL, not_before = ?, attempt = attempt - ?, error = ? "
                       "WHERE id = ? AND status = 'running' AND lease_owner = ? AND attempt > 0"));
    query.addBindValue(m_database.dialect().toDb(at.addMSecs(delay.count())));
    query.addBindValue(countsAsAttempt ? 0 : 1);
    query.addBindValue(db::rows::textOrNull(error));
    query.addBindValue(id);
    query.addBindValue(nodeId);
    m_database.exec(query, "re-queueing an operation");
    return query.numRowsAffected() > 0;
}

int OperationQueue::requeueExpired()
{
    const db::Dialect &dialect = m_database.dialect();
    const QDateTime at = now();
    struct Expired
    {
        qint64 id;
        QString owner;
        bool cancelRequested;
    };
    QList<Expired> expired;
    db::Transaction transaction(m_database);
    QString sql = QStringLiteral("SELECT id, lease_owner, cancel_requested FROM sync_operations "
                                 "WHERE status = 'running' AND lease_expires_at < ?");
    if (dialect.supportsSkipLocked())
        sql += QStringLiteral(" FOR UPDATE SKIP LOCKED");
    QSqlQuery select = m_database.prepare(sql);
    select.addBindValue(dialect.toDb(at));
    m_database.exec(select, "looking for expired leases");
    while (select.next())
        expired.append(
            { select.value(0).toLongLong(), select.value(1).toString(), select.value(2).toBool() });
    select.finish();

    const QString cancelSql
        = QStringLiteral("UPDATE sync_operations SET status = 'cancelled', lease_owner = NULL, "
                         "lease_expires_at = NULL, finished_at = ?, "
                         "error = 'cancelled; its node stopped before it could finish' "
                         "WHERE id = ? AND status = 'running' AND lease_expires_at < ?");
    const QString requeueSql
        = QStringLiteral("UPDATE sync_operations SET status = 'queued', lease_owner = NULL, "
                         "lease_expires_at = NULL, not_before = NULL "
                         "WHERE id = ? AND status = 'running' AND lease_expires_at < ?");
    int changed = 0;
    for (const Expired &operation : std::as_const(expired)) {
        QSqlQuery update = m_database.prepare(operation.cancelRequested ? cancelSql : requeueSql);
        if (operation.cancelRequested)
            update.addBindValue(dialect.toDb(at));
        update.addBindValue(operation.id);
        update.addBindValue(dialect.toDb(at));
        m_database.exec(update, "re-queueing an operation whose lease expired");
        if (update.numRowsAffected() == 0)
            continue;
        ++changed;
        appendLog(operation.id,
                  operation.cancelRequested
                      ? QStringLiteral("lease of node %1 expired while cancelling; cancelled")
                            .arg(operation.owner)
                      : QStringLiteral(
                            "lease of node %1 expired; re-queued (the next run resumes from the "
                            "pair's checkpoint)")
                            .arg(operation.owner));
        qCInfo(lcQueue, "operation %lld: lease of node %s expired; %s",
               static_cast<long long>(operation.id), qPrintable(operation.owner),
               operation.cancelRequested ? "cancelled" : "re-queued");
    }
    transaction.commit();
    return changed;
}

} // namespace tf::sync
