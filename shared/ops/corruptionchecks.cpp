#include "corruptionchecks.h"

#include "core/errors.h"
#include "db/connection.h"
#include "db/repositories/auditrepository.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QSqlQuery>

#include <cmath>

namespace tf::ops::corruption {

namespace {

const QString kRepaired = QStringLiteral("repaired");
const QString kSetAside = QStringLiteral("set_aside");
const QString kReported = QStringLiteral("reported");

// Streams a large table: forward-only (single-row mode on PostgreSQL), so no other statement
// may run on the connection until it is done.
QSqlQuery forwardQuery(const db::Database &database, const QString &sql, const QVariantList &values, const char *what)
{
    QSqlQuery query(database.connection());
    query.setForwardOnly(true);
    if (!query.prepare(sql))
        database.raise(query, what);
    for (const QVariant &value : values)
        query.addBindValue(value);
    database.exec(query, what);
    return query;
}

// "" when the text is a JSON object (or, with arrayWanted, an array); else what is wrong.
QString jsonProblem(const QVariant &value, bool arrayWanted = false)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(value.toString().toUtf8(), &error);
    if (error.error != QJsonParseError::NoError)
        return QStringLiteral("not valid JSON (%1 at offset %2)").arg(error.errorString()).arg(error.offset);
    if (arrayWanted ? !document.isArray() : !document.isObject())
        return arrayWanted ? QStringLiteral("not a JSON array") : QStringLiteral("not a JSON object");
    return {};
}

QVariant typedNull(QMetaType::Type type = QMetaType::QString)
{
    return QVariant(QMetaType(type));
}

// Orphans of a table keyed by pair_id (state, checkpoints, quarantine): one finding per pair,
// every row journaled, one DELETE per pair.
void removeOrphansOfPair(Scan &scan, const QString &table, const QStringList &keyColumns, const QString &pairId,
                         qint64 rows, const QString &action, const QString &resolution)
{
    const int finding = scan.addFinding(table, QStringLiteral("pair_id=%1 (%2 rows)").arg(pairId).arg(rows),
                                        QStringLiteral("orphan"),
                                        QStringLiteral("%1 row(s) of pair %2, which does not exist").arg(rows).arg(pairId),
                                        action, resolution);
    QSqlQuery query = forwardQuery(scan.database, QStringLiteral("SELECT * FROM %1 WHERE pair_id = ?").arg(table),
                                   { pairId }, "reading orphan rows");
    while (query.next())
        scan.journal.record(table, QStringLiteral("delete"), query.record(), keyColumns, {}, QStringLiteral("orphan"));
    PlannedChange change;
    change.finding = finding;
    change.table = table;
    change.remove = true;
    change.keyColumns = { QStringLiteral("pair_id") };
    change.keyValues = { pairId };
    scan.changes << change;
}

} // namespace

int Scan::addFinding(const QString &table, const QString &key, const QString &problem, const QString &detail,
                     const QString &action, const QString &resolution)
{
    findings << CorruptionFinding { table, key, problem, detail, action, resolution };
    return static_cast<int>(findings.size() - 1);
}

QSqlRecord Scan::row(const QString &table, const QStringList &keyColumns, const QVariantList &keyValues) const
{
    QStringList where;
    for (const QString &column : keyColumns)
        where << column + QStringLiteral(" = ?");
    QSqlQuery query = database.prepare(QStringLiteral("SELECT * FROM %1 WHERE %2").arg(table, where.join(QStringLiteral(" AND "))));
    for (const QVariant &value : keyValues)
        query.addBindValue(value);
    database.exec(query, "reading a row to set aside");
    if (!query.next())
        return {};
    const QSqlRecord record = query.record();
    query.finish();
    return record;
}

void loadPairIds(Scan &scan)
{
    QSqlQuery query = scan.database.prepare(QStringLiteral("SELECT id FROM sync_pairs"));
    scan.database.exec(query, "reading sync pair ids");
    while (query.next())
        scan.pairIds.insert(query.value(0).toString());
}

