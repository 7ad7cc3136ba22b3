#pragma once

#include "db/connection.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace tf::db {

// One resource that changed: the API's resource type ("sync_pair", "system",
// "sync_operation", "alert", "quarantine_entry", "user", "api_token", "backup",
// "maintenance_run", "audit_entry"), its id, and the last thing that happened to it
// ("created", "updated" or "deleted").
struct ResourceChange
{
    QString resourceType;
    QString resourceId;
    QString action;

    QJsonObject toJson() const;
};

// The answer to "what changed since cursor N": the changes (one per resource, in the order
// of their latest change) and the cursor to ask with next time; or, with full set, "reload
// everything, then continue from cursor".
struct ChangeSet
{
    qint64 cursor = 0;
    bool full = false;
    QList<ResourceChange> changes;

    QJsonObject toJson() const;
};

// The `change_feed` table (migration 0006), filled by triggers on the control tables.
//
// Cursors are feed ids. On PostgreSQL ids are handed out before commit, so a transaction
// still open may commit a lower id than one already visible. The cursor returned therefore
// stops before the first missing id that may still come, i.e. one whose next visible row was
// written less than kSettleSeconds ago while some transaction is open; the rows after it are
// answered now and again next time (harmless: clients reload the resources named). A missing
// id older than that is taken as rolled back. On SQLite writers are serialised and ids follow
// commit order, so nothing is ever missing below the newest row.
class ChangeFeedRepository final
{
    Q_DISABLE_COPY_MOVE(ChangeFeedRepository)
public:
    static constexpr int kMaxChanges = 500;  // more changed resources: answer full
    static constexpr int kSettleSeconds = 10;
    static constexpr int kDefaultMaxAgeHours = 24;
    static constexpr qint64 kDefaultMaxRows = 100000;

    explicit ChangeFeedRepository(const Database &database)
        : m_database(database)
    { }

    // What changed after `since` (a cursor this repository returned). full is set when
    // `since` is older than the retained feed (pruned), newer than the feed (the database was
    // replaced), or more than maxChanges resources changed.
    ChangeSet since(qint64 since, int maxChanges = kMaxChanges) const;
    // The current cursor with full set: for a client that has nothing yet.
    ChangeSet current() const;

    // The feed's newest position, for caches of answers built from the control tables: any
    // commit that changes a resource the feed follows moves `head` past this value. `settled`:
    // no transaction was open that could still commit an id at or below `head` (always on
    // SQLite), so an answer read after this call may be kept until `head` moves.
    struct Version
    {
        qint64 head = 0;
        bool settled = false;
    };
    Version version() const;

    struct PruneResult
    {
        qint64 removed = 0;
        qint64 prunedThrough = 0;
    };
    // Removes rows older than maxAge and all but the newest maxRows; clients whose cursor is
    // older get full answers.
    PruneResult prune(const QDateTime &olderThan, qint64 keepRows = kDefaultMaxRows);

private:
    struct Head
    {
        qint64 prunedThrough = 0;
        qint64 newestId = 0;
        qint64 head() const { return qMax(prunedThrough, newestId); }
    };
    Head head() const;
    // True when no transaction is open that could still commit a feed row (PostgreSQL), or
    // always on SQLite.
    bool nothingInFlight() const;
    QDateTime databaseNow() const;
    // The highest cursor at or below `upTo` that no missing id may still fall under.
    qint64 safeCursor(qint64 from, qint64 upTo) const;

    const Database &m_database;
};

} // namespace tf::db
