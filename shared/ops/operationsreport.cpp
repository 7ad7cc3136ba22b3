#include "operationsreport.h"

#include "core/errors.h"
#include "core/jsonutil.h"
#include "core/paths.h"
#include "db/databaseurl.h"
#include "db/migrator.h"
#include "db/repositories/metricsrepository.h"
#include "maintenancereport.h"
#include "maintenancerunstore.h"
#include "maintenanceschedule.h"
#include "tfversion.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlQuery>

namespace tf::ops {

namespace {

qint64 count(db::Database &database, const QString &sql)
{
    QSqlQuery query = database.prepare(sql);
    database.exec(query, "counting");
    const qint64 value = query.next() ? query.value(0).toLongLong() : 0;
    query.finish();
    return value;
}

} // namespace

OperationsReport buildOperationsReport(db::Database &database, const QString &dataDir,
                                       const QString &databaseUrl)
{
    OperationsReport report;
    const QDateTime now = QDateTime::currentDateTime();
    QStringList &md = report.markdown;
    md << QStringLiteral("# TerraFusion SyncService operations report") << QString();
    md << QStringLiteral("Generated %1 by version %2.")
              .arg(isoWithOffset(now), QStringLiteral(TF_VERSION_STRING))
       << QString();

    const db::Migrator::Status schema = db::Migrator(database).status();
    const QString redacted = db::DatabaseUrl::parse(databaseUrl).redacted();
    report.data.insert(QStringLiteral("generated_at"), isoWithOffset(now));
    report.data.insert(QStringLiteral("version"), QStringLiteral(TF_VERSION_STRING));
    report.data.insert(QStringLiteral("database"),
                       QJsonObject { { QStringLiteral("url"), redacted },
                                     { QStringLiteral("backend"), database.dialect().name() },
                                     { QStringLiteral("schema_version"), schema.current },
                                     { QStringLiteral("latest_version"), schema.latest } });
    md << QStringLiteral("## Control database") << QString()
       << QStringLiteral("- %1 (%2), schema version %3 of %4")
              .arg(redacted, database.dialect().name())
              .arg(schema.current)
              .arg(schema.latest)
       << QString();

    // Pairs, with what the operations table says about each.
    const QList<db::PairFigures> figures
        = db::MetricsRepository(database).pairFigures(QDateTime::currentDateTimeUtc());
    QSqlQuery pairs
        = database.prepare(QStringLiteral("SELECT id, schedule, next_run_at FROM sync_pairs"));
    database.exec(pairs, "reading schedules");
    QHash<qint64, QPair<QString, QDateTime>> schedules;
    while (pairs.next())
        schedules.insert(pairs.value(0).toLongLong(),
                         { pairs.value(1).toString(), database.dialect().fromDb(pairs.value(2)) });
    QJsonArray pairArray;
    md << QStringLiteral("## Sync pairs") << QString()
       << QStringLiteral(
              "| id | name | enabled | schedule | next run | last status | last finished |")
       << QStringLiteral("|---:|---|---|---|---|---|---|");
    for (const db::PairFigures &pair : figures) {
        const auto schedule = schedules.value(pair.pairId);
        QJsonObject entry = pair.toJson(QDateTime::currentDateTimeUtc());
        entry.insert(QStringLiteral("schedule"), schedule.first);
        entry.insert(QStringLiteral("next_run_at"),
                     schedule.second.isValid() ? schedule.second.toUTC().toString(Qt::ISODate)
                                               : QString());
        pairArray.append(entry);
        md << QStringLiteral("| %1 | %2 | %3 | %4 | %5 | %6 | %7 |")
                  .arg(pair.pairId)
                  .arg(pair.name, pair.enabled ? QStringLiteral("yes") : QStringLiteral("no"),
                       schedule.first.isEmpty() ? QStringLiteral("-")
                                                : QStringLiteral("`%1`").arg(schedule.first),
                       schedule.second.isValid() ? isoWithOffset(schedule.second.toLocalTime())
                                                 : QStringLiteral("-"),
                       pair.lastStatus.isEmpty() ? QStringLiteral("-") : pair.lastStatus,
                       pair.lastFinishedAt.isValid()
                           ? pair.lastFinishedAt.toUTC().toString(Qt::ISODate)
                           : QStringLiteral("-"));
    }
    if (figures.isEmpty())
        md << QStringLiteral("| | (no sync pairs) | | | | | |");
    report.data.insert(QStringLiteral("pairs"), pairArray);
    md << QString();

    // Maintenance windows.
    MaintenanceRunStore runs(database);
    QJsonArray windows;
    md << QStringLiteral("## Maintenance schedule (local time)") << QString()
       << QStringLiteral("| type | when | next run | last run | last status |")
       << QStringLiteral("|---|---|---|---|---|");
    for (MaintenanceKind kind : allMaintenanceKinds()) {
        QJsonObject window = maintenanceWindowJson(kind, now);
        const auto last = runs.lastFinished(kind);
        if (last)
            window.insert(QStringLiteral("last_run"), last->toJson(false));
        windows.append(window);
        md << QStringLiteral("| %1 | %2 | %3 | %4 | %5 |")
                  .arg(maintenanceKindName(kind), window.value(QStringLiteral("when")).toString(),
                       window.value(QStringLiteral("next_run")).toString(),
                       last ? last->finishedAt.toUTC().toString(Qt::ISODate)
                            : QStringLiteral("never"),
                       last ? last->status : QStringLiteral("-"));
    }
    report.data.insert(QStringLiteral("maintenance"), windows);
    md << QString();

    // Backups on disk.
    const QDir backups(paths::backupsDir(dataDir));
    qint64 backupBytes = 0;
    QString newest;
    QDateTime newestTime;
    int backupFiles = 0;
    for (const QFileInfo &info : backups.entryInfoList(QDir::Files, QDir::Time)) {
        // Data files only (".dump" or ".sqlite"); manifests and checksums sit beside them.
        if (info.suffix() != QLatin1String("dump") && info.suffix() != QLatin1String("sqlite"))
            continue;
        ++backupFiles;
        backupBytes += info.size();
        if (!newestTime.isValid() || info.lastModified() > newestTime) {
            newestTime = info.lastModified();
            newest = info.fileName();
        }
    }
    report.data.insert(QStringLiteral("backups"),
                       QJsonObject { { QStringLiteral("files"), backupFiles },
                                     { QStringLiteral("bytes"), backupBytes },
                                     { QStringLiteral("newest"), newest } });
    md << QStringLiteral("## Backups") << QString()
       << QStringLiteral("- %1 backup file(s) in %2, %3; newest: %4")
              .arg(backupFiles)
              .arg(backups.absolutePath(), humanBytes(backupBytes),
                   newest.isEmpty()
                       ? QStringLiteral("none")
                       : QStringLiteral("%1 (%2)").arg(newest, isoWithOffset(newestTime)))
       << QString();

    // What needs attention.
    const qint64 openAlerts
        = count(database, QStringLiteral("SELECT COUNT(*) FROM alerts WHERE status <> 'resolved'"));
    const qint64 openQuarantine
        = count(database, QStringLiteral("SELECT COUNT(*) FROM quarantine WHERE status = 'open'"));
    const qint64 users = count(database, QStringLiteral("SELECT COUNT(*) FROM users"));
    const qint64 auditEntries
        = count(database, QStringLiteral("SELECT COUNT(*) FROM audit_entries"));
    report.data.insert(QStringLiteral("attention"),
                       QJsonObject { { QStringLiteral("open_alerts"), openAlerts },
                                     { QStringLiteral("open_quarantine"), openQuarantine },
                                     { QStringLiteral("users"), users },
                                     { QStringLiteral("audit_entries"), auditEntries } });
    md << QStringLiteral("## Attention") << QString()
       << QStringLiteral("- Open alerts: %1").arg(openAlerts)
       << QStringLiteral("- Open quarantined rows: %1").arg(openQuarantine)
       << QStringLiteral("- Users: %1").arg(users)
       << QStringLiteral("- Audit trail entries: %1").arg(auditEntries);
    return report;
}

void writeOperationsReport(OperationsReport &report, const QString &dataDir)
{
    const QString dir = paths::ensureDir(dataDir + QStringLiteral("/reports"));
    report.markdownPath = dir + QStringLiteral("/operations-report.md");
    report.jsonPath = dir + QStringLiteral("/operations-report.json");
    if (!paths::writeFileAtomically(report.markdownPath,
                                    report.markdown.join(QLatin1Char('\n')).toUtf8() + '\n')
        || !paths::writeFileAtomically(report.jsonPath,
                                       QJsonDocument(report.data).toJson(QJsonDocument::Indented)))
        throw Error(Error::Kind::Internal,
                    QStringLiteral("cannot write the operations report into %1").arg(dir));
}

} // namespace tf::ops
