#include "operationrepository.h"

#include "rowhelpers.h"

#include "core/eta.h"

#include <QHostInfo>

#include <cerrno>
#include <cmath>
#include <csignal>

namespace tf::db {

namespace {

const char kColumns[]
    = "id, pair_id, status, mode, dry_run, trigger, node_id, attempt, progress, "
      "current_entity, statistics, error, created_at, started_at, finished_at, "
      "full_resync, cancel_requested, lease_owner, lease_expires_at, heartbeat_at, "
      "not_before, retry_of";

} // namespace

QString OperationRepository::columns()
{
    return QLatin1String(kColumns);
}

OperationRecord OperationRepository::readRecord(const QSqlQuery &query, const Dialect &dialect)
{
    OperationRecord r;
    r.id = query.value(0).toLongLong();
    r.pairId = query.value(1).toLongLong();
    r.status = query.value(2).toString();
    r.mode = query.value(3).toString();
    r.dryRun = query.value(4).toBool();
    r.trigger = query.value(5).toString();
    r.nodeId = query.value(6).toString();
    r.attempt = query.value(7).toInt();
    r.progress = query.value(8).toDouble();
    r.currentEntity = query.value(9).toString();
    r.statistics = rows::jsonObject(query.value(10));
    r.error = query.value(11).toString();
    r.createdAt = dialect.fromDb(query.value(12));
    r.startedAt = dialect.fromDb(query.value(13));
    r.finishedAt = dialect.fromDb(query.value(14));
    r.fullResync = query.value(15).toBool();
    r.cancelRequested = query.value(16).toBool();
    r.leaseOwner = query.value(17).toString();
    r.leaseExpiresAt = dialect.fromDb(query.value(18));
    r.heartbeatAt = dialect.fromDb(query.value(19));
    r.notBefore = dialect.fromDb(query.value(20));
    r.retryOf = query.value(21).toLongLong();
    return r;
}

QJsonObject OperationRecord::toJson() const
{
    // The long-running-operation shape of docs/api-conventions.md: kind, status, progress as a
    // fraction, result when finished, error as {code, message}.
    const bool finished = isFinished();
    const bool succeeded = status == QLatin1String("completed") || status == QLatin1String("completed_with_errors");
    QJsonValue errorJson;
    if (!error.isEmpty()) {
        errorJson = QJsonObject { { QStringLiteral("code"),
                                    status == QLatin1String("cancelled") ? QStringLiteral("cancelled")
                                                                          : QStringLiteral("operation_failed") },
                                  { QStringLiteral("message"), error } };
    }
    return {
        { QStringLiteral("id"), id },
        { QStringLiteral("kind"), kindOf(mode) },
        { QStringLiteral("pair_id"), pairId },
        { QStringLiteral("status"), status },
        { QStringLiteral("mode"), mode },
        { QStringLiteral("dry_run"), dryRun },
        { QStringLiteral("trigger"), trigger },
        { QStringLiteral("node_id"), nodeId },
        { QStringLiteral("attempt"), attempt },
        { QStringLiteral("progress"), qBound(0.0, progress / 100.0, 1.0) },
        { QStringLiteral("eta_s"), etaSeconds() },
        { QStringLiteral("message"), message() },
        { QStringLiteral("current_entity"), currentEntity },
        { QStringLiteral("statistics"), statistics },
        { QStringLiteral("result"), finished && succeeded ? QJsonValue(statistics) : QJsonValue() },
        { QStringLiteral("error"), errorJson },
        { QStringLiteral("created_at"), rows::isoOrNull(createdAt) },
        { QStringLiteral("started_at"), rows::isoOrNull(startedAt) },
        { QStringLiteral("finished_at"), rows::isoOrNull(finishedAt) },
        { QStringLiteral("full_resync"), fullResync },
        { QStringLiteral("cancel_requested"), cancelRequested },
        { QStringLiteral("lease_owner"),
          leaseOwner.isEmpty() ? QJsonValue() : QJsonValue(leaseOwner) },
        { QStringLiteral("lease_expires_at"), rows::isoOrNull(leaseExpiresAt) },
        { QStringLiteral("heartbeat_at"), rows::isoOrNull(heartbeatAt) },
        { QStringLiteral("not_before"), rows::isoOrNull(notBefore) },
        { QStringLiteral("retry_of"), retryOf > 0 ? QJsonValue(retryOf) : QJsonValue() },
    };
}

QJsonValue OperationRecord::etaSeconds() const
{
    // The rate so far, as of the last progress recorded: from the start to that heartbeat.
    if (status != QLatin1String("running") || progress <= 0 || progress >= 100
        || !startedAt.isValid() || !heartbeatAt.isValid() || heartbeatAt < startedAt)
        return QJsonValue::Null;
    const double seconds = remainingSeconds(double(startedAt.msecsTo(heartbeatAt)) / 1000.0, progress);
    return seconds < 0 ? QJsonValue(QJsonValue::Null) : QJsonValue(qint64(std::llround(seconds)));
}

QString OperationRecord::message() const
{
    // One line for a person, as a job's message: what the operation is doing or how it ended.
    if (status == QLatin1String("queued")) {
        if (notBefore.isValid() && attempt > 1)
            return QStringLiteral("waiting to retry (attempt %1) after %2").arg(attempt).arg(notBefore.toUTC().toString(Qt::ISODate));
        return cancelRequested ? QStringLiteral("cancel requested") : QStringLiteral("queued");
    }
    if (status == QLatin1String("running")) {
        if (cancelRequested)
            return QStringLiteral("cancel requested");
        return currentEntity.isEmpty() ? QStringLiteral("running") : QStringLiteral("syncing %1").arg(currentEntity);
    }
    if (!error.isEmpty())
        return QStringLiteral("%1: %2").arg(status, error.left(500));
    return status;
}

QString OperationRecord::kindOf(const QString &mode)
{
    if (mode == QLatin1String("verify") || mode == QLatin1String("repair"))
        return mode;
    return QStringLiteral("sync");
}

bool OperationRecord::isFinished() const
{
    return status != QLatin1String("queued") && status != QLatin1String("running");
}

namespace {

// "host-1234" names a process on this host when host is ours; 0 otherwise.
qint64 localPidOf(const QString &owner)
{
    const QString prefix = QHostInfo::localHostName() + QLatin1Char('-');
    if (!owner.startsWith(prefix))
        return 0;
    bool ok = false;
    const qint64 pid = owner.mid(prefix.size()).toLongLong(&ok);
    return ok && pid > 0 ? pid : 0;
}

bool processIsGone(qint64 pid)
{
    return ::kill(static_cast<pid_t>(pid), 0) == -1 && errno == ESRCH;
}

} // namespace

int OperationRepository::abandonDeadRuns(qint64 pairId)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QSqlQuery running = m_database.prepare(QStringLiteral(
        "SELECT id, lease_owner, lease_expires_at FROM sync_operations WHERE pair_id = ? AND status = 'running'"));
    running.addBindValue(pairId);
    m_database.exec(running, "looking for abandoned sync operations");
    QList<QPair<qint64, QString>> dead;
    while (running.next()) {
        const QString owner = running.value(1).toString();
        const QDateTime expires = m_database.dialect().fromDb(running.value(2));
        const qint64 pid = localPidOf(owner);
        if (pid > 0 && processIsGone(pid))
            dead.append({ running.value(0).toLongLong(), QStringLiteral("abandoned: its process %1 is gone").arg(pid) });
        else if (expires.isValid() && expires < now)
            dead.append({ running.value(0).toLongLong(), QStringLiteral("abandoned: its lease expired at %1").arg(expires.toString(Qt::ISODateWithMs)) });
    }
    running.finish();
    for (const auto &[id, reason] : std::as_const(dead)) {
        QSqlQuery mark = m_database.prepare(QStringLiteral(
            "UPDATE sync_operations SET status = 'failed', error = ?, finished_at = ?, lease_owner = NULL "
            "WHERE id = ? AND status = 'running'"));
        mark.addBindValue(reason);
        mark.addBindValue(m_database.dialect().toDb(now));
        mark.addBindValue(id);
        m_database.exec(mark, "marking an abandoned sync operation");
    }
    return int(dead.size());
}

