#include "postgresstatetables.h"

#include "core/errors.h"
#include "postgresblockstate.h"
#include "postgrescatalog.h"
#include "postgresquery.h"
#include "postgressession.h"
#include "postgrestemptables.h"
#include "postgrestypes.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>

namespace tf::sync::pg {

namespace {

constexpr qint64 kStateTablesLock = 0x7466737461746500; // "tfstate"

// The row-model type a checkpoint value is held in; QString stands for every textual type.
ValueType typeOf(const QVariant &value)
{
    switch (value.typeId()) {
    case QMetaType::Int:
    case QMetaType::UInt:
    case QMetaType::LongLong:
    case QMetaType::ULongLong:
    case QMetaType::Long:
    case QMetaType::Short:
        return ValueType::Integer;
    case QMetaType::Double:
    case QMetaType::Float:
        return ValueType::Double;
    case QMetaType::Bool:
        return ValueType::Boolean;
    case QMetaType::QDate:
        return ValueType::Date;
    case QMetaType::QDateTime:
        return ValueType::TimestampTz;
    case QMetaType::QByteArray:
        return ValueType::Bytes;
    default:
        break;
    }
    const TimeValue time = TimeValue::fromVariant(value);
    if (time.isValid()) {
        switch (time.kind()) {
        case TimeValue::Kind::Date: return ValueType::Date;
        case TimeValue::Kind::Timestamp: return ValueType::Timestamp;
        case TimeValue::Kind::TimestampTz: return ValueType::TimestampTz;
        }
    }
    return ValueType::Text;
}

QVariant fromCanonical(const QString &text, ValueType type)
{
    if (text == QLatin1String("\\N"))
        return {};
    if (type == ValueType::Bytes && text.startsWith(QLatin1String("\\x")))
        return QByteArray::fromHex(text.mid(2).toLatin1());
    if (type == ValueType::Boolean)
        return text == QLatin1String("t");
    QVariant value;
    QString error;
    if (!coerceValue(text, type, &value, &error))
        throw Error(Error::Kind::Internal,
                    QStringLiteral("stored checkpoint value is unreadable: %1").arg(error));
    return value;
}

QByteArray utf8(const QString &text)
{
    const QByteArray bytes = text.toUtf8();
    return bytes.isNull() ? QByteArrayLiteral("") : bytes;
}

// The state's unique key, ordered by the key's length before its text: integer keys, which a
// load reads in numeric order, then reach the index in its own order (each row goes after the
// one before it) instead of all over it as byte order puts them ("10" < "9"). A first load's
// state COPY of 1M rows: 2.0 s instead of 3.1 s, the index 30 MB instead of 49 MB (docs/
// performance.md, "The state's key ordered by length"). A state table of the layout before
// (PRIMARY KEY (pair_id, entity, source_key)) gets the index, then loses its primary key: one
// index to keep, not two.
void createStateKeyIndex(PgSession &session, const PgCatalog &catalog, const QString &what)
{
    const QByteArray index = catalog.schemaObject(QLatin1String(kStateKeyIndex)).toUtf8();
    if (queryIntegers(session, "SELECT 1 FROM pg_catalog.pg_index WHERE indexrelid = to_regclass($1)", what, { index })
            .isEmpty()) {
        session.exec(QStringLiteral("CREATE UNIQUE INDEX %1 ON %2 (%3)")
                         .arg(quoteIdentifier(QLatin1String(kStateKeyIndex)), catalog.stateTable(), stateKeyColumns())
                         .toUtf8(),
                     what);
    }
    session.exec(QStringLiteral("DROP INDEX IF EXISTS %1").arg(catalog.schemaObject(QLatin1String(kStateKeyIndexBefore))).toUtf8(),
                 what);
    session.exec(QStringLiteral("ALTER TABLE %1 DROP CONSTRAINT IF EXISTS tf_sync_state_pkey").arg(catalog.stateTable()).toUtf8(),
                 what);
}

} // namespace

void createStateTables(PgSession &session, const PgCatalog &catalog)
{
    PgTransaction transaction(session);
    const QString what
        = QStringLiteral("creating the sync state tables in schema %1").arg(catalog.schema());
    session.exec("SELECT pg_advisory_xact_lock($1)", what,
                 { QByteArray::number(kStateTablesLock) });
    // Keys compare byte-wise (COLLATE "C"): cheaper index maintenance, and no locale is
    // needed to match canonical key texts. The key is unique through kStateKeyIndex.
    session.exec(QStringLiteral(
                     "CREATE TABLE IF NOT EXISTS %1 (pair_id text COLLATE \"C\" NOT NULL,"
                     " entity text COLLATE \"C\" NOT NULL, source_key text COLLATE \"C\" NOT NULL,"
                     " hash text, target_key text)")
                     .arg(catalog.stateTable())
                     .toUtf8(),
                 what);
    createStateKeyIndex(session, catalog, what);
    session.exec(
        QStringLiteral(
            "CREATE TABLE IF NOT EXISTS %1 (pair_id text NOT NULL, entity text NOT NULL,"
            " cursor_value text, cursor_type text, key_text text,"
            " updated_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (pair_id, entity))")
            .arg(catalog.checkpointTable())
            .toUtf8(),
        what);
    // Target keys written without state by a full run (ChangeBatch::pendingTargetKeys), one
    // row per batch, until the run's state is written.
    session.exec(QStringLiteral("CREATE TABLE IF NOT EXISTS %1 (pair_id text COLLATE \"C\" NOT NULL,"
                                " entity text COLLATE \"C\" NOT NULL, run_id text NOT NULL,"
                                " target_keys text[] NOT NULL, written_at timestamptz NOT NULL DEFAULT now())")
                     .arg(catalog.pendingTable())
                     .toUtf8(),
                 what);
    session.exec(QStringLiteral("CREATE INDEX IF NOT EXISTS tf_sync_pending_pair ON %1 (pair_id, entity)")
                     .arg(catalog.pendingTable())
                     .toUtf8(),
                 what);
    // The source's table checksum recorded by a hash run by blocks with the state's block totals
    // then (BlockStates::SourceChecksum, postgressourcechecksum.cpp).
    session.exec(QStringLiteral("CREATE TABLE IF NOT EXISTS %1 (pair_id text COLLATE \"C\" NOT NULL,"
                                " entity text COLLATE \"C\" NOT NULL, checksum text NOT NULL, fingerprint text NOT NULL,"
                                " state_blocks bigint NOT NULL, state_rows bigint NOT NULL, state_a bigint NOT NULL,"
                                " state_b bigint NOT NULL, recorded_at timestamptz NOT NULL DEFAULT now(),"
                                " PRIMARY KEY (pair_id, entity))")
                     .arg(catalog.sourceChecksumTable())
                     .toUtf8(),
                 what);
    createStateBlocks(session, catalog);
    transaction.commit();
}

StateTempTables stateTempTables(PgSession &session, PgTempTables &temps, const ChangeBatch &batch)
{
    const QString what = QStringLiteral("writing sync state of pair %1").arg(batch.pairId);
    StateTempTables names;
    if (!batch.stateUpserts.isEmpty()) {
        names.upserts = temps.ensure(
            session, QStringLiteral("tf_state_upserts"), QStringLiteral("v1"),
            [](const QString &name) {
                return QStringLiteral("CREATE TEMP TABLE %1 (source_key text COLLATE \"C\", hash "
                                      "text, target_key text) ON COMMIT DELETE ROWS")
                    .arg(name);
            },
            what);
    }
    return names;
}

void writeBatchState(PgSession &session, const PgCatalog &catalog, const ChangeBatch &batch,
                     const StateTempTables &temps)
{
    const QString entity = batch.stateEntity.isEmpty() ? batch.entity : batch.stateEntity;
    const QByteArray pair = utf8(batch.pairId);
    const QByteArray stateEntity = utf8(entity);
    const QString what = QStringLiteral("writing sync state of pair %1").arg(batch.pairId);

    if (!batch.stateUpserts.isEmpty()) {
        // Last entry wins when a key repeats: ON CONFLICT may not touch a row twice.
        QHash<QString, qsizetype> last;
        for (qsizetype i = 0; i < batch.stateUpserts.size(); ++i)
            last.insert(batch.stateUpserts.at(i).sourceKey, i);
        PgCopyIn copy(session,
                      QStringLiteral("COPY pg_temp.%1 (source_key, hash, target_key) FROM STDIN")
                          .arg(temps.upserts)
                          .toUtf8(),
                      what);
        for (qsizetype i = 0; i < batch.stateUpserts.size(); ++i) {
            const StateEntry &entry = batch.stateUpserts.at(i);
            if (last.value(entry.sourceKey) != i)
                continue;
            QByteArray &out = copy.buffer();
            appendCopyText(out, utf8(entry.sourceKey));
            out += '\t';
            appendCopyText(out, entry.hash.isNull() ? QByteArrayLiteral("") : entry.hash);
            out += '\t';
            appendCopyText(out, utf8(entry.targetKey));
            copy.endRow();
        }
        copy.finish();
        session.exec(
            QStringLiteral(
                "INSERT INTO %1 AS s (pair_id, entity, source_key, hash, target_key)"
                " SELECT $1, $2, source_key, hash, target_key FROM pg_temp.%2"
                " ON CONFLICT (%3) DO UPDATE"
                " SET hash = EXCLUDED.hash, target_key = EXCLUDED.target_key"
                " WHERE (s.hash, s.target_key) IS DISTINCT FROM (EXCLUDED.hash, "
                "EXCLUDED.target_key)")
                .arg(catalog.stateTable(), temps.upserts, stateKeyColumns())
                .toUtf8(),
            what, { pair, stateEntity });
    }

    if (!batch.stateDeletes.isEmpty()) {
        // The keys as one array: the planner sees how many there are and probes the state's
        // key for each (a temporary table without statistics made it scan the entity's whole
        // state: 89 ms for 100 keys of 300,000).
        QList<QByteArray> keys;
        keys.reserve(batch.stateDeletes.size());
        for (const QString &key : batch.stateDeletes)
            keys << utf8(key);
        session.exec(QStringLiteral("DELETE FROM %1 AS s USING %2 WHERE %3 AND %4")
                         .arg(catalog.stateTable(), stateKeysFrom(QStringLiteral("$3")),
                              stateScopeIs(QStringLiteral("s"), QStringLiteral("$1"), QStringLiteral("$2")),
                              stateKeyMatches())
                         .toUtf8(),
                     what, { pair, stateEntity, arrayLiteral(keys).toUtf8() });
    }

    if (!batch.pendingTargetKeys.isEmpty()) {
        QList<QByteArray> keys;
        keys.reserve(batch.pendingTargetKeys.size());
        for (const QString &key : batch.pendingTargetKeys)
            keys << utf8(key);
        session.exec(QStringLiteral("INSERT INTO %1 (pair_id, entity, run_id, target_keys)"
                                    " VALUES ($1, $2, $3, CAST($4 AS text[]))")
                         .arg(catalog.pendingTable())
                         .toUtf8(),
                     what, { pair, stateEntity, utf8(batch.pendingRun), arrayLiteral(keys).toUtf8() });
    }

    if (batch.checkpoint)
        writeCheckpoint(session, catalog, batch.pairId, entity, *batch.checkpoint);
}

void writeCheckpoint(PgSession &session, const PgCatalog &catalog, const QString &pairId,
                     const QString &entity, const Checkpoint &checkpoint)
{
    const CheckpointText text = encodeCheckpoint(checkpoint);
    session.exec(
        QStringLiteral(
            "INSERT INTO %1 (pair_id, entity, cursor_value, cursor_type, key_text, updated_at)"
            " VALUES ($1, $2, $3, $4, $5, now()) ON CONFLICT (pair_id, entity) DO UPDATE"
            " SET cursor_value = EXCLUDED.cursor_value, cursor_type = EXCLUDED.cursor_type,"
            " key_text = EXCLUDED.key_text, updated_at = EXCLUDED.updated_at")
            .arg(catalog.checkpointTable())
            .toUtf8(),
        QStringLiteral("saving the checkpoint of pair %1").arg(pairId),
        { utf8(pairId), utf8(entity), text.cursorValue, text.cursorType, text.keyText });
}

QString stateKeyColumns()
{
    return QStringLiteral("hashtextextended(pair_id || '/' || entity, 0), length(source_key), source_key, pair_id, entity");
}

QString stateScopeIs(const QString &alias, const QString &pairParameter, const QString &entityParameter)
{
    const QString a = alias.isEmpty() ? QString() : alias + QLatin1Char('.');
    return QStringLiteral("hashtextextended(%1pair_id || '/' || %1entity, 0) = hashtextextended(CAST(%2 AS text)"
                          " || '/' || CAST(%3 AS text), 0) AND %1pair_id = %2 AND %1entity = %3")
        .arg(a, pairParameter, entityParameter);
}

QString stateKeysFrom(const QString &keysParameter)
{
    return QStringLiteral("unnest(CAST(%1 AS text[])) AS k(key)").arg(keysParameter);
}

QString stateKeyMatches()
{
    return QStringLiteral("length(s.source_key) = length(k.key) AND s.source_key = k.key");
}

QList<StateEntry> stateEntriesOf(const db::Database &database, const PgCatalog &catalog, const QString &pairId,
                                 const QString &entity, const QList<QByteArray> &keys, const QString &what)
{
    QList<StateEntry> entries;
    if (keys.isEmpty())
        return entries;
    stream(database,
           QStringLiteral("SELECT s.source_key, s.hash, s.target_key FROM %2 JOIN %1 AS s ON %3 AND %4")
               .arg(catalog.stateTable(), stateKeysFrom(QStringLiteral("?")),
                    stateScopeIs(QStringLiteral("s"), QStringLiteral("?"), QStringLiteral("?")), stateKeyMatches()),
           { arrayLiteral(keys), pairId, entity, pairId, entity }, what, [&](const QSqlQuery &row) {
               entries << StateEntry { row.value(0).toString(), row.value(1).toString().toLatin1(),
                                       row.value(2).toString() };
               return true;
           });
    return entries;
}

CheckpointText encodeCheckpoint(const Checkpoint &checkpoint)
{
    CheckpointText text;
    const ValueType cursorType = typeOf(checkpoint.cursor);
    text.cursorType = valueTypeName(cursorType).toLatin1();
    if (checkpoint.cursor.isValid() && !checkpoint.cursor.isNull())
        text.cursorValue = canonicalValue(checkpoint.cursor, cursorType);
    QJsonArray key;
    for (const QVariant &value : checkpoint.key) {
        const ValueType type = typeOf(value);
        key.append(
            QJsonArray { valueTypeName(type), QString::fromUtf8(canonicalValue(value, type)) });
    }
    text.keyText = QJsonDocument(key).toJson(QJsonDocument::Compact);
    return text;
}

Checkpoint decodeCheckpoint(const QString &cursorValue, const QString &cursorType,
                            const QString &keyText)
{
    Checkpoint checkpoint;
    ValueType type = ValueType::Text;
    if (!parseValueType(cursorType, &type))
        throw Error(
            Error::Kind::Internal,
            QStringLiteral("stored checkpoint has unknown cursor type '%1'").arg(cursorType));
    if (!cursorValue.isNull())
        checkpoint.cursor = fromCanonical(cursorValue, type);
    for (const QJsonValue &part : QJsonDocument::fromJson(keyText.toUtf8()).array()) {
        const QJsonArray pair = part.toArray();
        ValueType keyType = ValueType::Text;
        if (pair.size() != 2 || !parseValueType(pair.at(0).toString(), &keyType))
            throw Error(Error::Kind::Internal,
                        QStringLiteral("stored checkpoint key is unreadable"));
        checkpoint.key << fromCanonical(pair.at(1).toString(), keyType);
    }
    return checkpoint;
}

} // namespace tf::sync::pg
