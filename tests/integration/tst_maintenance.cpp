// Maintenance windows over real SQLite and PostgreSQL control databases: the runbook's times
// (Sunday / 1st / 15th-of-quarter edges), log cleanup that removes exactly the files past
// retention, the weekly run (binaries, migrations, logs, backup) and the monthly run
// (optimize with measured before/after, disk, log rotation), each stored in
// maintenance_runs, written to <data>/reports and to the audit trail; the in-service
// schedule firing a window once across two nodes and not making up windows on a fresh
// database.
#include "common/databasestate.h"
#include "core/config.h"
#include "core/errors.h"
#include "maintenancefixture.h"
#include "ops/logmaintenance.h"
#include "ops/maintenancerunner.h"
#include "ops/maintenancerunstore.h"
#include "ops/maintenanceschedule.h"
#include "syncd/maintenance/maintenancescheduler.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QStorageInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace tf;
using namespace tf::test::maintenance;

namespace {

void touch(const QString &path, const QByteArray &content = "line\n")
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(content);
}

ops::MaintenanceSettings settingsFor(const QString &dataDir, const QString &url)
{
    Config config;
    ops::MaintenanceSettings settings
        = ops::MaintenanceSettings::fromConfig(config, dataDir, url, QStringLiteral("node-test"));
    settings.binDir = test::binDir();
    return settings;
}

QDateTime utc(const char *text)
{
    QDateTime time = QDateTime::fromString(QString::fromLatin1(text), Qt::ISODate);
    time.setTimeSpec(Qt::UTC);
    return time;
}

} // namespace

class TestMaintenance final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void nextWindow_data();
    void nextWindow();
    void previousWindow();
    void badTypeNamesTheChoices();
    void logCleanupRemovesOnlyFilesPastRetention();

    void weekly_data() { backends(); }
    void weekly();
    void monthly_data() { backends(); }
    void monthly();
    void secondRunOfATypeIsRefusedWhileOneRuns();
    void scheduleFiresOnceAcrossNodes();
    void freshDatabaseDoesNotMakeUpMissedWindows();
};

void TestMaintenance::nextWindow_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<QDateTime>("now");
    QTest::addColumn<QDateTime>("expected");
    // 2025-03-09 is a Sunday.
    QTest::newRow("weekly from saturday")
        << "weekly" << utc("2025-03-08T12:00:00") << utc("2025-03-09T01:00:00");
    QTest::newRow("weekly sunday before 01:00")
        << "weekly" << utc("2025-03-09T00:59:00") << utc("2025-03-09T01:00:00");
    QTest::newRow("weekly sunday at 01:00")
        << "weekly" << utc("2025-03-09T01:00:00") << utc("2025-03-16T01:00:00");
    QTest::newRow("weekly sunday after")
        << "weekly" << utc("2025-03-09T01:00:30") << utc("2025-03-16T01:00:00");
    QTest::newRow("weekly monday")
        << "weekly" << utc("2025-03-10T00:00:00") << utc("2025-03-16T01:00:00");
    QTest::newRow("monthly last day")
        << "monthly" << utc("2025-01-31T23:00:00") << utc("2025-02-01T02:00:00");
    QTest::newRow("monthly 1st before")
        << "monthly" << utc("2025-02-01T01:59:00") << utc("2025-02-01T02:00:00");
    QTest::newRow("monthly 1st at 02:00")
        << "monthly" << utc("2025-02-01T02:00:00") << utc("2025-03-01T02:00:00");
    QTest::newRow("monthly year end")
        << "monthly" << utc("2025-12-15T10:00:00") << utc("2026-01-01T02:00:00");
    QTest::newRow("monthly leap february")
        << "monthly" << utc("2024-02-29T12:00:00") << utc("2024-03-01T02:00:00");
    QTest::newRow("quarterly 15th before")
        << "quarterly" << utc("2025-01-15T02:59:00") << utc("2025-01-15T03:00:00");
    QTest::newRow("quarterly 15th at 03:00")
        << "quarterly" << utc("2025-01-15T03:00:00") << utc("2025-04-15T03:00:00");
    QTest::newRow("quarterly between")
        << "quarterly" << utc("2025-02-20T08:00:00") << utc("2025-04-15T03:00:00");
    QTest::newRow("quarterly 15th of a non-quarter month")
        << "quarterly" << utc("2025-05-15T03:00:00") << utc("2025-07-15T03:00:00");
    QTest::newRow("quarterly october to january")
        << "quarterly" << utc("2025-10-15T03:01:00") << utc("2026-01-15T03:00:00");
}