void checkSyncPairs(Scan &scan)
{
    QSet<qint64> systems;
    {
        QSqlQuery query = scan.database.prepare(QStringLiteral("SELECT id FROM systems"));
        scan.database.exec(query, "reading system ids");
        while (query.next())
            systems.insert(query.value(0).toLongLong());
    }
    QList<QSqlRecord> rows;
    {
        QSqlQuery query = scan.database.prepare(QStringLiteral("SELECT * FROM sync_pairs ORDER BY id"));
        scan.database.exec(query, "reading sync pairs");
        while (query.next())
            rows << query.record();
    }
    scan.rowsChecked.insert(QStringLiteral("sync_pairs"), rows.size());
    const QStringList key { QStringLiteral("id") };
    for (const QSqlRecord &row : std::as_const(rows)) {
        const qint64 id = row.value(QStringLiteral("id")).toLongLong();
        const bool enabled = row.value(QStringLiteral("enabled")).toBool();
        const QString keyText = QStringLiteral("id=%1 (%2)").arg(id).arg(row.value(QStringLiteral("name")).toString());
        bool disabledHere = false;
        const QString definition = jsonProblem(row.value(QStringLiteral("definition")));
        if (!definition.isEmpty()) {
            const int finding = scan.addFinding(QStringLiteral("sync_pairs"), keyText, QStringLiteral("invalid_json"),
                                                QStringLiteral("definition is ") + definition, kSetAside,
                                                QStringLiteral("pair disabled and its definition replaced by {}; the original is in the set-aside file"));
            const QStringList columns { QStringLiteral("definition"), QStringLiteral("enabled"), QStringLiteral("next_run_at") };
            scan.journal.record(QStringLiteral("sync_pairs"), QStringLiteral("update"), row, key, columns, QStringLiteral("invalid_json"));
            PlannedChange change;
            change.finding = finding;
            change.table = QStringLiteral("sync_pairs");
            change.keyColumns = key;
            change.keyValues = { id };
            change.setColumns = columns;
            change.setValues = { QStringLiteral("{}"), false, typedNull() };
            change.guard = QStringLiteral("definition = ?");
            change.guardValues = { row.value(QStringLiteral("definition")) };
            scan.changes << change;
            disabledHere = true;
        }
        QStringList missing;
        for (const char *column : { "source_system_id", "target_system_id" }) {
            const qint64 systemId = row.value(QLatin1String(column)).toLongLong();
            if (!systems.contains(systemId))
                missing << QStringLiteral("%1 %2").arg(QLatin1String(column)).arg(systemId);
        }
        if (missing.isEmpty())
            continue;
        const QString detail = QStringLiteral("refers to systems that do not exist: ") + missing.join(QStringLiteral(", "));
        if (disabledHere || !enabled) {
            scan.addFinding(QStringLiteral("sync_pairs"), keyText, QStringLiteral("broken_reference"), detail,
                            disabledHere ? kSetAside : kReported,
                            disabledHere ? QStringLiteral("pair disabled (above); register the system again or delete the pair")
                                         : QStringLiteral("pair already disabled; register the system again or delete the pair"));
            continue;
        }
        const int finding = scan.addFinding(QStringLiteral("sync_pairs"), keyText, QStringLiteral("broken_reference"), detail, kSetAside,
                                            QStringLiteral("pair disabled; register the system again or delete the pair"));
        const QStringList columns { QStringLiteral("enabled"), QStringLiteral("next_run_at") };
        scan.journal.record(QStringLiteral("sync_pairs"), QStringLiteral("update"), row, key, columns, QStringLiteral("broken_reference"));
        PlannedChange change;
        change.finding = finding;
        change.table = QStringLiteral("sync_pairs");
        change.keyColumns = key;
        change.keyValues = { id };
        change.setColumns = columns;
        change.setValues = { false, typedNull() };
        scan.changes << change;
    }
}

