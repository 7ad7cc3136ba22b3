#include "backupcatalogue.h"

#include "core/jsonutil.h"
#include "db/connection.h"

#include <QSet>

namespace tf::ops {

BackupCatalogue::BackupCatalogue(const db::Database &database)
    : m_database(database)
{ }

void BackupCatalogue::record(const BackupInfo &backup)
{
    const db::Dialect &dialect = m_database.dialect();
    QSqlQuery query = m_database.prepare(
        QStringLiteral("INSERT INTO backups (file_name, created_at, size_bytes, sha256, "
                       "schema_version, row_counts, verified, kind) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                       "ON CONFLICT (file_name) DO UPDATE SET created_at = excluded.created_at, "
                       "size_bytes = excluded.size_bytes, "
                       "sha256 = excluded.sha256, schema_version = excluded.schema_version, "
                       "row_counts = excluded.row_counts, "
                       "verified = excluded.verified, kind = excluded.kind"));
    query.addBindValue(backup.name);
    query.addBindValue(dialect.toDb(backup.createdAt.isValid() ? backup.createdAt
                                                               : QDateTime::currentDateTimeUtc()));
    query.addBindValue(backup.sizeBytes);
    query.addBindValue(backup.manifest.value(QStringLiteral("sha256")).toString());
    query.addBindValue(backup.schemaVersion);
    query.addBindValue(QString::fromUtf8(
        json::compact(backup.manifest.value(QStringLiteral("row_counts")).toObject())));
    query.addBindValue(backup.verified);
    const QString kind = backup.manifest.value(QStringLiteral("kind")).toString();
    query.addBindValue(kind.isEmpty() ? QStringLiteral("manual") : kind);
    m_database.exec(query, "recording a backup");
}

void BackupCatalogue::forget(const QString &name)
{
    QSqlQuery query = m_database.prepare(QStringLiteral("DELETE FROM backups WHERE file_name = ?"));
    query.addBindValue(name);
    m_database.exec(query, "removing a backup's row");
}

void BackupCatalogue::replaceAll(const QList<BackupInfo> &backups)
{
    db::Transaction transaction(m_database);
    QSet<QString> present;
    for (const BackupInfo &backup : backups) {
        record(backup);
        present.insert(backup.name);
    }
    QSqlQuery rows = m_database.prepare(QStringLiteral("SELECT file_name FROM backups"));
    m_database.exec(rows, "reading the backups table");
    QStringList gone;
    while (rows.next()) {
        const QString name = rows.value(0).toString();
        if (!present.contains(name))
            gone << name;
    }
    rows.finish();
    for (const QString &name : std::as_const(gone))
        forget(name);
    transaction.commit();
}

} // namespace tf::ops