void OperationRepository::renewLease(qint64 id)
{
    QSqlQuery query = m_database.prepare(QStringLiteral(
        "UPDATE sync_operations SET lease_expires_at = ?, heartbeat_at = ? WHERE id = ? AND status = 'running'"));
    const QDateTime now = QDateTime::currentDateTimeUtc();
    query.addBindValue(m_database.dialect().toDb(now.addMSecs(kDirectRunLeaseMs)));
    query.addBindValue(m_database.dialect().toDb(now));
    query.addBindValue(id);
    m_database.exec(query, "renewing an operation lease");
}

qint64 OperationRepository::start(qint64 pairId, const QString &mode, bool dryRun,
                                  const QString &trigger, const QString &nodeId)
{
    // A run whose process was killed must not block its pair forever.
    abandonDeadRuns(pairId);
    const QDateTime started = QDateTime::currentDateTimeUtc();
    const QVariant now = m_database.dialect().toDb(started);
    QSqlQuery query = m_database.prepare(QStringLiteral(
        "INSERT INTO sync_operations (pair_id, status, mode, dry_run, trigger, node_id, attempt, "
        "lease_owner, lease_expires_at, heartbeat_at, created_at, started_at) "
        "VALUES (?, 'running', ?, ?, ?, ?, 1, ?, ?, ?, ?, ?) RETURNING id"));
    query.addBindValue(pairId);
    query.addBindValue(mode);
    query.addBindValue(dryRun);
    query.addBindValue(trigger);
    query.addBindValue(nodeId);
    query.addBindValue(nodeId);
    query.addBindValue(m_database.dialect().toDb(started.addMSecs(kDirectRunLeaseMs)));
    query.addBindValue(now);
    query.addBindValue(now);
    query.addBindValue(now);
    try {
        m_database.exec(query, "starting a sync operation");
    } catch (const Error &error) {
        if (error.kind() == Error::Kind::Conflict) {
            throw Error(Error::Kind::Conflict,
                        QStringLiteral("sync pair %1 already has a running operation").arg(pairId),
                        QJsonObject { { QStringLiteral("pair_id"), pairId } });
        }
        throw;
    }
    return rows::returnedId(m_database, query);
}

