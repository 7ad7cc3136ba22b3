// BackupManager::restore: verify, pause, drain, safety backup, replace, prove, migrate.
#include "backupmanager.h"
#include "backupmanifest.h"
#include "core/errors.h"
#include "core/paths.h"
#include "db/connection.h"
#include "db/controldatabase.h"
#include "db/databaseurl.h"
#include "db/migrator.h"
#include "maintenancepause.h"
#include "postgresdump.h"
#include "sqlitebackup.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QLoggingCategory>
#include <QSqlQuery>
#include <QThread>

Q_DECLARE_LOGGING_CATEGORY(lcBackup)

namespace tf::ops {

namespace {

// DROP statements for every relation, function and type now in schema public, so that the
// restored database holds exactly the archive's objects (pg_restore --clean alone would leave
// tables the backup does not have, e.g. those of a newer schema, and the migrations would then
// collide).
QString postgresDropStatements(const db::Database &database)
{
    QSqlQuery query = database.prepare(
        QStringLiteral("SELECT c.relname, c.relkind FROM pg_catalog.pg_class c "
                       "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                       "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') "
                       "AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.objid = c.oid "
                       "AND d.deptype = 'e') "
                       "ORDER BY c.relname"));
    database.exec(query, "listing the relations to replace");
    QStringList views, materialized, foreign, tables, sequences;
    while (query.next()) {
        const QString name = QStringLiteral("public.")
            + database.dialect().quoteIdentifier(query.value(0).toString());
        const QString kind = query.value(1).toString();
        if (kind == QLatin1String("v"))
            views << name;
        else if (kind == QLatin1String("m"))
            materialized << name;
        else if (kind == QLatin1String("f"))
            foreign << name;
        else if (kind == QLatin1String("S"))
            sequences << name;
        else
            tables << name;
    }
    // Waiting for locks held by others is bounded; the script's own SETs come after these.
    QString sql = QStringLiteral("SET lock_timeout = '120s';\n");
    auto drop = [&sql](const char *what, const QStringList &names) {
        if (!names.isEmpty())
            sql += QStringLiteral("DROP %1 IF EXISTS %2 CASCADE;\n")
                       .arg(QLatin1String(what), names.join(QStringLiteral(", ")));
    };
    drop("VIEW", views);
    drop("MATERIALIZED VIEW", materialized);
    drop("FOREIGN TABLE", foreign);
    drop("TABLE", tables);
    drop("SEQUENCE", sequences);

    // Functions (the audit trail's triggers) and types: the backup brings its own; one left
    // behind would collide with the migration that creates it again.
    QSqlQuery routines = database.prepare(
        QStringLiteral("SELECT p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid) "
                       "FROM pg_catalog.pg_proc p "
                       "JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace "
                       "WHERE n.nspname = 'public' AND p.prokind IN ('f', 'p') "
                       "AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.objid = p.oid "
                       "AND d.deptype = 'e') "
                       "ORDER BY 1, 2"));
    database.exec(routines, "listing the functions to replace");
    while (routines.next())
        sql += QStringLiteral("DROP ROUTINE IF EXISTS public.%1(%2) CASCADE;\n")
                   .arg(database.dialect().quoteIdentifier(routines.value(0).toString()),
                        routines.value(1).toString());
    QSqlQuery types = database.prepare(
        QStringLiteral("SELECT t.typname FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n "
                       "ON n.oid = t.typnamespace "
                       "WHERE n.nspname = 'public' AND (t.typtype IN ('e', 'd', 'r') "
                       "OR (t.typtype = 'c' AND (SELECT c.relkind FROM pg_catalog.pg_class c WHERE "
                       "c.oid = t.typrelid) = 'c')) "
                       "AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.objid = t.oid "
                       "AND d.deptype = 'e') "
                       "ORDER BY 1"));
    database.exec(types, "listing the types to replace");
    while (types.next())
        sql += QStringLiteral("DROP TYPE IF EXISTS public.%1 CASCADE;\n")
                   .arg(database.dialect().quoteIdentifier(types.value(0).toString()));
    return sql;
}

} // namespace

void BackupManager::drainRunningOperations(const ProgressFn &progress) const
{
    db::Database database(db::DatabaseUrl::parse(m_databaseUrl));
    // A new server (no schema yet) has no operations to wait for.
    if (db::Migrator::currentVersion(database) == 0)
        return;
    QDeadlineTimer deadline(m_drainTimeoutMs);
    while (true) {
        QSqlQuery query
            = database.prepare(QStringLiteral("SELECT id FROM sync_operations WHERE status = "
                                              "'running' AND lease_expires_at > ? ORDER BY id"));
        query.addBindValue(database.dialect().toDb(QDateTime::currentDateTimeUtc()));
        database.exec(query, "looking for running sync operations");
        QStringList running;
        while (query.next())
            running << query.value(0).toString();
        if (running.isEmpty())
            return;
        if (deadline.hasExpired())
            throw Error(
                Error::Kind::Conflict,
                QStringLiteral("sync operation(s) %1 still running after %2 s; wait for them or "
                               "cancel them, then "
                               "restore again (nothing was changed)")
                    .arg(running.join(QStringLiteral(", ")))
                    .arg(m_drainTimeoutMs / 1000),
                QJsonObject { { QStringLiteral("running"), QJsonArray::fromStringList(running) } });
        if (progress)
            progress(
                0.0,
                QStringLiteral(
                    "scheduler paused; waiting for %1 running sync operation(s) to finish (%2)")
                    .arg(running.size())
                    .arg(running.join(QStringLiteral(", "))));
        QThread::msleep(250);
    }
}

// Refuses (Validation, nothing changed) when the backup's key differs from the one in place
// and the caller did not say which to keep. Returns "" or a note.
QString BackupManager::checkKeyChoice(const BackupInfo &backup, const RestoreOptions &options) const
{
    const QString backupKey = backup.manifest.value(QStringLiteral("secret_key_sha256")).toString();
    if (backupKey.isEmpty() || !QFileInfo::exists(m_keyFile))
        return QString();
    if (sha256OfFile(m_keyFile) == backupKey || options.keyChoice != RestoreOptions::KeyChoice::Refuse)
        return QString();
    throw Error(Error::Kind::Validation,
                QStringLiteral("backup %1 is refused: its secret key differs from %2, so the credentials "
                               "in one of them cannot be read with the other key; choose --use-backup-key "
                               "(the backup's systems work; the current key is kept beside it) or "
                               "--keep-current-key; nothing was changed")
                    .arg(backup.name, m_keyFile),
                QJsonObject { { QStringLiteral("backup"), backup.name },
                              { QStringLiteral("problem"), QStringLiteral("secret key differs") } });
}

// Puts the backup's key in place when there is none, or when asked to.
QString BackupManager::restoreKey(const QString &backupPath, const RestoreOptions &options) const
{
    const BackupFiles files { backupPath };
    if (!QFileInfo::exists(files.keyPath())) {
        return QFileInfo::exists(m_keyFile)
            ? QStringLiteral("the backup holds no secret key; %1 stays as it was").arg(m_keyFile)
            : QStringLiteral("WARNING: the backup holds no secret key and there is none in %1: stored "
                             "credentials cannot be read until the right key is put there")
                  .arg(QFileInfo(m_keyFile).absolutePath());
    }
    const bool present = QFileInfo::exists(m_keyFile);
    if (present && sha256OfFile(m_keyFile) == sha256OfFile(files.keyPath()))
        return QStringLiteral("secret key: the backup's is the one in place");
    if (present && options.keyChoice == RestoreOptions::KeyChoice::KeepCurrentKey)
        return QStringLiteral("secret key: kept the current %1 (--keep-current-key)").arg(m_keyFile);
    QString replaced;
    if (present) {
        replaced = m_keyFile + QStringLiteral(".replaced-")
            + QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmmss"));
        if (!QFile::rename(m_keyFile, replaced))
            throw Error(Error::Kind::Unavailable, QStringLiteral("cannot move %1 aside").arg(m_keyFile));
    }
    paths::ensureDir(QFileInfo(m_keyFile).absolutePath());
    if (!QFile::copy(files.keyPath(), m_keyFile)
        || !QFile::setPermissions(m_keyFile, QFileDevice::ReadOwner | QFileDevice::WriteOwner))
        throw Error(Error::Kind::Unavailable, QStringLiteral("cannot put the backup's secret key in %1").arg(m_keyFile));
    return replaced.isEmpty()
        ? QStringLiteral("secret key: restored the backup's to %1").arg(m_keyFile)
        : QStringLiteral("secret key: the backup's is in %1; the previous one is %2").arg(m_keyFile, replaced);
}

RestoreResult BackupManager::restore(const QString &nameOrPath, const RestoreOptions &options,
                                     const ProgressFn &progress)
{
    const QString path = resolve(nameOrPath, options.allowExternal);
    const QString name = QFileInfo(path).fileName();
    if (progress)
        progress(0.0, QStringLiteral("verifying %1").arg(name));
    const BackupInfo backup = inspect(path, false, progressSpan(progress, 0.0, 0.06));
    auto refuse = [&](const QString &reason) {
        return Error(
            Error::Kind::Validation,
            QStringLiteral("backup %1 is refused: %2; nothing was changed").arg(name, reason),
            QJsonObject { { QStringLiteral("backup"), name },
                          { QStringLiteral("problem"), reason } });
    };
    if (!backup.verified)
        throw refuse(backup.problem);

    const db::DatabaseUrl url = db::DatabaseUrl::parse(m_databaseUrl);
    const db::Dialect dialect(url.backend);
    if (backup.backend != dialect.name())
        throw refuse(QStringLiteral("it is a %1 backup and the control database is %2")
                         .arg(backup.backend, dialect.name()));
    const int latest = db::Migrator::latestKnownVersion(dialect);
    if (backup.schemaVersion > latest)
        throw refuse(QStringLiteral("its schema version %1 is newer than this program's %2; "
                                    "restore it with a newer tfctl")
                         .arg(backup.schemaVersion)
                         .arg(latest));
    const TableChecksums expected
        = tableChecksumsFromJson(backup.manifest.value(QStringLiteral("tables")).toObject());
    int tableDataEntries = 0;
    if (url.isPostgres()) {
        tableDataEntries = PostgresDump(url).tableDataEntries(path); // Validation when unreadable
    } else {
        // SQLite: the file's rows, read now, are what the page copy will put in place.
        const QString problem = sqliteQuickCheck(path);
        if (!problem.isEmpty())
            throw refuse(problem);
        SqliteFileConnection file(path);
        const QStringList differences = compareTableChecksums(
            expected,
            computeTableChecksums(file.database(), dialect, progressSpan(progress, 0.06, 0.08)));
        if (!differences.isEmpty())
            throw refuse(QStringLiteral("corrupted: its tables differ from the manifest (%1)")
                             .arg(differences.mid(0, 3).join(QStringLiteral("; "))));
    }

    checkKeyChoice(backup, options); // a key conflict refuses before anything changes

    RestoreResult result;
    result.restored = backup;
    result.schemaVersionBefore = backup.schemaVersion;

    // From here on tf-syncd's scheduler and workers stand still.
    MaintenancePause pause(m_pauseFile, QStringLiteral("restore of %1").arg(name));
    m_holdsPause = true;
    struct ResetFlag
    {
        bool &flag;
        ~ResetFlag() { flag = false; }
    } resetFlag { m_holdsPause };
    qCInfo(lcBackup, "restore of %s started (scheduler paused)", qPrintable(name));
    if (progress)
        progress(0.08, QStringLiteral("scheduler paused (%1)").arg(m_pauseFile));
    drainRunningOperations(progressSpan(progress, 0.08, 0.1));

    // Nothing to keep on a new server: an SQLite file or a PostgreSQL database without schema.
    const bool currentExists = url.isPostgres()
        ? db::Migrator::currentVersion(db::Database(url)) > 0
        : QFileInfo::exists(url.sqlitePath) && db::Migrator::currentVersion(db::Database(url)) > 0;
    if (options.safetyBackup && !currentExists && progress)
        progress(0.1, QStringLiteral("no safety backup: the control database is new (no schema yet)"));
    if (options.safetyBackup && currentExists) {
        const BackupInfo safety
            = create(QStringLiteral("pre-restore"), progressSpan(progress, 0.1, 0.4),
                     QStringLiteral("safety"));
        result.safetyBackup = safety.name;
    }

    if (progress)
        progress(0.4, QStringLiteral("replacing the control database with %1").arg(name));
    // Proof that every table is as the backup has it: PostgreSQL checks inside the restore's
    // transaction and commits only then; SQLite's page copy puts in place exactly the rows
    // checked in the file above. (Checking the live database afterwards would race with the
    // writers that do not pause: monitoring, logins, other requests' audit entries.)
    TableChecksums restoredTables = expected;
    if (url.isPostgres()) {
        db::Database database(url);
        restoredTables = PostgresDump(url).restore(path, postgresDropStatements(database),
                                                   tableDataEntries, expected, progress, 0.4, 0.88);
    } else {
        sqliteRestoreInto(path, QFileInfo(url.sqlitePath).absoluteFilePath(), progress, 0.4, 0.88);
    }
    for (auto it = restoredTables.cbegin(); it != restoredTables.cend(); ++it)
        result.rowCounts.insert(it.key(), it->rows);

    if (progress)
        progress(0.88,
                 QStringLiteral("migrating from schema version %1 to %2")
                     .arg(backup.schemaVersion)
                     .arg(latest));
    {
        const auto migrated = db::ControlDatabase::open(m_databaseUrl, true);
        result.schemaVersionAfter = db::Migrator::currentVersion(migrated->database());
    }
    result.keyOutcome = restoreKey(path, options);
    if (progress)
        progress(0.9, result.keyOutcome);
    try {
        refreshCatalogue();
    } catch (const Error &error) {
        qCWarning(lcBackup, "restore of %s: the backups table was not refreshed: %s",
                  qPrintable(name), qPrintable(error.message()));
    }
    qint64 rows = 0;
    for (const TableChecksum &table : restoredTables)
        rows += table.rows;
    const QString safetyNote = result.safetyBackup.isEmpty()
        ? QString()
        : QStringLiteral("; safety backup ") + result.safetyBackup;
    qCInfo(lcBackup, "restore of %s finished: %lld tables, %lld rows, schema version %d -> %d%s",
           qPrintable(name), static_cast<long long>(restoredTables.size()),
           static_cast<long long>(rows), result.schemaVersionBefore, result.schemaVersionAfter,
           qPrintable(safetyNote));
    if (progress)
        progress(
            1.0,
            QStringLiteral(
                "restored %1: %2 tables, %3 rows identical to the backup; schema version %4 -> %5")
                .arg(name)
                .arg(restoredTables.size())
                .arg(rows)
                .arg(result.schemaVersionBefore)
                .arg(result.schemaVersionAfter));
    return result;
}

} // namespace tf::ops
