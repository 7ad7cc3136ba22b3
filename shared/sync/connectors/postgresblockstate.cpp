#include "postgresblockstate.h"

#include "postgrescatalog.h"
#include "postgresquery.h"
#include "postgresranges.h"
#include "postgressession.h"
#include "postgresstatetables.h"
#include "postgrestemptables.h"

#include <algorithm>

namespace tf::sync::pg {

static_assert(kStateBlockWidth == 10, "the names of the block table, its triggers and functions say its width");

namespace {

// Names of this layout's objects (schema-qualified by the catalog).
const char *const kDeltaFunction = "tf_sync_state_blocks_w10_delta";
const char *const kTruncateFunction = "tf_sync_state_blocks_w10_truncate";
const char *const kTriggerPrefix = "tf_sync_state_blocks_w10_";
// The layout before (blocks of 100 keys), dropped when this one is made.
const char *const kOldTable = "tf_sync_state_blocks";
const char *const kOldTriggerPrefix = "tf_sync_state_blocks_";
const char *const kOldFunctions[] = { "tf_sync_state_blocks_delta", "tf_sync_state_blocks_truncate" };

QString triggerName(const char *prefix, const char *what)
{
    return QLatin1String(prefix) + QLatin1String(what);
}

// A row of block, sum(rows), sum(hashed), sum(a), sum(b) as a RangeSum: a block with a hash
// that is not a typed row hash (md5 text of older runs, or one the engine computed) is not
// counted in `hashed` and differs from any source block (-1 rows). nullopt: every row gone.
std::optional<RangeSum> storedSum(const QSqlQuery &row)
{
    const qint64 rows = row.value(1).toLongLong();
    if (rows == 0)
        return std::nullopt;
    return rows == row.value(2).toLongLong() ? RangeSum { rows, row.value(3).toLongLong(), row.value(4).toLongLong() }
                                             : RangeSum { -1, 0, 0 };
}

// True when text column x holds an int8's decimal text. Plain string functions: a regular
// expression made the state's block sums 15 times slower (4.3 s against 0.27 s per 300,000 rows).
QString integerText(const QString &x)
{
    return QStringLiteral("(%1 <> '' AND %1 <> '-' AND length(%1) <= 20 AND ltrim(CASE WHEN left(%1, 1) = '-'"
                          " THEN substr(%1, 2) ELSE %1 END, '0123456789') = '')")
        .arg(x);
}

// floor(key / kStateBlockWidth) of the int8 expression k, the width written out (no parameter:
// it is part of a trigger function).
QString literalBlock(const QString &k)
{
    return QStringLiteral("CASE WHEN %1 >= 0 THEN %1 / %2 ELSE (%1 + 1) / %2 - 1 END")
        .arg(k, QString::number(kStateBlockWidth));
}

// One row per (pair, entity, block) of the state rows in `from` whose key is an integer text,
// each row counted with `sign` (1 or -1): rows, typed hashes, and the two halves of the
// hashes summed as PgRanges::blockSums sums them at the source.
QString blockDeltas(const QString &from, int sign)
{
    const QString h = QStringLiteral("CASE WHEN %1 THEN CAST(hash AS int8) END").arg(integerText(QStringLiteral("hash")));
    return QStringLiteral("SELECT pair_id, entity, %1 AS block, %2 AS n, %3 AS h FROM %4 WHERE %5")
        .arg(literalBlock(QStringLiteral("CAST(source_key AS int8)")), QString::number(sign), h, from,
             integerText(QStringLiteral("source_key")));
}

// Adds the deltas of `rows` (a UNION of blockDeltas) to the block table, one row per block.
QString insertDeltas(const QString &blocksTable, const QString &rows)
{
    return QStringLiteral(
               "INSERT INTO %1 (pair_id, entity, block, rows, hashed, a, b)"
               " SELECT pair_id, entity, block, sum(n), sum(CASE WHEN h IS NULL THEN 0 ELSE n END),"
               " COALESCE(sum(n * CAST(CAST(h >> 32 AS int4) AS int8)), 0),"
               " COALESCE(sum(n * CAST(CAST((h & 4294967295) - 2147483648 AS int4) AS int8)), 0)"
               " FROM (%2) AS d GROUP BY pair_id, entity, block")
        .arg(blocksTable, rows);
}

// The trigger function that appends the deltas of a statement's rows. It skips an INSERT
// whose writer sums its own rows in the same transaction (insertStagedBlocks), told by the
// transaction-local setting kStagedBlocksSetting.
QString createDeltaFunction(PgSession &session, const PgCatalog &catalog, const QString &what)
{
    const QString table = catalog.stateBlocksTable();
    const QString function = catalog.schemaObject(QLatin1String(kDeltaFunction));
    session.exec(
        QStringLiteral("CREATE OR REPLACE FUNCTION %1() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN"
                       " IF TG_OP = 'INSERT' THEN"
                       " IF current_setting('%5', true) = 'on' THEN RETURN NULL; END IF; %2;"
                       " ELSIF TG_OP = 'DELETE' THEN %3;"
                       " ELSE %4; END IF; RETURN NULL; END $f$")
            .arg(function, insertDeltas(table, blockDeltas(QStringLiteral("new_rows"), 1)),
                 insertDeltas(table, blockDeltas(QStringLiteral("old_rows"), -1)),
                 insertDeltas(table, blockDeltas(QStringLiteral("new_rows"), 1) + QStringLiteral(" UNION ALL ")
                                         + blockDeltas(QStringLiteral("old_rows"), -1)),
                 QLatin1String(kStagedBlocksSetting))
            .toUtf8(),
        what);
    return function;
}

QHash<qint64, RangeSum> computedBlockSums(const db::Database &database, const PgCatalog &catalog,
                                          const QString &pairId, const QString &entity, qint64 width)
{
    // A hash that is not a typed row hash (md5 text of older runs, or one the engine computed)
    // is NULL here: count(h) < count(*) marks its block as different from any source block.
    const QString sql = QStringLiteral(
                            "SELECT b, count(*), count(h), sum(CAST(h >> 32 AS int4)),"
                            " sum(CAST((h & 4294967295) - 2147483648 AS int4)) FROM (SELECT %1 AS b,"
                            " CASE WHEN %3 THEN CAST(hash AS int8) END AS h FROM %2 WHERE %5"
                            " AND %4) AS s GROUP BY b")
                            .arg(blockExpression(QStringLiteral("CAST(source_key AS int8)")), catalog.stateTable(),
                                 integerText(QStringLiteral("hash")), integerText(QStringLiteral("source_key")),
                                 stateScopeIs(QString(), QStringLiteral("?"), QStringLiteral("?")));
    const QString bound = QString::number(width);
    QHash<qint64, RangeSum> sums;
    const ChecksumSettings settings(database);
    stream(database, sql, { bound, bound, pairId, entity, pairId, entity }, // stateScopeIs() binds both twice
           QStringLiteral("checksumming the sync state of %1").arg(entity), [&](const QSqlQuery &row) {
               const qint64 rows = row.value(1).toLongLong();
               sums.insert(row.value(0).toLongLong(),
                           rows == row.value(2).toLongLong()
                               ? RangeSum { rows, row.value(3).toLongLong(), row.value(4).toLongLong() }
                               : RangeSum { -1, 0, 0 });
               return true;
           });
    return sums;
}

} // namespace

void createStateBlocks(PgSession &session, const PgCatalog &catalog)
{
    const QString what
        = QStringLiteral("creating the sync state's block sums in schema %1").arg(catalog.schema());
    const QString table = catalog.stateBlocksTable();
    // The triggers are what keeps the sums right: without them (a state table of the layout
    // before, or one dropped and made again) the sums are made again from the rows.
    if (!queryIntegers(session,
                       "SELECT 1 FROM pg_catalog.pg_trigger WHERE tgrelid = to_regclass($1) AND tgname = $2",
                       what, { catalog.stateTable().toUtf8(), triggerName(kTriggerPrefix, "insert").toUtf8() })
             .isEmpty()) {
        // A trigger function of the layout before (it knows no writer that sums its own rows):
        // replaced in place. The sums stay as they are: both versions sum the same rows alike.
        // Under the lock that keeps the function the same through any writer's transaction
        // (insertStagedBlocks asks it after its INSERT).
        if (!deltaFunctionSkipsStaged(session, catalog, what)) {
            session.exec(
                QStringLiteral("LOCK TABLE %1 IN SHARE ROW EXCLUSIVE MODE").arg(catalog.stateTable()).toUtf8(),
                what);
            createDeltaFunction(session, catalog, what);
        }
        return;
    }
    // Existing state is summed below: no row may be written meanwhile. The caller's
    // transaction holds the state tables' advisory lock.
    session.exec(QStringLiteral("LOCK TABLE %1 IN SHARE ROW EXCLUSIVE MODE").arg(catalog.stateTable()).toUtf8(),
                 what);
    // The layout of blocks of 100 keys, if there: its triggers would go on costing every writer.
    // (A version of that layout that opens the state again makes its own anew; both then stay
    // exact, each kept by its own triggers.)
    for (const char *event : { "insert", "update", "delete", "truncate" }) {
        session.exec(QStringLiteral("DROP TRIGGER IF EXISTS %1 ON %2")
                         .arg(quoteIdentifier(triggerName(kOldTriggerPrefix, event)), catalog.stateTable())
                         .toUtf8(),
                     what);
    }
    for (const char *old : kOldFunctions)
        session.exec(QStringLiteral("DROP FUNCTION IF EXISTS %1()").arg(catalog.schemaObject(QLatin1String(old))).toUtf8(),
                     what);
    session.exec(QStringLiteral("DROP TABLE IF EXISTS %1").arg(catalog.schemaObject(QLatin1String(kOldTable))).toUtf8(),
                 what);
    session.exec(QStringLiteral("DROP TABLE IF EXISTS %1").arg(table).toUtf8(), what);
    // Deltas, appended by the triggers below (no row is ever updated in place, so writers of
    // state never wait for each other here); stateBlockSums folds them per block.
    session.exec(QStringLiteral("CREATE TABLE %1 (pair_id text COLLATE \"C\" NOT NULL,"
                                " entity text COLLATE \"C\" NOT NULL, block int8 NOT NULL,"
                                " rows int8 NOT NULL, hashed int8 NOT NULL, a int8 NOT NULL, b int8 NOT NULL)")
                     .arg(table)
                     .toUtf8(),
                 what);
    // (pair_id, entity) for the folds and the coarse sums, block for the sub-blocks' sums.
    session.exec(QStringLiteral("CREATE INDEX ON %1 (pair_id, entity, block)").arg(table).toUtf8(), what);
    const QString function = createDeltaFunction(session, catalog, what);
    const QString state = catalog.stateTable();
    session.exec(QStringLiteral("CREATE TRIGGER %3 AFTER INSERT ON %1"
                                " REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION %2()")
                     .arg(state, function, triggerName(kTriggerPrefix, "insert"))
                     .toUtf8(),
                 what);
    session.exec(QStringLiteral("CREATE TRIGGER %3 AFTER UPDATE ON %1"
                                " REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"
                                " FOR EACH STATEMENT EXECUTE FUNCTION %2()")
                     .arg(state, function, triggerName(kTriggerPrefix, "update"))
                     .toUtf8(),
                 what);
    session.exec(QStringLiteral("CREATE TRIGGER %3 AFTER DELETE ON %1"
                                " REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION %2()")
                     .arg(state, function, triggerName(kTriggerPrefix, "delete"))
                     .toUtf8(),
                 what);
    const QString truncate = catalog.schemaObject(QLatin1String(kTruncateFunction));
    session.exec(QStringLiteral("CREATE OR REPLACE FUNCTION %1() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN"
                                " TRUNCATE %2; RETURN NULL; END $f$")
                     .arg(truncate, table)
                     .toUtf8(),
                 what);
    session.exec(QStringLiteral("CREATE TRIGGER %3 AFTER TRUNCATE ON %1"
                                " FOR EACH STATEMENT EXECUTE FUNCTION %2()")
                     .arg(state, truncate, triggerName(kTriggerPrefix, "truncate"))
                     .toUtf8(),
                 what);
    // The state written before this layout, summed once.
    session.exec(insertDeltas(table, blockDeltas(state, 1)).toUtf8(), what);
}

std::optional<qint64> stateInteger(QByteArrayView text, bool *outOfRange)
{
    // integerText(): not '' nor '-', at most 20 characters, one optional '-' then digits only.
    *outOfRange = false;
    if (text.isEmpty() || text == "-" || text.size() > 20)
        return std::nullopt;
    const QByteArrayView digits = text.startsWith('-') ? text.sliced(1) : text;
    for (const char c : digits) {
        if (c < '0' || c > '9')
            return std::nullopt;
    }
    // CAST(... AS int8): leading zeros allowed, a value past int8 is an error.
    bool ok = false;
    const qint64 value = text.toLongLong(&ok);
    if (!ok) {
        *outOfRange = true;
        return std::nullopt;
    }
    return value;
}

bool deltaFunctionSkipsStaged(PgSession &session, const PgCatalog &catalog, const QString &what)
{
    const QString function = catalog.schemaObject(QLatin1String(kDeltaFunction));
    return !queryIntegers(session,
                          "SELECT 1 FROM pg_catalog.pg_proc WHERE oid = to_regproc($1) AND strpos(prosrc, $2) > 0",
                          what, { function.toUtf8(), QByteArray(kStagedBlocksSetting) })
                .isEmpty();
}

void insertStagedBlocks(PgSession &session, const PgCatalog &catalog, const QString &staged, const QString &what,
                        const QList<QByteArray> &pairAndEntity)
{
    const QString rows = QStringLiteral("SELECT CAST($1 AS text) AS pair_id, CAST($2 AS text) AS entity, %1 AS block,"
                                        " 1 AS n, h FROM %2 WHERE target_key IS NOT NULL AND k IS NOT NULL")
                             .arg(literalBlock(QStringLiteral("k")), staged);
    session.exec(insertDeltas(catalog.stateBlocksTable(), rows).toUtf8(), what, pairAndEntity);
}

std::optional<QHash<qint64, RangeSum>> stateBlockSums(const db::Database &database, const PgCatalog &catalog,
                                                      const QString &pairId, const QString &entity,
                                                      qint64 width)
{
    if (width < kStateBlockWidth || width % kStateBlockWidth != 0)
        return computedBlockSums(database, catalog, pairId, entity, width);
    const QString what = QStringLiteral("checksumming the sync state of %1").arg(entity);
    const QList<QByteArray> params { pairId.toUtf8(), entity.toUtf8() };
    PgSession session(database);
    // Folded per block when the deltas outnumber the blocks: the next runs read one row per
    // block. Rows a writer appends meanwhile are not in this statement's snapshot and stay.
    const QString table = catalog.stateBlocksTable();
    const QList<qint64> counts = queryIntegers(
        session,
        QStringLiteral("SELECT count(*), count(DISTINCT block) FROM %1 WHERE pair_id = $1 AND entity = $2")
            .arg(table)
            .toUtf8(),
        what, params);
    if (counts.size() == 2 && counts.at(0) > 2 * counts.at(1) + 100) {
        session.exec(QStringLiteral("WITH d AS (DELETE FROM %1 WHERE pair_id = $1 AND entity = $2"
                                    " RETURNING block, rows, hashed, a, b)"
                                    " INSERT INTO %1 (pair_id, entity, block, rows, hashed, a, b)"
                                    " SELECT $1, $2, block, sum(rows), sum(hashed), sum(a), sum(b) FROM d"
                                    " GROUP BY block HAVING sum(rows) <> 0 OR sum(hashed) <> 0"
                                    " OR sum(a) <> 0 OR sum(b) <> 0")
                         .arg(table)
                         .toUtf8(),
                     what, params);
    }
    // Coarse blocks: floor(block / ratio) of the stored ones, the same blocks as floor(key /
    // width) at the source; one row per coarse block travels.
    const QString ratio = QString::number(width / kStateBlockWidth);
    QHash<qint64, RangeSum> sums;
    const ChecksumSettings settings(database);
    stream(database,
           QStringLiteral("SELECT %2, sum(rows), sum(hashed), sum(a), sum(b) FROM %1"
                          " WHERE pair_id = ? AND entity = ? GROUP BY 1")
               .arg(table, blockExpression(QStringLiteral("block"))),
           { ratio, ratio, pairId, entity }, what, [&](const QSqlQuery &row) {
               if (const std::optional<RangeSum> sum = storedSum(row))
                   sums.insert(row.value(0).toLongLong(), *sum);
               return true;
           });
    return sums;
}

QHash<qint64, RangeSum> storedBlockSums(const db::Database &database, const PgCatalog &catalog,
                                        const QString &pairId, const QString &entity, const QList<qint64> &blocks)
{
    QHash<qint64, RangeSum> sums;
    if (blocks.isEmpty())
        return sums;
    QList<QByteArray> numbers;
    numbers.reserve(blocks.size());
    for (const qint64 block : blocks)
        numbers << QByteArray::number(block);
    stream(database,
           QStringLiteral("SELECT block, sum(rows), sum(hashed), sum(a), sum(b) FROM %1"
                          " WHERE pair_id = ? AND entity = ? AND block = ANY(CAST(? AS int8[])) GROUP BY block")
               .arg(catalog.stateBlocksTable()),
           { pairId, entity, arrayLiteral(numbers) },
           QStringLiteral("checksumming the sync state of %1").arg(entity), [&](const QSqlQuery &row) {
               if (const std::optional<RangeSum> sum = storedSum(row))
                   sums.insert(row.value(0).toLongLong(), *sum);
               return true;
           });
    return sums;
}

QList<StateEntry> stateBlockEntries(const db::Database &database, const PgCatalog &catalog,
                                    const QString &pairId, const QString &entity, qint64 width,
                                    const QList<qint64> &blocks)
{
    // Every key text a block can hold (each block once), looked up through the state's key: a
    // few index probes per key instead of a scan of the entity's whole state.
    QList<qint64> distinct = blocks;
    std::sort(distinct.begin(), distinct.end());
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    QList<QByteArray> keys;
    keys.reserve(distinct.size() * width);
    for (const qint64 block : std::as_const(distinct)) {
        qint64 first = 0;
        if (__builtin_mul_overflow(block, width, &first))
            continue;
        for (qint64 i = 0; i < width; ++i) {
            qint64 key = 0;
            if (__builtin_add_overflow(first, i, &key))
                break;
            keys << QByteArray::number(key);
        }
    }
    return stateEntriesOf(database, catalog, pairId, entity, keys,
                          QStringLiteral("reading the sync state of %1").arg(entity));
}

} // namespace tf::sync::pg