void TestMaintenance::nextWindow()
{
    QFETCH(QString, type);
    QFETCH(QDateTime, now);
    QFETCH(QDateTime, expected);
    QCOMPARE(ops::nextMaintenance(ops::parseMaintenanceKind(type), now), expected);
    // Local time is what the services use; the window is the same wall-clock time there.
    const QDateTime local(now.date(), now.time(), Qt::LocalTime);
    const QDateTime nextLocal = ops::nextMaintenance(ops::parseMaintenanceKind(type), local);
    QCOMPARE(nextLocal.timeSpec(), Qt::LocalTime);
    QCOMPARE(nextLocal.time().hour(), expected.time().hour());
}

void TestMaintenance::previousWindow()
{
    QCOMPARE(ops::previousMaintenance(ops::MaintenanceKind::Weekly, utc("2025-03-12T09:00:00")),
             utc("2025-03-09T01:00:00"));
    QCOMPARE(ops::previousMaintenance(ops::MaintenanceKind::Weekly, utc("2025-03-09T01:00:00")),
             utc("2025-03-09T01:00:00"));
    QCOMPARE(ops::previousMaintenance(ops::MaintenanceKind::Monthly, utc("2025-03-01T01:59:00")),
             utc("2025-02-01T02:00:00"));
    QCOMPARE(ops::previousMaintenance(ops::MaintenanceKind::Quarterly, utc("2025-04-14T00:00:00")),
             utc("2025-01-15T03:00:00"));
    QCOMPARE(ops::previousMaintenance(ops::MaintenanceKind::Quarterly, utc("2026-01-15T03:00:00")),
             utc("2026-01-15T03:00:00"));
}

void TestMaintenance::badTypeNamesTheChoices()
{
    try {
        ops::parseMaintenanceKind(QStringLiteral("daily"));
        QFAIL("daily was accepted");
    } catch (const Error &error) {
        QCOMPARE(error.kind(), Error::Kind::Validation);
        QVERIFY2(error.message().contains(QStringLiteral("weekly, monthly, quarterly")),
                 qPrintable(error.message()));
        QCOMPARE(error.details().value(QStringLiteral("field")).toString(), QStringLiteral("type"));
    }
}

void TestMaintenance::logCleanupRemovesOnlyFilesPastRetention()
{
    QTemporaryDir dir;
    const QDate today(2025, 3, 20);
    const auto name = [&](const char *program, int daysAgo) {
        return QStringLiteral("%1-%2.log")
            .arg(QLatin1String(program), today.addDays(-daysAgo).toString(Qt::ISODate));
    };
    const QStringList old { name("tf-syncd", 8), name("tf-gateway", 30), name("tfctl", 100) };
    const QStringList kept { name("tf-syncd", 7), name("tf-syncd", 0), name("tf-gateway", 1),
                             QStringLiteral("notes.log"),
                             QStringLiteral("tf-syncd-2025-01-01.txt") };
    for (const QString &file : old + kept)
        touch(dir.filePath(file), QByteArray(100, 'x'));

    const ops::LogCleanup cleanup = ops::cleanLogs(dir.path(), 7, today);
    QStringList removed = cleanup.removed;
    removed.sort();
    QStringList expected = old;
    expected.sort();
    QCOMPARE(removed, expected);
    QCOMPARE(cleanup.bytesFreed, qint64(300));
    QCOMPARE(cleanup.kept, 3); // the dated .log files kept
    for (const QString &file : old)
        QVERIFY2(!QFile::exists(dir.filePath(file)), qPrintable(file));
    for (const QString &file : kept)
        QVERIFY2(QFile::exists(dir.filePath(file)), qPrintable(file));
}

