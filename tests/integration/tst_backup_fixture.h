#pragma once
// Shared by the backup tests: a control database on either backend, seeded with rows in the
// sync engine's tables (pairs, operations, sync state, checkpoints, metrics, audit), and small
// helpers to change, damage and age backups.
#include "db/connection.h"
#include "db/controldatabase.h"
#include "db/migrator.h"
#include "db/repositories/auditrepository.h"
#include "db/sqlscript.h"
#include "ops/backupmanifest.h"
#include "ops/tablechecksums.h"
#include "testsupport.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <functional>

namespace backuptest {

using namespace tf;

// A data directory with a control database: SQLite in it, or a scratch PostgreSQL database.
struct Env
{
    QTemporaryDir dir;
    QString url;
    std::unique_ptr<db::ControlDatabase> control;

    // False when the backend is not available (the caller skips or fails).
    bool open(const QString &backend, bool migrate = true)
    {
        url = backend == QLatin1String("postgres")
            ? test::createScratchPostgresDatabase(QStringLiteral("tfbk"))
            : QStringLiteral("sqlite://") + dir.filePath(QStringLiteral("terrafusion.db"));
        if (url.isEmpty())
            return false;
        if (migrate)
            control = db::ControlDatabase::open(url, true);
        return true;
    }
    db::Database &database()
    {
        if (!control)
            control = db::ControlDatabase::open(url, false);
        return control->database();
    }
    QString dataDir() const { return dir.path(); }
    QString backupsDir() const { return dir.filePath(QStringLiteral("backups")); }
    QString pauseFile() const { return dir.filePath(QStringLiteral("maintenance.lock")); }
};

#define BACKUP_ENV(env, backend)                                                                   \
    backuptest::Env env;                                                                           \
    if (!env.open(backend)) {                                                                      \
        TF_REQUIRE_POSTGRES(env.url);                                                              \
    }

inline void exec(db::Database &database, const QString &sql, const QVariantList &values = {})
{
    QSqlQuery query = database.prepare(sql);
    for (const QVariant &value : values)
        query.addBindValue(value);
    database.exec(query, "test statement");
}

inline qint64 scalar(db::Database &database, const QString &sql)
{
    QSqlQuery query = database.prepare(sql);
    database.exec(query, "test query");
    return query.next() ? query.value(0).toLongLong() : -1;
}

inline QStringList column(db::Database &database, const QString &sql)
{
    QSqlQuery query = database.prepare(sql);
    database.exec(query, "test query");
    QStringList values;
    while (query.next())
        values << query.value(0).toString();
    return values;
}

// Two systems, two pairs, an operation, `stateRows` rows of sync state, a checkpoint,
// metrics (with a float that needs all its digits) and, optionally, audit entries.
inline void seed(db::Database &database, int stateRows, bool withAudit = true)
{
    exec(database,
         QStringLiteral("INSERT INTO systems (name, kind, settings) VALUES ('pacs', 'sqlite', "
                        "'{\"path\":\"pacs.db\"}'), "
                        "('cama', 'postgres', '{}')"));
    exec(database,
         QStringLiteral(
             "INSERT INTO sync_pairs (name, source_system_id, source_entity, target_system_id, "
             "target_entity, "
             "schedule) SELECT 'Property', s.id, 'Property', t.id, 'cama_property', '0 1 * * 0' "
             "FROM systems s, systems t WHERE s.name = 'pacs' AND t.name = 'cama'"));
    exec(database,
         QStringLiteral(
             "INSERT INTO sync_pairs (name, source_system_id, source_entity, target_system_id, "
             "target_entity) "
             "SELECT 'Owner', s.id, 'Owner', t.id, 'cama_owner' FROM systems s, systems t "
             "WHERE s.name = 'pacs' AND t.name = 'cama'"));
    exec(database,
         QStringLiteral(
             "INSERT INTO sync_operations (pair_id, status, statistics) SELECT id, 'completed', "
             "'{\"read\":12}' FROM sync_pairs WHERE name = 'Property'"));
    exec(database,
         QStringLiteral(
             "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
             "INSERT INTO sync_state (pair_id, entity, source_key, hash, target_key) "
             "SELECT '1', 'property', 'k' || i, 'h' || i, 't' || i FROM n"),
         { stateRows });
    exec(database,
         QStringLiteral("INSERT INTO sync_checkpoints (pair_id, entity, cursor_value, cursor_type, "
                        "key_text, updated_at) "
                        "VALUES ('1', 'property', '2026-11-01T00:00:00Z', 'timestamp', 'k42', "
                        "'2026-11-01T00:00:00.000Z')"));
    exec(database,
         QStringLiteral(
             "INSERT INTO system_metrics (node, metric, value) VALUES ('n1', 'cpu_percent', 12.5), "
             "('n1', 'memory_percent', ?)"),
         { 0.1 + 0.2 });
    if (withAudit) {
        db::AuditRepository audit(database);
        for (int i = 0; i < 3; ++i) {
            db::AuditEntry entry;
            entry.eventType = QStringLiteral("sync_pair.created");
            entry.resourceType = QStringLiteral("sync_pair");
            entry.resourceId = QString::number(i + 1);
            entry.description = QStringLiteral("seeded %1").arg(i);
            entry.username = QStringLiteral("seed");
            audit.append(entry);
        }
    }
}

// Changes every kind of row the seed made: what a restore must undo.
inline void change(db::Database &database)
{
    exec(database,
         QStringLiteral(
             "UPDATE sync_pairs SET name = 'Property (renamed)' WHERE name = 'Property'"));
    exec(database, QStringLiteral("DELETE FROM sync_state WHERE source_key LIKE 'k1%'"));
    exec(database, QStringLiteral("UPDATE sync_checkpoints SET key_text = 'k99'"));
    exec(database, QStringLiteral("INSERT INTO systems (name, kind) VALUES ('gis', 'rest')"));
    exec(database,
         QStringLiteral(
             "INSERT INTO system_metrics (node, metric, value) VALUES ('n1', 'disk_percent', 3)"));
}

// Every table but the catalogue of backup files, which a restore refreshes from the folder
// after the data is back, and the change feed, whose triggers record that refresh; the feed's
// other rows are compared with changeFeed().
inline ops::TableChecksums dataTables(ops::TableChecksums checksums)
{
    checksums.remove(QStringLiteral("backups"));
    checksums.remove(QStringLiteral("change_feed"));
    return checksums;
}

inline QStringList changeFeed(db::Database &database)
{
    return column(database,
                  QStringLiteral("SELECT CAST(id AS TEXT) || ' ' || resource_type || ' ' || "
                                 "resource_id || ' ' || action "
                                 "FROM change_feed WHERE resource_type <> 'backup' ORDER BY id"));
}

inline QByteArray describe(const QStringList &differences)
{
    return differences.join(QStringLiteral("\n")).toUtf8();
}

// Rewrites a backup's manifest with `edit` and its .sha256 to match, as a tool that knew the
// format could: the file checks pass, only the content can tell.
inline void rewriteManifest(const QString &dataPath, const std::function<void(QJsonObject &)> &edit)
{
    const ops::BackupFiles files { dataPath };
    QFile manifestFile(files.manifestPath());
    QVERIFY(manifestFile.open(QIODevice::ReadOnly));
    QJsonObject manifest = QJsonDocument::fromJson(manifestFile.readAll()).object();
    manifestFile.close();
    edit(manifest);
    const QByteArray bytes = QJsonDocument(manifest).toJson();
    QVERIFY(manifestFile.open(QIODevice::WriteOnly | QIODevice::Truncate));
    manifestFile.write(bytes);
    manifestFile.close();
    const QString manifestName = QFileInfo(files.manifestPath()).fileName();
    const QString dataName = QFileInfo(dataPath).fileName();
    QFile sums(files.checksumPath());
    QVERIFY(sums.open(QIODevice::WriteOnly | QIODevice::Truncate));
    sums.write(QStringLiteral("%1  %2\n%3  %4\n")
                   .arg(manifest.value(QStringLiteral("sha256")).toString(), dataName,
                        QString::fromLatin1(
                            QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex()),
                        manifestName)
                   .toUtf8());
}

// As if the backup had been taken `days` ago.
inline void backdate(const QString &dataPath, int days)
{
    rewriteManifest(dataPath, [days](QJsonObject &manifest) {
        manifest.insert(QStringLiteral("created_at"),
                        QDateTime::currentDateTimeUtc().addDays(-days).toString(Qt::ISODateWithMs));
    });
}

// The schema an older release left: every migration but the newest, recorded as applied.
inline void migrateAllButNewest(const QString &url)
{
    db::Database database(db::DatabaseUrl::parse(url));
    QList<db::Migrator::Migration> known = db::Migrator::knownMigrations(database.dialect());
    QVERIFY(known.size() >= 3);
    known.removeLast();
    database.execDirect(
        QStringLiteral(
            "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
            "checksum TEXT NOT NULL, applied_at %1 NOT NULL)")
            .arg(database.dialect().timestampType()),
        "schema_migrations");
    for (const auto &migration : known) {
        QFile file(migration.resourcePath);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray bytes = file.readAll();
        for (const QString &statement : db::splitSqlStatements(QString::fromUtf8(bytes)))
            database.execDirect(statement, "old migration");
        exec(database,
             QStringLiteral("INSERT INTO schema_migrations (version, name, checksum, applied_at) "
                            "VALUES (?, ?, ?, ?)"),
             { migration.version, migration.name,
               QString::fromLatin1(
                   QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex()),
               database.dialect().toDb(QDateTime::currentDateTimeUtc()) });
    }
}

} // namespace backuptest
