#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <functional>

namespace tf::ops {

// Progress of a long step: fraction 0..1 and one line for humans (tfctl prints it, the
// gateway's job shows it).
using ProgressFn = std::function<void(double fraction, const QString &message)>;

struct BackupInfo
{
    QString name;          // file name inside the backups folder
    QString path;          // absolute path
    qint64 sizeBytes = 0;
    QDateTime createdAt;   // from the manifest
    QString backend;       // "postgres" or "sqlite"
    int schemaVersion = 0;
    bool verified = false; // checksum and manifest checked
    QString problem;       // why it is not verified ("" when verified)
    QJsonObject manifest;  // time, schema version, row counts per table, checksum
    QJsonObject toJson() const;
};

struct RestoreOptions
{
    bool allowExternal = false;   // a file outside the backups folder
    bool safetyBackup = true;     // take a backup of the current data first
};

struct RestoreResult
{
    BackupInfo restored;
    QString safetyBackup;         // name of the safety backup ("" when none)
    int schemaVersionBefore = 0;  // of the restored file
    int schemaVersionAfter = 0;   // after migrating to this binary's schema
    QJsonObject rowCounts;        // per table, after the restore
    QJsonObject toJson() const;
};

// Backups of the control database (DESIGN.md section 9: backup_utilities.py). PostgreSQL:
// pg_dump custom format; SQLite: the online backup API, consistent while the services run.
// Each backup has a manifest and a .sha256 beside it. Throws tf::Error: Validation for a bad
// name, a path outside the folder, or a corrupted/truncated file (nothing is changed then);
// NotFound for an unknown name; Unavailable when the database or pg_dump cannot be used.
class BackupManager final
{
public:
    BackupManager(QString databaseUrl, QString backupsDir);

    BackupInfo create(const QString &label = QString(), const ProgressFn &progress = {});
    QList<BackupInfo> list() const; // newest first, each verified
    BackupInfo verify(const QString &nameOrPath, bool allowExternal = false) const;
    RestoreResult restore(const QString &nameOrPath, const RestoreOptions &options = {},
                          const ProgressFn &progress = {});
    void remove(const QString &name);
    // Keeps the newest keepCount and nothing older than maxAgeDays (0: no limit); returns the
    // names removed.
    QStringList applyRetention(int keepCount, int maxAgeDays);

    QString backupsDir() const { return m_backupsDir; }

private:
    QString m_databaseUrl;
    QString m_backupsDir;
};

} // namespace tf::ops