void checkSyncOperations(Scan &scan)
{
    const db::Dialect &dialect = scan.database.dialect();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QDateTime silentSince = now.addSecs(-60LL * scan.stuckWithoutLeaseMinutes);
    struct Suspect
    {
        qint64 id;
        QString pairId;
        QString statistics;   // problem text or ""
        QString changes;
        QString stuck;        // "requeue", "cancel", "fail" or ""
        QString owner;
        QDateTime since;
    };
    QList<Suspect> suspects;
    qint64 rows = 0;
    {
        QSqlQuery query = forwardQuery(scan.database, QStringLiteral(
            "SELECT id, pair_id, status, statistics, changes, lease_owner, lease_expires_at, heartbeat_at, "
            "started_at, created_at, cancel_requested FROM sync_operations ORDER BY id"), {}, "reading sync operations");
        while (query.next()) {
            ++rows;
            Suspect suspect { query.value(0).toLongLong(), query.value(1).toString(), {}, {}, {}, query.value(5).toString(), {} };
            if (!scan.pairIds.contains(suspect.pairId)) {
                suspect.stuck = QStringLiteral("orphan");
                suspects << suspect;
                continue;
            }
            suspect.statistics = jsonProblem(query.value(3));
            if (!query.value(4).isNull())
                suspect.changes = jsonProblem(query.value(4), true);
            if (query.value(2).toString() == QLatin1String("running")) {
                const QDateTime lease = dialect.fromDb(query.value(6));
                if (lease.isValid() && lease < now) {
                    suspect.stuck = query.value(10).toBool() ? QStringLiteral("cancel") : QStringLiteral("requeue");
                    suspect.since = lease;
                } else if (!lease.isValid()) {
                    QDateTime last = dialect.fromDb(query.value(7));
                    if (!last.isValid())
                        last = dialect.fromDb(query.value(8));
                    if (!last.isValid())
                        last = dialect.fromDb(query.value(9));
                    if (last.isValid() && last < silentSince) {
                        suspect.stuck = QStringLiteral("fail");
                        suspect.since = last;
                    }
                }
            }
            if (!suspect.statistics.isEmpty() || !suspect.changes.isEmpty() || !suspect.stuck.isEmpty())
                suspects << suspect;
        }
    }
    scan.rowsChecked.insert(QStringLiteral("sync_operations"), rows);
    const QString table = QStringLiteral("sync_operations");
    const QStringList key { QStringLiteral("id") };
    for (const Suspect &suspect : std::as_const(suspects)) {
        const QSqlRecord row = scan.row(table, key, { suspect.id });
        if (row.isEmpty())
            continue;
        const QString keyText = QStringLiteral("id=%1").arg(suspect.id);
        const auto plan = [&](int finding, const QStringList &columns, const QVariantList &values, const QString &guard,
                              const QVariantList &guardValues, const QString &problem, const QString &log = QString()) {
            scan.journal.record(table, QStringLiteral("update"), row, key, columns, problem);
            scan.changes << PlannedChange { finding, table, false, key, { suspect.id }, columns, values, guard, guardValues, log };
        };
        if (suspect.stuck == QLatin1String("orphan")) {
            const int finding = scan.addFinding(table, keyText, QStringLiteral("broken_reference"),
                                                QStringLiteral("belongs to pair %1, which does not exist").arg(suspect.pairId), kSetAside,
                                                QStringLiteral("operation and its log removed; both are in the set-aside file"));
            QSqlQuery logs = forwardQuery(scan.database, QStringLiteral("SELECT * FROM operation_logs WHERE operation_id = ? ORDER BY id"),
                                          { suspect.id }, "reading an operation's log");
            while (logs.next())
                scan.journal.record(QStringLiteral("operation_logs"), QStringLiteral("delete"), logs.record(), key, {}, QStringLiteral("broken_reference"));
            scan.journal.record(table, QStringLiteral("delete"), row, key, {}, QStringLiteral("broken_reference"));
            scan.changes << PlannedChange { finding, table, true, key, { suspect.id }, {}, {}, {}, {}, {} };
            continue;
        }
        if (!suspect.statistics.isEmpty()) {
            const int finding = scan.addFinding(table, keyText, QStringLiteral("invalid_json"), QStringLiteral("statistics is ") + suspect.statistics,
                                                kRepaired, QStringLiteral("statistics reset to {} (counters only; the status and error are kept)"));
            plan(finding, { QStringLiteral("statistics") }, { QStringLiteral("{}") }, QStringLiteral("statistics = ?"),
                 { row.value(QStringLiteral("statistics")) }, QStringLiteral("invalid_json"));
        }
        if (!suspect.changes.isEmpty()) {
            const int finding = scan.addFinding(table, keyText, QStringLiteral("invalid_json"), QStringLiteral("changes is ") + suspect.changes,
                                                kRepaired, QStringLiteral("the saved dry-run change set cleared"));
            plan(finding, { QStringLiteral("changes") }, { typedNull() }, QStringLiteral("changes = ?"),
                 { row.value(QStringLiteral("changes")) }, QStringLiteral("invalid_json"));
        }
        const QString since = suspect.since.toString(Qt::ISODate);
        if (suspect.stuck == QLatin1String("requeue") || suspect.stuck == QLatin1String("cancel")) {
            const bool cancel = suspect.stuck == QLatin1String("cancel");
            const int finding = scan.addFinding(table, keyText, QStringLiteral("stuck_operation"),
                                                QStringLiteral("running, but the lease of node %1 expired at %2").arg(suspect.owner, since),
                                                kRepaired, cancel ? QStringLiteral("cancelled (a cancel had been requested)")
                                                                  : QStringLiteral("re-queued; the next run resumes from the pair's checkpoint"));
            QStringList columns { QStringLiteral("status"), QStringLiteral("lease_owner"), QStringLiteral("lease_expires_at"), QStringLiteral("not_before") };
            QVariantList values { cancel ? QStringLiteral("cancelled") : QStringLiteral("queued"), typedNull(), typedNull(), typedNull() };
            if (cancel) {
                columns << QStringLiteral("finished_at") << QStringLiteral("error");
                values << dialect.toDb(now) << QStringLiteral("cancelled; its node stopped before it could finish");
            }
            plan(finding, columns, values, QStringLiteral("status = 'running' AND lease_expires_at < ?"), { dialect.toDb(now) },
                 QStringLiteral("stuck_operation"),
                 QStringLiteral("lease of node %1 expired; %2 by tfctl fix-corruption").arg(suspect.owner, cancel ? QStringLiteral("cancelled") : QStringLiteral("re-queued")));
        } else if (suspect.stuck == QLatin1String("fail")) {
            const int finding = scan.addFinding(table, keyText, QStringLiteral("stuck_operation"),
                                                QStringLiteral("running without a lease; nothing heard from it since %1").arg(since),
                                                kRepaired, QStringLiteral("marked failed (abandoned)"));
            const QString error = QStringLiteral("abandoned: running without a lease since %1; marked failed by tfctl fix-corruption").arg(since);
            plan(finding, { QStringLiteral("status"), QStringLiteral("finished_at"), QStringLiteral("error") },
                 { QStringLiteral("failed"), dialect.toDb(now), error },
                 QStringLiteral("status = 'running' AND lease_expires_at IS NULL"), {}, QStringLiteral("stuck_operation"), error);
        }
    }
}

