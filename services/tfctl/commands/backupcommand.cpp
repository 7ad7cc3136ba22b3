#include "backupcommand.h"

#include "common/auditlog.h"
#include "tfctl/platformlocation.h"
#include "common/servicecontext.h"
#include "core/errors.h"
#include "core/logging.h"
#include "core/paths.h"
#include "db/connection.h"
#include "db/controldatabase.h"
#include "db/databaseurl.h"
#include "ops/backupmanager.h"
#include "tfctl/toolcontext.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTextStream>
#include <cstdio>
#include <unistd.h>

namespace tf::tfctl {

namespace {

const QString kBackupUsage
    = QStringLiteral("usage: tfctl backup [--label L] [--keep N] [--max-age-days D]");
const QString kListUsage = QStringLiteral("usage: tfctl list [--json]");
const QString kRestoreUsage = QStringLiteral(
    "usage: tfctl restore <name|file> [--yes] [--allow-external] [--no-safety-backup]");

// One line when a step begins and then at most every 250 ms within it (a step is named by
// the message's first word); the last line is left to the command's own summary:
//   [   1.2s]  42% copying the database: 120 of 300 pages
class StepPrinter
{
public:
    StepPrinter() { m_clock.start(); }
    void operator()(double fraction, const QString &message)
    {
        if (fraction >= 1.0)
            return;
        const QString step = message.section(QLatin1Char(' '), 0, 0);
        const qint64 now = m_clock.elapsed();
        if (step == m_lastStep && now - m_lastPrintMs < 250)
            return;
        m_lastStep = step;
        m_lastPrintMs = now;
        std::printf("[%7.1fs] %3d%% %s\n", double(now) / 1000.0, int(fraction * 100.0 + 0.5),
                    qPrintable(message));
        std::fflush(stdout);
    }

private:
    QElapsedTimer m_clock;
    qint64 m_lastPrintMs = -1000;
    QString m_lastStep;
};

// The services' configuration without opening the database: list and restore must work
// when the database is the problem.
ServiceContext resolveContext(const CommandLine &commandLine)
{
    return platform::resolve(commandLine);
}

void audit(const QString &databaseUrl, const http::AuditEvent &event)
{
    try {
        const auto database = db::ControlDatabase::open(databaseUrl, false);
        platform::audit(*database, event);
    } catch (const Error &error) {
        std::fprintf(stderr, "tfctl: audit entry %s not stored: %s\n", qPrintable(event.eventType),
                     qPrintable(error.message()));
    }
}

QString mebibytes(qint64 bytes)
{
    return QStringLiteral("%1 MiB").arg(double(bytes) / double(1 << 20), 0, 'f', 2);
}

qint64 totalRows(const QJsonObject &rowCounts)
{
    qint64 rows = 0;
    for (const QJsonValue &count : rowCounts)
        rows += count.toInteger();
    return rows;
}

int retentionSetting(const Config &config, const QString &key)
{
    return config.contains(key) ? config.integer(key, 0, 1000000) : 0;
}

// Without a terminal there is nobody to ask: refuse (exit 2) unless --yes said it already.
bool confirmed(const ops::BackupInfo &backup, const QString &databaseUrl, bool safetyBackup)
{
    if (!::isatty(STDIN_FILENO))
        CommandLine::exitWithUsageError(
            QStringLiteral("tfctl restore"),
            QStringLiteral("refusing to replace the control database without confirmation: "
                           "stdin is not a terminal; pass --yes"));
    std::printf(
        "This replaces every table of %s with the content of %s (%s).\n%s\nType 'yes' to restore: ",
        qPrintable(db::DatabaseUrl::parse(databaseUrl).redacted()), qPrintable(backup.name),
        qPrintable(backup.createdAt.toString(Qt::ISODate)),
        safetyBackup ? "A safety backup of the current data is taken first."
                     : "NO safety backup will be taken (--no-safety-backup).");
    std::fflush(stdout);
    QTextStream in(stdin);
    const QString answer = in.readLine().trimmed().toLower();
    return answer == QLatin1String("yes") || answer == QLatin1String("y");
}

} // namespace

int runBackupCommand(const QStringList &arguments)
{
    const QString program = QStringLiteral("tfctl backup");
    CommandLine commandLine(
        program,
        QStringLiteral(
            "Back up the control database into <data>/backups, with a manifest and a .sha256."));
    commandLine.addPositional(QStringLiteral("backup"), QStringLiteral("The command."),
                              QStringLiteral("backup"));
    addToolOptions(commandLine);
    commandLine.addValueOption(
        QStringLiteral("label"), QStringLiteral("L"),
        QStringLiteral("A word added to the file name (letters, digits, . _ -)."),
        QStringLiteral("backup/label"));
    commandLine.addValueOption(
        QStringLiteral("keep"), QStringLiteral("N"),
        QStringLiteral("Afterwards keep only the newest N backups (0: no limit)."),
        QStringLiteral("backup/keep"));
    commandLine.addValueOption(
        QStringLiteral("max-age-days"), QStringLiteral("D"),
        QStringLiteral("Afterwards remove backups older than D days (0: no limit)."),
        QStringLiteral("backup/max_age_days"));
    commandLine.addSwitch(QStringLiteral("without-key"),
                          QStringLiteral("Leave secret.key out of the backup set (it is in by default; "
                                         "without it a restore elsewhere cannot read the credentials)."),
                          QStringLiteral("backup/without_key"), QStringLiteral("true"));
    commandLine.process(arguments);
    if (commandLine.positionalArguments().size() != 1)
        CommandLine::exitWithUsageError(
            program,
            QStringLiteral("unexpected argument '%1'; %2")
                .arg(commandLine.positionalArguments().value(1), kBackupUsage));
    try {
        auto context = ToolContext::open(commandLine);
        const Config &config = context->service().config;
        const int keep = retentionSetting(config, QStringLiteral("backup/keep"));
        const int maxAgeDays = retentionSetting(config, QStringLiteral("backup/max_age_days"));
        ops::BackupManager manager(context->service().databaseUrl,
                                   paths::backupsDir(context->service().dataDir));
        const bool withoutKey = commandLine.isSet(QStringLiteral("without-key"));
        manager.setIncludeSecretKey(!withoutKey);
        if (withoutKey)
            std::fprintf(stderr, "tfctl backup: WARNING: --without-key: %s is NOT in this backup; restored on "
                                 "another machine, its systems' credentials cannot be read without it\n",
                         qPrintable(manager.secretKeyFile()));
        StepPrinter printer;
        const ops::BackupInfo backup
            = manager.create(commandLine.value(QStringLiteral("label")), std::ref(printer));
        std::printf("backup %s written: %s, %lld tables, %lld rows, schema version %d\n  file:   "
                    "%s\n  sha256: %s\n  key:    %s\n",
                    qPrintable(backup.name), qPrintable(mebibytes(backup.sizeBytes)),
                    static_cast<long long>(
                        backup.manifest.value(QStringLiteral("row_counts")).toObject().size()),
                    static_cast<long long>(
                        totalRows(backup.manifest.value(QStringLiteral("row_counts")).toObject())),
                    backup.schemaVersion, qPrintable(backup.path),
                    qPrintable(backup.manifest.value(QStringLiteral("sha256")).toString()),
                    backup.manifest.value(QStringLiteral("secret_key_sha256")).isString()
                        ? qPrintable(backup.path + QStringLiteral(".key (0600)"))
                        : "NOT INCLUDED");
        http::recordAudit(context->database().database(), platform::actor(), QStringLiteral("local"),
                          { QStringLiteral("backup.created"),
                            QStringLiteral("info"),
                            QStringLiteral("backup"),
                            backup.name,
                            0,
                            QStringLiteral("backup %1 created with tfctl").arg(backup.name),
                            {},
                            backup.toJson() });
        if (keep > 0 || maxAgeDays > 0) {
            const QStringList removed = manager.applyRetention(keep, maxAgeDays);
            std::printf(
                "retention (keep %d, max age %d days): %s\n", keep, maxAgeDays,
                removed.isEmpty()
                    ? "nothing to remove"
                    : qPrintable(
                        QStringLiteral("removed %1").arg(removed.join(QStringLiteral(", ")))));
        }
        return 0;
    } catch (const Error &error) {
        return reportError(program, error);
    }
}

int runListCommand(const QStringList &arguments)
{
    const QString program = QStringLiteral("tfctl list");
    CommandLine commandLine(
        program,
        QStringLiteral("List the backups in <data>/backups, newest first, each verified."));
    commandLine.addPositional(QStringLiteral("list"), QStringLiteral("The command."),
                              QStringLiteral("list"));
    addToolOptions(commandLine);
    commandLine.addSwitch(QStringLiteral("json"), QStringLiteral("Print JSON."),
                          QStringLiteral("list/json"), QStringLiteral("true"));
    commandLine.process(arguments);
    if (commandLine.positionalArguments().size() != 1)
        CommandLine::exitWithUsageError(
            program,
            QStringLiteral("unexpected argument '%1'; %2")
                .arg(commandLine.positionalArguments().value(1), kListUsage));
    try {
        const ServiceContext context = resolveContext(commandLine);
        const ops::BackupManager manager(context.databaseUrl, paths::backupsDir(context.dataDir));
        const QList<ops::BackupInfo> backups = manager.list();
        if (commandLine.isSet(QStringLiteral("json"))) {
            QJsonArray array;
            for (const ops::BackupInfo &backup : backups)
                array.append(backup.toJson());
            std::printf("%s\n", QJsonDocument(array).toJson(QJsonDocument::Indented).constData());
            return 0;
        }
        if (backups.isEmpty()) {
            std::printf("(no backups in %s; `tfctl backup` makes one)\n",
                        qPrintable(manager.backupsDir()));
            return 0;
        }
        std::printf("%-52s %11s  %-20s %-8s %-6s %s\n", "name", "size", "created (UTC)", "backend",
                    "schema", "verified");
        for (const ops::BackupInfo &backup : backups) {
            std::printf(
                "%-52s %11s  %-20s %-8s %-6d %s\n", qPrintable(backup.name),
                qPrintable(mebibytes(backup.sizeBytes)),
                qPrintable(
                    backup.createdAt.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))),
                qPrintable(backup.backend), backup.schemaVersion,
                backup.verified ? "yes" : qPrintable(QStringLiteral("NO: ") + backup.problem));
        }
        return 0;
    } catch (const Error &error) {
        return reportError(program, error);
    }
}

