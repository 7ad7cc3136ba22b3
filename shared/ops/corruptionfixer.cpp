#include "corruptionfixer.h"

#include "core/errors.h"
#include "core/jsonutil.h"
#include "core/paths.h"
#include "corruptionchecks.h"
#include "db/connection.h"
#include "recovery.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QProcess>
#include <QSqlQuery>

namespace tf::ops {

using corruption::PlannedChange;

QJsonObject CorruptionFinding::toJson() const
{
    return QJsonObject {
        { QStringLiteral("table"), table },
        { QStringLiteral("key"), key },
        { QStringLiteral("problem"), problem },
        { QStringLiteral("detail"), detail },
        { QStringLiteral("action"), action },
        { QStringLiteral("resolution"), resolution },
    };
}

int CorruptionReport::count(const QString &action) const
{
    int n = 0;
    for (const CorruptionFinding &finding : findings)
        n += finding.action == action ? 1 : 0;
    return n;
}

bool CorruptionReport::resolved() const
{
    return count(QStringLiteral("reported")) == 0 && count(QStringLiteral("skipped")) == 0 && !rolledBack
        && validationExitCode <= 0;
}

QJsonObject CorruptionReport::toJson() const
{
    QJsonArray list;
    for (const CorruptionFinding &finding : findings)
        list.append(finding.toJson());
    QJsonObject object {
        { QStringLiteral("entity_type"), entityType },
        { QStringLiteral("dry_run"), dryRun },
        { QStringLiteral("rows_checked"), rowsChecked },
        { QStringLiteral("findings"), list },
        { QStringLiteral("repaired"), count(QStringLiteral("repaired")) },
        { QStringLiteral("set_aside"), count(QStringLiteral("set_aside")) },
        { QStringLiteral("reported"), count(QStringLiteral("reported")) },
        { QStringLiteral("skipped"), count(QStringLiteral("skipped")) },
        { QStringLiteral("set_aside_file"), setAsideFile },
        { QStringLiteral("resolved"), resolved() },
    };
    if (!validationScript.isEmpty()) {
        object.insert(QStringLiteral("validation"), QJsonObject {
            { QStringLiteral("script"), validationScript },
            { QStringLiteral("exit_code"), validationExitCode },
            { QStringLiteral("output"), validationOutput },
            { QStringLiteral("rolled_back"), rolledBack },
            { QStringLiteral("rollback_problems"), QJsonArray::fromStringList(rollbackProblems) },
        });
    }
    return object;
}

const QStringList &CorruptionFixer::entityTypes()
{
    static const QStringList types { QStringLiteral("sync_pairs"), QStringLiteral("sync_operations"),
                                     QStringLiteral("audit_entries"), QStringLiteral("system_metrics"),
                                     QStringLiteral("quarantine"), QStringLiteral("sync_state"), QStringLiteral("all") };
    return types;
}

CorruptionFixer::CorruptionFixer(db::Database &database, Options options)
    : m_database(database)
    , m_options(std::move(options))
{
    if (!entityTypes().contains(m_options.entityType)) {
        throw Error(Error::Kind::Validation, QStringLiteral("unknown entity type '%1'; use one of: %2")
                                                 .arg(m_options.entityType, entityTypes().join(QStringLiteral(", "))));
    }
}

namespace {

// Runs every planned change in one transaction; a change whose row no longer matches its
// guard touches nothing and its finding becomes "skipped".
void apply(db::Database &database, const QList<PlannedChange> &changes, QList<CorruptionFinding> &findings)
{
    const db::Dialect &dialect = database.dialect();
    db::Transaction transaction(database);
    for (const PlannedChange &change : changes) {
        QStringList where;
        for (const QString &column : change.keyColumns)
            where << dialect.quoteIdentifier(column) + QStringLiteral(" = ?");
        if (!change.guard.isEmpty())
            where << change.guard;
        QString sql;
        if (change.remove) {
            sql = QStringLiteral("DELETE FROM %1 WHERE %2").arg(dialect.quoteIdentifier(change.table), where.join(QStringLiteral(" AND ")));
        } else {
            QStringList sets;
            for (const QString &column : change.setColumns)
                sets << dialect.quoteIdentifier(column) + QStringLiteral(" = ?");
            sql = QStringLiteral("UPDATE %1 SET %2 WHERE %3")
                      .arg(dialect.quoteIdentifier(change.table), sets.join(QStringLiteral(", ")), where.join(QStringLiteral(" AND ")));
        }
        QSqlQuery query = database.prepare(sql);
        for (const QVariant &value : change.setValues)
            query.addBindValue(value);
        for (const QVariant &value : change.keyValues)
            query.addBindValue(value);
        for (const QVariant &value : change.guardValues)
            query.addBindValue(value);
        database.exec(query, "repairing a corrupted row");
        if (query.numRowsAffected() == 0) {
            findings[change.finding].action = QStringLiteral("skipped");
            findings[change.finding].resolution = QStringLiteral("left alone: the row changed while the fix ran; run the fix again");
            continue;
        }
        if (!change.operationLog.isEmpty()) {
            QSqlQuery log = database.prepare(QStringLiteral("INSERT INTO operation_logs (operation_id, created_at, line) VALUES (?, ?, ?)"));
            log.addBindValue(change.keyValues.first());
            log.addBindValue(dialect.toDb(QDateTime::currentDateTimeUtc()));
            log.addBindValue(change.operationLog);
            database.exec(log, "logging a repaired operation");
        }
    }
    transaction.commit();
}

QString lastLines(const QByteArray &output, int count)
{
    const QStringList lines = QString::fromUtf8(output).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    return lines.mid(qMax(0, lines.size() - count)).join(QLatin1Char('\n'));
}

} // namespace

CorruptionReport CorruptionFixer::run(const ProgressFn &progress)
{
    CorruptionReport report;
    report.entityType = m_options.entityType;
    report.dryRun = m_options.dryRun;
    const QString dataDir = m_options.dataDir;
    logRecoveryEvent(dataDir, QStringLiteral("data_corruption_recovery_start"),
                     QStringLiteral("Starting data corruption recovery for %1").arg(m_options.entityType), QStringLiteral("info"));

    const QString dir = paths::ensureDir(dataDir + QStringLiteral("/set_aside"));
    const QString stamp = QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmmss-zzz"));
    const QString base = QStringLiteral("%1/fix-corruption-%2-%3").arg(dir, m_options.entityType, stamp);
    corruption::Journal journal(base + QStringLiteral(".jsonl"));
    QList<PlannedChange> changes;
    corruption::Scan scan { m_database, journal, report.findings, changes, report.rowsChecked, m_options.stuckWithoutLeaseMinutes, {} };
    corruption::loadPairIds(scan);

    using Check = void (*)(corruption::Scan &);
    const QList<QPair<QString, Check>> checks {
        { QStringLiteral("sync_pairs"), &corruption::checkSyncPairs },
        { QStringLiteral("sync_operations"), &corruption::checkSyncOperations },
        { QStringLiteral("quarantine"), &corruption::checkQuarantine },
        { QStringLiteral("sync_state"), &corruption::checkSyncState },
        { QStringLiteral("system_metrics"), &corruption::checkSystemMetrics },
        { QStringLiteral("audit_entries"), &corruption::checkAuditChain },
    };
    const bool all = m_options.entityType == QLatin1String("all");
    int done = 0;
    const int total = all ? static_cast<int>(checks.size()) : 1;
    for (const auto &[name, check] : checks) {
        if (!all && name != m_options.entityType)
            continue;
        if (progress)
            progress(double(done) / total, QStringLiteral("checking %1").arg(name));
        const qsizetype before = report.findings.size();
        check(scan);
        ++done;
        if (progress)
            progress(double(done) / total, QStringLiteral("checked %1: %2 row(s), %3 problem(s)")
                                               .arg(name).arg(report.rowsChecked.value(name).toInteger())
                                               .arg(report.findings.size() - before));
    }
    journal.close();

    if (m_options.dryRun) {
        for (CorruptionFinding &finding : report.findings) {
            if (finding.action != QLatin1String("reported")) {
                finding.resolution = QStringLiteral("dry run; would be %1: %2").arg(finding.action, finding.resolution);
                finding.action = QStringLiteral("skipped");
            }
        }
        QFile::remove(journal.path());
    } else if (journal.lines() == 0) {
        QFile::remove(journal.path());
    } else {
        report.setAsideFile = journal.path();
        if (!changes.isEmpty())
            apply(m_database, changes, report.findings);
    }

    if (!m_options.validationScript.isEmpty()) {
        QFile reportFile(base + QStringLiteral(".report.json"));
        if (reportFile.open(QIODevice::WriteOnly | QIODevice::Truncate))
            reportFile.write(json::compact(report.toJson()));
        reportFile.close();
        runValidation(report, reportFile.fileName(), progress);
        if (report.validationExitCode != 0 && !report.setAsideFile.isEmpty() && !changes.isEmpty()) {
            report.rollbackProblems = corruption::Journal::undo(m_database, report.setAsideFile);
            report.rolledBack = true;
        }
        QFile::remove(reportFile.fileName());
    }
    logRecoveryEvent(dataDir, QStringLiteral("data_corruption_recovery_complete"),
                     QStringLiteral("Data corruption recovery for %1 %2: %3 repaired, %4 set aside, %5 reported")
                         .arg(m_options.entityType, report.resolved() ? QStringLiteral("completed") : QStringLiteral("needs attention"))
                         .arg(report.count(QStringLiteral("repaired"))).arg(report.count(QStringLiteral("set_aside")))
                         .arg(report.count(QStringLiteral("reported"))),
                     report.resolved() ? QStringLiteral("success") : QStringLiteral("partial"));
    return report;
}

void CorruptionFixer::runValidation(CorruptionReport &report, const QString &reportPath, const ProgressFn &progress)
{
    report.validationScript = m_options.validationScript;
    if (progress)
        progress(1.0, QStringLiteral("running validation script %1 %2").arg(m_options.validationScript, m_options.entityType));
    QProcess script;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    // The URL travels in the environment, never in argv where `ps` would show a password.
    environment.insert(QStringLiteral("DATABASE_URL"), m_options.databaseUrl);
    environment.insert(QStringLiteral("TF_DATA_DIR"), m_options.dataDir);
    environment.insert(QStringLiteral("TF_FIX_REPORT"), reportPath);
    environment.insert(QStringLiteral("TF_SET_ASIDE_FILE"), report.setAsideFile);
    script.setProcessEnvironment(environment);
    script.setProcessChannelMode(QProcess::MergedChannels);
    script.start(m_options.validationScript, { m_options.entityType });
    if (!script.waitForStarted(10000)) {
        report.validationExitCode = 127;
        report.validationOutput = QStringLiteral("could not start: ") + script.errorString();
    } else if (!script.waitForFinished(m_options.validationTimeoutMs)) {
        script.kill();
        script.waitForFinished(2000);
        report.validationExitCode = 124;
        report.validationOutput = QStringLiteral("timed out after %1 s").arg(m_options.validationTimeoutMs / 1000);
    } else {
        report.validationExitCode = script.exitStatus() == QProcess::NormalExit ? script.exitCode() : 128;
        report.validationOutput = lastLines(script.readAll(), 20);
    }
    const bool valid = report.validationExitCode == 0;
    logRecoveryEvent(m_options.dataDir, QStringLiteral("data_validation"),
                     valid ? QStringLiteral("Data validation successful for %1").arg(m_options.entityType)
                           : QStringLiteral("Data validation failed for %1 (exit code %2)").arg(m_options.entityType).arg(report.validationExitCode),
                     valid ? QStringLiteral("success") : QStringLiteral("failure"),
                     QJsonObject { { QStringLiteral("script"), m_options.validationScript },
                                   { QStringLiteral("output"), report.validationOutput } });
}

} // namespace tf::ops