void checkQuarantine(Scan &scan)
{
    QHash<QString, qint64> orphans;
    QList<QPair<qint64, QString>> invalid;
    qint64 rows = 0;
    {
        QSqlQuery query = forwardQuery(scan.database, QStringLiteral("SELECT id, pair_id, source_row, transformed_row FROM quarantine ORDER BY id"),
                                       {}, "reading quarantine");
        while (query.next()) {
            ++rows;
            const QString pairId = query.value(1).toString();
            if (!scan.pairIds.contains(pairId)) {
                ++orphans[pairId];
                continue;
            }
            QString problem = jsonProblem(query.value(2));
            if (!problem.isEmpty())
                problem = QStringLiteral("source_row is ") + problem;
            else if (!(problem = jsonProblem(query.value(3))).isEmpty())
                problem = QStringLiteral("transformed_row is ") + problem;
            if (!problem.isEmpty())
                invalid << qMakePair(query.value(0).toLongLong(), problem);
        }
    }
    scan.rowsChecked.insert(QStringLiteral("quarantine"), rows);
    const QStringList key { QStringLiteral("id") };
    for (auto it = orphans.cbegin(); it != orphans.cend(); ++it) {
        removeOrphansOfPair(scan, QStringLiteral("quarantine"), key, it.key(), it.value(), kSetAside,
                            QStringLiteral("removed (they can never be replayed); the rows are in the set-aside file"));
    }
    for (const auto &[id, problem] : std::as_const(invalid)) {
        const int finding = scan.addFinding(QStringLiteral("quarantine"), QStringLiteral("id=%1").arg(id), QStringLiteral("invalid_json"), problem,
                                            kSetAside, QStringLiteral("removed (it cannot be replayed); the row is in the set-aside file"));
        scan.journal.record(QStringLiteral("quarantine"), QStringLiteral("delete"), scan.row(QStringLiteral("quarantine"), key, { id }), key, {},
                            QStringLiteral("invalid_json"));
        scan.changes << PlannedChange { finding, QStringLiteral("quarantine"), true, key, { id }, {}, {}, {}, {}, {} };
    }
}