int runRestoreCommand(const QStringList &arguments)
{
    const QString program = QStringLiteral("tfctl restore");
    CommandLine commandLine(
        program, QStringLiteral("Restore the control database from a backup (verified first)."));
    commandLine.addPositional(QStringLiteral("restore"), QStringLiteral("The command."),
                              QStringLiteral("restore"));
    commandLine.addPositional(
        QStringLiteral("backup"),
        QStringLiteral("A name from `tfctl list`, or a path to a backup file."),
        QStringLiteral("<name|file>"));
    addToolOptions(commandLine);
    commandLine.addSwitch(QStringLiteral("yes"), QStringLiteral("Do not ask for confirmation."),
                          QStringLiteral("restore/yes"), QStringLiteral("true"));
    commandLine.addSwitch(QStringLiteral("allow-external"),
                          QStringLiteral("Accept a file outside the backups folder."),
                          QStringLiteral("restore/allow_external"), QStringLiteral("true"));
    commandLine.addSwitch(QStringLiteral("no-safety-backup"),
                          QStringLiteral("Do not back up the current data first."),
                          QStringLiteral("restore/no_safety_backup"), QStringLiteral("true"));
    commandLine.addSwitch(QStringLiteral("use-backup-key"),
                          QStringLiteral("When the backup's secret key differs from the one in place, put the "
                                         "backup's in place (the current one is kept beside it)."),
                          QStringLiteral("restore/use_backup_key"), QStringLiteral("true"));
    commandLine.addSwitch(QStringLiteral("keep-current-key"),
                          QStringLiteral("When the backup's secret key differs, keep the one in place."),
                          QStringLiteral("restore/keep_current_key"), QStringLiteral("true"));
    commandLine.process(arguments);
    const QStringList positional = commandLine.positionalArguments();
    if (positional.size() < 2)
        CommandLine::exitWithUsageError(program,
                                        QStringLiteral("which backup? %1").arg(kRestoreUsage));
    if (positional.size() > 2)
        CommandLine::exitWithUsageError(
            program,
            QStringLiteral("unexpected argument '%1'; %2").arg(positional.at(2), kRestoreUsage));
    const QString target = positional.at(1);
    ops::RestoreOptions options;
    options.allowExternal = commandLine.isSet(QStringLiteral("allow-external"));
    options.safetyBackup = !commandLine.isSet(QStringLiteral("no-safety-backup"));
    if (commandLine.isSet(QStringLiteral("use-backup-key")) && commandLine.isSet(QStringLiteral("keep-current-key")))
        CommandLine::exitWithUsageError(program, QStringLiteral("--use-backup-key and --keep-current-key exclude each other"));
    if (commandLine.isSet(QStringLiteral("use-backup-key")))
        options.keyChoice = ops::RestoreOptions::KeyChoice::UseBackupKey;
    if (commandLine.isSet(QStringLiteral("keep-current-key")))
        options.keyChoice = ops::RestoreOptions::KeyChoice::KeepCurrentKey;
    try {
        const ServiceContext context = resolveContext(commandLine);
        ops::BackupManager manager(context.databaseUrl, paths::backupsDir(context.dataDir));
        const ops::BackupInfo backup = manager.verify(target, options.allowExternal);
        if (!backup.verified)
            throw Error(Error::Kind::Validation,
                        QStringLiteral("backup %1 is refused: %2; nothing was changed")
                            .arg(backup.name, backup.problem));
        std::printf("backup %s: %s, created %s, schema version %d, %lld rows, SHA-256 verified\n",
                    qPrintable(backup.name), qPrintable(backup.backend),
                    qPrintable(backup.createdAt.toString(Qt::ISODate)), backup.schemaVersion,
                    static_cast<long long>(
                        totalRows(backup.manifest.value(QStringLiteral("row_counts")).toObject())));
        std::fflush(stdout);
        if (!commandLine.isSet(QStringLiteral("yes"))
            && !confirmed(backup, context.databaseUrl, options.safetyBackup)) {
            std::printf("restore cancelled; nothing was changed\n");
            return 1;
        }
        StepPrinter printer;
        ops::RestoreOptions verified = options;
        verified.allowExternal = true; // resolved and verified above
        const ops::RestoreResult result = manager.restore(backup.path, verified, std::ref(printer));
        std::printf("restored %s: %lld tables, %lld rows, each identical to the backup; schema "
                    "version %d -> %d\n",
                    qPrintable(backup.name), static_cast<long long>(result.rowCounts.size()),
                    static_cast<long long>(totalRows(result.rowCounts)), result.schemaVersionBefore,
                    result.schemaVersionAfter);
        if (!result.safetyBackup.isEmpty())
            std::printf("the data from before is in %s (tfctl restore %s undoes this restore)\n",
                        qPrintable(result.safetyBackup), qPrintable(result.safetyBackup));
        std::printf("%s\n", qPrintable(result.keyOutcome));
        std::printf("tf-syncd's scheduler and workers were paused meanwhile and resume now\n");
        audit(context.databaseUrl,
              { QStringLiteral("backup.restored"),
                QStringLiteral("warning"),
                QStringLiteral("backup"),
                backup.name,
                0,
                QStringLiteral("control database restored from %1 with tfctl").arg(backup.name),
                {},
                result.toJson() });
        return 0;
    } catch (const Error &error) {
        return reportError(program, error);
    }
}

} // namespace tf::tfctl
