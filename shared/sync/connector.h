#pragma once

#include "row.h"
#include "mapping/fielderror.h"

#include <QJsonObject>
#include <QSet>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>
#include <optional>

namespace tf::sync {

// What a connector knows of one entity (table, file, layer).
struct EntityDescription
{
    QString name;
    Schema schema;
    QStringList keyColumns; // may be empty when the system has no key; pairs then name one
};

// Position reached by cursor mode: the cursor column's value and the key of the last row
// read, so ties on the cursor are broken by key.
struct Checkpoint
{
    QVariant cursor;
    KeyValues key;
};

// How far a cursor run's checkpoint may advance (DESIGN.md section 4): transactions still
// open at the source may yet commit rows whose cursor lies below the newest value a read
// sees. Rows past the horizon are still written; they are read again next run.
struct CursorHorizon
{
    enum class Kind {
        None,  // nothing can appear below what a read sees (files; SQLite's single writer)
        Below, // the checkpoint covers only rows whose cursor is below `value`
        Hold   // the checkpoint does not advance in this run (cursor types without a horizon)
    };
    Kind kind = Kind::None;
    QVariant value; // Below: in the cursor column's row-model type
};

// One (key, hash) pair streamed by a source, for hash mode.
struct KeyHash
{
    KeyValues key;
    QByteArray hash;
};

// The start of a run over a source's own change log (SQL Server Change Tracking, cursor kind
// "change_tracking"). `current` is read first: the version the run's checkpoint advances to,
// so a change committed while the run reads is read again next run, never missed.
struct ChangeLogStart
{
    qint64 current = 0;
    // The run must load the entity whole (deletes found by the state diff): there is no stored
    // version, or the log no longer holds every change since it (cleaned up).
    bool resync = false;
    QString reason; // why a resync, for the log; empty on a first run
};

// One batch of a change log read (in change-version order): the changed rows as they are now
// (inserts and updates) and the keys of the rows deleted.
struct ChangeLogBatch
{
    RowBatch rows;
    QList<KeyValues> deletes; // source keys, in ReadRequest::keyColumns order
};

// Options every read takes.
struct ReadRequest
{
    QString entity;
    QStringList columns;     // empty: all columns, in the entity's order
    QStringList keyColumns;  // the order rows come in (and ties for cursor reads)
    int batchSize = 5000;
    // Row reads (readAll, readSince, readByKeys) of a source that hashesAtSource() also fill
    // RowBatch::hashes with what readKeyHashes computes, so every mode stores that hash.
    bool withSourceHashes = false;
};

// Callbacks return false to stop early (cancellation).
using BatchSink = std::function<bool(const RowBatch &)>;
using KeyHashSink = std::function<bool(const QList<KeyHash> &)>;
using ChangeLogSink = std::function<bool(const ChangeLogBatch &)>;

class SourceConnector
{
public:
    virtual ~SourceConnector() = default;

    virtual EntityDescription describe(const QString &entity) = 0;
    virtual QStringList entities() = 0;

    // Every row, ordered by request.keyColumns, in batches.
    virtual void readAll(const ReadRequest &request, const BatchSink &sink) = 0;

    // True when readKeyHashes computes hashes at the source, so unchanged rows never travel.
    virtual bool hashesAtSource() const = 0;
    // (key, hash of the selected columns) for every row, ordered by key. Connectors without
    // source-side hashing may leave this unimplemented (the engine hashes readAll's rows).
    virtual void readKeyHashes(const ReadRequest &request, const KeyHashSink &sink);

    // The state hash of a row read from this source (columns in `schema` order), for rows that
    // come without RowBatch::hashes (quarantine replays, repairs). A source that hashes at the
    // source returns what readKeyHashes computes when it can (PostgreSQL before 14: the md5 of
    // the row's text); where it cannot (PostgreSQL 14+'s typed hash), such a row's state simply
    // differs once and the next hash run reads it again. The default is rowHash().
    virtual QByteArray hashRow(const Row &row, const Schema &schema) const;
    // The state hashes of rows read with `request` that came without RowBatch::hashes, in one
    // call; empty when the source cannot do better than hashRow() row by row (the default).
    virtual QList<QByteArray> hashRows(const ReadRequest &request, const QList<Row> &rows) const
    {
        Q_UNUSED(request);
        Q_UNUSED(rows);
        return {};
    }

    // The rows with these keys (any order; a key with no row is absent from the result).
    virtual void readByKeys(const ReadRequest &request, const QList<KeyValues> &keys, const BatchSink &sink) = 0;