void TestMaintenance::weekly()
{
    QFETCH(QString, backend);
    QTemporaryDir dir;
    const QString url = databaseUrl(backend, dir.path());
    TF_REQUIRE_POSTGRES(url);
    auto control = db::ControlDatabase::open(url);
    db::Database &database = control->database();

    const QString logs = dir.filePath(QStringLiteral("logs"));
    QDir().mkpath(logs);
    const QDate today = QDate::currentDate();
    const QString oldLog
        = QStringLiteral("tf-syncd-%1.log").arg(today.addDays(-9).toString(Qt::ISODate));
    const QString boundaryLog
        = QStringLiteral("tf-gateway-%1.log").arg(today.addDays(-7).toString(Qt::ISODate));
    const QString todayLog = QStringLiteral("tf-syncd-%1.log").arg(today.toString(Qt::ISODate));
    for (const QString &file : { oldLog, boundaryLog, todayLog })
        touch(logs + QLatin1Char('/') + file);

    ops::MaintenanceRunner runner(database, settingsFor(dir.path(), url));
    ops::MaintenanceRequest request;
    request.kind = ops::MaintenanceKind::Weekly;
    request.triggeredBy = QStringLiteral("tester");
    request.address = QStringLiteral("127.0.0.1");
    QList<double> fractions;
    const ops::MaintenanceReport report
        = runner.run(request, [&](double fraction, const QString &) { fractions << fraction; });
    QVERIFY(!fractions.isEmpty());
    QCOMPARE(fractions.last(), 1.0);
    const QJsonObject json = report.toJson();
    QVERIFY2(report.status == QLatin1String("completed"), QJsonDocument(json).toJson().constData());

    const QJsonObject binaries
        = step(json, QStringLiteral("check binaries and apply pending migrations"));
    const QJsonObject programs = binaries.value(QStringLiteral("data"))
                                     .toObject()
                                     .value(QStringLiteral("programs"))
                                     .toObject();
    QCOMPARE(programs.value(QStringLiteral("tfctl"))
                 .toObject()
                 .value(QStringLiteral("version"))
                 .toString(),
             binaries.value(QStringLiteral("data"))
                 .toObject()
                 .value(QStringLiteral("expected_version"))
                 .toString());
    const QJsonObject schema = binaries.value(QStringLiteral("data"))
                                   .toObject()
                                   .value(QStringLiteral("schema"))
                                   .toObject();
    QCOMPARE(schema.value(QStringLiteral("version_after")).toInt(),
             schema.value(QStringLiteral("latest")).toInt());

    const QJsonObject cleanup = step(json, QStringLiteral("clean logs past retention"))
                                    .value(QStringLiteral("data"))
                                    .toObject();
    QCOMPARE(cleanup.value(QStringLiteral("removed")).toArray(), QJsonArray { oldLog });
    QVERIFY(!QFile::exists(logs + QLatin1Char('/') + oldLog));
    QVERIFY(QFile::exists(logs + QLatin1Char('/') + boundaryLog));
    QVERIFY(QFile::exists(logs + QLatin1Char('/') + todayLog));

    const QJsonObject backup = step(json, QStringLiteral("back up the database"))
                                   .value(QStringLiteral("data"))
                                   .toObject();
    const QString backupPath = backup.value(QStringLiteral("backup"))
                                   .toObject()
                                   .value(QStringLiteral("path"))
                                   .toString();
    QVERIFY2(QFile::exists(backupPath), qPrintable(backupPath));
    QVERIFY(backupPath.startsWith(dir.filePath(QStringLiteral("backups"))));
    // Taken while this run's row was there: the manifest counts it.
    QCOMPARE(backup.value(QStringLiteral("backup"))
                 .toObject()
                 .value(QStringLiteral("row_counts"))
                 .toObject()
                 .value(QStringLiteral("maintenance_runs"))
                 .toInteger(),
             qint64(1));
    QVERIFY(backup.value(QStringLiteral("backup"))
                .toObject()
                .value(QStringLiteral("verified"))
                .toBool());

    // The lasting record: the row, the files, the audit entry.
    const auto stored = ops::MaintenanceRunStore(database).get(report.runId);
    QVERIFY(stored);
    QCOMPARE(stored->status, QStringLiteral("completed"));
    QCOMPARE(stored->kind, QStringLiteral("weekly"));
    QCOMPARE(stored->triggeredBy, QStringLiteral("tester"));
    QCOMPARE(stored->report.value(QStringLiteral("steps")).toArray().size(), 3);
    QVERIFY(stored->finishedAt.isValid());
    QVERIFY(QFile::exists(report.markdownPath));
    QVERIFY(QFile::exists(report.jsonPath));
    QFile markdown(report.markdownPath);
    QVERIFY(markdown.open(QIODevice::ReadOnly));
    const QByteArray text = markdown.readAll();
    QVERIFY(text.contains("# Weekly maintenance report"));
    QVERIFY(text.contains(oldLog.toUtf8()));
    QCOMPARE(
        scalar(database,
               QStringLiteral(
                   "SELECT COUNT(*) FROM audit_entries WHERE event_type = ? AND resource_id = ? "
                   "AND username = ? AND ip_address = ?"),
               { QStringLiteral("maintenance.completed"), QString::number(report.runId),
                 QStringLiteral("tester"), QStringLiteral("127.0.0.1") }),
        qint64(1));
}

