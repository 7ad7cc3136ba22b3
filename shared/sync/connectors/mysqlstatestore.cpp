#include "mysqlstatestore.h"

#include "checkpointcodec.h"
#include "core/errors.h"
#include "lastperkey.h"
#include "mysqlsession.h"

#include <QHash>

#include <atomic>

namespace tf::sync::mysql {

namespace {

std::atomic<quint64> g_nextStoreId { 1 };
constexpr Session::Role kWrite = Session::Role::Write;
constexpr int kRowsPerStatement = 500;

QString tuples(int rows, const QString &tuple)
{
    QStringList all;
    all.reserve(rows);
    for (int r = 0; r < rows; ++r)
        all << tuple;
    return all.join(QLatin1Char(','));
}

// One multi-row statement per chunk of `total` items.
void runChunked(Session &session, qsizetype total, const std::function<QString(int)> &sqlFor,
                const std::function<void(QVariantList &, qsizetype)> &bind, const char *what)
{
    for (qsizetype start = 0; start < total; start += kRowsPerStatement) {
        const int rows = int(qMin<qsizetype>(kRowsPerStatement, total - start));
        QVariantList values;
        for (int i = 0; i < rows; ++i)
            bind(values, start + i);
        session.run(kWrite, sqlFor(rows), values, what);
    }
}

} // namespace

StateStore::StateStore(Session &session)
    : m_session(session)
{
    const quint64 id = g_nextStoreId++;
    m_stageTable = QStringLiteral("tf_stage_%1").arg(id);
    m_diffTable = QStringLiteral("tf_diff_%1").arg(id);
    m_session.execDirect(kWrite,
                         QStringLiteral("CREATE TABLE IF NOT EXISTS tf_sync_state (pair_id VARCHAR(191) NOT NULL, "
                                        "entity VARCHAR(191) NOT NULL, key_md5 BINARY(16) NOT NULL, source_key LONGTEXT NOT NULL, "
                                        "hash VARCHAR(64), target_key LONGTEXT, PRIMARY KEY (pair_id, entity, key_md5)) "
                                        "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"),
                         "creating the sync state table");
    m_session.execDirect(kWrite,
                         QStringLiteral("CREATE TABLE IF NOT EXISTS tf_sync_checkpoint (pair_id VARCHAR(191) NOT NULL, "
                                        "entity VARCHAR(191) NOT NULL, cursor_value LONGTEXT, cursor_type VARCHAR(255), "
                                        "key_text LONGTEXT, updated_at DATETIME(6), PRIMARY KEY (pair_id, entity)) "
                                        "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"),
                         "creating the sync checkpoint table");
}

StateStore::~StateStore() = default; // TEMPORARY tables die with the connection

std::optional<Checkpoint> StateStore::checkpoint(const QString &pairId, const QString &entity)
{
    QSqlQuery query = m_session.run(kWrite,
                                    QStringLiteral("SELECT cursor_value, cursor_type, key_text FROM tf_sync_checkpoint "
                                                   "WHERE pair_id = ? AND entity = ?"),
                                    { pairId, entity }, "reading a sync checkpoint");
    if (!query.next())
        return std::nullopt;
    return decodeCheckpoint(query.value(0), query.value(1).toString(), query.value(2).toString());
}

void StateStore::saveCheckpoint(const QString &pairId, const QString &entity, const Checkpoint &checkpoint)
{
    SessionTransaction transaction(m_session, kWrite);
    writeCheckpoint(pairId, entity, checkpoint);
    transaction.commit();
}

void StateStore::writeCheckpoint(const QString &pairId, const QString &entity, const Checkpoint &checkpoint)
{
    const CheckpointText text = encodeCheckpoint(checkpoint);
    m_session.run(kWrite,
                  QStringLiteral("INSERT INTO tf_sync_checkpoint (pair_id, entity, cursor_value, cursor_type, key_text, "
                                 "updated_at) VALUES (?, ?, ?, ?, ?, UTC_TIMESTAMP(6)) ON DUPLICATE KEY UPDATE "
                                 "cursor_value = VALUES(cursor_value), cursor_type = VALUES(cursor_type), "
                                 "key_text = VALUES(key_text), updated_at = VALUES(updated_at)"),
                  { pairId, entity, text.cursorValue, text.types, text.keyText }, "saving a sync checkpoint");
}

void StateStore::beginStaging(const QString &pairId, const QString &entity)
{
    m_session.execDirect(kWrite,
                         QStringLiteral("CREATE TEMPORARY TABLE IF NOT EXISTS %1 (key_md5 BINARY(16) PRIMARY KEY, "
                                        "source_key LONGTEXT NOT NULL, hash VARCHAR(64)) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin")
                             .arg(m_stageTable),
                         "creating the staging table");
    m_session.execDirect(kWrite,
                         QStringLiteral("CREATE TEMPORARY TABLE IF NOT EXISTS %1 (seq BIGINT AUTO_INCREMENT PRIMARY KEY, "
                                        "kind TINYINT NOT NULL, source_key LONGTEXT NOT NULL, hash VARCHAR(64), target_key LONGTEXT) "
                                        "DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin")
                             .arg(m_diffTable),
                         "creating the diff table");
    m_session.execDirect(kWrite, QStringLiteral("DELETE FROM %1").arg(m_stageTable), "clearing the staging table");
    m_session.execDirect(kWrite, QStringLiteral("DELETE FROM %1").arg(m_diffTable), "clearing the diff table");
    m_pairId = pairId;
    m_entity = entity;
    m_staging = true;
}

void StateStore::stage(const QList<QPair<QString, QByteArray>> &keyHashes)
{
    if (!m_staging)
        throw Error(Error::Kind::Internal, QStringLiteral("stage() called before beginStaging()"));
    stageUniqueKeys(m_entity, [&] {
        runChunked(
            m_session, keyHashes.size(),
            [&](int rows) {
                return QStringLiteral("INSERT INTO %1 (key_md5, source_key, hash) VALUES %2")
                    .arg(m_stageTable, tuples(rows, QStringLiteral("(UNHEX(MD5(?)), ?, ?)")));
            },
            [&](QVariantList &values, qsizetype i) {
                const auto &[key, hash] = keyHashes.at(i);
                values << key << key << QString::fromLatin1(hash);
            },
            "staging source keys");
    });
}

void StateStore::diff(int batchSize, const std::function<bool(const QList<KeyChange> &)> &sink)
{
    if (!m_staging)
        throw Error(Error::Kind::Internal, QStringLiteral("diff() called before beginStaging()"));
    // Materialised first: what the sink writes to the state while we page cannot shift it.
    m_session.execDirect(kWrite, QStringLiteral("DELETE FROM %1").arg(m_diffTable), "clearing the diff table");
    m_session.run(kWrite,
                  QStringLiteral("INSERT INTO %1 (kind, source_key, hash, target_key) "
                                 "SELECT IF(st.key_md5 IS NULL, 0, 1), s.source_key, s.hash, st.target_key FROM %2 s "
                                 "LEFT JOIN tf_sync_state st ON st.pair_id = ? AND st.entity = ? AND st.key_md5 = s.key_md5 "
                                 "WHERE st.key_md5 IS NULL OR st.hash IS NULL OR st.hash <> s.hash ORDER BY s.key_md5")
                      .arg(m_diffTable, m_stageTable),
                  { m_pairId, m_entity }, "finding inserted and updated keys");
    m_session.run(kWrite,
                  QStringLiteral("INSERT INTO %1 (kind, source_key, hash, target_key) "
                                 "SELECT 2, st.source_key, NULL, st.target_key FROM tf_sync_state st "
                                 "LEFT JOIN %2 s ON s.key_md5 = st.key_md5 "
                                 "WHERE st.pair_id = ? AND st.entity = ? AND s.key_md5 IS NULL ORDER BY st.key_md5")
                      .arg(m_diffTable, m_stageTable),
                  { m_pairId, m_entity }, "finding deleted keys");
    const int limit = qMax(1, batchSize);
    qint64 last = 0;
    for (;;) {
        QList<KeyChange> changes;
        {
            QSqlQuery page = m_session.run(kWrite,
                                           QStringLiteral("SELECT seq, kind, source_key, hash, target_key FROM %1 "
                                                          "WHERE seq > ? ORDER BY seq LIMIT ?")
                                               .arg(m_diffTable),
                                           { last, limit }, "reading the diff");
            while (page.next()) {
                last = page.value(0).toLongLong();
                const int kind = page.value(1).toInt();
                changes.append(KeyChange { changeKindOf(kind),
                                           page.value(2).toString(), page.value(3).toString().toLatin1(),
                                           page.value(4).toString() });
            }
        }
        if (changes.isEmpty() || !sink(changes) || changes.size() < limit)
            return;
    }
}

void StateStore::endStaging()
{
    if (!m_staging)
        return;
    m_staging = false;
    m_session.execDirect(kWrite, QStringLiteral("DROP TEMPORARY TABLE IF EXISTS %1").arg(m_stageTable), "dropping the staging table");
    m_session.execDirect(kWrite, QStringLiteral("DROP TEMPORARY TABLE IF EXISTS %1").arg(m_diffTable), "dropping the diff table");
}

qint64 StateStore::count(const QString &pairId, const QString &entity)
{
    QSqlQuery query = m_session.run(kWrite, QStringLiteral("SELECT COUNT(*) FROM tf_sync_state WHERE pair_id = ? AND entity = ?"),
                                    { pairId, entity }, "counting sync state");
    return query.next() ? query.value(0).toLongLong() : 0;
}

QList<sync::StateEntry> StateStore::stateOf(const QString &pairId, const QString &entity, const QStringList &sourceKeys)
{
    QList<sync::StateEntry> found;
    constexpr qsizetype kChunk = 500;
    for (qsizetype start = 0; start < sourceKeys.size(); start += kChunk) {
        const int rows = int(qMin(kChunk, sourceKeys.size() - start));
        QVariantList values { pairId, entity };
        for (int i = 0; i < rows; ++i)
            values << sourceKeys.at(start + i);
        QSqlQuery query = m_session.run(kWrite,
                                        QStringLiteral("SELECT source_key, hash, target_key FROM tf_sync_state "
                                                       "WHERE pair_id = ? AND entity = ? AND key_md5 IN (%1)")
                                            .arg(tuples(rows, QStringLiteral("UNHEX(MD5(?))"))),
                                        values, "looking up sync state");
        while (query.next())
            found << sync::StateEntry { query.value(0).toString(), query.value(1).toString().toLatin1(), query.value(2).toString() };
    }
    return found;
}

void StateStore::clear(const QString &pairId, const QString &entity)
{
    SessionTransaction transaction(m_session, kWrite);
    for (const QString &table : { QStringLiteral("tf_sync_state"), QStringLiteral("tf_sync_checkpoint") })
        m_session.run(kWrite, QStringLiteral("DELETE FROM %1 WHERE pair_id = ? AND entity = ?").arg(table), { pairId, entity },
                      "clearing sync state");
    transaction.commit();
}

void StateStore::writeState(const ChangeBatch &batch)
{
    const QString entity = batch.stateEntity.isEmpty() ? batch.entity : batch.stateEntity;
    runChunked(
        m_session, batch.stateDeletes.size(),
        [&](int rows) {
            return QStringLiteral("DELETE FROM tf_sync_state WHERE pair_id = ? AND entity = ? AND key_md5 IN (%1)")
                .arg(tuples(rows, QStringLiteral("UNHEX(MD5(?))")));
        },
        [&](QVariantList &values, qsizetype i) {
            if (values.isEmpty())
                values << batch.pairId << entity;
            values << batch.stateDeletes.at(i);
        },
        "deleting sync state");
    const QList<StateEntry> upserts = lastStatePerKey(batch.stateUpserts); // the last entry of a key wins
    runChunked(
        m_session, upserts.size(),
        [&](int rows) {
            return QStringLiteral("INSERT INTO tf_sync_state (pair_id, entity, key_md5, source_key, hash, target_key) "
                                  "VALUES %1 ON DUPLICATE KEY UPDATE hash = VALUES(hash), target_key = VALUES(target_key)")
                .arg(tuples(rows, QStringLiteral("(?, ?, UNHEX(MD5(?)), ?, ?, ?)")));
        },
        [&](QVariantList &values, qsizetype i) {
            const StateEntry &entry = upserts.at(i);
            values << batch.pairId << entity << entry.sourceKey << entry.sourceKey << QString::fromLatin1(entry.hash)
                   << entry.targetKey;
        },
        "writing sync state");
    if (batch.checkpoint)
        writeCheckpoint(batch.pairId, entity, *batch.checkpoint);
}

} // namespace tf::sync::mysql