    // Asked before each cursor read: how far the checkpoint of that read may advance. The
    // default (None) suits sources whose reads see every row that will ever sit below them.
    virtual CursorHorizon cursorHorizon(const QString &entity, const QString &cursorColumn);

    // Rows whose (cursor, key) is past the checkpoint, ordered by (cursor, key).
    virtual void readSince(const ReadRequest &request, const QString &cursorColumn,
                           const std::optional<Checkpoint> &after, const BatchSink &sink) = 0;

    // Change log sources (SQL Server Change Tracking). startChangeLog compares `stored` (the
    // version of the last run, if any) with the oldest version the log still holds; readChangeLog
    // streams every change after `since`. The defaults throw tf::Error(Validation): this source
    // keeps no change log.
    virtual ChangeLogStart startChangeLog(const QString &entity, const std::optional<qint64> &stored);
    virtual void readChangeLog(const ReadRequest &request, qint64 since, const ChangeLogSink &sink);

    // About how many rows the coming read returns, for progress only: readAll's when
    // cursorColumn is empty, else readSince's past `after`. kUnknownRows (the default) when
    // the source cannot tell cheaply: from statistics or a bounded count, never a full scan.
    // It may be wrong either way; the engine never shows more than 99 % from it.
    static constexpr qint64 kUnknownRows = -1;
    virtual qint64 estimateRows(const ReadRequest &request, const QString &cursorColumn,
                                const std::optional<Checkpoint> &after);
};

// State kept per (pair, entity, source key): the source row's hash and the target key it was
// written under (needed to delete it when the source row disappears).
struct StateEntry
{
    QString sourceKey;  // keyText of the source key
    QByteArray hash;
    QString targetKey;  // keyText of the target key
};

// What one apply did with its upserts, for targets that can tell (countsWrites()).
// unchanged: rows whose key existed with the same values (not rewritten).
struct WriteCounts
{
    qint64 inserted = 0;
    qint64 updated = 0;
    qint64 unchanged = 0;
};

// What one apply writes, atomically where the target is transactional.
struct ChangeBatch
{
    QString pairId;             // scopes the sync state
    QString entity;             // target entity
    QStringList keyColumns;     // target key columns
    SchemaPtr schema;           // target columns of the upsert rows
    QList<Row> upserts;
    QList<KeyValues> deletes;   // target keys
    // Sync state moving with the data.
    QString stateEntity;        // source entity the state belongs to
    QList<StateEntry> stateUpserts;
    QStringList stateDeletes;   // source keys
    std::optional<Checkpoint> checkpoint;
    // A full run into an entity that had no rows when it started: the upserts are inserted
    // plainly, without a merge; a key already present fails the batch.
    bool intoEmpty = false;
    // Where a target that countsWrites() puts the counts of the upserts, once committed.
    WriteCounts *counts = nullptr;
    // Full mode with staged state (StateStore::stagesState()): the target keys of the upserts,
    // recorded in the same transaction under the run's id (StateStore::unaccountedPending),
    // until the run's state is written. A run killed before that leaves the list of the rows
    // it wrote that no state names yet.
    QString pendingRun;
    QStringList pendingTargetKeys;
};

// Where a pair's sync state lives: inside the target database when it is transactional
// (committed with the data), otherwise in the control database.
class StateStore
{
public:
    virtual ~StateStore() = default;

    virtual std::optional<Checkpoint> checkpoint(const QString &pairId, const QString &entity) = 0;
    virtual void saveCheckpoint(const QString &pairId, const QString &entity, const Checkpoint &checkpoint) = 0;

    // Hash-mode diff: stage every (sourceKey, hash) of this run, then list what differs.
    virtual void beginStaging(const QString &pairId, const QString &entity) = 0;
    virtual void stage(const QList<QPair<QString, QByteArray>> &keyHashes) = 0;
    enum class ChangeKind { Insert, Update, Delete };
    struct KeyChange
    {
        ChangeKind kind;
        QString sourceKey;
        QByteArray hash;     // new hash (insert/update)
        QString targetKey;   // stored target key (update/delete)
    };
    // Streams staged-vs-stored differences in batches; deletes are keys stored but not staged.
    virtual void diff(int batchSize, const std::function<bool(const QList<KeyChange> &)> &sink) = 0;
    virtual void endStaging() = 0;