void checkSyncState(Scan &scan)
{
    const QList<QPair<QString, QStringList>> tables {
        { QStringLiteral("sync_state"), { QStringLiteral("pair_id"), QStringLiteral("entity"), QStringLiteral("source_key") } },
        { QStringLiteral("sync_checkpoints"), { QStringLiteral("pair_id"), QStringLiteral("entity") } },
    };
    for (const auto &[table, key] : tables) {
        QList<QPair<QString, qint64>> orphans;
        qint64 rows = 0;
        {
            QSqlQuery query = scan.database.prepare(QStringLiteral("SELECT pair_id, COUNT(*) FROM %1 GROUP BY pair_id").arg(table));
            scan.database.exec(query, "counting sync state");
            while (query.next()) {
                rows += query.value(1).toLongLong();
                if (!scan.pairIds.contains(query.value(0).toString()))
                    orphans << qMakePair(query.value(0).toString(), query.value(1).toLongLong());
            }
        }
        scan.rowsChecked.insert(table, rows);
        for (const auto &[pairId, count] : std::as_const(orphans)) {
            removeOrphansOfPair(scan, table, key, pairId, count, kRepaired,
                                QStringLiteral("removed: no sync reads the state of a pair that is gone"));
        }
    }
}

void checkSystemMetrics(Scan &scan)
{
    QList<QPair<qint64, QString>> bad;
    qint64 rows = 0;
    {
        QSqlQuery query = forwardQuery(scan.database, QStringLiteral("SELECT id, labels, value FROM system_metrics ORDER BY id"),
                                       {}, "reading system metrics");
        while (query.next()) {
            ++rows;
            QString problem = jsonProblem(query.value(1));
            if (!problem.isEmpty())
                problem = QStringLiteral("labels is ") + problem;
            else if (!std::isfinite(query.value(2).toDouble()))
                problem = QStringLiteral("value is not a finite number");
            if (!problem.isEmpty())
                bad << qMakePair(query.value(0).toLongLong(), problem);
        }
    }
    scan.rowsChecked.insert(QStringLiteral("system_metrics"), rows);
    const QStringList key { QStringLiteral("id") };
    for (const auto &[id, problem] : std::as_const(bad)) {
        const int finding = scan.addFinding(QStringLiteral("system_metrics"), QStringLiteral("id=%1").arg(id),
                                            problem.startsWith(QLatin1String("labels")) ? QStringLiteral("invalid_json") : QStringLiteral("invalid_value"),
                                            problem, kSetAside, QStringLiteral("sample removed from the history; it is in the set-aside file"));
        scan.journal.record(QStringLiteral("system_metrics"), QStringLiteral("delete"), scan.row(QStringLiteral("system_metrics"), key, { id }),
                            key, {}, QStringLiteral("invalid_metric"));
        scan.changes << PlannedChange { finding, QStringLiteral("system_metrics"), true, key, { id }, {}, {}, {}, {}, {} };
    }
}

