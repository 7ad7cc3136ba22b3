#pragma once

#include "sync/row.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <atomic>
#include <functional>
#include <optional>

namespace tf::sync {

enum class RunStatus { Completed, CompletedWithErrors, Failed, Cancelled };
// "completed", "completed_with_errors", "failed", "cancelled" (sync_operations.status).
QString runStatusName(RunStatus status);

struct EntityStats
{
    qint64 read = 0; // source rows looked at (staged, or read past the checkpoint)
    qint64 inserted = 0;
    qint64 updated = 0;
    qint64 deleted = 0; // deletes, soft deletes included
    qint64 unchanged = 0;
    qint64 quarantined = 0;
    qint64 failed = 0; // rows of a batch whose apply failed the run

    EntityStats &operator+=(const EntityStats &other);
    bool operator==(const EntityStats &other) const;
    qint64 writes() const { return inserted + updated + deleted; }
    QJsonObject toJson() const;
};

// One planned change, reported by a dry run (and capped: see RunOptions::changeLimit).
struct PlannedChange
{
    QString entity;
    QString kind; // insert, update, upsert (cursor/full: not known), delete, soft_delete, invalid
    QString key; // target key text (source key text for "invalid")
    QJsonObject row; // the transformed row (empty for deletes)
    // Updates the target could be read back for: the changed fields only, the target's
    // current values (before) and the ones the run would write (after). Absent otherwise.
    std::optional<QPair<QJsonObject, QJsonObject>> beforeAfter;
    QJsonObject toJson() const;
};

// A reason the target cannot take the pair's writes, found by a dry run before any row is
// read (TargetCheck): the real run would fail on it.
struct TargetProblem
{
    QString entity; // the pair's entity label
    QString kind; // missing_table, missing_column, type_mismatch, unmapped_key, missing_key_constraint
    QString table; // target entity
    QString column; // empty for table-wide problems
    QString message; // one sentence naming table, column and what to do
    QJsonObject toJson() const;
};

struct RunProgress
{
    QString entity;
    int entityIndex = 0;
    int entityCount = 0;
    double percent = -1; // overall; -1 while the current entity's size is unknown
    double etaSeconds = -1; // seconds left at the rate so far; -1 while percent is unknown or 0
    EntityStats entityStats;
    EntityStats totals;
};

struct RunOptions
{
    qint64 operationId = 0;
    bool dryRun = false;
    int changeLimit = 1000; // dry run: planned changes listed at most
    const std::atomic_bool *cancel = nullptr; // checked between batches
    std::function<void(const RunProgress &)> progress; // after every batch
    bool forceFull = false; // run every entity in full mode (a resync)
};

struct RunResult
{
    RunStatus status = RunStatus::Completed;
    QString error; // why the run failed
    QString errorCode; // tf::Error::code() of that failure
    QList<QPair<QString, EntityStats>> entities; // in execution order
    EntityStats totals;
    QList<PlannedChange> changes; // dry run only, capped
    qint64 plannedChanges = 0; // dry run: all of them, listed or not
    QList<TargetProblem> targetProblems; // dry run: every problem the target check found
    qint64 maxRowsHeld = 0; // largest number of rows/keys held at once
    int retries = 0; // transient failures retried
    QJsonObject verify; // a verify operation's report (VerifyReport::toJson), else empty

    QJsonObject toJson() const;
};

} // namespace tf::sync
