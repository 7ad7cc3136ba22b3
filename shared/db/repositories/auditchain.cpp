// The audit trail's chain: verification and the retention job (AuditRepository, continued).
#include "auditrepository.h"

#include "auditsql.h"
#include "core/errors.h"
#include "rowhelpers.h"

namespace tf::db {

namespace {

constexpr int kVerifyBatch = 2000;
constexpr int kPurgeBatch = 5000;

struct Anchor
{
    qint64 purgedThrough = 0;
    QString hash;
};

Anchor readAnchor(const Database &database)
{
    QSqlQuery query = database.prepare(
        QStringLiteral("SELECT purged_through, anchor_hash FROM audit_retention WHERE id = 1"));
    database.exec(query, "reading the audit retention anchor");
    Anchor anchor;
    if (query.next()) {
        anchor.purgedThrough = query.value(0).toLongLong();
        anchor.hash = query.value(1).toString();
    }
    return anchor;
}

QList<AuditEntry> batchAfter(const Database &database, qint64 afterId, int limit)
{
    QSqlQuery query = database.prepare(QStringLiteral("SELECT ") + audit::kEntryColumns
                                       + QStringLiteral(" FROM audit_entries WHERE id > ? ORDER BY id LIMIT ?"));
    query.addBindValue(afterId);
    query.addBindValue(limit);
    database.exec(query, "reading audit entries to verify");
    QList<AuditEntry> entries;
    while (query.next())
        entries.append(audit::readEntry(database.dialect(), query));
    return entries;
}

// Lets this transaction delete audit entries: PostgreSQL reads a transaction-local setting;
// SQLite's trigger reads the bypass row, set back to 0 before the transaction commits.
void openRetentionGate(const Database &database, bool open)
{
    if (database.dialect().isPostgres()) {
        if (open)
            database.execDirect(QStringLiteral("SET LOCAL terrafusion.audit_retention = 'on'"),
                                "allowing the audit retention");
        return; // SET LOCAL ends with the transaction
    }
    QSqlQuery query = database.prepare(QStringLiteral("UPDATE audit_retention SET active = ? WHERE id = 1"));
    query.addBindValue(open ? 1 : 0);
    database.exec(query, "switching the audit retention gate");
}

} // namespace

QJsonObject AuditVerification::toJson() const
{
    QJsonObject json { { QStringLiteral("intact"), intact },
                       { QStringLiteral("checked"), checked },
                       { QStringLiteral("first_id"), firstId == 0 ? QJsonValue() : QJsonValue(firstId) },
                       { QStringLiteral("last_id"), lastId == 0 ? QJsonValue() : QJsonValue(lastId) },
                       { QStringLiteral("latest_hash"), latestHash.isEmpty() ? QJsonValue() : QJsonValue(latestHash) },
                       { QStringLiteral("purged_through"), purgedThrough },
                       { QStringLiteral("broken_at"), brokenAt == 0 ? QJsonValue() : QJsonValue(brokenAt) },
                       { QStringLiteral("problem"), problem.isEmpty() ? QJsonValue() : QJsonValue(problem) } };
    return json;
}

QJsonObject AuditPurgeResult::toJson() const
{
    return { { QStringLiteral("removed"), removed },
             { QStringLiteral("purged_through"), purgedThrough },
             { QStringLiteral("anchor_hash"), anchorHash } };
}

AuditVerification AuditRepository::verify(const Progress &progress) const
{
    // A purge that commits between reading the anchor and the first batch would make the
    // first entry look detached: read the anchor after the first batch, and start over if a
    // purge moved it meanwhile.
    for (int attempt = 0;; ++attempt) {
        AuditVerification result;
        QList<AuditEntry> batch = batchAfter(m_database, 0, kVerifyBatch);
        const Anchor anchor = readAnchor(m_database);
        result.purgedThrough = anchor.purgedThrough;
        if (batch.isEmpty())
            return result;
        if (batch.constFirst().id <= anchor.purgedThrough && attempt < 3)
            continue;

        QString previousHash = anchor.purgedThrough > 0 ? anchor.hash : QString();
        qint64 previousId = 0;
        while (!batch.isEmpty()) {
            for (const AuditEntry &entry : std::as_const(batch)) {
                if (result.firstId == 0)
                    result.firstId = entry.id;
                if (entry.prevHash != previousHash) {
                    result.intact = false;
                    result.brokenAt = entry.id;
                    if (previousId != 0)
                        result.problem = QStringLiteral("its prev_hash does not match the entry before it "
                                                        "(id %1): an entry was removed, inserted or rewritten")
                                             .arg(previousId);
                    else if (anchor.purgedThrough > 0)
                        result.problem = QStringLiteral("its prev_hash does not match the retention anchor "
                                                        "(entries up to id %1 were purged): older entries were "
                                                        "removed or changed")
                                             .arg(anchor.purgedThrough);
                    else
                        result.problem = QStringLiteral("it is the oldest entry but links to an earlier one, "
                                                        "and nothing was ever purged: older entries were removed");
                    return result;
                }
                if (AuditEntry::computeHash(entry.prevHash, entry) != entry.entryHash) {
                    result.intact = false;
                    result.brokenAt = entry.id;
                    result.problem = QStringLiteral("its content does not match its entry_hash: the entry was "
                                                    "changed after it was written");
                    return result;
                }
                previousHash = entry.entryHash;
                previousId = entry.id;
                ++result.checked;
            }
            result.lastId = previousId;
            result.latestHash = previousHash;
            if (progress)
                progress(result.checked, result.lastId);
            batch = batchAfter(m_database, previousId, kVerifyBatch);
        }
        return result;
    }
}

AuditPurgeResult AuditRepository::purgeOlderThan(const QDateTime &cutoff, const Progress &progress)
{
    const Dialect &dialect = m_database.dialect();
    AuditPurgeResult result;
    result.purgedThrough = readAnchor(m_database).purgedThrough;
    for (;;) {
        Transaction transaction(m_database);
        transaction.lock(locks::kAuditChain);
        const Anchor anchor = readAnchor(m_database);
        result.purgedThrough = anchor.purgedThrough;
        result.anchorHash = anchor.hash;

        // The oldest entries, and whether a newer one exists (the newest entry always stays).
        qint64 lastId = 0;
        QString lastHash;
        bool reachedCutoff = false;
        int seen = 0;
        {
            QSqlQuery query = m_database.prepare(QStringLiteral(
                "SELECT id, created_at, entry_hash FROM audit_entries ORDER BY id LIMIT ?"));
            query.addBindValue(kPurgeBatch + 1);
            m_database.exec(query, "reading the oldest audit entries");
            while (query.next()) {
                ++seen;
                if (seen > kPurgeBatch)
                    break;
                if (dialect.fromDb(query.value(1)) >= cutoff) {
                    reachedCutoff = true;
                    break;
                }
                lastId = query.value(0).toLongLong();
                lastHash = query.value(2).toString();
            }
            query.finish();
        }
        // Keep the newest entry: when nothing newer than the candidates was seen, the last
        // candidate is the newest entry of all.
        if (!reachedCutoff && seen <= kPurgeBatch && lastId != 0) {
            QSqlQuery previous = m_database.prepare(QStringLiteral(
                "SELECT id, entry_hash FROM audit_entries WHERE id < ? ORDER BY id DESC LIMIT 1"));
            previous.addBindValue(lastId);
            m_database.exec(previous, "reading the audit entry before the newest");
            if (previous.next()) {
                lastId = previous.value(0).toLongLong();
                lastHash = previous.value(1).toString();
            } else {
                lastId = 0;
            }
            previous.finish();
            reachedCutoff = true;
        }
        if (lastId == 0)
            break;

        openRetentionGate(m_database, true);
        QSqlQuery remove = m_database.prepare(QStringLiteral("DELETE FROM audit_entries WHERE id <= ?"));
        remove.addBindValue(lastId);
        m_database.exec(remove, "purging audit entries");
        const qint64 removed = remove.numRowsAffected();
        QSqlQuery record = m_database.prepare(QStringLiteral(
            "UPDATE audit_retention SET purged_through = ?, anchor_hash = ?, purged_at = ? WHERE id = 1"));
        record.addBindValue(lastId);
        record.addBindValue(lastHash);
        record.addBindValue(dialect.toDb(QDateTime::currentDateTimeUtc()));
        m_database.exec(record, "recording the audit retention anchor");
        openRetentionGate(m_database, false);
        transaction.commit();

        result.removed += removed;
        result.purgedThrough = lastId;
        result.anchorHash = lastHash;
        if (progress)
            progress(result.removed, result.purgedThrough);
        if (reachedCutoff)
            break;
    }
    return result;
}

} // namespace tf::db
