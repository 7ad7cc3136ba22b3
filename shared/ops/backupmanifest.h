#pragma once

#include "backupmanager.h"
#include "tablechecksums.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>

namespace tf::ops {

// The files of one backup, side by side in the backups folder:
//   terrafusion-20261128-150637.sqlite                 the data (PostgreSQL: .dump)
//   terrafusion-20261128-150637.sqlite.manifest.json   what it holds
//   terrafusion-20261128-150637.sqlite.sha256          `sha256sum -c` checks data and manifest
struct BackupFiles
{
    QString dataPath;

    QString manifestPath() const { return dataPath + QStringLiteral(".manifest.json"); }
    QString checksumPath() const { return dataPath + QStringLiteral(".sha256"); }
    // The data directory's secret.key as it was at backup time (0600), when included.
    QString keyPath() const { return dataPath + QStringLiteral(".key"); }
};

// What a backup holds: the manifest beside the data file.
struct BackupManifest
{
    static constexpr int kFormatVersion = 1;

    QString file; // data file name
    QDateTime createdAt; // UTC, when the snapshot was taken
    QString backend; // "postgres" or "sqlite"
    int schemaVersion = 0;
    QString label;
    QString kind; // manual, safety, scheduled
    qint64 sizeBytes = 0;
    QString sha256; // of the data file
    TableChecksums tables; // rows and checksum per table
    QString tool; // "pg_dump (PostgreSQL) 15.18", "SQLite 3.40.1 online backup"
    QString host;
    QString programVersion;
    // SHA-256 of the secret key stored beside the data file (BackupFiles::keyPath); empty
    // when the backup was taken without it (--without-key, or a key from TF_SECRET_KEY).
    QString keySha256;

    QJsonObject toJson() const;
    QJsonObject rowCounts() const;
    qint64 totalRows() const;
    // Throws tf::Error(Validation) naming what is missing or malformed.
    static BackupManifest fromJson(const QJsonObject &object);
};

// Backup names are plain file names: letters, digits, '.', '_' and '-', not starting with a
// dot, at most 200 characters; no separators, so no traversal and no absolute path.
bool isValidBackupName(const QString &name);
// Throws tf::Error(BadRequest) saying what is wrong with the name.
void checkBackupName(const QString &name);
// A label becomes part of a name: the same characters, at most 40.
void checkBackupLabel(const QString &label);

// The data file extension of a backend: ".dump" (pg_dump custom format) or ".sqlite".
QString backupExtension(const QString &backend);
bool isBackupDataFile(const QString &fileName);

// A part of a longer step: maps this part's 0..1 onto from..to of `progress`.
ProgressFn progressSpan(const ProgressFn &progress, double from, double to);

// SHA-256 of a file in hex, read in 1 MiB blocks. Throws tf::Error(Unavailable) when it
// cannot be read.
QString sha256OfFile(const QString &path, const ProgressFn &progress = {}, double from = 0,
                     double to = 1);

// Writes the manifest and the .sha256 file (both atomically); throws tf::Error(Unavailable).
void writeManifest(const BackupFiles &files, const BackupManifest &manifest);

// Reads and checks a backup's files: the manifest is readable, the data file has the
// manifest's size and SHA-256, and the .sha256 file agrees with both. On success `problem`
// is empty; otherwise it names what is wrong ("truncated: ...", "corrupted: ..."). The
// manifest is filled whenever it could be read. useCache: reuse the SHA-256 computed for
// the same path, size and modification time earlier in this process (listings); a restore
// always reads the file again.
struct BackupCheck
{
    BackupManifest manifest;
    bool manifestRead = false;
    QString problem;
    bool pending = false; // the data's SHA-256 is being computed (deferred hashing): unknown yet
};
BackupCheck checkBackupFiles(const BackupFiles &files, bool useCache,
                             const ProgressFn &progress = {});

// Runs a piece of work elsewhere (the gateway's job pool).
using BackgroundRunner = std::function<void(std::function<void()>)>;
// checkBackupFiles with the SHA-256 cache, except that a data file not hashed yet (new or
// changed) is hashed by `runner`, never on the calling thread (an HTTP thread must not read a
// gigabyte): the check answers pending meanwhile. One hashing per file at a time.
BackupCheck checkBackupFilesDeferred(const BackupFiles &files, const BackgroundRunner &runner);
// Remembers the SHA-256 of a file just written (a new backup), so listing it needs no hashing.
void rememberSha256(const QString &path, const QString &sha256);

} // namespace tf::ops
