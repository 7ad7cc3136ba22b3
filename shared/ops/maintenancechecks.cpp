#include "maintenancechecks.h"

#include "core/paths.h"
#include "db/connection.h"
#include "db/migrator.h"
#include "tfversion.h"

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QJsonArray>
#include <QLoggingCategory>
#include <QProcess>
#include <QRegularExpression>
#include <QStorageInfo>
#include <cmath>

Q_LOGGING_CATEGORY(lcChecks, "ops.maintenance")

namespace tf::ops {

namespace {

qint64 folderBytes(const QString &path)
{
    qint64 total = 0;
    QDirIterator it(path, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        total += it.fileInfo().size();
    }
    return total;
}

} // namespace

void checkBinaries(StepResult &step, const QString &binDir)
{
    static const QRegularExpression versionPattern(QStringLiteral(R"((\d+\.\d+\.\d+\S*))"));
    const QString expected = QStringLiteral(TF_VERSION_STRING);
    QJsonObject programs;
    step.markdown << QStringLiteral("| program | version | path |")
                  << QStringLiteral("|---|---|---|");
    for (const QString &name :
         { QStringLiteral("tf-gateway"), QStringLiteral("tf-syncd"), QStringLiteral("tfctl") }) {
        const QString path = QDir(binDir).filePath(name);
        const QFileInfo info(path);
        QJsonObject entry { { QStringLiteral("path"), path } };
        QString version;
        if (!info.exists() || !info.isExecutable()) {
            entry.insert(QStringLiteral("installed"), false);
            step.findings << Finding {
                QStringLiteral("low"), QStringLiteral("binaries"), QStringLiteral("binary_missing"),
                QStringLiteral("%1 is not installed beside this program (%2)").arg(name, binDir),
                QJsonObject { { QStringLiteral("program"), name } }
            };
        } else {
            QProcess process;
            process.start(path, { QStringLiteral("--version") });
            if (process.waitForFinished(5000) && process.exitStatus() == QProcess::NormalExit) {
                const QRegularExpressionMatch match
                    = versionPattern.match(QString::fromUtf8(process.readAllStandardOutput()));
                version = match.hasMatch() ? match.captured(1) : QString();
            } else {
                process.kill();
                process.waitForFinished(1000);
            }
            entry.insert(QStringLiteral("installed"), true);
            entry.insert(QStringLiteral("version"), version);
            entry.insert(QStringLiteral("size_bytes"), info.size());
            entry.insert(QStringLiteral("modified"),
                         info.lastModified().toUTC().toString(Qt::ISODate));
            if (version.isEmpty())
                step.findings << Finding {
                    QStringLiteral("medium"), QStringLiteral("binaries"),
                    QStringLiteral("binary_broken"),
                    QStringLiteral("%1 --version gave no version: the program may be damaged")
                        .arg(path),
                    QJsonObject { { QStringLiteral("program"), name } }
                };
            else if (version != expected)
                step.findings << Finding { QStringLiteral("medium"), QStringLiteral("binaries"),
                                           QStringLiteral("version_mismatch"),
                                           QStringLiteral(
                                               "%1 is version %2 but this program is %3: finish "
                                               "the upgrade and restart the services")
                                               .arg(name, version, expected),
                                           QJsonObject { { QStringLiteral("program"), name },
                                                         { QStringLiteral("version"), version } } };
        }
        programs.insert(name, entry);
        step.markdown << QStringLiteral("| %1 | %2 | %3 |")
                             .arg(name, version.isEmpty() ? QStringLiteral("-") : version, path);
    }
    step.data.insert(QStringLiteral("expected_version"), expected);
    step.data.insert(QStringLiteral("programs"), programs);
}

void applyPendingMigrations(StepResult &step, db::Database &database)
{
    db::Migrator migrator(database);
    const db::Migrator::Status before = migrator.status();
    const int applied = before.pending.isEmpty() ? 0 : migrator.migrate();
    const db::Migrator::Status after = migrator.status();
    QJsonArray pending;
    for (int version : before.pending)
        pending.append(version);
    step.data.insert(QStringLiteral("schema"),
                     QJsonObject { { QStringLiteral("version_before"), before.current },
                                   { QStringLiteral("version_after"), after.current },
                                   { QStringLiteral("latest"), after.latest },
                                   { QStringLiteral("pending_before"), pending },
                                   { QStringLiteral("applied"), applied } });
    step.markdown << QString()
                  << QStringLiteral(
                         "Schema version %1 -> %2 (this binary knows %3); migrations applied: %4.")
                         .arg(before.current)
                         .arg(after.current)
                         .arg(after.latest)
                         .arg(applied);
}

void checkDiskSpace(StepResult &step, const QString &dataDir, double diskPercent,
                    qint64 databaseBytes)
{
    QJsonArray volumes;
    QStringList seen;
    step.markdown << QStringLiteral("| path | device | size | available | used |")
                  << QStringLiteral("|---|---|---:|---:|---:|");
    for (const QString &path : { dataDir, paths::backupsDir(dataDir), paths::logsDir(dataDir) }) {
        if (!QFileInfo::exists(path))
            continue;
        QStorageInfo storage(path);
        storage.refresh();
        if (!storage.isValid() || seen.contains(storage.rootPath()))
            continue;
        seen << storage.rootPath();
        const qint64 total = storage.bytesTotal();
        const qint64 available = storage.bytesAvailable();
        const double used
            = total > 0 ? 100.0 * double(total - storage.bytesFree()) / double(total) : 0;
        const double usedRounded = std::round(used * 10) / 10;
        volumes.append(
            QJsonObject { { QStringLiteral("path"), path },
                          { QStringLiteral("root"), storage.rootPath() },
                          { QStringLiteral("device"), QString::fromUtf8(storage.device()) },
                          { QStringLiteral("bytes_total"), total },
                          { QStringLiteral("bytes_free"), storage.bytesFree() },
                          { QStringLiteral("bytes_available"), available },
                          { QStringLiteral("used_percent"), usedRounded } });
        step.markdown << QStringLiteral("| %1 | %2 | %3 | %4 | %5% |")
                             .arg(path, QString::fromUtf8(storage.device()), humanBytes(total),
                                  humanBytes(available), QString::number(usedRounded, 'f', 1));
        if (used > diskPercent) {
            qCWarning(lcChecks, "Disk usage above threshold: %.1f%% of %s used (threshold %.0f%%)",
                      used, qPrintable(storage.rootPath()), diskPercent);
            step.findings << Finding {
                QStringLiteral("high"), QStringLiteral("disk"), QStringLiteral("disk_usage_high"),
                QStringLiteral("Disk usage above threshold: %1% of %2 used (threshold %3%)")
                    .arg(QString::number(usedRounded, 'f', 1), storage.rootPath(),
                         QString::number(diskPercent, 'f', 0)),
                QJsonObject { { QStringLiteral("root"), storage.rootPath() },
                              { QStringLiteral("used_percent"), usedRounded } }
            };
        }
        // The next backup needs about the database's size again.
        if (databaseBytes > 0 && available < 2 * databaseBytes)
            step.findings << Finding { QStringLiteral("medium"),
                                       QStringLiteral("disk"),
                                       QStringLiteral("disk_space_for_backup"),
                                       QStringLiteral("%1 has %2 available, less than twice the "
                                                      "database (%3): the next backups may not fit")
                                           .arg(storage.rootPath(), humanBytes(available),
                                                humanBytes(databaseBytes)),
                                       {} };
    }
    QJsonObject folders;
    const QList<QPair<QString, QString>> folderPaths {
        { QStringLiteral("logs"), paths::logsDir(dataDir) },
        { QStringLiteral("backups"), paths::backupsDir(dataDir) },
        { QStringLiteral("reports"), dataDir + QStringLiteral("/reports") },
        { QStringLiteral("data_dir"), dataDir }
    };
    for (const auto &[name, path] : folderPaths)
        folders.insert(name, folderBytes(path));
    step.data.insert(QStringLiteral("volumes"), volumes);
    step.data.insert(QStringLiteral("folder_bytes"), folders);
    step.markdown << QString()
                  << QStringLiteral("Data directory %1 holds %2 (logs %3, backups %4, reports %5).")
                         .arg(dataDir,
                              humanBytes(folders.value(QStringLiteral("data_dir")).toInteger()),
                              humanBytes(folders.value(QStringLiteral("logs")).toInteger()),
                              humanBytes(folders.value(QStringLiteral("backups")).toInteger()),
                              humanBytes(folders.value(QStringLiteral("reports")).toInteger()));
}

} // namespace tf::ops
