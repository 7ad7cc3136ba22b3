#include "odbcstatestore.h"

#include "checkpointcodec.h"
#include "core/errors.h"
#include "lastperkey.h"
#include "odbcsession.h"

#include <QCryptographicHash>
#include <QHash>

#include <atomic>

namespace tf::sync::odbc {

namespace {

std::atomic<quint64> g_nextStoreId { 1 };

QString md5(const QString &key)
{
    return QString::fromLatin1(QCryptographicHash::hash(key.toUtf8(), QCryptographicHash::Md5).toHex());
}

// One multi-row statement per chunk of `total` items, `perItem` parameters each.
void runChunked(Session &session, qsizetype total, int perItem, const std::function<QString(int)> &sqlFor,
                const std::function<void(QVariantList &, qsizetype)> &bind, const char *what)
{
    const int chunk = qMax(1, qMin(500, (session.dialect().maxParameters() - 2) / perItem));
    for (qsizetype start = 0; start < total; start += chunk) {
        const int rows = int(qMin<qsizetype>(chunk, total - start));
        QVariantList values;
        for (int i = 0; i < rows; ++i)
            bind(values, start + i);
        session.run(sqlFor(rows), values, what);
    }
}

QString list(int rows, const QString &item)
{
    return QStringList(rows, item).join(QStringLiteral(", "));
}

} // namespace

StateStore::StateStore(Session &session)
    : m_session(session)
{
    const quint64 id = g_nextStoreId++;
    m_stageTable = QStringLiteral("tf_stage_%1").arg(id);
    m_diffTable = QStringLiteral("tf_diff_%1").arg(id);
    const Dialect &d = m_session.dialect();
    const QStringList tables = m_session.connection().tables(QSql::Tables);
    const auto exists = [&](const QString &name) { return tables.contains(name, Qt::CaseInsensitive); };
    if (!exists(QStringLiteral("tf_odbc_sync_state"))) {
        m_session.execDirect(QStringLiteral("CREATE TABLE tf_odbc_sync_state (pair_id %1 NOT NULL, entity %1 NOT NULL, key_md5 CHAR(32) NOT NULL, "
                                            "source_key %2 NOT NULL, hash %3, target_key %2, PRIMARY KEY (pair_id, entity, key_md5))")
                                 .arg(d.keyType(191), d.textType(), d.keyType(64)),
                             "creating the sync state table");
    }
    if (!exists(QStringLiteral("tf_odbc_sync_checkpoint"))) {
        m_session.execDirect(QStringLiteral("CREATE TABLE tf_odbc_sync_checkpoint (pair_id %1 NOT NULL, entity %1 NOT NULL, cursor_value %2, "
                                            "cursor_type %3, key_text %2, PRIMARY KEY (pair_id, entity))")
                                 .arg(d.keyType(191), d.textType(), d.keyType(255)),
                             "creating the sync checkpoint table");
    }
}

StateStore::~StateStore()
{
    try {
        dropStaging();
    } catch (const Error &) {
        // The connection is gone: so are its temporary tables.
    }
}

std::optional<Checkpoint> StateStore::checkpoint(const QString &pairId, const QString &entity)
{
    QSqlQuery query = m_session.run(QStringLiteral("SELECT cursor_value, cursor_type, key_text FROM tf_odbc_sync_checkpoint "
                                                   "WHERE pair_id = ? AND entity = ?"),
                                    { pairId, entity }, "reading a sync checkpoint");
    if (!query.next())
        return std::nullopt;
    return decodeCheckpoint(query.value(0), query.value(1).toString(), query.value(2).toString());
}

void StateStore::saveCheckpoint(const QString &pairId, const QString &entity, const Checkpoint &checkpoint)
{
    SessionTransaction transaction(m_session);
    writeCheckpoint(pairId, entity, checkpoint);
    transaction.commit();
}

void StateStore::writeCheckpoint(const QString &pairId, const QString &entity, const Checkpoint &checkpoint)
{
    const CheckpointText text = encodeCheckpoint(checkpoint);
    m_session.run(QStringLiteral("DELETE FROM tf_odbc_sync_checkpoint WHERE pair_id = ? AND entity = ?"), { pairId, entity },
                  "saving a sync checkpoint");
    m_session.run(QStringLiteral("INSERT INTO tf_odbc_sync_checkpoint (pair_id, entity, cursor_value, cursor_type, key_text) "
                                 "VALUES (?, ?, ?, ?, ?)"),
                  { pairId, entity, text.cursorValue, text.types, text.keyText }, "saving a sync checkpoint");
}

void StateStore::beginStaging(const QString &pairId, const QString &entity)
{
    const Dialect &d = m_session.dialect();
    dropStaging();
    m_session.execDirect(d.createTemporary(m_stageTable, QStringLiteral("key_md5 CHAR(32) PRIMARY KEY, source_key %1 NOT NULL, hash %2")
                                                             .arg(d.textType(), d.keyType(64))),
                         "creating the staging table");
    m_session.execDirect(d.createTemporary(m_diffTable, QStringLiteral("key_md5 CHAR(32) PRIMARY KEY, kind INTEGER NOT NULL, "
                                                                       "source_key %1 NOT NULL, hash %2, target_key %1")
                                                            .arg(d.textType(), d.keyType(64))),
                         "creating the diff table");
    m_pairId = pairId;
    m_entity = entity;
    m_staging = true;
}

void StateStore::stage(const QList<QPair<QString, QByteArray>> &keyHashes)
{
    if (!m_staging)
        throw Error(Error::Kind::Internal, QStringLiteral("stage() called before beginStaging()"));
    const QString table = m_session.dialect().temporaryName(m_stageTable);
    stageUniqueKeys(m_entity, [&] {
        runChunked(
            m_session, keyHashes.size(), 3,
            [&](int rows) { return QStringLiteral("INSERT INTO %1 (key_md5, source_key, hash) VALUES %2").arg(table, list(rows, QStringLiteral("(?, ?, ?)"))); },
            [&](QVariantList &values, qsizetype i) {
                const auto &[key, hash] = keyHashes.at(i);
                values << md5(key) << key << QString::fromLatin1(hash);
            },
            "staging source keys");
    });
}

void StateStore::diff(int batchSize, const std::function<bool(const QList<KeyChange> &)> &sink)
{
    if (!m_staging)
        throw Error(Error::Kind::Internal, QStringLiteral("diff() called before beginStaging()"));
    const Dialect &d = m_session.dialect();
    const QString stage = d.temporaryName(m_stageTable);
    const QString diffTable = d.temporaryName(m_diffTable);
    // Materialised first: what the sink writes to the state while we page cannot shift it.
    m_session.execDirect(QStringLiteral("DELETE FROM %1").arg(diffTable), "clearing the diff table");
    m_session.run(QStringLiteral("INSERT INTO %1 (key_md5, kind, source_key, hash, target_key) "
                                 "SELECT s.key_md5, CASE WHEN st.key_md5 IS NULL THEN 0 ELSE 1 END, s.source_key, s.hash, st.target_key "
                                 "FROM %2 s LEFT JOIN tf_odbc_sync_state st ON st.pair_id = ? AND st.entity = ? AND st.key_md5 = s.key_md5 "
                                 "WHERE st.key_md5 IS NULL OR st.hash IS NULL OR st.hash <> s.hash")
                      .arg(diffTable, stage),
                  { m_pairId, m_entity }, "finding inserted and updated keys");
    m_session.run(QStringLiteral("INSERT INTO %1 (key_md5, kind, source_key, hash, target_key) "
                                 "SELECT st.key_md5, 2, st.source_key, NULL, st.target_key FROM tf_odbc_sync_state st "
                                 "LEFT JOIN %2 s ON s.key_md5 = st.key_md5 WHERE st.pair_id = ? AND st.entity = ? AND s.key_md5 IS NULL")
                      .arg(diffTable, stage),
                  { m_pairId, m_entity }, "finding deleted keys");
    const int limit = qMax(1, batchSize);
    QString last = QStringLiteral(" "); // below every hex digit; a null QString would bind NULL
    for (;;) {
        QList<KeyChange> changes;
        {
            QSqlQuery page = m_session.run(d.firstRows(QStringLiteral("SELECT key_md5, kind, source_key, hash, target_key FROM %1 "
                                                                      "WHERE key_md5 > ? ORDER BY key_md5")
                                                           .arg(diffTable)),
                                           { last, limit }, "reading the diff");
            while (page.next()) {
                last = page.value(0).toString();
                const int kind = page.value(1).toInt();
                changes.append(KeyChange { changeKindOf(kind),
                                           page.value(2).toString(), page.value(3).toString().toLatin1(), page.value(4).toString() });
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
    dropStaging();
}

void StateStore::dropStaging()
{
    const Dialect &d = m_session.dialect();
    for (const QString &name : { m_stageTable, m_diffTable }) {
        QSqlQuery query(m_session.connection());
        query.exec(QStringLiteral("DROP TABLE %1").arg(d.temporaryName(name))); // absent before the first staging
    }
}

qint64 StateStore::count(const QString &pairId, const QString &entity)
{
    QSqlQuery query = m_session.run(QStringLiteral("SELECT COUNT(*) FROM tf_odbc_sync_state WHERE pair_id = ? AND entity = ?"),
                                    { pairId, entity }, "counting sync state");
    return query.next() ? query.value(0).toLongLong() : 0;
}

QList<sync::StateEntry> StateStore::stateOf(const QString &pairId, const QString &entity, const QStringList &sourceKeys)
{
    QList<sync::StateEntry> found;
    const int chunk = qMax(1, qMin(500, m_session.dialect().maxParameters() - 2));
    for (qsizetype start = 0; start < sourceKeys.size(); start += chunk) {
        const int rows = int(qMin<qsizetype>(chunk, sourceKeys.size() - start));
        QVariantList values { pairId, entity };
        for (int i = 0; i < rows; ++i)
            values << md5(sourceKeys.at(start + i));
        QSqlQuery query = m_session.run(QStringLiteral("SELECT source_key, hash, target_key FROM tf_odbc_sync_state "
                                                       "WHERE pair_id = ? AND entity = ? AND key_md5 IN (%1)")
                                            .arg(list(rows, QStringLiteral("?"))),
                                        values, "looking up sync state");
        while (query.next())
            found << sync::StateEntry { query.value(0).toString(), query.value(1).toString().toLatin1(), query.value(2).toString() };
    }
    return found;
}

void StateStore::clear(const QString &pairId, const QString &entity)
{
    SessionTransaction transaction(m_session);
    for (const QString &table : { QStringLiteral("tf_odbc_sync_state"), QStringLiteral("tf_odbc_sync_checkpoint") })
        m_session.run(QStringLiteral("DELETE FROM %1 WHERE pair_id = ? AND entity = ?").arg(table), { pairId, entity },
                      "clearing sync state");
    transaction.commit();
}

void StateStore::writeState(const ChangeBatch &batch)
{
    const QString entity = batch.stateEntity.isEmpty() ? batch.entity : batch.stateEntity;
    const QList<StateEntry> upserts = lastStatePerKey(batch.stateUpserts); // the last entry of a key wins
    QStringList removed = batch.stateDeletes;
    for (const StateEntry &entry : upserts)
        removed << entry.sourceKey;
    const auto deleteSql = [&](int rows) {
        return QStringLiteral("DELETE FROM tf_odbc_sync_state WHERE pair_id = ? AND entity = ? AND key_md5 IN (%1)").arg(list(rows, QStringLiteral("?")));
    };
    const int chunk = qMax(1, qMin(500, m_session.dialect().maxParameters() - 2));
    for (qsizetype start = 0; start < removed.size(); start += chunk) {
        const int rows = int(qMin<qsizetype>(chunk, removed.size() - start));
        QVariantList values { batch.pairId, entity };
        for (int i = 0; i < rows; ++i)
            values << md5(removed.at(start + i));
        m_session.run(deleteSql(rows), values, "deleting sync state");
    }
    runChunked(
        m_session, upserts.size(), 6,
        [&](int rows) {
            return QStringLiteral("INSERT INTO tf_odbc_sync_state (pair_id, entity, key_md5, source_key, hash, target_key) VALUES %1")
                .arg(list(rows, QStringLiteral("(?, ?, ?, ?, ?, ?)")));
        },
        [&](QVariantList &values, qsizetype i) {
            const StateEntry &entry = upserts.at(i);
            values << batch.pairId << entity << md5(entry.sourceKey) << entry.sourceKey << QString::fromLatin1(entry.hash)
                   << entry.targetKey;
        },
        "writing sync state");
    if (batch.checkpoint)
        writeCheckpoint(batch.pairId, entity, *batch.checkpoint);
}

} // namespace tf::sync::odbc
