#pragma once

// The crash-safety harness: runs `tfctl sync run` as a child process, SIGKILLs it at chosen
// moments of a large run, mutates the source between runs, and compares whole target
// tables afterwards. Used by tst_crashsafety.cpp.

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QRandomGenerator>
#include <QString>
#include <QStringList>

#include <functional>

namespace tf::test::crash {

// One finished (or killed) tfctl process.
struct ToolRun
{
    int exitCode = -1;
    bool killed = false;     // we sent SIGKILL before it finished
    bool timedOut = false;
    qint64 elapsedMs = 0;    // from start to exit (or to the kill)
    qint64 firstProgressMs = -1; // when its first "[ 0.4s] entity ..." line arrived, -1: none
    QByteArray out;
    QByteArray err;

    QString describe() const;
    // The last "[   1.2s] value (1/1) ... read 0 +200 ..." line, without the clock; or "".
    QString lastProgress() const;
    // The summary line "completed in 1.1s: read ..." without "in 1.1s", or "".
    QString summary() const;
    // Counts of the summary line: read, inserted, updated, deleted, unchanged, quarantined.
    QList<qint64> totals() const;
};

// tfctl against one data directory.
class Tfctl
{
public:
    explicit Tfctl(QString dataDir);

    const QString &dataDir() const { return m_dataDir; }
    ToolRun run(const QStringList &arguments, int timeoutMs = 180000) const;
    // `tfctl sync run <pair> [extra] --data-dir D`; when killAfterMs >= 0 the process gets
    // SIGKILL that many milliseconds after it started, unless it finished before.
    ToolRun sync(qint64 pairId, const QStringList &extra = {}, qint64 killAfterMs = -1) const;
    // `tfctl system add` / `tfctl pair add` with the JSON in a temporary file; the new id, or
    // 0 with *error set.
    qint64 addSystem(const QJsonObject &definition, QString *error) const;
    qint64 addPair(const QJsonObject &definition, QString *error) const;

private:
    qint64 add(const char *group, const QJsonObject &definition, QString *error) const;

    QString m_dataDir;
};

// What a scenario does to its source between two runs. Returns a short description for the
// table ("~300 -15 +15"), empty when it changed nothing.
using Mutation = std::function<QString(int iteration, QRandomGenerator &random)>;

struct KillPlan
{
    qint64 pairId = 0;
    int kills = 22;          // SIGKILLs to deliver (the invariant asks for at least 20)
    int maxIterations = 80;  // runs that finish before their kill point do not count (a loaded machine runs faster later than it measured at first)
    quint32 seed = 1;
    qint64 fullRunMs = 0;    // a measured clean initial load
    qint64 firstProgressMs = 0; // when that load printed its first progress line
    bool withFullResyncs = true; // every fourth change-phase run is `--full`
    Mutation mutate;
};

struct KillPoint
{
    int iteration = 0;
    QString phase;
    QString mutation;
    bool full = false;       // `--full`
    qint64 plannedMs = 0;
    ToolRun run;
};

// The kill loop. Phase "load": the first half of the kills cut the initial load into
// slices (each run is killed a little after its staging, so every kill lands further into
// the load; one in four is killed during startup or staging instead); some of them follow
// a mutation. Phase "change": the source is mutated before every run and the kill lands at
// a stratified random fraction of the last completed run's duration (or of a full load for
// `--full` runs). Every delay gets a random 0-40 ms on top so kills fall mid-batch,
// mid-COPY and mid-commit. A run that exits by itself must have succeeded: a crashed run
// must never stop the next one from starting.
class KillLoop
{
public:
    // False with *error (and the table so far printed) when a run failed or hung.
    bool run(const Tfctl &tfctl, const KillPlan &plan, QString *error);
    const QList<KillPoint> &points() const { return m_points; }
    int kills() const;
    void printTable(const QString &title) const;

private:
    QList<KillPoint> m_points;
};

// A whole table read in key order, every value as text, without the excluded columns.
struct TableSnapshot
{
    QStringList columns;
    QList<QStringList> rows;
    int keyIndex = -1;
    QString error;
};

TableSnapshot snapshot(const QString &databaseUrl, const QString &table, const QString &keyColumn,
                       const QStringList &excludedColumns = {});
// Empty when equal; else the first differences, readable.
QString compareSnapshots(const TableSnapshot &tortured, const TableSnapshot &oracle);
// Keys present more than once in column `keyColumn` of the snapshot.
QStringList duplicateKeys(const TableSnapshot &table, const QString &keyColumn);

// Operations of a pair still marked running in the data directory's control database.
int runningOperations(const QString &dataDir, qint64 pairId, QString *error);

QString seedDescription(quint32 seed);
quint32 seedFor(const char *scenario); // TF_CRASH_SEED overrides, for replaying a failure

} // namespace tf::test::crash
