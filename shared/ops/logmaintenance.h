#pragma once

#include <QDate>
#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace tf::ops {

// The logs folder's upkeep (seed section 7.2: daily files, 7-day retention). The services
// write <data>/logs/<program>-YYYY-MM-DD.log and start a new file each day; these functions
// handle every program's files at once, whether or not that program is running.
struct LogCleanup
{
    int examined = 0; // dated log files looked at
    QStringList removed; // file names removed (dated before today - retentionDays)
    qint64 bytesFreed = 0;
    int kept = 0;
    qint64 bytesKept = 0;
    QJsonObject toJson() const;
};

// Removes dated log files older than retentionDays before `today` (the same rule as the
// services' own rotation: a file dated exactly today - retentionDays is kept).
LogCleanup cleanLogs(const QString &logDir, int retentionDays,
                     const QDate &today = QDate::currentDate());

struct LogRotation
{
    QStringList rotated; // undated files copied to <stem>-YYYY-MM-DD-HHmmss.log and truncated
    qint64 bytesRotated = 0;
    LogCleanup cleanup; // then past-retention files removed
    QJsonObject programs; // per program: {"files": n, "bytes": n, "oldest": date, "newest": date}
    QJsonObject toJson() const;
};

// Monthly rotation: undated *.log files (e.g. output captured by a service manager) are
// copied aside with the date and time and truncated in place (the writer keeps its handle),
// past-retention files are removed, and an inventory per program is taken.
LogRotation rotateLogs(const QString &logDir, int retentionDays,
                       const QDateTime &now = QDateTime::currentDateTime());

} // namespace tf::ops
