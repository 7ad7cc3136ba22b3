#pragma once

#include "db/connection.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>

#include <functional>
#include <optional>

namespace tf::db {

// One audit trail entry (DESIGN.md section 5). entryHash = sha256(prevHash + canonical JSON of
// the content), so changing or removing an entry breaks the chain after it.
struct AuditEntry
{
    qint64 id = 0;
    QDateTime createdAt; // set by append() when invalid
    QString eventType;
    QString severity = QStringLiteral("info");
    QString resourceType;
    QString resourceId;
    qint64 operationId = 0; // 0: none
    QString description;
    QJsonObject previousState;
    QJsonObject newState;
    QString username;
    QString ipAddress;
    QString userAgent;
    QString correlationId;
    QString prevHash; // "" for the first entry
    QString entryHash;

    QJsonObject toJson() const;
    // The hashed content: every field but id and the hashes, keys sorted, compact.
    QByteArray canonicalContent() const;
    static QString computeHash(const QString &prevHash, const AuditEntry &entry);
};

// What to list or export. Every set field must match; unset fields do not filter.
struct AuditFilter
{
    QDateTime from; // created_at >= from
    QDateTime to;   // created_at < to
    QString eventType;
    QString severity;
    QString resourceType;
    QString resourceId;
    QString username;
    QString text; // in the description, case-insensitive (ASCII only on SQLite)

    QJsonObject toJson() const; // the set fields, for the audit entry of an export
};

// Which end of the trail a list starts from.
enum class AuditOrder { NewestFirst, OldestFirst };

struct AuditPage
{
    QList<AuditEntry> entries; // in the order asked for
    qint64 nextBeforeId = 0;   // pass as beforeId (the keyset id) for the next page; 0 on the last page
};

struct AuditSummary
{
    qint64 totalEntries = 0;
    QDateTime latestTimestamp; // invalid when the trail is empty
    QMap<QString, qint64> byEventType;
    QMap<QString, qint64> bySeverity;
    QMap<QString, qint64> byDay;      // "yyyy-MM-dd" (UTC) -> entries that day
    QMap<QString, qint64> byUsername; // "" for entries without a user
    QList<AuditEntry> latestErrors; // severity error or critical, newest first

    QJsonObject toJson() const;
};

// The outcome of walking the chain. The oldest remaining entry is the anchor: its prev_hash
// must equal the hash the retention job recorded when it purged the entries before it (""
// when nothing was ever purged); from there each entry must hash to its entry_hash and link
// to the entry before it.
struct AuditVerification
{
    bool intact = true;
    qint64 checked = 0;
    qint64 firstId = 0;   // oldest entry checked
    qint64 lastId = 0;    // newest entry checked
    QString latestHash;   // entry_hash of the newest entry (note it to anchor the trail elsewhere)
    qint64 purgedThrough = 0; // entries up to this id were removed by the retention job
    qint64 brokenAt = 0;  // the first entry where the chain breaks; 0 when intact
    QString problem;      // why it breaks there

    QJsonObject toJson() const;
};

struct AuditPurgeResult
{
    qint64 removed = 0;
    qint64 purgedThrough = 0; // highest id removed so far (this run or an earlier one)
    QString anchorHash;       // entry_hash of that entry: the oldest remaining entry's prev_hash

    QJsonObject toJson() const;
};

// The `audit_entries` table, append-only: on PostgreSQL a trigger refuses UPDATE, TRUNCATE and
// any DELETE outside purgeOlderThan(); on SQLite triggers refuse UPDATE and DELETE unless the
// retention job holds the bypass row of audit_retention (migration 0006).
class AuditRepository final
{
    Q_DISABLE_COPY_MOVE(AuditRepository)
public:
    explicit AuditRepository(const Database &database)
        : m_database(database)
    { }

    // Links the entry to the latest one and stores it, in one transaction that holds the
    // audit lock so concurrent appenders (threads, processes, nodes) keep one linear chain.
    // Returns the stored entry (id, createdAt, prevHash, entryHash filled in).
    AuditEntry append(AuditEntry entry);
    QList<AuditEntry> latest(int limit) const; // newest first
    qint64 count() const;

    // Keyset paging, newest first: entries with id < beforeId (0: from the newest) that match;
    // OldestFirst: entries with id > beforeId (0: from the oldest), ascending. Each equality
    // filter has an (column, id) index, read either way, so a deep page costs what the first does.
    AuditPage list(const AuditFilter &filter, int limit, qint64 beforeId = 0,
                   AuditOrder order = AuditOrder::NewestFirst) const;
    std::optional<AuditEntry> find(qint64 id) const;
    // Oldest first: entries with afterId < id <= upToId that match, at most limit (export).
    QList<AuditEntry> ascending(const AuditFilter &filter, qint64 afterId, qint64 upToId, int limit) const;
    qint64 newestId() const; // 0 when empty
    // Every count is of the entries that match the filter: totalEntries is the true total.
    AuditSummary summary(const AuditFilter &filter = {}, int latestErrors = 10) const;

    // Walks the whole chain in batches (memory stays flat); progress gets (checked, last id).
    using Progress = std::function<void(qint64 checked, qint64 lastId)>;
    AuditVerification verify(const Progress &progress = {}) const;

    // The retention job: removes entries written before `cutoff`, oldest first, as a prefix of
    // the chain (it stops at the first entry at or after the cutoff, and always keeps the
    // newest entry so the next append still links to it), in batches of one transaction each,
    // and records the new anchor. progress gets (removed so far, purged through id).
    AuditPurgeResult purgeOlderThan(const QDateTime &cutoff, const Progress &progress = {});

private:
    const Database &m_database;
};

} // namespace tf::db
