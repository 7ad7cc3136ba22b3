#include "chunkqueue.h"

#include "core/errors.h"
#include "db/connection.h"
#include "db/repositories/rowhelpers.h"

#include <QLoggingCategory>
#include <QMutex>
#include <QMutexLocker>

namespace tf::sync {

Q_LOGGING_CATEGORY(lcChunks, "sync.queue.chunks")

namespace {

// Claims of one operation's chunks serialise on this advisory lock (PostgreSQL), so the
// workers_per_pair limit holds across nodes. SQLite's BEGIN IMMEDIATE serialises anyway.
constexpr qint64 kChunkLockBase = 0x7466630000000000; // "tfc" + operation id

QMutex g_sqliteClaimMutex;

const QString kColumns = QStringLiteral(
    "c.operation_id, o.pair_id, c.entity, c.chunk_no, c.chunk_count, c.key_from, c.key_to, "
    "c.status, c.node_id, c.attempt, c.checkpoint_key, c.rows_done, c.statistics, c.error, c.sweep");

std::optional<QString> optionalText(const QVariant &value)
{
    if (value.isNull())
        return std::nullopt;
    return value.toString();
}

ChunkRecord readChunk(const QSqlQuery &query)
{
    ChunkRecord chunk;
    chunk.operationId = query.value(0).toLongLong();
    chunk.pairId = query.value(1).toLongLong();
    chunk.entity = query.value(2).toString();
    chunk.chunkNo = query.value(3).toInt();
    chunk.chunkCount = query.value(4).toInt();
    chunk.range.from = optionalText(query.value(5));
    chunk.range.to = optionalText(query.value(6));
    chunk.status = query.value(7).toString();
    chunk.nodeId = query.value(8).toString();
    chunk.attempt = query.value(9).toInt();
    if (!query.value(10).isNull())
        chunk.checkpointKey = query.value(10).toString().toLongLong();
    chunk.rowsDone = query.value(11).toLongLong();
    const QJsonObject statistics = db::rows::jsonObject(query.value(12));
    chunk.stats = ChunkQueue::statsFrom(statistics);
    chunk.targetEmpty = statistics.value(QStringLiteral("target_empty")).toBool();
    chunk.error = query.value(13).toString();
    chunk.sweep = query.value(14).toBool();
    return chunk;
}

void bindKey(QSqlQuery &query, const ChunkRecord &chunk)
{
    query.addBindValue(chunk.operationId);
    query.addBindValue(chunk.entity);
    query.addBindValue(chunk.chunkNo);
}

const QString kKey = QStringLiteral("operation_id = ? AND entity = ? AND chunk_no = ?");

QVariant optionalValue(const std::optional<QString> &value)
{
    return value ? QVariant(*value) : db::Dialect::nullOf(QMetaType::QString);
}

} // namespace

QString ChunkRecord::describe() const
{
    return QStringLiteral("chunk %1/%2 of %3").arg(chunkNo).arg(chunkCount).arg(entity);
}

ChunkQueue::ChunkQueue(const db::Database &control)
    : m_database(control)
{ }

QJsonObject ChunkQueue::statsJson(const EntityStats &stats)
{
    return stats.toJson();
}

EntityStats ChunkQueue::statsFrom(const QJsonObject &json)
{
    EntityStats stats;
    stats.read = json.value(QStringLiteral("read")).toInteger();
    stats.inserted = json.value(QStringLiteral("inserted")).toInteger();
    stats.updated = json.value(QStringLiteral("updated")).toInteger();
    stats.deleted = json.value(QStringLiteral("deleted")).toInteger();
    stats.unchanged = json.value(QStringLiteral("unchanged")).toInteger();
    stats.quarantined = json.value(QStringLiteral("quarantined")).toInteger();
    stats.failed = json.value(QStringLiteral("failed")).toInteger();
    return stats;
}

void ChunkQueue::plan(qint64 operationId, const Plan &plan)
{
    db::Transaction transaction(m_database);
    for (int i = 0; i < plan.ranges.size(); ++i) {
        QSqlQuery insert = m_database.prepare(QStringLiteral(
            "INSERT INTO operation_chunks (operation_id, entity, chunk_no, chunk_count, key_from, "
            "key_to, estimate, max_workers, sweep, statistics) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
        insert.addBindValue(operationId);
        insert.addBindValue(plan.entity);
        insert.addBindValue(i + 1);
        insert.addBindValue(int(plan.ranges.size()));
        insert.addBindValue(optionalValue(plan.ranges.at(i).from));
        insert.addBindValue(optionalValue(plan.ranges.at(i).to));
        insert.addBindValue(plan.estimate);
        insert.addBindValue(qMax(1, plan.maxWorkers));
        insert.addBindValue(plan.sweep);
        // Read at the claim; the first heartbeat replaces it with the chunk's stats.
        insert.addBindValue(plan.targetEmpty
                                ? QVariant(db::rows::jsonText(QJsonObject { { QStringLiteral("target_empty"), true } }))
                                : db::Dialect::nullOf(QMetaType::QString));
        m_database.exec(insert, "planning the chunks of a load");
    }
    transaction.commit();
}

ChunkSummary ChunkQueue::summary(qint64 operationId, const QString &entity) const
{
    QSqlQuery query = m_database.prepare(
        QStringLiteral("SELECT status, rows_done, estimate, sweep, statistics, error "
                       "FROM operation_chunks WHERE operation_id = ? AND entity = ? ORDER BY chunk_no"));
    query.addBindValue(operationId);
    query.addBindValue(entity);
    m_database.exec(query, "reading the chunks of a load");
    ChunkSummary summary;
    while (query.next()) {
        const QString status = query.value(0).toString();
        ++summary.total;
        summary.done += status == QLatin1String("done");
        if (status == QLatin1String("failed")) {
            ++summary.failed;
            summary.error = query.value(5).toString();
        }
        summary.rowsDone += query.value(1).toLongLong();
        summary.estimate = query.value(2).toLongLong();
        summary.sweep = query.value(3).toBool();
        summary.stats += statsFrom(db::rows::jsonObject(query.value(4)));
    }
    return summary;
}

int ChunkQueue::requeueFailed(qint64 operationId, const QString &entity)
{
    QSqlQuery query = m_database.prepare(
        QStringLiteral("UPDATE operation_chunks SET status = 'queued', not_before = NULL "
                       "WHERE operation_id = ? AND entity = ? AND status = 'failed'"));
    query.addBindValue(operationId);
    query.addBindValue(entity);
    m_database.exec(query, "re-queueing failed chunks");
    return query.numRowsAffected();
}

std::optional<ChunkRecord> ChunkQueue::claim(const QString &nodeId, std::chrono::milliseconds lease,
                                             qint64 operationId)
{
    std::optional<QMutexLocker<QMutex>> serialise;
    if (!m_database.dialect().supportsSkipLocked())
        serialise.emplace(&g_sqliteClaimMutex);
    return claimOnce(nodeId, lease, operationId);
}

std::optional<ChunkRecord> ChunkQueue::claimOnce(const QString &nodeId,
                                                 std::chrono::milliseconds lease, qint64 operationId)
{
    const db::Dialect &dialect = m_database.dialect();
    const QDateTime at = QDateTime::currentDateTimeUtc();
    const QVariant now = dialect.toDb(at);
    ChunkRecord chunk;
    {
        db::Transaction transaction(m_database);
        QString sql = QStringLiteral(
            "SELECT c.operation_id, c.entity, c.chunk_no, c.max_workers FROM operation_chunks c "
            "JOIN sync_operations o ON o.id = c.operation_id "
            "WHERE o.status = 'running' AND o.cancel_requested = ? %1"
            "AND ((c.status = 'queued' AND (c.not_before IS NULL OR c.not_before <= ?)) "
            "     OR (c.status = 'running' AND c.lease_until < ?)) "
            "AND (SELECT count(*) FROM operation_chunks r WHERE r.operation_id = c.operation_id "
            "     AND r.status = 'running' AND r.lease_until >= ?) < c.max_workers "
            "ORDER BY c.operation_id, c.entity, c.chunk_no LIMIT 1")
                          .arg(operationId > 0 ? QStringLiteral("AND c.operation_id = ? ") : QString());
        if (dialect.supportsSkipLocked())
            sql += QStringLiteral(" FOR UPDATE OF c SKIP LOCKED");
        QSqlQuery candidate = m_database.prepare(sql);
        candidate.addBindValue(false);
        if (operationId > 0)
            candidate.addBindValue(operationId);
        candidate.addBindValue(now);
        candidate.addBindValue(now);
        candidate.addBindValue(now);
        m_database.exec(candidate, "looking for a chunk to claim");
        if (!candidate.next()) {
            candidate.finish();
            transaction.commit();
            return std::nullopt;
        }
        chunk.operationId = candidate.value(0).toLongLong();
        chunk.entity = candidate.value(1).toString();
        chunk.chunkNo = candidate.value(2).toInt();
        const int maxWorkers = candidate.value(3).toInt();
        candidate.finish();

        // The limit again, now that claims of this operation take turns.
        transaction.lock(kChunkLockBase + chunk.operationId);
        QSqlQuery running = m_database.prepare(
            QStringLiteral("SELECT count(*) FROM operation_chunks WHERE operation_id = ? "
                           "AND status = 'running' AND lease_until >= ?"));
        running.addBindValue(chunk.operationId);
        running.addBindValue(now);
        m_database.exec(running, "counting the running chunks of an operation");
        const int live = running.next() ? running.value(0).toInt() : 0;
        running.finish();
        if (live >= maxWorkers) {
            transaction.commit();
            return std::nullopt;
        }
        QSqlQuery update = m_database.prepare(
            QStringLiteral("UPDATE operation_chunks SET status = 'running', node_id = ?, "
                           "lease_until = ?, attempt = attempt + 1, not_before = NULL WHERE %1 "
                           "AND (status = 'queued' OR (status = 'running' AND lease_until < ?))")
                .arg(kKey));
        update.addBindValue(nodeId);
        update.addBindValue(dialect.toDb(at.addMSecs(lease.count())));
        bindKey(update, chunk);
        update.addBindValue(now);
        m_database.exec(update, "claiming a chunk");
        const bool claimed = update.numRowsAffected() == 1;
        transaction.commit();
        if (!claimed)
            return std::nullopt;
    }
    QSqlQuery read = m_database.prepare(
        QStringLiteral("SELECT %1 FROM operation_chunks c JOIN sync_operations o ON o.id = c.operation_id "
                       "WHERE c.operation_id = ? AND c.entity = ? AND c.chunk_no = ?")
            .arg(kColumns));
    bindKey(read, chunk);
    m_database.exec(read, "reading a claimed chunk");
    if (!read.next())
        return std::nullopt;
    chunk = readChunk(read);
    read.finish();
    qCDebug(lcChunks, "node %s claimed %s of operation %lld (attempt %d)", qPrintable(nodeId),
            qPrintable(chunk.describe()), static_cast<long long>(chunk.operationId), chunk.attempt);
    return chunk;
}

bool ChunkQueue::heartbeat(const ChunkRecord &chunk, const QString &nodeId,
                           std::chrono::milliseconds lease, std::optional<qint64> checkpointKey,
                           const EntityStats &stats, qint64 rowsDone)
{
    const QDateTime at = QDateTime::currentDateTimeUtc();
    // A chunk keeps running while its operation waits for a new coordinator (queued after
    // its node died); it stops when the operation ended or a cancel was asked.
    QSqlQuery query = m_database.prepare(
        QStringLiteral("UPDATE operation_chunks SET lease_until = ?, "
                       "checkpoint_key = COALESCE(?, checkpoint_key), rows_done = ?, statistics = ? "
                       "WHERE %1 AND status = 'running' AND node_id = ? AND attempt = ? "
                       "AND EXISTS (SELECT 1 FROM sync_operations o WHERE o.id = operation_chunks.operation_id "
                       "            AND o.status IN ('running', 'queued') AND o.cancel_requested = ?)")
            .arg(kKey));
    query.addBindValue(m_database.dialect().toDb(at.addMSecs(lease.count())));
    query.addBindValue(checkpointKey ? QVariant(QString::number(*checkpointKey))
                                     : db::Dialect::nullOf(QMetaType::QString));
    query.addBindValue(rowsDone >= 0 ? rowsDone : stats.read);
    query.addBindValue(db::rows::jsonText(statsJson(stats)));
    bindKey(query, chunk);
    query.addBindValue(nodeId);
    query.addBindValue(chunk.attempt);
    query.addBindValue(false);
    m_database.exec(query, "renewing a chunk's lease");
    return query.numRowsAffected() == 1;
}

void ChunkQueue::finish(const ChunkRecord &chunk, const QString &nodeId, const EntityStats &stats)
{
    QSqlQuery query = m_database.prepare(
        QStringLiteral("UPDATE operation_chunks SET status = 'done', lease_until = NULL, "
                       "rows_done = ?, statistics = ?, error = NULL "
                       "WHERE %1 AND status = 'running' AND node_id = ? AND attempt = ?")
            .arg(kKey));
    query.addBindValue(stats.read);
    query.addBindValue(db::rows::jsonText(statsJson(stats)));
    bindKey(query, chunk);
    query.addBindValue(nodeId);
    query.addBindValue(chunk.attempt);
    m_database.exec(query, "finishing a chunk");
    if (query.numRowsAffected() == 0)
        qCWarning(lcChunks, "%s of operation %lld was not marked done: node %s lost its lease",
                  qPrintable(chunk.describe()), static_cast<long long>(chunk.operationId),
                  qPrintable(nodeId));
}

void ChunkQueue::release(const ChunkRecord &chunk, const QString &nodeId,
                         std::chrono::milliseconds delay, const QString &error, bool failed)
{
    QSqlQuery query = m_database.prepare(
        QStringLiteral("UPDATE operation_chunks SET status = ?, lease_until = NULL, not_before = ?, "
                       "error = ? WHERE %1 AND status = 'running' AND node_id = ? AND attempt = ?")
            .arg(kKey));
    query.addBindValue(failed ? QStringLiteral("failed") : QStringLiteral("queued"));
    query.addBindValue(m_database.dialect().toDb(QDateTime::currentDateTimeUtc().addMSecs(delay.count())));
    query.addBindValue(db::rows::textOrNull(error));
    bindKey(query, chunk);
    query.addBindValue(nodeId);
    query.addBindValue(chunk.attempt);
    m_database.exec(query, "releasing a chunk");
}

} // namespace tf::sync