void checkAuditChain(Scan &scan)
{
    const db::Dialect &dialect = scan.database.dialect();
    QList<QPair<qint64, QString>> broken;
    qint64 rows = 0;
    // The oldest entry links to the hash the retention job recorded when it purged the ones
    // before it ("" when nothing was purged; migration 0006).
    QString anchor;
    try {
        QSqlQuery query = scan.database.prepare(QStringLiteral("SELECT anchor_hash FROM audit_retention WHERE id = 1"));
        scan.database.exec(query, "reading the audit retention anchor");
        if (query.next())
            anchor = query.value(0).toString();
    } catch (const Error &) {
        // A schema before 0006: no anchor table, nothing was purged.
    }
    {
        QSqlQuery query = forwardQuery(scan.database, QStringLiteral(
            "SELECT id, created_at, event_type, severity, resource_type, resource_id, operation_id, description, "
            "previous_state, new_state, username, ip_address, user_agent, correlation_id, prev_hash, entry_hash "
            "FROM audit_entries ORDER BY id"), {}, "reading the audit trail");
        qint64 previousId = 0;
        QString previousHash;
        while (query.next()) {
            ++rows;
            db::AuditEntry entry;
            entry.id = query.value(0).toLongLong();
            entry.createdAt = dialect.fromDb(query.value(1));
            entry.eventType = query.value(2).toString();
            entry.severity = query.value(3).toString();
            entry.resourceType = query.value(4).toString();
            entry.resourceId = query.value(5).toString();
            entry.operationId = query.value(6).toLongLong();
            entry.description = query.value(7).toString();
            entry.previousState = QJsonDocument::fromJson(query.value(8).toString().toUtf8()).object();
            entry.newState = QJsonDocument::fromJson(query.value(9).toString().toUtf8()).object();
            entry.username = query.value(10).toString();
            entry.ipAddress = query.value(11).toString();
            entry.userAgent = query.value(12).toString();
            entry.correlationId = query.value(13).toString();
            entry.prevHash = query.value(14).toString();
            entry.entryHash = query.value(15).toString();
            QStringList problems;
            for (int column : { 8, 9 }) {
                if (query.value(column).isNull())
                    continue;
                const QString problem = jsonProblem(query.value(column));
                if (!problem.isEmpty())
                    problems << QStringLiteral("%1 is %2").arg(column == 8 ? QStringLiteral("previous_state") : QStringLiteral("new_state"), problem);
            }
            if (db::AuditEntry::computeHash(entry.prevHash, entry) != entry.entryHash)
                problems << QStringLiteral("entry_hash does not match the entry's content: it was changed after it was written");
            if (previousId > 0 && entry.prevHash != previousHash)
                problems << QStringLiteral("prev_hash does not link to entry %1: an entry between them was removed or re-hashed").arg(previousId);
            else if (previousId == 0 && entry.prevHash != anchor)
                problems << QStringLiteral("prev_hash of the oldest entry does not match the retention anchor: "
                                           "entries before it were removed outside the retention job");
            if (!problems.isEmpty())
                broken << qMakePair(entry.id, problems.join(QStringLiteral("; ")));
            previousId = entry.id;
            previousHash = entry.entryHash;
        }
    }
    scan.rowsChecked.insert(QStringLiteral("audit_entries"), rows);
    const QStringList key { QStringLiteral("id") };
    for (const auto &[id, problem] : std::as_const(broken)) {
        scan.addFinding(QStringLiteral("audit_entries"), QStringLiteral("id=%1").arg(id), QStringLiteral("chain_break"), problem, kReported,
                        QStringLiteral("kept as evidence (the trail is never rewritten); a copy is in the set-aside file; "
                                       "compare it with a backup and investigate who changed it"));
        scan.journal.record(QStringLiteral("audit_entries"), QStringLiteral("none"), scan.row(QStringLiteral("audit_entries"), key, { id }),
                            key, {}, QStringLiteral("chain_break"));
    }
}

} // namespace tf::ops::corruption
