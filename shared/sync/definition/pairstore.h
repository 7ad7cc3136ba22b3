#pragma once

#include "db/repositories/syncpairrepository.h"

#include <QDateTime>
#include <QJsonObject>

#include <functional>
#include <optional>

namespace tf::sync {

// Every change to a stored sync pair, with the checks that go with it, for each way of
// making one: the API (tf-syncd's SyncPairsController) and `tfctl pair`. The callers audit
// what it returns (before and after), each in its own way.
class PairStore final
{
    Q_DISABLE_COPY_MOVE(PairStore)
public:
    explicit PairStore(db::Database &control);

    struct Change
    {
        db::SyncPairRecord before; // id 0 when created
        db::SyncPairRecord after; // id 0 when removed
    };

    // Validation listing every problem (the definition's, and each system that does not
    // exist); Conflict when another pair has the name.
    db::SyncPairRecord create(const QJsonObject &definition);
    // NotFound before Validation: the pair must exist. The next run is kept when neither the
    // schedule nor the enabled flag changed.
    // expectedVersion != 0: only when the pair is still at that version (If-Match), else
    // PreconditionFailed and nothing changes (checked by the UPDATE itself).
    Change replace(qint64 id, const QJsonObject &definition, qint64 expectedVersion = 0);
    // RFC 7396: `merge` (http::mergePatch) applies the patch to the stored definition, which
    // is then validated and stored as replace() does. Without expectedVersion, the version
    // read is the one expected, so a concurrent change is a PreconditionFailed, never lost.
    Change patch(qint64 id, const QJsonObject &mergePatch,
                 const std::function<QJsonObject(const QJsonObject &, const QJsonObject &)> &merge,
                 qint64 expectedVersion = 0);
    // Conflict (operation_running) while an operation of the pair is running. Its operations
    // go with it, and so do its quarantine entries (open or not): they could only be replayed
    // through the pair, and the deletion's audit entry keeps the record of them (the count in
    // *quarantineDeleted). expectedVersion as replace().
    db::SyncPairRecord remove(qint64 id, qint64 expectedVersion = 0, qint64 *quarantineDeleted = nullptr);
    // Nothing when the pair already was so (enabling an enabled pair changes nothing).
    std::optional<Change> setEnabled(qint64 id, bool enabled);

    // The next due time of an enabled, scheduled pair; cron fields are in the local time zone
    // (a county's "0 2 * * SUN" means 2 a.m. there). Invalid: not scheduled.
    static QDateTime nextRunOf(const db::SyncPairRecord &record);

private:
    db::SyncPairRecord validated(const QJsonObject &definition, qint64 exceptId) const;

    db::Database &m_control;
};

} // namespace tf::sync
