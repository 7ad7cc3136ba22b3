#include "backupmanager.h"

#include "backupcatalogue.h"
#include "backupmanifest.h"
#include "core/errors.h"
#include "core/paths.h"
#include "db/connection.h"
#include "db/databaseurl.h"
#include "db/migrator.h"
#include "maintenancepause.h"
#include "postgresdump.h"
#include "sqlitebackup.h"
#include "tfversion.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QLoggingCategory>
#include <QSqlQuery>
#include <QSysInfo>
#include <algorithm>

Q_LOGGING_CATEGORY(lcBackup, "ops.backup")

namespace tf::ops {

namespace {

int schemaVersionOf(const QSqlDatabase &connection)
{
    QSqlQuery query(connection);
    if (!query.exec(QStringLiteral("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"))
        || !query.next())
        throw Error(Error::Kind::Unavailable,
                    QStringLiteral("not a TerraFusion control database (no schema_migrations): %1")
                        .arg(db::sqlError(query)));
    return query.value(0).toInt();
}

// SQLite: the live file, copied page by page, then read back for the manifest.
void createSqlite(const db::DatabaseUrl &url, const QString &partial, BackupManifest &manifest,
                  const ProgressFn &progress)
{
    sqliteOnlineCopy(QFileInfo(url.sqlitePath).absoluteFilePath(), partial, progress, 0.02, 0.6);
    SqliteFileConnection copy(partial);
    manifest.schemaVersion = schemaVersionOf(copy.database());
    manifest.tables
        = computeTableChecksums(copy.database(), db::Dialect(url.backend), progress, 0.6, 0.85);
    manifest.tool = QStringLiteral("SQLite %1 online backup").arg(sqliteLibraryVersion());
}

// PostgreSQL: one REPEATABLE READ transaction exports its snapshot; pg_dump dumps exactly
// that snapshot, and the manifest's counts and checksums are read in the same transaction.
void createPostgres(const db::DatabaseUrl &url, const QString &partial, BackupManifest &manifest,
                    const ProgressFn &progress)
{
    const PostgresDump pgDump(url);
    manifest.tool = pgDump.version();
    db::Database snapshotDatabase(url);
    const QSqlDatabase connection = snapshotDatabase.connection();
    snapshotDatabase.execDirect(QStringLiteral("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"),
                                "starting the backup's snapshot");
    try {
        QSqlQuery exported(connection);
        if (!exported.exec(QStringLiteral("SELECT pg_export_snapshot()")) || !exported.next())
            snapshotDatabase.raise(exported, "exporting the backup's snapshot");
        const QString snapshot = exported.value(0).toString();
        exported.finish();
        manifest.schemaVersion = schemaVersionOf(connection);
        const int tableCount = int(controlTables(connection, snapshotDatabase.dialect()).size());
        pgDump.dump(snapshot, partial, tableCount, progress, 0.02, 0.6);
        manifest.tables
            = computeTableChecksums(connection, snapshotDatabase.dialect(), progress, 0.6, 0.85);
        snapshotDatabase.execDirect(QStringLiteral("COMMIT"), "ending the backup's snapshot");
    } catch (...) {
        QSqlQuery rollback(connection);
        rollback.exec(QStringLiteral("ROLLBACK"));
        throw;
    }
}

QString uniqueName(const QString &dir, const QDateTime &at, const QString &label,
                   const QString &extension)
{
    const QString stem = QStringLiteral("terrafusion-%1%2")
                             .arg(at.toString(QStringLiteral("yyyyMMdd-HHmmss")),
                                  label.isEmpty() ? QString() : QLatin1Char('-') + label);
    for (int n = 1;; ++n) {
        const QString name = stem + (n == 1 ? QString() : QStringLiteral("-%1").arg(n)) + extension;
        const BackupFiles files { dir + QLatin1Char('/') + name };
        if (!QFileInfo::exists(files.dataPath) && !QFileInfo::exists(files.manifestPath())
            && !QFileInfo::exists(files.dataPath + QStringLiteral(".partial")))
            return name;
    }
}

void removeFiles(const BackupFiles &files)
{
    QFile::remove(files.dataPath);
    QFile::remove(files.manifestPath());
    QFile::remove(files.checksumPath());
    QFile::remove(files.keyPath());
    QFile::remove(files.dataPath + QStringLiteral(".partial"));
}

QString mebibytes(qint64 bytes)
{
    return QStringLiteral("%1 MiB").arg(double(bytes) / double(1 << 20), 0, 'f', 2);
}

} // namespace

QJsonObject BackupInfo::toJson() const
{
    QJsonObject object {
        { QStringLiteral("name"), name },
        { QStringLiteral("size_bytes"), sizeBytes },
        { QStringLiteral("created_at"),
          createdAt.isValid() ? createdAt.toUTC().toString(Qt::ISODateWithMs) : QString() },
        { QStringLiteral("backend"), backend },
        { QStringLiteral("schema_version"), schemaVersion },
        { QStringLiteral("verified"), pending ? QJsonValue() : QJsonValue(verified) },
        { QStringLiteral("kind"), manifest.value(QStringLiteral("kind")).toString() },
        { QStringLiteral("label"), manifest.value(QStringLiteral("label")).toString() },
        { QStringLiteral("sha256"), manifest.value(QStringLiteral("sha256")).toString() },
        { QStringLiteral("row_counts"), manifest.value(QStringLiteral("row_counts")).toObject() },
        { QStringLiteral("secret_key_included"), manifest.value(QStringLiteral("secret_key_sha256")).isString() },
    };
    if (!problem.isEmpty())
        object.insert(QStringLiteral("problem"), problem);
    return object;
}

QJsonObject RestoreResult::toJson() const
{
    qint64 rows = 0;
    for (const QJsonValue &count : rowCounts)
        rows += count.toInteger();
    return QJsonObject {
        { QStringLiteral("restored"), restored.toJson() },
        { QStringLiteral("safety_backup"),
          safetyBackup.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(safetyBackup) },
        { QStringLiteral("schema_version_before"), schemaVersionBefore },
        { QStringLiteral("schema_version_after"), schemaVersionAfter },
        { QStringLiteral("row_counts"), rowCounts },
        { QStringLiteral("total_rows"), rows },
        { QStringLiteral("secret_key"), keyOutcome },
    };
}

BackupManager::BackupManager(QString databaseUrl, QString backupsDir)
    : m_databaseUrl(std::move(databaseUrl))
    , m_backupsDir(QDir::cleanPath(QFileInfo(backupsDir).absoluteFilePath()))
    , m_pauseFile(MaintenancePause::pathFor(QFileInfo(m_backupsDir).absolutePath()))
    , m_keyFile(QFileInfo(m_backupsDir).absolutePath() + QStringLiteral("/secret.key"))
{ }

BackupInfo BackupManager::create(const QString &label, const ProgressFn &progress,
                                 const QString &kind)
{
    checkBackupLabel(label);
    if (!m_holdsPause) {
        const MaintenancePause::State pause = MaintenancePause::current(m_pauseFile);
        if (pause.active)
            throw Error(Error::Kind::Conflict,
                        QStringLiteral("no backup now: %1 is in progress").arg(pause.describe()));
    }
    const db::DatabaseUrl url = db::DatabaseUrl::parse(m_databaseUrl);
    const db::Dialect dialect(url.backend);
    paths::ensureDir(m_backupsDir);

    BackupManifest manifest;
    manifest.createdAt = QDateTime::currentDateTimeUtc();
    manifest.backend = dialect.name();
    manifest.label = label;
    manifest.kind = kind;
    manifest.host = QSysInfo::machineHostName();
    manifest.programVersion = QStringLiteral(TF_VERSION_STRING);
    manifest.file
        = uniqueName(m_backupsDir, manifest.createdAt, label, backupExtension(manifest.backend));
    const BackupFiles files { m_backupsDir + QLatin1Char('/') + manifest.file };
    const QString partial = files.dataPath + QStringLiteral(".partial");
    if (progress)
        progress(0.0, QStringLiteral("backing up %1 to %2").arg(url.redacted(), manifest.file));
    try {
        if (url.isPostgres())
            createPostgres(url, partial, manifest, progress);
        else
            createSqlite(url, partial, manifest, progress);
        manifest.sizeBytes = QFileInfo(partial).size();
        if (progress)
            progress(0.85,
                     QStringLiteral("computing the SHA-256 of %1 (%2)")
                         .arg(manifest.file, mebibytes(manifest.sizeBytes)));
        manifest.sha256 = sha256OfFile(partial, progress, 0.85, 0.97);
        QFile::setPermissions(partial, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        if (!QFile::rename(partial, files.dataPath))
            throw Error(Error::Kind::Unavailable,
                        QStringLiteral("cannot rename %1 to %2").arg(partial, files.dataPath));
        rememberSha256(files.dataPath, manifest.sha256); // listing it needs no second read
        if (m_includeKey && QFileInfo::exists(m_keyFile)) {
            QFile::remove(files.keyPath());
            if (!QFile::copy(m_keyFile, files.keyPath())
                || !QFile::setPermissions(files.keyPath(), QFileDevice::ReadOwner | QFileDevice::WriteOwner))
                throw Error(Error::Kind::Unavailable,
                            QStringLiteral("cannot copy the secret key %1 into the backup").arg(m_keyFile));
            manifest.keySha256 = sha256OfFile(files.keyPath());
            if (progress)
                progress(0.97, QStringLiteral("secret key included (%1)").arg(QFileInfo(files.keyPath()).fileName()));
        } else if (progress) {
            progress(0.97, m_includeKey
                               ? QStringLiteral("WARNING: no %1 to include (TF_SECRET_KEY?); keep the key with "
                                                "this backup yourself, or its systems' credentials cannot be read")
                                     .arg(m_keyFile)
                               : QStringLiteral("WARNING: the secret key is NOT in this backup; restored "
                                                "elsewhere, its systems' credentials cannot be read without it"));
        }
        writeManifest(files, manifest);
    } catch (...) {
        removeFiles(files);
        throw;
    }

    BackupInfo info;
    info.name = manifest.file;
    info.path = files.dataPath;
    info.sizeBytes = manifest.sizeBytes;
    info.createdAt = manifest.createdAt;
    info.backend = manifest.backend;
    info.schemaVersion = manifest.schemaVersion;
    info.verified = true;
    info.manifest = manifest.toJson();
    try {
        db::Database database(url);
        BackupCatalogue(database).record(info);
    } catch (const Error &error) {
        qCWarning(lcBackup, "backup %s written but not recorded in the backups table: %s",
                  qPrintable(info.name), qPrintable(error.message()));
    }
    qCInfo(lcBackup, "backup %s written: %s, %lld tables, %lld rows, schema version %d",
           qPrintable(info.name), qPrintable(mebibytes(info.sizeBytes)),
           static_cast<long long>(manifest.tables.size()),
           static_cast<long long>(manifest.totalRows()), manifest.schemaVersion);
    if (progress)
        progress(1.0,
                 QStringLiteral("backup %1 written: %2, %3 tables, %4 rows, schema version %5")
                     .arg(info.name, mebibytes(info.sizeBytes))
                     .arg(manifest.tables.size())
                     .arg(manifest.totalRows())
                     .arg(manifest.schemaVersion));
    return info;
}

QList<BackupInfo> BackupManager::list() const
{
    return list({});
}

QList<BackupInfo> BackupManager::list(const std::function<void(std::function<void()>)> &runner) const
{
    QList<BackupInfo> backups;
    const QDir dir(m_backupsDir);
    for (const QString &name : dir.entryList(QDir::Files | QDir::NoDotAndDotDot)) {
        if (isBackupDataFile(name))
            backups << inspect(dir.filePath(name), true, {}, runner);
    }
    std::sort(backups.begin(), backups.end(), [](const BackupInfo &a, const BackupInfo &b) {
        return a.createdAt != b.createdAt ? a.createdAt > b.createdAt : a.name > b.name;
    });
    return backups;
}

BackupInfo BackupManager::verify(const QString &nameOrPath, bool allowExternal) const
{
    return inspect(resolve(nameOrPath, allowExternal), false);
}

QString BackupManager::resolve(const QString &nameOrPath, bool allowExternal) const
{
    QString path = nameOrPath;
    if (!nameOrPath.contains(QLatin1Char('/'))) {
        checkBackupName(nameOrPath);
        if (!isBackupDataFile(nameOrPath))
            throw Error(Error::Kind::BadRequest,
                        QStringLiteral("'%1' is not a backup: backup files end in .dump or .sqlite")
                            .arg(nameOrPath));
        path = m_backupsDir + QLatin1Char('/') + nameOrPath;
        if (!QFileInfo(path).isFile())
            throw Error(Error::Kind::NotFound,
                        QStringLiteral("no backup named '%1' in %2").arg(nameOrPath, m_backupsDir));
    } else if (!QFileInfo(path).isFile()) {
        throw Error(Error::Kind::NotFound, QStringLiteral("no backup file at %1").arg(nameOrPath));
    }
    // Symbolic links are followed first: a link in the folder to a file elsewhere is outside.
    const QString canonical = QFileInfo(path).canonicalFilePath();
    const QString folder = QFileInfo(m_backupsDir).canonicalFilePath();
    const bool inside = !folder.isEmpty() && QFileInfo(canonical).absolutePath() == folder;
    if (!inside && !allowExternal)
        throw Error(
            Error::Kind::Validation,
            QStringLiteral(
                "%1 is outside the backups folder %2; pass --allow-external to use it anyway")
                .arg(nameOrPath, m_backupsDir));
    if (!canonical.endsWith(QLatin1String(".dump"))
        && !canonical.endsWith(QLatin1String(".sqlite")))
        throw Error(Error::Kind::Validation,
                    QStringLiteral("%1 is not a backup: backup files end in .dump or .sqlite")
                        .arg(nameOrPath));
    return inside ? path : canonical;
}

BackupInfo BackupManager::inspect(const QString &path, bool useCache, const ProgressFn &progress,
                                  const BackgroundRunner &runner) const
{
    const QFileInfo file(path);
    BackupInfo info;
    info.name = file.fileName();
    info.path = file.absoluteFilePath();
    info.sizeBytes = file.size();
    info.backend = info.name.endsWith(QLatin1String(".dump")) ? QStringLiteral("postgres")
                                                              : QStringLiteral("sqlite");
    info.createdAt = file.lastModified().toUTC();
    const BackupCheck check = runner ? checkBackupFilesDeferred(BackupFiles { info.path }, runner)
                                     : checkBackupFiles(BackupFiles { info.path }, useCache, progress);
    if (check.manifestRead) {
        info.manifest = check.manifest.toJson();
        info.createdAt = check.manifest.createdAt;
        info.backend = check.manifest.backend;
        info.schemaVersion = check.manifest.schemaVersion;
    }
    info.problem = check.problem;
    info.pending = check.pending;
    info.verified = check.problem.isEmpty() && !check.pending;
    return info;
}

void BackupManager::remove(const QString &name)
{
    checkBackupName(name);
    const QString path = resolve(name, false);
    removeFiles(BackupFiles { path });
    try {
        db::Database database(db::DatabaseUrl::parse(m_databaseUrl));
        BackupCatalogue(database).forget(name);
    } catch (const Error &error) {
        qCWarning(lcBackup, "backup %s removed; its row in the backups table stays: %s",
                  qPrintable(name), qPrintable(error.message()));
    }
    qCInfo(lcBackup, "backup %s removed", qPrintable(name));
}

QStringList BackupManager::applyRetention(int keepCount, int maxAgeDays)
{
    if (keepCount < 0 || maxAgeDays < 0)
        throw Error(Error::Kind::Validation,
                    QStringLiteral("retention: keep and max age must be 0 (no limit) or more"));
    const QDateTime oldest = QDateTime::currentDateTimeUtc().addDays(-maxAgeDays);
    const QList<BackupInfo> backups = list();
    QStringList removed;
    for (qsizetype i = 1; i < backups.size(); ++i) { // the newest always stays
        const BackupInfo &backup = backups.at(i);
        const bool tooMany = keepCount > 0 && i >= keepCount;
        const bool tooOld = maxAgeDays > 0 && backup.createdAt < oldest;
        if (!tooMany && !tooOld)
            continue;
        remove(backup.name);
        removed << backup.name;
    }
    // A backup interrupted by a crash leaves <name>.partial; gone after a day.
    const QDir dir(m_backupsDir);
    for (const QFileInfo &partial :
         dir.entryInfoList({ QStringLiteral("*.partial") }, QDir::Files)) {
        if (partial.lastModified() < QDateTime::currentDateTime().addDays(-1)
            && QFile::remove(partial.absoluteFilePath()))
            qCInfo(lcBackup, "retention: removed %s, left by an interrupted backup",
                   qPrintable(partial.fileName()));
    }
    if (!removed.isEmpty())
        qCInfo(lcBackup, "retention (keep %d, max age %d days): removed %s", keepCount, maxAgeDays,
               qPrintable(removed.join(QStringLiteral(", "))));
    return removed;
}

void BackupManager::refreshCatalogue() const
{
    db::Database database(db::DatabaseUrl::parse(m_databaseUrl));
    BackupCatalogue(database).replaceAll(list());
}

} // namespace tf::ops
