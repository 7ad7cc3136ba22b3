#include "crashharness.h"

#include "core/errors.h"
#include "db/connection.h"
#include "db/databaseurl.h"
#include "testsupport.h"

#include <QElapsedTimer>
#include <QHash>
#include <QJsonDocument>
#include <QProcess>
#include <QRegularExpression>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryFile>
#include <QtDebug>

#include <algorithm>
#include <csignal>
#include <sys/types.h>

namespace tf::test::crash {

namespace {

// "[    0.6s] property (1/1)     ...  read 0  +5000 ~0 -0 =0  quarantined 0"
const QRegularExpression &progressLine()
{
    static const QRegularExpression re(QStringLiteral(R"re(^\[\s*[\d.]+s\] (\S+ \(\d+/\d+\)\s+\S+\s+read .*)$)re"),
                                       QRegularExpression::MultilineOption);
    return re;
}

// "completed_with_errors in 1.1s: read 12000  +11996 ~0 -0 =0  quarantined 4"
const QRegularExpression &summaryLine()
{
    static const QRegularExpression re(
        QStringLiteral(R"re(^(\w+) in [\d.]+s: read (\d+)  \+(\d+) ~(\d+) -(\d+) =(\d+)  quarantined (\d+))re"),
        QRegularExpression::MultilineOption);
    return re;
}

QString squeezed(const QString &text)
{
    return text.simplified();
}

QString quoted(const QString &identifier)
{
    return QLatin1Char('"') + QString(identifier).replace(QLatin1Char('"'), QLatin1String("\"\""))
        + QLatin1Char('"');
}

} // namespace

QString ToolRun::describe() const
{
    return QStringLiteral("exit %1%2%3 after %4 ms\n--- stdout ---\n%5\n--- stderr ---\n%6")
        .arg(exitCode)
        .arg(killed ? QStringLiteral(" (killed)") : QString())
        .arg(timedOut ? QStringLiteral(" (timed out)") : QString())
        .arg(elapsedMs)
        .arg(QString::fromUtf8(out.right(3000)), QString::fromUtf8(err.right(3000)));
}

QString ToolRun::lastProgress() const
{
    QString last;
    auto it = progressLine().globalMatch(QString::fromUtf8(out));
    while (it.hasNext())
        last = it.next().captured(1);
    return squeezed(last);
}

QString ToolRun::summary() const
{
    const auto match = summaryLine().match(QString::fromUtf8(out));
    if (!match.hasMatch())
        return {};
    return squeezed(match.captured(0).replace(QRegularExpression(QStringLiteral(" in [\\d.]+s:")),
                                              QStringLiteral(":")));
}

QList<qint64> ToolRun::totals() const
{
    const auto match = summaryLine().match(QString::fromUtf8(out));
    QList<qint64> numbers;
    if (!match.hasMatch())
        return numbers;
    for (int i = 2; i <= 7; ++i)
        numbers << match.captured(i).toLongLong();
    return numbers;
}

Tfctl::Tfctl(QString dataDir)
    : m_dataDir(std::move(dataDir))
{
    // tfctl creates no platform of its own: every harness starts from `tfctl init`.
    const ToolRun initialised = run({ QStringLiteral("init"), QStringLiteral("--if-missing") });
    if (initialised.exitCode != 0)
        qWarning("tfctl init failed (exit %d): %s", initialised.exitCode, initialised.err.constData());
}

ToolRun Tfctl::run(const QStringList &arguments, int timeoutMs) const
{
    QProcess process;
    process.setProcessEnvironment(ServiceProcess::cleanEnvironment());
    QElapsedTimer clock;
    clock.start();
    process.start(binary(QStringLiteral("tfctl")), arguments + QStringList { QStringLiteral("--data-dir"), m_dataDir });
    ToolRun result;
    if (!process.waitForFinished(timeoutMs)) {
        result.timedOut = true;
        process.kill();
        process.waitForFinished();
    }
    result.elapsedMs = clock.elapsed();
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    return result;
}

ToolRun Tfctl::sync(qint64 pairId, const QStringList &extra, qint64 killAfterMs) const
{
    constexpr qint64 kHangMs = 180000;
    QProcess process;
    process.setProcessEnvironment(ServiceProcess::cleanEnvironment());
    const QStringList arguments = QStringList { QStringLiteral("sync"), QStringLiteral("run"), QString::number(pairId) }
        + extra + QStringList { QStringLiteral("--data-dir"), m_dataDir };
    ToolRun result;
    QElapsedTimer clock;
    clock.start();
    process.start(binary(QStringLiteral("tfctl")), arguments);
    if (!process.waitForStarted(30000)) {
        result.err = process.errorString().toUtf8();
        return result;
    }
    const qint64 deadline = killAfterMs >= 0 ? killAfterMs : kHangMs;
    // Waits on the process itself: output as it comes, the exit, or the kill moment.
    while (process.state() != QProcess::NotRunning) {
        const qint64 left = deadline - clock.elapsed();
        if (left <= 0)
            break;
        process.waitForReadyRead(int(left));
        result.out += process.readAllStandardOutput();
        if (result.firstProgressMs < 0 && progressLine().match(QString::fromUtf8(result.out)).hasMatch())
            result.firstProgressMs = clock.elapsed();
    }
    if (process.state() != QProcess::NotRunning) {
        // Really SIGKILL: no handler runs, no destructor, no rollback but the database's own.
        ::kill(pid_t(process.processId()), SIGKILL);
        result.elapsedMs = clock.elapsed();
        result.killed = killAfterMs >= 0;
        result.timedOut = killAfterMs < 0;
        process.waitForFinished(30000);
    } else {
        result.elapsedMs = clock.elapsed();
    }
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out += process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    return result;
}

qint64 Tfctl::addSystem(const QJsonObject &definition, QString *error) const
{
    return add("system", definition, error);
}

qint64 Tfctl::addPair(const QJsonObject &definition, QString *error) const
{
    return add("pair", definition, error);
}

qint64 Tfctl::add(const char *group, const QJsonObject &definition, QString *error) const
{
    QTemporaryFile file;
    if (!file.open()) {
        *error = QStringLiteral("cannot create a temporary file");
        return 0;
    }
    file.write(QJsonDocument(definition).toJson());
    file.flush();
    const ToolRun added = run({ QLatin1String(group), QStringLiteral("add"), file.fileName() });
    // "system 3 \"CAMA (oracle)\" added", "sync pair 5 \"...\" added"
    static const QRegularExpression id(QStringLiteral(R"re((?:system|pair) (\d+) ".*" added)re"));
    const auto match = id.match(QString::fromUtf8(added.out));
    if (added.exitCode != 0 || !match.hasMatch()) {
        *error = QStringLiteral("tfctl %1 add: %2").arg(QLatin1String(group), added.describe());
        return 0;
    }
    return match.captured(1).toLongLong();
}

int KillLoop::kills() const
{
    return int(std::count_if(m_points.cbegin(), m_points.cend(), [](const KillPoint &p) { return p.run.killed; }));
}

bool KillLoop::run(const Tfctl &tfctl, const KillPlan &plan, QString *error)
{
    QRandomGenerator random(plan.seed);
    const int loadKills = plan.kills / 2;
    const qint64 stagingMs = qMax<qint64>(50, plan.firstProgressMs);
    const qint64 applyMs = qMax<qint64>(200, plan.fullRunMs - plan.firstProgressMs);
    // Three in four load-phase runs take a slice of the load: together they cover all of it.
    const qint64 sliceMs = qMax<qint64>(40, applyMs / qMax(1, loadKills * 3 / 4));
    QList<double> fractions; // change phase: stratified over the run, in random order
    const int changeKills = plan.kills - loadKills;
    for (int j = 0; j < changeKills; ++j)
        fractions << (j + random.generateDouble()) / changeKills;
    for (int j = fractions.size() - 1; j > 0; --j) // Fisher-Yates with the seeded generator
        fractions.swapItemsAt(j, int(random.bounded(j + 1)));

    ToolRun lastCompleted; // of the change phase's kind of run: how long, when its first batch
    int changeRuns = 0;
    int killed = 0;
    for (int i = 0; i < plan.maxIterations && killed < plan.kills; ++i) {
        KillPoint point;
        point.iteration = i;
        const bool load = killed < loadKills;
        point.phase = load ? QStringLiteral("load") : QStringLiteral("change");
        if (load && i % 4 == 0)
            point.phase = QStringLiteral("start");
        if ((!load || i % 3 == 2) && plan.mutate)
            point.mutation = plan.mutate(i, random);
        const bool full = !load && plan.withFullResyncs && changeRuns % 4 == 3;
        point.full = full;
        const qint64 jitter = random.bounded(41);
        if (load && i % 4 == 0) {
            point.plannedMs = random.bounded(int(stagingMs)) + jitter; // startup or staging
        } else if (load) {
            point.plannedMs = stagingMs + qint64(sliceMs * (0.5 + random.generateDouble())) + jitter;
        } else {
            const double fraction = fractions.isEmpty() ? random.generateDouble() : fractions.takeFirst();
            const qint64 ran = lastCompleted.elapsedMs > 0 ? lastCompleted.elapsedMs : stagingMs + stagingMs / 3;
            const qint64 firstBatch = lastCompleted.firstProgressMs > 0 ? lastCompleted.firstProgressMs : ran * 3 / 4;
            if (full) // anywhere in a rewrite of every row
                point.plannedMs = qint64(fraction * (plan.fullRunMs + plan.fullRunMs / 5));
            else if (changeRuns % 3 == 0) // startup, staging or the diff
                point.plannedMs = qint64(fraction * firstBatch);
            else // among the batches, their commits and the end of the run
                point.plannedMs = firstBatch - 40 + qint64(fraction * (ran - firstBatch + 80));
            point.plannedMs = qMax<qint64>(0, point.plannedMs) + jitter;
            ++changeRuns;
        }
        const QStringList extra = full ? QStringList { QStringLiteral("--full") } : QStringList();
        point.run = tfctl.sync(plan.pairId, extra, point.plannedMs);
        m_points << point;
        if (point.run.killed) {
            ++killed;
            continue;
        }
        if (point.run.timedOut || point.run.exitCode != 0) {
            *error = QStringLiteral("run %1 (after %2 kill(s)) did not complete: %3")
                         .arg(i).arg(killed).arg(point.run.describe());
            return false;
        }
        if (!full && (!load || !point.mutation.isEmpty()))
            lastCompleted = point.run;
    }
    if (killed < plan.kills) {
        *error = QStringLiteral("only %1 of %2 runs were killed in %3 iterations: the kill points are too late")
                     .arg(killed).arg(plan.kills).arg(plan.maxIterations);
        return false;
    }
    return true;
}

void KillLoop::printTable(const QString &title) const
{
    qInfo().noquote() << title;
    qInfo().noquote() << "  (tfctl prints progress at most every 250 ms: a killed run may have committed more than it reported)";
    qInfo().noquote() << QStringLiteral("  %1 %2 %3 %4 %5 %6  %7")
                             .arg(QStringLiteral("#"), 3)
                             .arg(QStringLiteral("phase"), -11)
                             .arg(QStringLiteral("mutation"), -22)
                             .arg(QStringLiteral("kill@ms"), 8)
                             .arg(QStringLiteral("ran ms"), 7)
                             .arg(QStringLiteral("outcome"), -9)
                             .arg(QStringLiteral("what the run reported"));
    for (const KillPoint &point : m_points) {
        const ToolRun &run = point.run;
        QString outcome = run.killed ? QStringLiteral("KILLED") : QStringLiteral("finished");
        QString reported = run.killed ? run.lastProgress() : run.summary();
        if (run.killed && reported.isEmpty())
            reported = run.out.contains("operation") ? QStringLiteral("(started, no batch reported yet)")
                                                     : QStringLiteral("(killed during startup)");
        if (!run.killed && reported.isEmpty())
            reported = squeezed(QString::fromUtf8(run.err.isEmpty() ? run.out.right(200) : run.err.right(200)));
        qInfo().noquote() << QStringLiteral("  %1 %2 %3 %4 %5 %6  %7")
                                 .arg(point.iteration, 3)
                                 .arg(point.phase + (point.full ? QStringLiteral("/full") : QString()), -11)
                                 .arg(point.mutation.isEmpty() ? QStringLiteral("-") : point.mutation, -22)
                                 .arg(point.plannedMs, 8)
                                 .arg(run.elapsedMs, 7)
                                 .arg(outcome, -9)
                                 .arg(reported);
    }
}

TableSnapshot snapshot(const QString &databaseUrl, const QString &table, const QString &keyColumn,
                       const QStringList &excludedColumns)
{
    TableSnapshot result;
    try {
        const db::DatabaseUrl url = db::DatabaseUrl::parse(databaseUrl);
        db::Database database(url);
        QSqlQuery columns = url.isPostgres()
            ? database.prepare(QStringLiteral("SELECT column_name FROM information_schema.columns "
                                              "WHERE table_schema = 'public' AND table_name = ? ORDER BY ordinal_position"))
            : database.prepare(QStringLiteral("SELECT name FROM pragma_table_info(?) ORDER BY cid"));
        columns.addBindValue(table);
        database.exec(columns, "listing the columns of a table");
        QStringList selected;
        while (columns.next()) {
            const QString name = columns.value(0).toString();
            if (excludedColumns.contains(name))
                continue;
            result.columns << name;
            // Text as the database spells it, so both sides compare the same way.
            selected << (url.isPostgres() ? quoted(name) + QStringLiteral("::text") : quoted(name));
        }
        result.keyIndex = int(result.columns.indexOf(keyColumn));
        if (result.columns.isEmpty() || result.keyIndex < 0) {
            result.error = QStringLiteral("table %1 has no column %2").arg(table, keyColumn);
            return result;
        }
        // Identifiers come from the catalog and are quoted; no value is pasted.
        QSqlQuery rows = database.prepare(QStringLiteral("SELECT %1 FROM %2 ORDER BY %3")
                                              .arg(selected.join(QStringLiteral(", ")), quoted(table), quoted(keyColumn)));
        rows.setForwardOnly(true);
        database.exec(rows, "reading a whole table");
        while (rows.next()) {
            QStringList row;
            row.reserve(result.columns.size());
            for (int i = 0; i < result.columns.size(); ++i)
                row << (rows.isNull(i) ? QStringLiteral("<NULL>") : rows.value(i).toString());
            result.rows << row;
        }
        rows.finish();
        database.closeThreadConnection();
    } catch (const Error &error) {
        result.error = error.message();
    }
    return result;
}

QString compareSnapshots(const TableSnapshot &tortured, const TableSnapshot &oracle)
{
    if (!tortured.error.isEmpty() || !oracle.error.isEmpty())
        return QStringLiteral("cannot read: %1 %2").arg(tortured.error, oracle.error);
    if (tortured.columns != oracle.columns)
        return QStringLiteral("columns differ: %1 vs %2").arg(tortured.columns.join(u','), oracle.columns.join(u','));
    QHash<QString, int> oracleRows;
    for (int i = 0; i < oracle.rows.size(); ++i)
        oracleRows.insert(oracle.rows.at(i).at(oracle.keyIndex), i);
    QStringList problems;
    QSet<QString> seen;
    const auto note = [&](const QString &text) {
        if (problems.size() < 12)
            problems << text;
        else if (problems.size() == 12)
            problems << QStringLiteral("...");
    };
    for (const QStringList &row : tortured.rows) {
        const QString key = row.at(tortured.keyIndex);
        seen.insert(key);
        const int index = oracleRows.value(key, -1);
        if (index < 0) {
            note(QStringLiteral("extra row (its source row is gone or invalid): %1").arg(row.join(u'|')));
            continue;
        }
        const QStringList &expected = oracle.rows.at(index);
        for (int c = 0; c < row.size(); ++c) {
            if (row.at(c) != expected.at(c))
                note(QStringLiteral("key %1, column %2: '%3', expected '%4'")
                         .arg(key, tortured.columns.at(c), row.at(c), expected.at(c)));
        }
    }
    for (const QStringList &row : oracle.rows) {
        if (!seen.contains(row.at(oracle.keyIndex)))
            note(QStringLiteral("missing row: %1").arg(row.join(u'|')));
    }
    if (problems.isEmpty() && tortured.rows.size() != oracle.rows.size())
        problems << QStringLiteral("%1 rows, expected %2 (duplicates?)").arg(tortured.rows.size()).arg(oracle.rows.size());
    return problems.join(u'\n');
}

QStringList duplicateKeys(const TableSnapshot &table, const QString &keyColumn)
{
    const int index = int(table.columns.indexOf(keyColumn));
    QSet<QString> seen;
    QStringList duplicates;
    for (const QStringList &row : table.rows) {
        const QString key = row.value(index);
        if (seen.contains(key))
            duplicates << key;
        seen.insert(key);
    }
    return duplicates;
}

int runningOperations(const QString &dataDir, qint64 pairId, QString *error)
{
    try {
        db::Database control(db::DatabaseUrl::parse(QStringLiteral("sqlite://") + dataDir + QStringLiteral("/terrafusion.db")));
        QSqlQuery query = control.prepare(
            QStringLiteral("SELECT COUNT(*) FROM sync_operations WHERE pair_id = ? AND status = 'running'"));
        query.addBindValue(pairId);
        control.exec(query, "counting running operations");
        const int count = query.next() ? query.value(0).toInt() : -1;
        query.finish();
        control.closeThreadConnection();
        return count;
    } catch (const Error &e) {
        *error = e.message();
        return -1;
    }
}

QString seedDescription(quint32 seed)
{
    return QStringLiteral("seed %1 (replay with TF_CRASH_SEED=%1)").arg(seed);
}

quint32 seedFor(const char *scenario)
{
    bool ok = false;
    const quint32 forced = qEnvironmentVariable("TF_CRASH_SEED").toUInt(&ok);
    if (ok)
        return forced;
    quint32 hash = 2166136261u; // FNV-1a: the same seed on every machine and every run
    for (const char *c = scenario; *c; ++c)
        hash = (hash ^ quint8(*c)) * 16777619u;
    return hash;
}

} // namespace tf::test::crash