void OperationRepository::progress(qint64 id, double percent, const QString &entity,
                                   const QJsonObject &statistics)
{
    QSqlQuery query = m_database.prepare(
        QStringLiteral("UPDATE sync_operations SET progress = ?, current_entity = ?, "
                       "statistics = ?, heartbeat_at = ?, lease_expires_at = ? WHERE id = ?"));
    const QDateTime now = QDateTime::currentDateTimeUtc();
    query.addBindValue(percent);
    query.addBindValue(rows::textOrNull(entity));
    query.addBindValue(rows::jsonText(statistics));
    query.addBindValue(m_database.dialect().toDb(now));
    query.addBindValue(m_database.dialect().toDb(now.addMSecs(kDirectRunLeaseMs)));
    query.addBindValue(id);
    m_database.exec(query, "recording operation progress");
}

void OperationRepository::finish(qint64 id, const QString &status, const QJsonObject &statistics,
                                 const QString &error)
{
    QSqlQuery query = m_database.prepare(QStringLiteral(
        "UPDATE sync_operations SET status = ?, statistics = ?, error = ?, finished_at = ?, "
        "progress = CASE WHEN ? THEN 100 ELSE progress END, lease_owner = NULL WHERE id = ?"));
    query.addBindValue(status);
    query.addBindValue(rows::jsonText(statistics));
    query.addBindValue(rows::textOrNull(error));
    query.addBindValue(m_database.dialect().toDb(QDateTime::currentDateTimeUtc()));
    query.addBindValue(status == QLatin1String("completed")
                       || status == QLatin1String("completed_with_errors"));
    query.addBindValue(id);
    m_database.exec(query, "finishing a sync operation");
}

OperationRecord OperationRepository::get(qint64 id) const
{
    QSqlQuery query = m_database.prepare(
        QStringLiteral("SELECT %1 FROM sync_operations WHERE id = ?").arg(QLatin1String(kColumns)));
    query.addBindValue(id);
    m_database.exec(query, "reading a sync operation");
    if (!query.next())
        throw Error(Error::Kind::NotFound, QStringLiteral("no sync operation %1").arg(id));
    return readRecord(query, m_database.dialect());
}

QList<OperationRecord> OperationRepository::listForPair(qint64 pairId, int limit) const
{
    QSqlQuery query = m_database.prepare(
        QStringLiteral("SELECT %1 FROM sync_operations WHERE pair_id = ? ORDER BY id DESC LIMIT ?")
            .arg(QLatin1String(kColumns)));
    query.addBindValue(pairId);
    query.addBindValue(qMax(0, limit));
    m_database.exec(query, "listing sync operations");
    QList<OperationRecord> records;
    while (query.next())
        records << readRecord(query, m_database.dialect());
    return records;
}

} // namespace tf::db
