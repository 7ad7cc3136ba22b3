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
    bool pending = false;  // the checksum is being computed: "verified": null until it is known
    QString problem;       // why it is not verified ("" when verified or pending)
    QJsonObject manifest;  // time, schema version, row counts per table, checksum
    QJsonObject toJson() const;
};

struct RestoreOptions
{
    bool allowExternal = false;   // a file outside the backups folder
    bool safetyBackup = true;     // take a backup of the current data first
    // When the backup holds a secret key and another one is in place: Refuse (the default;
    // nothing is changed), use the backup's (the current one is kept beside it as
    // secret.key.replaced-<time>), or keep the current one.
    enum class KeyChoice { Refuse, UseBackupKey, KeepCurrentKey };
    KeyChoice keyChoice = KeyChoice::Refuse;
};

struct RestoreResult
{
    BackupInfo restored;
    QString safetyBackup;         // name of the safety backup ("" when none)
    int schemaVersionBefore = 0;  // of the restored file
    int schemaVersionAfter = 0;   // after migrating to this binary's schema
    QJsonObject rowCounts;        // per table, after the restore
    QString keyOutcome;           // what happened to secret.key, one line for people
    QJsonObject toJson() const;
};

// Backups of the control database (DESIGN.md section 9: backup_utilities.py). PostgreSQL:
// pg_dump custom format of one exported snapshot; SQLite: the online backup API, consistent
// while the services run. Each backup has a manifest (time, schema version, rows and a
// checksum per table, the file's SHA-256) and a .sha256 beside it (shared/ops/backupmanifest.h),
// and a row in the `backups` table. Throws tf::Error: BadRequest for a malformed name;
// Validation for a bad label, a path outside the folder, or a corrupted/truncated file
// (nothing is changed then); NotFound for an unknown name; Conflict while a restore holds the
// maintenance pause; Unavailable when the database or pg_dump cannot be used.
class BackupManager final
{
public:
    BackupManager(QString databaseUrl, QString backupsDir);

    // kind: manual, scheduled (maintenance) or safety (taken by a restore).
    BackupInfo create(const QString &label = QString(), const ProgressFn &progress = {},
                      const QString &kind = QStringLiteral("manual"));
    QList<BackupInfo> list() const; // newest first, each verified
    // The same, but a file whose checksum is not known yet is hashed by `runner` and listed as
    // pending (BackupInfo::pending): what an HTTP handler calls.
    QList<BackupInfo> list(const std::function<void(std::function<void()>)> &runner) const;
    BackupInfo verify(const QString &nameOrPath, bool allowExternal = false) const;
    // Verifies first (a refused file changes nothing), pauses tf-syncd's scheduler and
    // workers (MaintenancePause) and waits for running operations, takes a safety backup,
    // replaces every control table with the backup's, proves it with the manifest's table
    // checksums, migrates to this program's schema and refreshes the `backups` table from
    // the folder.
    RestoreResult restore(const QString &nameOrPath, const RestoreOptions &options = {},
                          const ProgressFn &progress = {});
    void remove(const QString &name);
    // Keeps the newest keepCount and nothing older than maxAgeDays (0: no limit); the newest
    // backup is always kept. Returns the names removed.
    QStringList applyRetention(int keepCount, int maxAgeDays);

    QString backupsDir() const { return m_backupsDir; }
    // <data>/maintenance.lock by default (the backups folder's parent is the data directory).
    void setPauseFile(const QString &path) { m_pauseFile = path; }
    // How long a restore waits for running sync operations to finish (default 60 s).
    void setDrainTimeoutMs(int milliseconds) { m_drainTimeoutMs = milliseconds; }
    // The secret key that encrypts the systems' credentials travels with every backup
    // (<name>.key, 0600, its SHA-256 in the manifest) unless turned off here.
    // <data>/secret.key by default (the backups folder's parent is the data directory).
    void setSecretKeyFile(const QString &path) { m_keyFile = path; }
    QString secretKeyFile() const { return m_keyFile; }
    void setIncludeSecretKey(bool include) { m_includeKey = include; }

private:
    QString resolve(const QString &nameOrPath, bool allowExternal) const;
    BackupInfo inspect(const QString &path, bool useCache, const ProgressFn &progress = {},
                       const std::function<void(std::function<void()>)> &runner = {}) const;
    void drainRunningOperations(const ProgressFn &progress) const;
    void refreshCatalogue() const;
    QString checkKeyChoice(const BackupInfo &backup, const RestoreOptions &options) const;
    QString restoreKey(const QString &backupPath, const RestoreOptions &options) const;

    QString m_databaseUrl;
    QString m_backupsDir;
    QString m_pauseFile;
    QString m_keyFile;
    bool m_includeKey = true;
    int m_drainTimeoutMs = 60000;
    bool m_holdsPause = false;
};

} // namespace tf::ops