void TestMaintenance::monthly()
{
    QFETCH(QString, backend);
    QTemporaryDir dir;
    const QString url = databaseUrl(backend, dir.path());
    TF_REQUIRE_POSTGRES(url);
    auto control = db::ControlDatabase::open(url);
    db::Database &database = control->database();

    // 20,000 samples, 18,000 of them deleted again: free pages (SQLite) and a bloated index
    // (PostgreSQL) for the optimizer to find.
    if (database.dialect().isPostgres())
        exec(database,
             QStringLiteral(
                 "INSERT INTO system_metrics (metric, value, created_at) SELECT 'm' || (i % 7), i, "
                 "now() - i * interval '1 second' FROM generate_series(1, 20000) i"));
    else
        exec(
            database,
            QStringLiteral(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000) "
                "INSERT INTO system_metrics (metric, value, labels, created_at) SELECT 'm' || (i % "
                "7), i, "
                "printf('{\"pad\":\"%0200d\"}', i), strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM n"));
    exec(database, QStringLiteral("DELETE FROM system_metrics WHERE id % 10 <> 0"));
    const qint64 remaining
        = scalar(database, QStringLiteral("SELECT COUNT(*) FROM system_metrics"));
    QCOMPARE(remaining, qint64(2000));

    const QString logs = dir.filePath(QStringLiteral("logs"));
    QDir().mkpath(logs);
    touch(logs + QStringLiteral("/tf-gateway.stdout.log"), QByteArray(1000, 'y'));
    const QString expired = QStringLiteral("tf-syncd-%1.log")
                                .arg(QDate::currentDate().addDays(-30).toString(Qt::ISODate));
    touch(logs + QLatin1Char('/') + expired);

    ops::MaintenanceRunner runner(database, settingsFor(dir.path(), url));
    ops::MaintenanceRequest request;
    request.kind = ops::MaintenanceKind::Monthly;
    request.triggeredBy = QStringLiteral("tester");
    const ops::MaintenanceReport report = runner.run(request);
    const QJsonObject json = report.toJson();
    QVERIFY2(report.status == QLatin1String("completed"), QJsonDocument(json).toJson().constData());

    const QJsonObject optimize = step(json, QStringLiteral("optimize the database"))
                                     .value(QStringLiteral("data"))
                                     .toObject();
    const QJsonObject before = optimize.value(QStringLiteral("before")).toObject();
    const QJsonObject after = optimize.value(QStringLiteral("after")).toObject();
    const auto rowsOf = [](const QJsonObject &measure, const char *table) {
        return measure.value(QStringLiteral("tables"))
            .toObject()
            .value(QLatin1String(table))
            .toObject()
            .value(QStringLiteral("rows"))
            .toInteger();
    };
    QCOMPARE(rowsOf(before, "system_metrics"), remaining);
    QCOMPARE(rowsOf(after, "system_metrics"), remaining);
    QCOMPARE(rowsOf(after, "maintenance_runs"), qint64(1));
    QVERIFY(!after.value(QStringLiteral("query_ms")).toObject().isEmpty());
    QVERIFY(after.value(QStringLiteral("missing_indexes")).toArray().isEmpty());
    if (database.dialect().isPostgres()) {
        const QJsonArray reindexed = optimize.value(QStringLiteral("reindexed")).toArray();
        QVERIFY2(reindexed.contains(QStringLiteral("system_metrics_metric_created_idx")),
                 QJsonDocument(optimize).toJson().constData());
        const auto indexBytes = [](const QJsonObject &measure) {
            for (const QJsonValue &value : measure.value(QStringLiteral("indexes")).toArray()) {
                if (value.toObject().value(QStringLiteral("index")).toString()
                    == QLatin1String("system_metrics_metric_created_idx"))
                    return value.toObject().value(QStringLiteral("bytes")).toInteger();
            }
            return qint64(-1);
        };
        QVERIFY2(
            indexBytes(after) > 0 && indexBytes(after) < indexBytes(before) / 2,
            qPrintable(QStringLiteral("%1 -> %2").arg(indexBytes(before)).arg(indexBytes(after))));
    } else {
        const QJsonObject pagesBefore = before.value(QStringLiteral("pages")).toObject();
        const QJsonObject pagesAfter = after.value(QStringLiteral("pages")).toObject();
        QVERIFY(pagesBefore.value(QStringLiteral("free_pages")).toInteger() > 0);
        QCOMPARE(pagesAfter.value(QStringLiteral("free_pages")).toInteger(), qint64(0));
        QVERIFY(pagesAfter.value(QStringLiteral("page_count")).toInteger()
                < pagesBefore.value(QStringLiteral("page_count")).toInteger());
        QCOMPARE(optimize.value(QStringLiteral("integrity")).toString(), QStringLiteral("ok"));
    }

    // Disk figures are the file system's.
    const QJsonObject disk
        = step(json, QStringLiteral("check disk space")).value(QStringLiteral("data")).toObject();
    const QJsonObject volume = disk.value(QStringLiteral("volumes")).toArray().first().toObject();
    QStorageInfo storage(dir.path());
    QCOMPARE(volume.value(QStringLiteral("bytes_total")).toInteger(), storage.bytesTotal());
    const double used
        = 100.0 * double(storage.bytesTotal() - storage.bytesFree()) / double(storage.bytesTotal());
    QVERIFY(qAbs(volume.value(QStringLiteral("used_percent")).toDouble() - used) < 1.0);

    const QJsonObject rotation
        = step(json, QStringLiteral("rotate logs")).value(QStringLiteral("data")).toObject();
    QCOMPARE(rotation.value(QStringLiteral("rotated")).toArray().size(), 1);
    QCOMPARE(QFileInfo(logs + QStringLiteral("/tf-gateway.stdout.log")).size(), qint64(0));
    const QString rotated = rotation.value(QStringLiteral("rotated")).toArray().first().toString();
    QCOMPARE(QFileInfo(logs + QLatin1Char('/') + rotated).size(), qint64(1000));
    QCOMPARE(rotation.value(QStringLiteral("cleanup"))
                 .toObject()
                 .value(QStringLiteral("removed"))
                 .toArray(),
             QJsonArray { expired });

    QCOMPARE(scalar(database,
                    QStringLiteral("SELECT COUNT(*) FROM maintenance_runs WHERE kind = 'monthly' "
                                   "AND status = 'completed'")),
             qint64(1));
    QCOMPARE(
        scalar(
            database,
            QStringLiteral(
                "SELECT COUNT(*) FROM audit_entries WHERE event_type = 'maintenance.completed'")),
        qint64(1));
}

