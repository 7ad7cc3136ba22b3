#include "operationqueue.h"

#include "core/errors.h"
#include "db/connection.h"
#include "db/repositories/rowhelpers.h"

#include <QJsonDocument>
#include <QMutex>
#include <QMutexLocker>

// Enqueue, cancel, retry and the read side of the queue; claims and leases are in
// operationlease.cpp.
namespace tf::sync {

namespace {

// Enqueues of one pair serialise on this advisory lock (PostgreSQL), so two nodes cannot
// both find "nothing queued" and insert twice. SQLite's BEGIN IMMEDIATE serialises anyway.
constexpr qint64 kEnqueueLockBase = 0x7466710000000000; // "tfq" + pair id

QMutex g_listenerMutex;
OperationQueue::EnqueueListener g_listener;

void notifyEnqueued(const db::OperationRecord &record)
{
    OperationQueue::EnqueueListener listener;
    {
        QMutexLocker locker(&g_listenerMutex);
        listener = g_listener;
    }
    if (listener)
        listener(record);
}

[[noreturn]] void invalidField(const QString &field, const QString &message)
{
    throw Error(
        Error::Kind::Validation, QStringLiteral("%1: %2").arg(field, message),
        QJsonObject { { QStringLiteral("errors"),
                        QJsonArray { QJsonObject { { QStringLiteral("field"), field },
                                                   { QStringLiteral("message"), message } } } } });
}

QString describe(const EnqueueRequest &request, const QString &mode)
{
    QString text = QStringLiteral("queued (trigger %1, mode %2").arg(request.trigger, mode);
    if (request.dryRun)
        text += QStringLiteral(", dry run");
    if (request.fullResync)
        text += QStringLiteral(", full resync");
    return text + QLatin1Char(')');
}

} // namespace

OperationQueue::OperationQueue(const db::Database &control)
    : m_database(control)
{ }

const QStringList &OperationQueue::triggers()
{
    static const QStringList names { QStringLiteral("manual"), QStringLiteral("schedule"),
                                     QStringLiteral("retry"), QStringLiteral("startup") };
    return names;
}

const QStringList &OperationQueue::modes()
{
    static const QStringList names { QStringLiteral("hash"), QStringLiteral("cursor"),
                                     QStringLiteral("full") };
    return names;
}

void OperationQueue::setEnqueueListener(EnqueueListener listener)
{
    QMutexLocker locker(&g_listenerMutex);
    g_listener = std::move(listener);
}

QDateTime OperationQueue::now() const
{
    return QDateTime::currentDateTimeUtc();
}

const QStringList &OperationQueue::verifyModes()
{
    static const QStringList names { QStringLiteral("verify"), QStringLiteral("repair") };
    return names;
}

db::OperationRecord OperationQueue::enqueue(const EnqueueRequest &request, bool *created)
{
    if (isVerifyMode(request.mode))
        return enqueueVerify(request.pairId, request.mode == QLatin1String("repair"), request.trigger, created);
    return insertQueued(request, 0, created);
}

db::OperationRecord OperationQueue::enqueueVerify(qint64 pairId, bool repair, const QString &trigger,
                                                  bool *created)
{
    QSqlQuery running = m_database.prepare(
        QStringLiteral("SELECT id, mode FROM sync_operations WHERE pair_id = ? AND status = 'running'"));
    running.addBindValue(pairId);
    m_database.exec(running, "looking for a running operation of the pair");
    if (running.next()) {
        const qint64 id = running.value(0).toLongLong();
        const QString mode = running.value(1).toString();
        running.finish();
        throw Error(Error::Kind::Conflict, QStringLiteral("operation_running"),
                    QStringLiteral("sync pair %1 is busy: operation %2 (%3) is running; verify it "
                                   "after that operation ends")
                        .arg(pairId)
                        .arg(id)
                        .arg(mode),
                    QJsonObject { { QStringLiteral("pair_id"), pairId },
                                  { QStringLiteral("operation_id"), id } });
    }
    running.finish();
    EnqueueRequest request;
    request.pairId = pairId;
    request.mode = repair ? QStringLiteral("repair") : QStringLiteral("verify");
    request.dryRun = !repair;
    request.trigger = trigger;
    return insertQueued(request, 0, created);
}

db::OperationRecord OperationQueue::insertQueued(const EnqueueRequest &request, qint64 retryOf,
                                                 bool *created)
{
    if (created)
        *created = false;
    if (!request.mode.isEmpty() && !modes().contains(request.mode) && !isVerifyMode(request.mode))
        invalidField(
            QStringLiteral("mode"),
            QStringLiteral("'%1' is not a sync mode; use %2 or leave it out for the pair's own")
                .arg(request.mode, modes().join(QStringLiteral(", "))));
    if (!triggers().contains(request.trigger))
        invalidField(QStringLiteral("trigger"),
                     QStringLiteral("'%1' is not one of %2")
                         .arg(request.trigger, triggers().join(QStringLiteral(", "))));

    db::OperationRecord record;
    bool inserted = false;
    {
        db::Transaction transaction(m_database);
        transaction.lock(kEnqueueLockBase + request.pairId);

        QSqlQuery pair = m_database.prepare(
            QStringLiteral("SELECT enabled, definition FROM sync_pairs WHERE id = ?"));
        pair.addBindValue(request.pairId);
        m_database.exec(pair, "reading the sync pair to enqueue");
        if (!pair.next())
            throw Error(Error::Kind::NotFound,
                        QStringLiteral("sync pair %1 not found").arg(request.pairId),
                        QJsonObject { { QStringLiteral("pair_id"), request.pairId } });
        if (!pair.value(0).toBool())
            throw Error(Error::Kind::Conflict, QStringLiteral("pair_disabled"),
                        QStringLiteral("sync pair %1 is disabled; enable it before starting a sync")
                            .arg(request.pairId),
                        QJsonObject { { QStringLiteral("pair_id"), request.pairId } });
        const QString pairMode = db::rows::jsonObject(pair.value(1))
                                     .value(QStringLiteral("mode"))
                                     .toString(QStringLiteral("hash"));
        pair.finish();

        // A verify joins only a queued verify of its kind; a sync, only a queued sync. The
        // schedulers' start of a cdc stream joins a running one too: checked under the lock, so
        // two nodes' schedulers ticking at once never queue a second stream behind the first.
        const bool verify = isVerifyMode(request.mode);
        const bool cdcStart = !verify && pairMode == QLatin1String("cdc")
            && request.trigger == QLatin1String("startup");
        QSqlQuery queued = m_database.prepare(
            QStringLiteral("SELECT %1 FROM sync_operations "
                           "WHERE pair_id = ? AND status %3 AND %2 ORDER BY id LIMIT 1")
                .arg(db::OperationRepository::columns(),
                     verify ? QStringLiteral("mode = ?") : QStringLiteral("mode NOT IN ('verify', 'repair')"),
                     cdcStart ? QStringLiteral("IN ('queued', 'running')") : QStringLiteral("= 'queued'")));
        queued.addBindValue(request.pairId);
        if (verify)
            queued.addBindValue(request.mode);
        m_database.exec(queued, "looking for a queued operation of the pair");
        const QString mode = request.mode.isEmpty() ? pairMode : request.mode;
        if (queued.next()) {
            record = db::OperationRepository::readRecord(queued, m_database.dialect());
            queued.finish();
            transaction.commit();
            // The same options join the queued operation; other options are never merged into
            // it silently (the caller asked for something else).
            if (record.mode != mode || record.dryRun != request.dryRun || record.fullResync != request.fullResync) {
                throw Error(Error::Kind::Conflict, QStringLiteral("operation_queued"),
                            QStringLiteral("sync pair %1 already has operation %2 queued with other options "
                                           "(mode %3%4%5); wait for it, or cancel it and start again")
                                .arg(request.pairId)
                                .arg(record.id)
                                .arg(record.mode, record.dryRun ? QStringLiteral(", dry run") : QString(),
                                     record.fullResync ? QStringLiteral(", full resync") : QString()),
                            QJsonObject { { QStringLiteral("pair_id"), request.pairId },
                                          { QStringLiteral("operation_id"), record.id } });
            }
            if (created)
                *created = false;
            return record;
        }
        queued.finish();

        QSqlQuery insert = m_database.prepare(
            QStringLiteral("INSERT INTO sync_operations (pair_id, status, mode, dry_run, "
                           "full_resync, trigger, attempt, retry_of, created_at) "
                           "VALUES (?, 'queued', ?, ?, ?, ?, 0, ?, ?) RETURNING id"));
        insert.addBindValue(request.pairId);
        insert.addBindValue(mode);
        insert.addBindValue(request.dryRun);
        insert.addBindValue(request.fullResync);
        insert.addBindValue(request.trigger);
        insert.addBindValue(retryOf > 0 ? QVariant(retryOf)
                                        : db::Dialect::nullOf(QMetaType::LongLong));
        insert.addBindValue(m_database.dialect().toDb(now()));
        m_database.exec(insert, "queueing a sync operation");
        const qint64 id = db::rows::returnedId(m_database, insert);
        appendLog(id,
                  describe(request, mode)
                      + (retryOf > 0 ? QStringLiteral(" as a retry of operation %1").arg(retryOf)
                                     : QString()));
        if (m_database.dialect().isPostgres()) { // delivered to every node at the commit
            QSqlQuery notify = m_database.prepare(QStringLiteral("SELECT pg_notify(?, ?)"));
            notify.addBindValue(QString::fromLatin1(kQueuedChannel));
            notify.addBindValue(QString::number(id));
            m_database.exec(notify, "notifying the nodes of a queued operation");
            notify.finish();
        }
        transaction.commit();
        inserted = true;
        record = get(id);
    }
    if (inserted)
        notifyEnqueued(record);
    if (created)
        *created = inserted;
    return record;
}

db::OperationRecord OperationQueue::requestCancel(qint64 id)
{
    // Each UPDATE is guarded by the status it expects, so a worker finishing at the same
    // moment wins or loses cleanly without a lock.
    QSqlQuery queued = m_database.prepare(QStringLiteral(
        "UPDATE sync_operations SET status = 'cancelled', cancel_requested = ?, finished_at = ?, "
        "error = 'cancelled before it started' WHERE id = ? AND status = 'queued'"));
    queued.addBindValue(true);
    queued.addBindValue(m_database.dialect().toDb(now()));
    queued.addBindValue(id);
    m_database.exec(queued, "cancelling a queued operation");
    if (queued.numRowsAffected() > 0) {
        appendLog(id, QStringLiteral("cancelled while queued"));
        return get(id);
    }
    QSqlQuery running = m_database.prepare(
        QStringLiteral("UPDATE sync_operations SET cancel_requested = ? "
                       "WHERE id = ? AND status = 'running' AND cancel_requested = ?"));
    running.addBindValue(true);
    running.addBindValue(id);
    running.addBindValue(false);
    m_database.exec(running, "requesting the cancel of a running operation");
    const bool requested = running.numRowsAffected() > 0;
    if (requested)
        appendLog(id, QStringLiteral("cancel requested; the worker stops at its next heartbeat"));

    // The worker may see the request and stop before the read below: the operation is then
    // already 'cancelled' by this very request, which is a success, not a conflict.
    const db::OperationRecord record = get(id);
    if (!requested && record.status != QLatin1String("running"))
        throw Error(Error::Kind::Conflict, QStringLiteral("operation_finished"),
                    QStringLiteral("operation %1 already finished (%2); nothing to cancel")
                        .arg(id)
                        .arg(record.status),
                    QJsonObject { { QStringLiteral("operation_id"), id }, { QStringLiteral("status"), record.status } });
    return record;
}

db::OperationRecord OperationQueue::retry(qint64 id)
{
    const db::OperationRecord original = get(id);
    if (original.status != QLatin1String("failed") && original.status != QLatin1String("cancelled"))
        throw Error(Error::Kind::Conflict,
                    original.status == QLatin1String("queued") || original.status == QLatin1String("running")
                        ? QStringLiteral("operation_%1").arg(original.status)
                        : QStringLiteral("operation_finished"),
                    QStringLiteral(
                        "operation %1 is %2; only a failed or cancelled operation can be retried")
                        .arg(id)
                        .arg(original.status),
                    QJsonObject { { QStringLiteral("operation_id"), id }, { QStringLiteral("status"), original.status } });
    EnqueueRequest request;
    request.pairId = original.pairId;
    request.mode = modes().contains(original.mode) ? original.mode : QString();
    request.dryRun = original.dryRun;
    request.fullResync = original.fullResync;
    request.trigger = QStringLiteral("retry");
    const db::OperationRecord created = insertQueued(request, id);
    if (created.retryOf == id)
        appendLog(id, QStringLiteral("retried as operation %1").arg(created.id));
    return created;
}

db::OperationRecord OperationQueue::get(qint64 id) const
{
    QSqlQuery query
        = m_database.prepare(QStringLiteral("SELECT %1 FROM sync_operations WHERE id = ?")
                                 .arg(db::OperationRepository::columns()));
    query.addBindValue(id);
    m_database.exec(query, "reading a sync operation");
    if (!query.next())
        throw Error(Error::Kind::NotFound, QStringLiteral("sync operation %1 not found").arg(id),
                    QJsonObject { { QStringLiteral("operation_id"), id } });
    const db::OperationRecord record
        = db::OperationRepository::readRecord(query, m_database.dialect());
    query.finish();
    return record;
}

QList<db::OperationRecord> OperationQueue::list(const ListFilter &filter) const
{
    // Only constant fragments are pasted; every value is bound.
    QStringList where;
    QVariantList values;
    if (filter.pairId > 0) {
        where << QStringLiteral("pair_id = ?");
        values << filter.pairId;
    }
    if (!filter.status.isEmpty()) {
        where << QStringLiteral("status = ?");
        values << filter.status;
    }
    if (filter.since.isValid()) {
        where << QStringLiteral("created_at >= ?");
        values << m_database.dialect().toDb(filter.since);
    }
    if (filter.before.isValid()) {
        where << QStringLiteral("created_at < ?");
        values << m_database.dialect().toDb(filter.before);
    }
    if (filter.beforeId > 0) {
        where << QStringLiteral("id < ?");
        values << filter.beforeId;
    }
    QString sql
        = QStringLiteral("SELECT %1 FROM sync_operations").arg(db::OperationRepository::columns());
    if (!where.isEmpty())
        sql += QStringLiteral(" WHERE ") + where.join(QStringLiteral(" AND "));
    sql += QStringLiteral(" ORDER BY id DESC LIMIT ?");
    values << qBound(0, filter.limit, 1000);

    QSqlQuery query = m_database.prepare(sql);
    for (const QVariant &value : std::as_const(values))
        query.addBindValue(value);
    m_database.exec(query, "listing sync operations");
    QList<db::OperationRecord> records;
    while (query.next())
        records << db::OperationRepository::readRecord(query, m_database.dialect());
    return records;
}

void OperationQueue::appendLog(qint64 id, const QString &line)
{
    QSqlQuery query = m_database.prepare(QStringLiteral(
        "INSERT INTO operation_logs (operation_id, created_at, line) VALUES (?, ?, ?)"));
    query.addBindValue(id);
    query.addBindValue(m_database.dialect().toDb(now()));
    query.addBindValue(line);
    m_database.exec(query, "writing an operation log line");
}

QStringList OperationQueue::logLines(qint64 id) const
{
    QSqlQuery query = m_database.prepare(QStringLiteral(
        "SELECT created_at, line FROM operation_logs WHERE operation_id = ? ORDER BY id"));
    query.addBindValue(id);
    m_database.exec(query, "reading operation log lines");
    QStringList lines;
    while (query.next())
        lines << m_database.dialect().fromDb(query.value(0)).toString(Qt::ISODateWithMs)
                + QLatin1Char(' ') + query.value(1).toString();
    return lines;
}

void OperationQueue::saveChanges(qint64 id, const QJsonArray &changes)
{
    QSqlQuery query
        = m_database.prepare(QStringLiteral("UPDATE sync_operations SET changes = ? WHERE id = ?"));
    query.addBindValue(QString::fromUtf8(QJsonDocument(changes).toJson(QJsonDocument::Compact)));
    query.addBindValue(id);
    m_database.exec(query, "saving a dry run's change set");
    if (query.numRowsAffected() == 0)
        throw Error(Error::Kind::NotFound, QStringLiteral("sync operation %1 not found").arg(id));
}

QJsonArray OperationQueue::changes(qint64 id) const
{
    QSqlQuery query
        = m_database.prepare(QStringLiteral("SELECT changes FROM sync_operations WHERE id = ?"));
    query.addBindValue(id);
    m_database.exec(query, "reading a dry run's change set");
    if (!query.next())
        throw Error(Error::Kind::NotFound, QStringLiteral("sync operation %1 not found").arg(id));
    const QVariant value = query.value(0);
    return value.isNull() ? QJsonArray()
                          : QJsonDocument::fromJson(value.toString().toUtf8()).array();
}

} // namespace tf::sync
