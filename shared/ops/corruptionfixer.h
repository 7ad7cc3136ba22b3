#pragma once

#include "backupmanager.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace tf::db {
class Database;
}

namespace tf::ops {

// One problem found in a control table and what was done about it.
struct CorruptionFinding
{
    QString table;
    QString key;        // "id=12", "pair_id=7 (4 rows)"
    QString problem;    // invalid_json, broken_reference, stuck_operation, orphan, chain_break
    QString detail;     // what exactly is wrong
    // repaired: fixed in place (safe: derived data, an expired lease, rows of a pair that is
    //           gone); set_aside: removed from use, the original kept in the set-aside file;
    // reported: left as it is for a person (the audit chain is evidence, never rewritten);
    // skipped:  a dry run, or the row changed while the fix ran.
    QString action;
    QString resolution; // what was done, in words
    QJsonObject toJson() const;
};

struct CorruptionReport
{
    QString entityType;
    bool dryRun = false;
    QJsonObject rowsChecked;      // table -> rows looked at
    QList<CorruptionFinding> findings;
    QString setAsideFile;         // JSON lines: every changed or removed row as it was
    QString validationScript;
    int validationExitCode = -1;  // -1: not run
    QString validationOutput;     // its last lines
    bool rolledBack = false;      // the script said no: the changes were undone
    QStringList rollbackProblems; // rows the database would not take back

    int count(const QString &action) const;
    // Nothing left for a person and the validation script (if any) accepted the result.
    bool resolved() const;
    QJsonObject toJson() const;
};

// `tfctl fix-corruption <entity_type> [--validation SCRIPT]` (disaster_recovery.py's
// fix-corruption): checks sync_pairs, sync_operations, audit_entries, system_metrics,
// quarantine and sync state for invalid JSON, broken references, stuck operations and
// audit-chain breaks; repairs what is safe in one transaction, sets the rest aside, and
// writes every row it changes or removes, as it was, to
// <data>/set_aside/fix-corruption-<entity>-<time>.jsonl. With a validation script, the
// script runs afterwards as `SCRIPT <entity_type>` (DATABASE_URL, TF_DATA_DIR,
// TF_FIX_REPORT and TF_SET_ASIDE_FILE in its environment); a non-zero exit code undoes the
// changes from the set-aside file.
class CorruptionFixer final
{
public:
    struct Options
    {
        QString entityType = QStringLiteral("all");
        QString dataDir;
        QString databaseUrl;       // handed to the validation script
        bool dryRun = false;
        QString validationScript;
        int validationTimeoutMs = 300000;
        int stuckWithoutLeaseMinutes = 10; // running, no lease, no heartbeat for this long
    };

    // sync_pairs, sync_operations, audit_entries, system_metrics, quarantine, sync_state, all
    static const QStringList &entityTypes();

    CorruptionFixer(db::Database &database, Options options);
    CorruptionReport run(const ProgressFn &progress = {});

private:
    void runValidation(CorruptionReport &report, const QString &reportPath, const ProgressFn &progress);

    db::Database &m_database;
    Options m_options;
};

} // namespace tf::ops