void TestMaintenance::secondRunOfATypeIsRefusedWhileOneRuns()
{
    QTemporaryDir dir;
    auto control = db::ControlDatabase::open(dir.filePath(QStringLiteral("c.db")));
    ops::MaintenanceRunStore store(control->database());
    const qint64 first
        = store.begin(ops::MaintenanceKind::Quarterly, QStringLiteral("a"), QStringLiteral("n1"));
    try {
        store.begin(ops::MaintenanceKind::Quarterly, QStringLiteral("b"), QStringLiteral("n2"));
        QFAIL("a second quarterly run was claimed");
    } catch (const Error &error) {
        QCOMPARE(error.kind(), Error::Kind::Conflict);
        QCOMPARE(error.details().value(QStringLiteral("run_id")).toInteger(), first);
    }
    // Another type is free; after the first finishes its type is free again.
    store.finish(
        store.begin(ops::MaintenanceKind::Weekly, QStringLiteral("c"), QStringLiteral("n1")),
        QStringLiteral("completed"), {}, {});
    store.finish(first, QStringLiteral("completed"), {}, {});
    QVERIFY(store.begin(ops::MaintenanceKind::Quarterly, QStringLiteral("d"), QStringLiteral("n2"))
            > first);
}

void TestMaintenance::scheduleFiresOnceAcrossNodes()
{
    QTemporaryDir dir;
    const QString url
        = QStringLiteral("sqlite://") + dir.filePath(QStringLiteral("terrafusion.db"));
    DatabaseState stateA(url, true), stateB(url, true);
    auto control = db::ControlDatabase::open(url);
    ServiceContext contextA;
    contextA.dataDir = dir.path();
    contextA.databaseUrl = url;
    contextA.nodeId = QStringLiteral("node-a");
    contextA.config.set(QStringLiteral("maintenance/bin_dir"), test::binDir(), Config::Origin::File,
                        QStringLiteral("test"));
    ServiceContext contextB = contextA;
    contextB.nodeId = QStringLiteral("node-b");
    syncd::MaintenanceScheduler a(stateA, contextA, {});
    syncd::MaintenanceScheduler b(stateB, contextB, {});

    // A quarterly window, thirty seconds after it fell due, seen by both nodes.
    const QDate date(QDate::currentDate().year() + 1, 1, 15);
    const QDateTime now(date, QTime(3, 0, 30), Qt::LocalTime);
    const QList<qint64> ranOnA = a.tick(control->database(), now);
    const QList<qint64> ranOnB = b.tick(control->database(), now);
    QCOMPARE(ranOnB, QList<qint64>());
    QCOMPARE(ranOnA.size(), 3); // the week's, the month's (the 1st) and the quarter's windows
    db::Database &database = control->database();
    for (ops::MaintenanceKind kind : ops::allMaintenanceKinds()) {
        const QDateTime slot = ops::previousMaintenance(kind, now);
        QCOMPARE(
            scalar(database,
                   QStringLiteral(
                       "SELECT COUNT(*) FROM maintenance_runs WHERE kind = ? AND scheduled_for = ? "
                       "AND node_id = 'node-a' AND triggered_by = 'schedule'"),
                   { ops::maintenanceKindName(kind), at(database, slot) }),
            qint64(1));
    }
    QCOMPARE(QDateTime(ops::previousMaintenance(ops::MaintenanceKind::Quarterly, now)),
             QDateTime(date, QTime(3, 0), Qt::LocalTime));
    // The next tick of either node finds nothing new.
    QCOMPARE(a.tick(database, now.addSecs(60)), QList<qint64>());
    QCOMPARE(b.tick(database, now.addSecs(60)), QList<qint64>());
    QCOMPARE(scalar(database, QStringLiteral("SELECT COUNT(*) FROM maintenance_runs")), qint64(3));
}

