#pragma once

#include "maintenanceschedule.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <optional>

class QSqlQuery;

namespace tf::db {
class Database;
}

namespace tf::ops {

// One row of maintenance_runs.
struct MaintenanceRunRecord
{
    qint64 id = 0;
    QString kind;
    QString status; // running, completed, completed_with_errors, failed, abandoned
    QString triggeredBy;
    QString nodeId;
    QDateTime scheduledFor; // invalid: started by hand
    QDateTime startedAt;
    QDateTime finishedAt;
    QDateTime heartbeatAt;
    double progress = 0;
    QString message;
    QJsonObject report;

    // withReport false: the report's summary only (status, findings counts, paths).
    QJsonObject toJson(bool withReport) const;
};

// The maintenance_runs table (0002, 0008). A run is claimed by inserting its row: the unique
// indexes allow one running run per kind and one run per schedule slot, on every backend and
// across nodes, without a lock held while the run works.
class MaintenanceRunStore final
{
    Q_DISABLE_COPY_MOVE(MaintenanceRunStore)
public:
    // A running row whose heartbeat is older than this is taken to be dead (its node died).
    static constexpr int kStaleAfterSeconds = 600;

    explicit MaintenanceRunStore(db::Database &database)
        : m_database(database)
    { }

    // Inserts the running row and returns its id. Throws tf::Error(Conflict) when a run of
    // this kind is running (details.run_id) or the slot was claimed already
    // (details.slot_claimed); dead running rows of the kind are marked abandoned first.
    qint64 begin(MaintenanceKind kind, const QString &triggeredBy, const QString &nodeId,
                 const QDateTime &scheduledFor = QDateTime());
    // Is there a run (any status) for this slot?
    bool slotClaimed(MaintenanceKind kind, const QDateTime &slot) const;
    void heartbeat(qint64 id, double progress, const QString &message);
    void finish(qint64 id, const QString &status, const QJsonObject &report,
                const QString &message);
    // Marks running rows of the kind whose heartbeat stopped as abandoned; returns how many.
    int abandonStale(MaintenanceKind kind);

    std::optional<MaintenanceRunRecord> get(qint64 id) const;
    // Newest first; empty kind: every kind.
    // Newest first; ids below beforeId (0: from the newest).
    QList<MaintenanceRunRecord> list(int limit, const QString &kind = QString(), qint64 beforeId = 0) const;
    // The newest run of the kind that finished (any outcome).
    std::optional<MaintenanceRunRecord> lastFinished(MaintenanceKind kind) const;

private:
    MaintenanceRunRecord read(const QSqlQuery &query) const;

    db::Database &m_database;
};

} // namespace tf::ops