    // Full mode, for stores whose staging sits next to the state (stagesState()): the run
    // stages the state of the rows whose batch committed, with their target keys
    // (stageWritten; stage() then only for rows not written, e.g. quarantined), and writes
    // it in one statement at the end (applyStaged): the state lags the data, never leads it.
    // The defaults throw tf::Error(Internal).
    virtual bool stagesState() const { return false; }
    virtual void stageWritten(const QList<StateEntry> &entries);
    virtual void applyStaged();
    // applyStaged for staged keys known to have no state yet (a chunk of a first load, on its
    // first attempt): a plain INSERT where the store has one, without looking for stored state;
    // a key that has state after all fails it. The default is applyStaged().
    virtual void applyStagedNew() { applyStaged(); }
    // The target keys runs of (pair, entity) wrote without state (ChangeBatch::
    // pendingTargetKeys) that no state row names now: rows of a run killed between its data
    // and its state (or of an attempt whose read restarted) whose source rows are gone since,
    // or invalid now. Asked once the current run's state is complete. The default (no staged
    // state): none.
    virtual QStringList unaccountedPending(const QString &pairId, const QString &entity);
    // Forgets the pending target keys of (pair, entity): every run's, or only `run`'s (a run
    // whose state is written: its own keys are all accounted for).
    virtual void clearPending(const QString &pairId, const QString &entity, const QString &run = {});

    // The stored state of these source keys (keys with no state are absent), for deletes a
    // source names by key (a change log). The default throws tf::Error(Internal).
    virtual QList<StateEntry> stateOf(const QString &pairId, const QString &entity,
                                      const QStringList &sourceKeys);

    virtual qint64 count(const QString &pairId, const QString &entity) = 0;
    virtual void clear(const QString &pairId, const QString &entity) = 0; // full resync
};

class TargetConnector
{
public:
    virtual ~TargetConnector() = default;

    virtual EntityDescription describe(const QString &entity) = 0;
    virtual QStringList entities() = 0;
    virtual bool isTransactional() const = 0;
    // True when a run replaces the whole entity (file targets write a new file): the engine
    // then writes every row, in full mode, whatever the pair's mode, since a row a hash or
    // cursor run leaves out would vanish from the new file.
    virtual bool rewritesEntity() const { return false; }

    // Writes upserts (insert or update by key; unchanged rows untouched) and deletes, plus the
    // batch's sync state where transactional, in one transaction. Idempotent: applying the
    // same batch twice leaves the same result.
    virtual void apply(const ChangeBatch &batch) = 0;
    // True when apply() fills ChangeBatch::counts (inserted/updated/unchanged from the write
    // itself), so the engine need not look keys up to count.
    virtual bool countsWrites() const { return false; }
    // True when `entity` holds no rows (one cheap query): a full run may then insert plainly
    // (ChangeBatch::intoEmpty). The default says false, which is always safe.
    virtual bool isEmpty(const QString &entity);

    // Called around a run over one entity: file targets write a temporary file and rename it
    // on success; database targets may do nothing.
    virtual void beginEntity(const QString &entity, SchemaPtr schema, const QStringList &keyColumns);
    virtual void endEntity(const QString &entity, bool success);

    // The store holding this target's sync state (itself, when transactional).
    virtual StateStore &stateStore() = 0;

    // Why a mapped row cannot be stored exactly in `entity` (one FieldError per column, rule
    // "target_type"), or nothing when it can. Such a row is quarantined, never altered: e.g. a
    // PostgreSQL date column cannot hold a date past 5874897. The default accepts everything.
    virtual QList<FieldError> unrepresentable(const QString &entity, const Schema &schema,
                                              const Row &row);
    // unrepresentable() of each row, in order. The default asks row by row; a connector whose
    // check looks something up per call (a catalog) overrides it to look up once per batch.
    virtual QList<QList<FieldError>> unrepresentableRows(const QString &entity, const Schema &schema,
                                                         const QList<const Row *> &rows);

    // True when `entity` has a primary key or a unique constraint on exactly these columns,
    // which upserts by key need. A target without constraints (a file) answers true.
    virtual bool hasUniqueKey(const QString &entity, const QStringList &columns);

    // For reference validation: which of these values exist in entity.column, answered with
    // one query per call (never per row). Returns their canonicalValue() texts.
    virtual QSet<QString> existingValues(const QString &entity, const QString &column, ValueType type,
                                         const QList<QVariant> &values) = 0;
};

// Connection settings of an external system, as stored in `systems` (credentials decrypted
// only in memory, never logged).
struct SystemSettings
{
    QString kind;               // "postgres", "sqlite", "csv", "jsonl"
    QJsonObject settings;       // kind-specific: url/host/port/database, path, delimiter...
    QJsonObject credentials;    // user/password etc.
};

} // namespace tf::sync
