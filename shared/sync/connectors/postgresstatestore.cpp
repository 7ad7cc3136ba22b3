#include "postgresstatestore.h"

#include "core/errors.h"
#include "db/connection.h"
#include "postgresblockstate.h"
#include "postgrescatalog.h"
#include "postgressession.h"
#include "postgresstatetables.h"
#include "postgrestemptables.h"
#include "postgrestypes.h"

#include <QSet>
#include <QSqlError>
#include <QSqlQuery>
#include <charconv>

namespace tf::sync {

namespace {

// One pair's entity in the state table, through its key's scope (pg::stateScopeIs).
QString scopeIs(const QString &pairParameter, const QString &entityParameter)
{
    return pg::stateScopeIs(QString(), pairParameter, entityParameter);
}

// DROP TABLE IF EXISTS pg_temp.x makes the server send a NOTICE (printed on stderr by libpq)
// while the session has no temporary schema yet; this does not.
constexpr char kDropStaged[] = "DO $$BEGIN IF to_regclass('pg_temp.tf_staged') IS NOT NULL THEN"
                               " DROP TABLE pg_temp.tf_staged; END IF; END$$";

QByteArray utf8(const QString &text)
{
    const QByteArray bytes = text.toUtf8();
    return bytes.isNull() ? QByteArrayLiteral("") : bytes;
}

} // namespace

PostgresStateStore::PostgresStateStore(const db::Database &writes, const db::Database &staging,
                                       const pg::PgCatalog &catalog)
    : m_writes(writes)
    , m_staging(staging)
    , m_catalog(catalog)
{ }

void PostgresStateStore::ensureTables()
{
    if (m_tablesReady.load())
        return;
    pg::PgSession session(m_writes);
    pg::createStateTables(session, m_catalog);
    m_tablesReady = true;
}

std::optional<Checkpoint> PostgresStateStore::checkpoint(const QString &pairId,
                                                         const QString &entity)
{
    ensureTables();
    QSqlQuery query = m_writes.prepare(
        QStringLiteral(
            "SELECT cursor_value, cursor_type, key_text FROM %1 WHERE pair_id = ? AND entity = ?")
            .arg(m_catalog.checkpointTable()));
    query.addBindValue(pairId);
    query.addBindValue(entity);
    m_writes.exec(query, "reading a checkpoint");
    if (!query.next())
        return std::nullopt;
    const QVariant cursor = query.value(0);
    return pg::decodeCheckpoint(cursor.isNull() ? QString() : cursor.toString(),
                                query.value(1).toString(), query.value(2).toString());
}

void PostgresStateStore::saveCheckpoint(const QString &pairId, const QString &entity,
                                        const Checkpoint &checkpoint)
{
    ensureTables();
    pg::PgSession session(m_writes);
    pg::writeCheckpoint(session, m_catalog, pairId, entity, checkpoint);
}

void PostgresStateStore::beginStaging(const QString &pairId, const QString &entity)
{
    ensureTables();
    pg::PgSession session(m_staging);
    const QString what = QStringLiteral("staging hashes of pair %1").arg(pairId);
    session.exec(kDropStaged, what);
    // The primary key turns a source that yields one key twice into a clear error.
    // target_key is set for the rows of a full run whose data is written (stageWritten).
    // k and h: the key and the hash as int8 where they are the text of one (stageWritten), so
    // a first load sums its blocks without the triggers' text tests (insertStaged).
    session.exec("CREATE TEMP TABLE tf_staged (source_key text COLLATE \"C\" PRIMARY KEY, hash "
                 "text, target_key text, k int8, h int8)",
                 what);
    m_pairId = pairId;
    m_entity = entity;
    m_stagingOpen = true;
    m_stagedAnalysed = false;
    m_blocksStaged = true;
}

void PostgresStateStore::stage(const QList<QPair<QString, QByteArray>> &keyHashes)
{
    requireStaging("stage");
    if (keyHashes.isEmpty())
        return;
    m_stagedAnalysed = false;
    pg::PgSession session(m_staging);
    pg::PgCopyIn copy(session, "COPY pg_temp.tf_staged (source_key, hash) FROM STDIN",
                      QStringLiteral("staging hashes of pair %1").arg(m_pairId));
    for (const auto &[key, hash] : keyHashes) {
        QByteArray &out = copy.buffer();
        pg::appendCopyString(out, key);
        out += '\t';
        pg::appendCopyText(out, hash.isNull() ? QByteArrayLiteral("") : hash);
        copy.endRow();
    }
    copy.finish();
}

void PostgresStateStore::stageWritten(const QList<StateEntry> &entries)
{
    requireStaging("stageWritten");
    if (entries.isEmpty())
        return;
    m_stagedAnalysed = false;
    pg::PgSession session(m_staging);
    pg::PgCopyIn copy(session, "COPY pg_temp.tf_staged (source_key, hash, target_key, k, h) FROM STDIN",
                      QStringLiteral("staging sync state of pair %1").arg(m_pairId));
    // The integer is read before anything is appended: `text` may lie inside `out`.
    const auto appendInteger = [this](QByteArray &out, QByteArrayView text) {
        bool outOfRange = false;
        const std::optional<qint64> value = pg::stateInteger(text, &outOfRange);
        // Text the triggers cannot cast: they sum this load's rows (and fail as before).
        m_blocksStaged = m_blocksStaged && !outOfRange;
        if (!value) {
            out += "\\N";
            return;
        }
        char digits[24];
        const auto end = std::to_chars(digits, digits + sizeof digits, *value).ptr;
        out.append(digits, end - digits);
    };
    for (const StateEntry &entry : entries) {
        QByteArray &out = copy.buffer();
        // No UTF-8 copy per key (appendCopyString). The key's integer is read from the bytes
        // just written: text that looks like an integer has nothing to escape, and escaped
        // text (a backslash) is no integer either way.
        const qsizetype keyStart = out.size();
        pg::appendCopyString(out, entry.sourceKey);
        const qsizetype keySize = out.size() - keyStart;
        out += '\t';
        pg::appendCopyText(out, entry.hash);
        out += '\t';
        pg::appendCopyString(out, entry.targetKey);
        out += '\t';
        appendInteger(out, QByteArrayView(out.constData() + keyStart, keySize));
        out += '\t';
        appendInteger(out, entry.hash);
        copy.endRow();
    }
    copy.finish();
}

void PostgresStateStore::analyseStaged()
{
    if (m_stagedAnalysed)
        return;
    // Temporary tables are never analysed automatically; without statistics the planner
    // guesses their size and may pick a nested loop over a million keys.
    pg::PgSession session(m_staging);
    session.exec("ANALYZE pg_temp.tf_staged", QStringLiteral("analysing staged hashes"));
    m_stagedAnalysed = true;
}

void PostgresStateStore::insertStaged()
{
    pg::PgSession session(m_staging);
    const QString what = QStringLiteral("writing sync state of pair %1").arg(m_pairId);
    const QList<QByteArray> params { utf8(m_pairId), utf8(m_entity) };
    const QByteArray insert = QStringLiteral("INSERT INTO %1 (pair_id, entity, source_key, hash, target_key)"
                                             " SELECT $1, $2, source_key, hash, target_key FROM pg_temp.tf_staged"
                                             " WHERE target_key IS NOT NULL ORDER BY length(source_key), source_key")
                                  .arg(m_catalog.stateTable())
                                  .toUtf8();
    if (!m_blocksStaged) {
        session.exec(insert, what, params); // the triggers sum the rows
        analyseState(session, what);
        return;
    }
    // The rows and their block sums in one transaction: the triggers skip this one INSERT
    // (the setting is local to the transaction and reset right after it), and the sums of
    // exactly the rows it wrote are added from the staged int8 columns. Unless the trigger
    // function of that INSERT was one of the layout before (another version's), which summed
    // the rows itself.
    pg::PgTransaction transaction(session);
    const QByteArray setting(pg::kStagedBlocksSetting);
    session.exec("SELECT set_config($1, 'on', true)", what, { setting });
    session.exec(insert, what, params);
    session.exec("SELECT set_config($1, '', true)", what, { setting });
    if (pg::deltaFunctionSkipsStaged(session, m_catalog, what))
        pg::insertStagedBlocks(session, m_catalog, QStringLiteral("pg_temp.tf_staged"), what, params);
    transaction.commit();
    analyseState(session, what);
}

void PostgresStateStore::analyseState(pg::PgSession &session, const QString &what)
{
    // A first load's rows have no statistics until autovacuum comes by: the planner then takes
    // `pair_id = $1 AND entity = $2` for a few rows and, for every key-array lookup of the next
    // runs (a hash run's entries and state deletes), scans the entity's whole state through
    // that prefix: 1.2 s instead of 20 ms for 333 keys of 1M. (Not the table's owner: PostgreSQL
    // skips it with a warning.)
    session.exec(QStringLiteral("ANALYZE %1, %2").arg(m_catalog.stateTable(), m_catalog.stateBlocksTable()).toUtf8(),
                 what);
}

void PostgresStateStore::applyStagedNew()
{
    requireStaging("applyStagedNew");
    insertStaged();
}

void PostgresStateStore::applyStaged()
{
    requireStaging("applyStaged");
    pg::PgSession session(m_staging);
    const QString what = QStringLiteral("writing sync state of pair %1").arg(m_pairId);
    const QList<QByteArray> params { utf8(m_pairId), utf8(m_entity) };
    // No state yet (a first load): a plain INSERT, about twice as fast as the merge. Should
    // a row appear meanwhile, its key fails the statement: the state stays behind, never
    // wrong. In the state key's order (pg::kStateKeyIndex), so the index is filled from left to right.
    const bool none = pg::queryIntegers(session,
                                        QStringLiteral("SELECT 1 FROM %1 WHERE %2 LIMIT 1")
                                            .arg(m_catalog.stateTable(), scopeIs(QStringLiteral("$1"), QStringLiteral("$2")))
                                            .toUtf8(),
                                        what, params)
                          .isEmpty();
    if (none) {
        // A plain INSERT ... SELECT of the staged rows: no join to plan, so no ANALYZE of
        // the staged table (0.3 s per 300,000 rows, after the last batch). diff() analyses
        // it itself when it runs.
        insertStaged();
        return;
    }
    analyseStaged();
    // Only what differs goes through the merge: a hash join finds it (the stored state of an
    // unchanged row is not even probed by key). ON CONFLICT stays for rows that appear
    // meanwhile.
    session.exec(
        QStringLiteral(
            "INSERT INTO %1 AS s (pair_id, entity, source_key, hash, target_key)"
            " SELECT $1, $2, n.source_key, n.hash, n.target_key FROM pg_temp.tf_staged AS n"
            " LEFT JOIN (SELECT source_key, hash, target_key FROM %1 WHERE %2) AS o ON o.source_key = n.source_key"
            " WHERE n.target_key IS NOT NULL AND (o.source_key IS NULL OR (o.hash, o.target_key)"
            " IS DISTINCT FROM (n.hash, n.target_key)) ORDER BY length(n.source_key), n.source_key"
            " ON CONFLICT (%3) DO UPDATE"
            " SET hash = EXCLUDED.hash, target_key = EXCLUDED.target_key"
            " WHERE (s.hash, s.target_key) IS DISTINCT FROM (EXCLUDED.hash, EXCLUDED.target_key)")
            .arg(m_catalog.stateTable(), scopeIs(QStringLiteral("$1"), QStringLiteral("$2")), pg::stateKeyColumns())
            .toUtf8(),
        what, params);
}

void PostgresStateStore::diff(int batchSize,
                              const std::function<bool(const QList<KeyChange> &)> &sink)
{
    requireStaging("diff");
    analyseStaged();
    const QString sql = QStringLiteral("SELECT CASE WHEN s.source_key IS NULL THEN 'I' WHEN "
                                       "n.source_key IS NULL THEN 'D' ELSE 'U' END,"
                                       " COALESCE(n.source_key, s.source_key), n.hash, s.target_key"
                                       " FROM pg_temp.tf_staged AS n"
                                       " FULL JOIN (SELECT source_key, hash, target_key FROM %1 "
                                       "WHERE %2) AS s"
                                       " ON s.source_key = n.source_key"
                                       " WHERE n.source_key IS NULL OR s.source_key IS NULL OR "
                                       "n.hash IS DISTINCT FROM s.hash")
                            .arg(m_catalog.stateTable(), scopeIs(QStringLiteral("?"), QStringLiteral("?")));
    QSqlQuery query(m_staging.connection());
    query.setForwardOnly(true);
    if (!query.prepare(sql))
        m_staging.raise(query, "comparing staged hashes with the sync state");
    for (int twice = 0; twice < 2; ++twice) { // scopeIs(): pair, entity, pair, entity
        query.addBindValue(m_pairId);
        query.addBindValue(m_entity);
    }
    if (!query.exec())
        m_staging.raise(query, "comparing staged hashes with the sync state");

    const int size = qMax(1, batchSize);
    QList<KeyChange> batch;
    batch.reserve(size);
    while (query.next()) {
        const QString kind = query.value(0).toString();
        KeyChange change;
        change.kind = kind == QLatin1String("I") ? ChangeKind::Insert
            : kind == QLatin1String("D")         ? ChangeKind::Delete
                                                 : ChangeKind::Update;
        change.sourceKey = query.value(1).toString();
        if (change.kind != ChangeKind::Delete)
            change.hash = query.value(2).toString().toLatin1();
        if (change.kind != ChangeKind::Insert)
            change.targetKey = query.value(3).toString();
        batch << std::move(change);
        if (batch.size() >= size) {
            if (!sink(batch))
                return;
            batch.clear();
        }
    }
    if (query.lastError().type() != QSqlError::NoError)
        m_staging.raise(query, "comparing staged hashes with the sync state");
    if (!batch.isEmpty())
        sink(batch);
}

void PostgresStateStore::endStaging()
{
    if (!m_stagingOpen)
        return;
    m_stagingOpen = false;
    pg::PgSession session(m_staging);
    session.exec(kDropStaged, QStringLiteral("dropping staged hashes"));
}

QStringList PostgresStateStore::unaccountedPending(const QString &pairId, const QString &entity)
{
    ensureTables();
    QSqlQuery any = m_writes.prepare(
        QStringLiteral("SELECT 1 FROM %1 WHERE pair_id = ? AND entity = ? LIMIT 1")
            .arg(m_catalog.pendingTable()));
    any.addBindValue(pairId);
    any.addBindValue(entity);
    m_writes.exec(any, "looking for rows of unfinished runs");
    if (!any.next())
        return {};
    any.finish();
    // Keys the state names are accounted for: their rows have state now (this run's own
    // rows among them).
    QSqlQuery query = m_writes.prepare(
        QStringLiteral("SELECT DISTINCT k FROM %1 AS p CROSS JOIN LATERAL unnest(p.target_keys) AS k"
                       " WHERE p.pair_id = ? AND p.entity = ?"
                       " AND NOT EXISTS (SELECT 1 FROM %2 AS s WHERE s.pair_id = p.pair_id"
                       " AND s.entity = p.entity AND s.target_key = k) ORDER BY k")
            .arg(m_catalog.pendingTable(), m_catalog.stateTable()));
    query.setForwardOnly(true);
    query.addBindValue(pairId);
    query.addBindValue(entity);
    m_writes.exec(query, "looking for rows of unfinished runs");
    QStringList keys;
    while (query.next())
        keys << query.value(0).toString();
    return keys;
}

void PostgresStateStore::clearPending(const QString &pairId, const QString &entity, const QString &run)
{
    ensureTables();
    QSqlQuery query = m_writes.prepare(
        QStringLiteral("DELETE FROM %1 WHERE pair_id = ? AND entity = ?%2")
            .arg(m_catalog.pendingTable(), run.isEmpty() ? QString() : QStringLiteral(" AND run_id = ?")));
    query.addBindValue(pairId);
    query.addBindValue(entity);
    if (!run.isEmpty())
        query.addBindValue(run);
    m_writes.exec(query, "forgetting pending rows");
}

bool PostgresStateStore::beginFirstLoad(const QString &pairId, const QString &entity)
{
    ensureTables();
    pg::PgSession session(m_writes);
    const bool none = pg::queryIntegers(session,
                                        QStringLiteral("SELECT 1 FROM %1 WHERE %2 LIMIT 1")
                                            .arg(m_catalog.stateTable(), scopeIs(QStringLiteral("$1"), QStringLiteral("$2")))
                                            .toUtf8(),
                                        QStringLiteral("looking into the sync state of pair %1").arg(pairId),
                                        { utf8(pairId), utf8(entity) })
                          .isEmpty();
    if (!none)
        return false;
    const QMutexLocker lock(&m_firstLoadMutex);
    m_firstLoads.insert({ pairId, entity });
    return true;
}

void PostgresStateStore::endFirstLoad(const QString &pairId, const QString &entity, bool complete)
{
    {
        const QMutexLocker lock(&m_firstLoadMutex);
        if (!m_firstLoads.remove({ pairId, entity }))
            return;
    }
    if (!complete)
        return;
    pg::PgSession session(m_writes);
    analyseState(session, QStringLiteral("writing sync state of pair %1").arg(pairId));
}

bool PostgresStateStore::firstLoad(const QString &pairId, const QString &entity) const
{
    const QMutexLocker lock(&m_firstLoadMutex);
    return !m_firstLoads.isEmpty() && m_firstLoads.contains({ pairId, entity });
}

qint64 PostgresStateStore::count(const QString &pairId, const QString &entity)
{
    ensureTables();
    QSqlQuery query = m_writes.prepare(
        QStringLiteral("SELECT count(*) FROM %1 WHERE %2")
            .arg(m_catalog.stateTable(), scopeIs(QStringLiteral("?"), QStringLiteral("?"))));
    for (int twice = 0; twice < 2; ++twice) { // scopeIs(): pair, entity, pair, entity
        query.addBindValue(pairId);
        query.addBindValue(entity);
    }
    m_writes.exec(query, "counting sync state");
    return query.next() ? query.value(0).toLongLong() : 0;
}

QList<StateEntry> PostgresStateStore::stateOf(const QString &pairId, const QString &entity,
                                              const QStringList &sourceKeys)
{
    ensureTables();
    // Each key once, probed through the state's key (pg::kStateKeyIndex).
    QList<QByteArray> keys;
    keys.reserve(sourceKeys.size());
    QSet<QString> seen;
    for (const QString &key : sourceKeys) {
        if (!seen.contains(key)) {
            seen.insert(key);
            keys << utf8(key);
        }
    }
    return pg::stateEntriesOf(m_writes, m_catalog, pairId, entity, keys, QStringLiteral("looking up sync state"));
}

void PostgresStateStore::clear(const QString &pairId, const QString &entity)
{
    ensureTables();
    pg::PgSession session(m_writes);
    pg::PgTransaction transaction(session);
    const QString what = QStringLiteral("clearing sync state of pair %1").arg(pairId);
    const QList<QByteArray> params { utf8(pairId), utf8(entity) };
    session.exec(QStringLiteral("DELETE FROM %1 WHERE %2")
                     .arg(m_catalog.stateTable(), scopeIs(QStringLiteral("$1"), QStringLiteral("$2")))
                     .toUtf8(),
                 what, params);
    session.exec(QStringLiteral("DELETE FROM %1 WHERE pair_id = $1 AND entity = $2")
                     .arg(m_catalog.checkpointTable())
                     .toUtf8(),
                 what, params);
    session.exec(QStringLiteral("DELETE FROM %1 WHERE pair_id = $1 AND entity = $2")
                     .arg(m_catalog.sourceChecksumTable())
                     .toUtf8(),
                 what, params);
    transaction.commit();
}

std::optional<QHash<qint64, RangeSum>> PostgresStateStore::blockSums(const QString &pairId, const QString &entity,
                                                                     qint64 width)
{
    ensureTables();
    return pg::stateBlockSums(m_writes, m_catalog, pairId, entity, width);
}

std::optional<QHash<qint64, RangeSum>> PostgresStateStore::blockSumsOf(const QString &pairId, const QString &entity,
                                                                       qint64 width, const QList<qint64> &blocks)
{
    if (width != pg::kStateBlockWidth)
        return std::nullopt;
    ensureTables();
    return pg::storedBlockSums(m_writes, m_catalog, pairId, entity, blocks);
}

QList<StateEntry> PostgresStateStore::blockEntries(const QString &pairId, const QString &entity, qint64 width,
                                                   const QList<qint64> &blocks)
{
    ensureTables();
    return pg::stateBlockEntries(m_writes, m_catalog, pairId, entity, width, blocks);
}

void PostgresStateStore::requireStaging(const char *what) const
{
    if (!m_stagingOpen) {
        throw Error(
            Error::Kind::Internal,
            QStringLiteral("state store: %1 called without beginStaging").arg(QLatin1String(what)));
    }
}

} // namespace tf::sync
