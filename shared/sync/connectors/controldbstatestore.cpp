#include "controldbstatestore.h"

#include "checkpointcodec.h"

#include "core/errors.h"
#include "db/connection.h"
#include "lastperkey.h"
#include "statelookup.h"

#include <QDateTime>
#include <QHash>
#include <QSqlQuery>

#include <atomic>
#include <functional>
#include <optional>

namespace tf::sync {

namespace {

std::atomic<quint64> g_nextStoreId { 1 };

// Rows per multi-row statement: 5 parameters x 200 stays far below both backends' limits
// (SQLite 32766, PostgreSQL 65535) while cutting round trips 200-fold.
constexpr int kRowsPerStatement = 200;

QString parameterList(int count)
{
    QString list;
    list.reserve(count * 2);
    for (int i = 0; i < count; ++i)
        list += i == 0 ? QStringLiteral("?") : QStringLiteral(",?");
    return list;
}

QString placeholders(int rows, int columns)
{
    const QString tuple = QLatin1Char('(') + parameterList(columns) + QLatin1Char(')');
    QStringList all;
    all.reserve(rows);
    for (int r = 0; r < rows; ++r)
        all << tuple;
    return all.join(QLatin1Char(','));
}

// Runs one multi-row statement per chunk of `total` items; the full-size statement is
// prepared once and re-used, only a shorter last chunk gets its own.
void runChunked(const db::Database &database, qsizetype total, const std::function<QString(int)> &sqlFor,
                const std::function<void(QSqlQuery &, qsizetype, int)> &bind, const char *what)
{
    std::optional<QSqlQuery> full;
    for (qsizetype start = 0; start < total; start += kRowsPerStatement) {
        const int rows = int(qMin<qsizetype>(kRowsPerStatement, total - start));
        std::optional<QSqlQuery> partial;
        if (rows == kRowsPerStatement && !full)
            full = database.prepare(sqlFor(rows));
        else if (rows != kRowsPerStatement)
            partial = database.prepare(sqlFor(rows));
        QSqlQuery &query = partial ? *partial : *full;
        bind(query, start, rows);
        database.exec(query, what);
    }
}

QString nowText()
{
    return QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzzZ"));
}

} // namespace

StateTables StateTables::controlDatabase()
{
    return { QStringLiteral("sync_state"), QStringLiteral("sync_checkpoints") };
}

StateTables StateTables::insideTarget()
{
    return { QStringLiteral("tf_sync_state"), QStringLiteral("tf_sync_checkpoint") };
}

ControlDbStateStore::ControlDbStateStore(const db::Database &database, StateTables tables)
    : m_database(database)
    , m_tables(std::move(tables))
{
    const quint64 id = g_nextStoreId++;
    m_stageTable = QStringLiteral("tf_stage_%1").arg(id);
    m_diffTable = QStringLiteral("tf_diff_%1").arg(id);
    createTables();
}

ControlDbStateStore::~ControlDbStateStore() = default; // TEMP tables die with the connection

QString ControlDbStateStore::quoted(const QString &name) const
{
    return m_database.dialect().quoteIdentifier(name);
}

void ControlDbStateStore::createTables()
{
    m_database.execDirect(QStringLiteral("CREATE TABLE IF NOT EXISTS %1 (pair_id TEXT, entity TEXT, source_key TEXT, "
                                         "hash TEXT, target_key TEXT, PRIMARY KEY(pair_id, entity, source_key))")
                              .arg(quoted(m_tables.state)),
                          "creating the sync state table");
    m_database.execDirect(QStringLiteral("CREATE TABLE IF NOT EXISTS %1 (pair_id TEXT, entity TEXT, cursor_value TEXT, "
                                         "cursor_type TEXT, key_text TEXT, updated_at TEXT, PRIMARY KEY(pair_id, entity))")
                              .arg(quoted(m_tables.checkpoints)),
                          "creating the sync checkpoint table");
}

std::optional<Checkpoint> ControlDbStateStore::checkpoint(const QString &pairId, const QString &entity)
{
    QSqlQuery query = m_database.prepare(
        QStringLiteral("SELECT cursor_value, cursor_type, key_text FROM %1 WHERE pair_id = ? AND entity = ?")
            .arg(quoted(m_tables.checkpoints)));
    query.addBindValue(pairId);
    query.addBindValue(entity);
    m_database.exec(query, "reading a sync checkpoint");
    if (!query.next())
        return std::nullopt;
    return decodeCheckpoint(query.value(0), query.value(1).toString(), query.value(2).toString());
}

void ControlDbStateStore::saveCheckpoint(const QString &pairId, const QString &entity, const Checkpoint &checkpoint)
{
    db::Transaction transaction(m_database);
    writeCheckpoint(pairId, entity, checkpoint);
    transaction.commit();
}

void ControlDbStateStore::writeCheckpoint(const QString &pairId, const QString &entity, const Checkpoint &checkpoint)
{
    const CheckpointText text = encodeCheckpoint(checkpoint);
    QSqlQuery query = m_database.prepare(
        QStringLiteral("INSERT INTO %1 (pair_id, entity, cursor_value, cursor_type, key_text, updated_at) "
                       "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (pair_id, entity) DO UPDATE SET "
                       "cursor_value = excluded.cursor_value, cursor_type = excluded.cursor_type, "
                       "key_text = excluded.key_text, updated_at = excluded.updated_at")
            .arg(quoted(m_tables.checkpoints)));
    query.addBindValue(pairId);
    query.addBindValue(entity);
    query.addBindValue(text.cursorValue);
    query.addBindValue(text.types);
    query.addBindValue(text.keyText);
    query.addBindValue(nowText());
    m_database.exec(query, "saving a sync checkpoint");
}

void ControlDbStateStore::beginStaging(const QString &pairId, const QString &entity)
{
    m_database.execDirect(QStringLiteral("CREATE TEMP TABLE IF NOT EXISTS %1 (source_key TEXT PRIMARY KEY, hash TEXT)")
                              .arg(quoted(m_stageTable)),
                          "creating the staging table");
    m_database.execDirect(QStringLiteral("CREATE TEMP TABLE IF NOT EXISTS %1 (kind INTEGER NOT NULL, source_key TEXT "
                                         "NOT NULL, hash TEXT, target_key TEXT, PRIMARY KEY (kind, source_key))")
                              .arg(quoted(m_diffTable)),
                          "creating the diff table");
    m_database.execDirect(QStringLiteral("DELETE FROM %1").arg(quoted(m_stageTable)), "clearing the staging table");
    m_database.execDirect(QStringLiteral("DELETE FROM %1").arg(quoted(m_diffTable)), "clearing the diff table");
    m_pairId = pairId;
    m_entity = entity;
    m_staging = true;
}

void ControlDbStateStore::stage(const QList<QPair<QString, QByteArray>> &keyHashes)
{
    if (!m_staging)
        throw Error(Error::Kind::Internal, QStringLiteral("stage() called before beginStaging()"));
    const QString insert = QStringLiteral("INSERT INTO %1 (source_key, hash) VALUES ").arg(quoted(m_stageTable));
    stageUniqueKeys(m_entity, [&] {
        runChunked(m_database, keyHashes.size(), [&](int rows) -> QString { return insert + placeholders(rows, 2); },
                   [&](QSqlQuery &query, qsizetype start, int rows) {
                       for (int i = 0; i < rows; ++i) {
                           const auto &[key, hash] = keyHashes.at(start + i);
                           query.bindValue(2 * i, key);
                           query.bindValue(2 * i + 1, QString::fromLatin1(hash));
                       }
                   },
                   "staging source keys");
    });
}

void ControlDbStateStore::diff(int batchSize, const std::function<bool(const QList<KeyChange> &)> &sink)
{
    if (!m_staging)
        throw Error(Error::Kind::Internal, QStringLiteral("diff() called before beginStaging()"));
    const QString state = quoted(m_tables.state);
    const QString stageTable = quoted(m_stageTable);
    const QString diffTable = quoted(m_diffTable);
    // The differences are materialised first, so whatever the sink writes to the state
    // while we page (the engine applies as it goes) cannot shift what we still deliver.
    m_database.execDirect(QStringLiteral("DELETE FROM %1").arg(diffTable), "clearing the diff table");
    QSqlQuery changed = m_database.prepare(
        QStringLiteral("INSERT INTO %1 (kind, source_key, hash, target_key) "
                       "SELECT CASE WHEN st.source_key IS NULL THEN 0 ELSE 1 END, s.source_key, s.hash, st.target_key "
                       "FROM %2 s LEFT JOIN %3 st ON st.pair_id = ? AND st.entity = ? AND st.source_key = s.source_key "
                       "WHERE st.source_key IS NULL OR st.hash IS NULL OR st.hash <> s.hash")
            .arg(diffTable, stageTable, state));
    changed.addBindValue(m_pairId);
    changed.addBindValue(m_entity);
    m_database.exec(changed, "finding inserted and updated keys");
    QSqlQuery removed = m_database.prepare(
        QStringLiteral("INSERT INTO %1 (kind, source_key, hash, target_key) "
                       "SELECT 2, st.source_key, NULL, st.target_key "
                       "FROM %3 st LEFT JOIN %2 s ON s.source_key = st.source_key "
                       "WHERE st.pair_id = ? AND st.entity = ? AND s.source_key IS NULL")
            .arg(diffTable, stageTable, state));
    removed.addBindValue(m_pairId);
    removed.addBindValue(m_entity);
    m_database.exec(removed, "finding deleted keys");

    const int limit = qMax(1, batchSize);
    qint64 lastKind = -1;
    QString lastKey;
    QSqlQuery page = m_database.prepare(
        QStringLiteral("SELECT kind, source_key, hash, target_key FROM %1 "
                       "WHERE kind > ? OR (kind = ? AND source_key > ?) ORDER BY kind, source_key LIMIT ?")
            .arg(diffTable));
    page.setForwardOnly(true);
    for (;;) {
        page.bindValue(0, lastKind);
        page.bindValue(1, lastKind);
        page.bindValue(2, lastKey);
        page.bindValue(3, limit);
        m_database.exec(page, "reading the diff");
        QList<KeyChange> changes;
        while (page.next()) {
            lastKind = page.value(0).toLongLong();
            lastKey = page.value(1).toString();
            changes.append(KeyChange { changeKindOf(lastKind), lastKey, page.value(2).toString().toLatin1(), page.value(3).toString() });
        }
        page.finish(); // nothing may stay open on the connection while the sink writes
        if (changes.isEmpty() || !sink(changes) || changes.size() < limit)
            return;
    }
}

void ControlDbStateStore::endStaging()
{
    if (!m_staging)
        return;
    m_staging = false;
    dropTempTables();
}

void ControlDbStateStore::dropTempTables()
{
    m_database.execDirect(QStringLiteral("DROP TABLE IF EXISTS %1").arg(quoted(m_stageTable)), "dropping the staging table");
    m_database.execDirect(QStringLiteral("DROP TABLE IF EXISTS %1").arg(quoted(m_diffTable)), "dropping the diff table");
}

qint64 ControlDbStateStore::count(const QString &pairId, const QString &entity)
{
    QSqlQuery query = m_database.prepare(
        QStringLiteral("SELECT COUNT(*) FROM %1 WHERE pair_id = ? AND entity = ?").arg(quoted(m_tables.state)));
    query.addBindValue(pairId);
    query.addBindValue(entity);
    m_database.exec(query, "counting sync state");
    return query.next() ? query.value(0).toLongLong() : 0;
}

QList<StateEntry> ControlDbStateStore::stateOf(const QString &pairId, const QString &entity, const QStringList &sourceKeys)
{
    return lookUpState(m_database, quoted(m_tables.state), pairId, entity, sourceKeys);
}

void ControlDbStateStore::clear(const QString &pairId, const QString &entity)
{
    db::Transaction transaction(m_database);
    for (const QString &table : { m_tables.state, m_tables.checkpoints }) {
        QSqlQuery query = m_database.prepare(
            QStringLiteral("DELETE FROM %1 WHERE pair_id = ? AND entity = ?").arg(quoted(table)));
        query.addBindValue(pairId);
        query.addBindValue(entity);
        m_database.exec(query, "clearing sync state");
    }
    transaction.commit();
}

void ControlDbStateStore::applyState(const ChangeBatch &batch)
{
    db::Transaction transaction(m_database);
    writeState(batch);
    transaction.commit();
}

void ControlDbStateStore::writeState(const ChangeBatch &batch)
{
    const QString entity = batch.stateEntity.isEmpty() ? batch.entity : batch.stateEntity;
    const QString state = quoted(m_tables.state);

    runChunked(m_database, batch.stateDeletes.size(),
               [&](int rows) -> QString {
                   return QStringLiteral("DELETE FROM %1 WHERE pair_id = ? AND entity = ? AND source_key IN (%2)")
                       .arg(state, parameterList(rows));
               },
               [&](QSqlQuery &query, qsizetype start, int rows) {
                   query.bindValue(0, batch.pairId);
                   query.bindValue(1, entity);
                   for (int i = 0; i < rows; ++i)
                       query.bindValue(2 + i, batch.stateDeletes.at(start + i));
               },
               "deleting sync state");

    // One statement may not touch a row twice (PostgreSQL refuses): the last entry wins.
    QList<StateEntry> upserts;
    QHash<QString, qsizetype> positions;
    for (const StateEntry &entry : batch.stateUpserts) {
        const auto it = positions.constFind(entry.sourceKey);
        if (it != positions.cend()) {
            upserts[it.value()] = entry;
        } else {
            positions.insert(entry.sourceKey, upserts.size());
            upserts.append(entry);
        }
    }
    runChunked(m_database, upserts.size(),
               [&](int rows) -> QString {
                   return QStringLiteral("INSERT INTO %1 (pair_id, entity, source_key, hash, target_key) VALUES %2 "
                                         "ON CONFLICT (pair_id, entity, source_key) DO UPDATE SET "
                                         "hash = excluded.hash, target_key = excluded.target_key")
                       .arg(state, placeholders(rows, 5));
               },
               [&](QSqlQuery &query, qsizetype start, int rows) {
                   for (int i = 0; i < rows; ++i) {
                       const StateEntry &entry = upserts.at(start + i);
                       query.bindValue(5 * i, batch.pairId);
                       query.bindValue(5 * i + 1, entity);
                       query.bindValue(5 * i + 2, entry.sourceKey);
                       query.bindValue(5 * i + 3, QString::fromLatin1(entry.hash));
                       query.bindValue(5 * i + 4, entry.targetKey);
                   }
               },
               "writing sync state");

    if (batch.checkpoint)
        writeCheckpoint(batch.pairId, entity, *batch.checkpoint);
}

} // namespace tf::sync