void TestMaintenance::freshDatabaseDoesNotMakeUpMissedWindows()
{
    QTemporaryDir dir;
    const QString url
        = QStringLiteral("sqlite://") + dir.filePath(QStringLiteral("terrafusion.db"));
    DatabaseState state(url, true);
    auto control = db::ControlDatabase::open(url);
    db::Database &database = control->database();
    ServiceContext context;
    context.dataDir = dir.path();
    context.databaseUrl = url;
    context.nodeId = QStringLiteral("node-a");
    context.config.set(QStringLiteral("maintenance/bin_dir"), test::binDir(), Config::Origin::File,
                       QStringLiteral("test"));
    syncd::MaintenanceScheduler::Settings settings;
    settings.catchUpHours = 24 * 7;
    syncd::MaintenanceScheduler scheduler(state, context, settings);

    // Every window now lies before the scheduler started: on a fresh database none is made up.
    const QDateTime now = QDateTime::currentDateTime();
    QCOMPARE(scheduler.tick(database, now), QList<qint64>());
    QCOMPARE(scalar(database, QStringLiteral("SELECT COUNT(*) FROM maintenance_runs")), qint64(0));

    // Once maintenance has run here, a window missed less than catch_up_hours ago is made up
    // once; older ones are not.
    const QDateTime longAgo = now.addDays(-200);
    exec(database,
         QStringLiteral("INSERT INTO maintenance_runs (kind, status, started_at, finished_at) "
                        "VALUES ('weekly', 'completed', ?, ?)"),
         { at(database, longAgo), at(database, longAgo) });
    const QList<qint64> ran = scheduler.tick(database, now);
    int expected = 0;
    for (ops::MaintenanceKind kind : ops::allMaintenanceKinds()) {
        const QDateTime slot = ops::previousMaintenance(kind, now);
        const bool recent = slot.secsTo(now) <= 7 * 24 * 3600;
        expected += recent ? 1 : 0;
        QCOMPARE(
            scalar(
                database,
                QStringLiteral(
                    "SELECT COUNT(*) FROM maintenance_runs WHERE kind = ? AND scheduled_for = ?"),
                { ops::maintenanceKindName(kind), at(database, slot) }),
            qint64(recent ? 1 : 0));
    }
    QVERIFY(expected >= 1); // the week's window is always less than seven days old
    QCOMPARE(ran.size(), expected);
    QCOMPARE(scheduler.tick(database, now), QList<qint64>());
}

QTEST_GUILESS_MAIN(TestMaintenance)
#include "tst_maintenance.moc"
