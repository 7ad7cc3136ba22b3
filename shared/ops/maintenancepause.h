#pragma once

#include <QDateTime>
#include <QString>

namespace tf::ops {

// "Pause the scheduler meanwhile": while a restore replaces the control database, the file
// <data>/maintenance.lock exists and tf-syncd's scheduler fires no schedule and its workers
// claim no operation (operations already queued wait; nothing is lost). A file, not a row,
// because the restore replaces every row. It names who holds it; a lock left behind by a
// process of this host that has died is not in effect (and is removed by the next holder).
// Nodes on other hosts only see it when they share the data directory; the runbook says to
// stop their tf-syncd before a restore.
class MaintenancePause final
{
    Q_DISABLE_COPY_MOVE(MaintenancePause)
public:
    struct State
    {
        bool active = false;
        QString reason; // "restore of terrafusion-...sqlite"
        qint64 pid = 0;
        QString host;
        QDateTime since;
        QString describe() const; // "restore of x (pid 12 on host, since 2026-...)"
    };

    static QString pathFor(const QString &dataDir);
    // The lock in effect at `lockPath`; cheap when there is none (one stat).
    static State current(const QString &lockPath);

    // Takes the pause. Throws tf::Error(Conflict) naming the holder when another live
    // process holds it, Unavailable when the file cannot be written.
    MaintenancePause(QString lockPath, const QString &reason);
    ~MaintenancePause(); // lifts it

private:
    QString m_path;
};

} // namespace tf::ops
