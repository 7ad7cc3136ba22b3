// Backups and restores beside running work: an SQLite backup taken while another connection
// writes is one consistent snapshot; a restore pauses tf-syncd's scheduler and workers (the
// real tf-syncd honours the pause), waits for running operations, and refuses while another
// restore holds the pause.
#include "core/errors.h"
#include "ops/backupmanager.h"
#include "ops/maintenancepause.h"
#include "ops/sqlitebackup.h"
#include "sync/queue/operationqueue.h"
#include "tst_backup_fixture.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QFileInfo>
#include <QProcess>
#include <QSysInfo>
#include <QThread>
#include <atomic>

using namespace tf;

namespace {

Error expectError(const std::function<void()> &action)
{
    try {
        action();
    } catch (const Error &error) {
        return error;
    }
    return Error(Error::Kind::Internal, QStringLiteral("no error was raised"));
}

qint64 scalarIn(const QSqlDatabase &connection, const QString &sql)
{
    QSqlQuery query(connection);
    if (!query.exec(sql) || !query.next())
        return -1;
    return query.value(0).toLongLong();
}

} // namespace

class TestBackupLive final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void backupWhileWritingIsConsistent()
    {
        BACKUP_ENV(env, QStringLiteral("sqlite"));
        backuptest::seed(env.database(), 100000, false); // several MiB: the copy takes many steps

        // Another connection writes pairs of rows, one pair per transaction, all along.
        std::atomic_bool stop { false };
        std::atomic_int committed { 0 };
        const QString url = env.url;
        std::unique_ptr<QThread> writer(QThread::create([&] {
            db::Database database(db::DatabaseUrl::parse(url));
            for (int i = 0; !stop.load(); ++i) {
                db::Transaction transaction(database);
                backuptest::exec(database,
                                 QStringLiteral("INSERT INTO system_metrics (node, metric, value) "
                                                "VALUES ('w', 'writer', ?)"),
                                 { i });
                backuptest::exec(database,
                                 QStringLiteral("INSERT INTO sync_state (pair_id, entity, "
                                                "source_key, hash) VALUES ('w', 'w', ?, 'x')"),
                                 { QStringLiteral("w%1").arg(i) });
                transaction.commit();
                committed.fetch_add(1);
            }
        }));
        writer->start();
        QTRY_VERIFY_WITH_TIMEOUT(committed.load() > 20, 10000);

        ops::BackupManager manager(env.url, env.backupsDir());
        const int committedBefore = committed.load();
        int committedAtFirstStep = -1;
        int committedAtLastStep = -1;
        const ops::BackupInfo backup = manager.create({}, [&](double, const QString &message) {
            if (!message.startsWith(QLatin1String("copying the database")))
                return;
            if (committedAtFirstStep < 0)
                committedAtFirstStep = committed.load();
            committedAtLastStep = committed.load();
            QThread::msleep(20); // a slower copy: more writes land while it runs
        });
        stop.store(true);
        writer->wait();

        QVERIFY2(backup.verified, qPrintable(backup.problem));
        // The writer was not blocked by the copy...
        QVERIFY2(
            committedAtLastStep > committedAtFirstStep,
            qPrintable(
                QStringLiteral("%1 -> %2").arg(committedAtFirstStep).arg(committedAtLastStep)));
        // ... and the copy holds whole transactions only: both rows of each pair, or neither.
        ops::SqliteFileConnection copy(backup.path);
        const qint64 metrics
            = scalarIn(copy.database(),
                       QStringLiteral("SELECT COUNT(*) FROM system_metrics WHERE node = 'w'"));
        const qint64 states = scalarIn(
            copy.database(), QStringLiteral("SELECT COUNT(*) FROM sync_state WHERE pair_id = 'w'"));
        // The snapshot is of the moment the copy began: after create() was called, before its
        // first step ended (+1: the writer counts a transaction just after its COMMIT).
        QVERIFY2(metrics >= committedBefore && metrics <= committedAtFirstStep + 1,
                 qPrintable(QStringLiteral("%1 <= %2 <= %3")
                                .arg(committedBefore)
                                .arg(metrics)
                                .arg(committedAtFirstStep)));
        QCOMPARE(states, metrics);
        QCOMPARE(scalarIn(copy.database(), QStringLiteral("SELECT COUNT(*) FROM sync_state")),
                 backup.manifest.value(QStringLiteral("row_counts"))
                     .toObject()
                     .value(QStringLiteral("sync_state"))
                     .toInteger());
        QVERIFY(ops::sqliteQuickCheck(backup.path).isEmpty());
        // More was written after the snapshot: the live database has moved on.
        QVERIFY(backuptest::scalar(
                    env.database(),
                    QStringLiteral("SELECT COUNT(*) FROM system_metrics WHERE node = 'w'"))
                > metrics);
    }

    void restoreWaitsForRunningOperationsAndHoldsThePause()
    {
        BACKUP_ENV(env, QStringLiteral("sqlite"));
        backuptest::seed(env.database(), 100);
        ops::BackupManager manager(env.url, env.backupsDir());
        const ops::BackupInfo backup = manager.create();
        backuptest::change(env.database());

        // A running operation with a live lease: the restore waits for it, then gives up.
        backuptest::exec(
            env.database(),
            QStringLiteral(
                "INSERT INTO sync_operations (pair_id, status, lease_owner, lease_expires_at) "
                "SELECT id, 'running', 'node-x', ? FROM sync_pairs WHERE name = 'Owner'"),
            { env.database().dialect().toDb(QDateTime::currentDateTimeUtc().addSecs(600)) });
        const ops::TableChecksums before = ops::tableChecksums(env.url);
        manager.setDrainTimeoutMs(500);
        QStringList messages;
        const Error busy = expectError([&] {
            manager.restore(backup.name, {},
                            [&](double, const QString &message) { messages << message; });
        });
        QCOMPARE(busy.kind(), Error::Kind::Conflict);
        QVERIFY2(busy.message().contains(QLatin1String("still running")),
                 qPrintable(busy.message()));
        QVERIFY2(messages.join(QLatin1Char('\n'))
                     .contains(QLatin1String("waiting for 1 running sync operation")),
                 qPrintable(messages.join(QLatin1Char('\n'))));
        QVERIFY(ops::compareTableChecksums(before, ops::tableChecksums(env.url)).isEmpty());
        QCOMPARE(manager.list().size(), 1); // no safety backup either
        QVERIFY(!QFileInfo::exists(env.pauseFile()));

        // Another restore holding the pause: refused, and so is a backup meanwhile.
        {
            ops::MaintenancePause other(env.pauseFile(),
                                        QStringLiteral("restore of something else"));
            const Error held = expectError([&] { manager.restore(backup.name); });
            QCOMPARE(held.kind(), Error::Kind::Conflict);
            QVERIFY2(held.message().contains(QLatin1String("restore of something else")),
                     qPrintable(held.message()));
            QCOMPARE(expectError([&] { manager.create(); }).kind(), Error::Kind::Conflict);
        }

        // The operation ends; the restore runs, paused from start to end.
        backuptest::exec(
            env.database(),
            QStringLiteral(
                "UPDATE sync_operations SET status = 'completed' WHERE status = 'running'"));
        QStringList pausedSteps;
        QStringList unpausedSteps;
        bool verified = false;
        manager.restore(backup.name, {}, [&](double, const QString &message) {
            verified = verified || message.startsWith(QLatin1String("scheduler paused"));
            if (verified) // from the pause on, to the last step
                (ops::MaintenancePause::current(env.pauseFile()).active ? pausedSteps
                                                                        : unpausedSteps)
                    << message;
        });
        QVERIFY2(unpausedSteps.isEmpty(), qPrintable(unpausedSteps.join(QLatin1Char('\n'))));
        QVERIFY(pausedSteps.size() >= 5);
        QVERIFY(!QFileInfo::exists(env.pauseFile()));
    }

    void staleLockOfADeadProcessIsIgnored()
    {
        BACKUP_ENV(env, QStringLiteral("sqlite"));
        backuptest::seed(env.database(), 10, false);
        QProcess gone;
        gone.start(QStringLiteral("true"));
        QVERIFY(gone.waitForFinished());
        const qint64 deadPid = gone.processId() > 0 ? gone.processId() : 999999;
        QFile lock(env.pauseFile());
        QVERIFY(lock.open(QIODevice::WriteOnly));
        lock.write(QJsonDocument(
                       QJsonObject { { QStringLiteral("reason"), QStringLiteral("restore of x") },
                                     { QStringLiteral("pid"), deadPid },
                                     { QStringLiteral("host"), QSysInfo::machineHostName() } })
                       .toJson());
        lock.close();
        QVERIFY(!ops::MaintenancePause::current(env.pauseFile()).active);
        ops::BackupManager manager(env.url, env.backupsDir());
        const ops::BackupInfo backup = manager.create();
        manager.restore(backup.name, { false, false });
        QVERIFY(!QFileInfo::exists(env.pauseFile()));
    }

    // The real tf-syncd: while the pause is held, its scheduler fires nothing and its workers
    // claim nothing; when it is lifted both carry on.
    void syncdHonoursThePause()
    {
        BACKUP_ENV(env, QStringLiteral("sqlite"));
        backuptest::seed(env.database(), 10, false);
        db::Database &database = env.database();
        // Owner is due (a run missed while down); Property gets a manual operation queued.
        backuptest::exec(
            database,
            QStringLiteral("UPDATE sync_pairs SET schedule = '* * * * *', next_run_at = ? WHERE "
                           "name = 'Owner'"),
            { database.dialect().toDb(QDateTime::currentDateTimeUtc().addSecs(-3600)) });
        sync::EnqueueRequest request;
        request.pairId = backuptest::scalar(
            database, QStringLiteral("SELECT id FROM sync_pairs WHERE name = 'Property'"));
        const qint64 queuedId = sync::OperationQueue(database).enqueue(request).id;
        auto pause = std::make_unique<ops::MaintenancePause>(env.pauseFile(),
                                                             QStringLiteral("restore of test"));

        QProcessEnvironment environment = test::ServiceProcess::cleanEnvironment();
        environment.insert(QStringLiteral("TF_SYNC__POLL_INTERVAL_MS"), QStringLiteral("50"));
        environment.insert(QStringLiteral("TF_SYNC__SCHEDULER_INTERVAL_MS"), QStringLiteral("50"));
        const quint16 port = test::freePort();
        test::ServiceProcess syncd(test::binary(QStringLiteral("tf-syncd")),
                                   { QStringLiteral("--port"), QString::number(port),
                                     QStringLiteral("--data-dir"), env.dataDir() },
                                   environment);
        QVERIFY(syncd.start());
        QVERIFY(syncd.waitHealthy(QStringLiteral("http://127.0.0.1:%1/health/ready").arg(port)));
        QTRY_VERIFY_WITH_TIMEOUT(syncd.output().contains("scheduler paused: restore of test"),
                                 10000);
        QTRY_VERIFY_WITH_TIMEOUT(syncd.output().contains("sync workers paused: restore of test"),
                                 10000);
        // Twenty polls and ticks later, still nothing claimed and nothing scheduled.
        QTest::qWait(1000);
        const QString attemptsSql
            = QStringLiteral("SELECT attempt FROM sync_operations WHERE id = %1").arg(queuedId);
        const QString ownerRunsSql
            = QStringLiteral("SELECT COUNT(*) FROM sync_operations o JOIN sync_pairs p ON p.id = "
                             "o.pair_id WHERE p.name = 'Owner'");
        QCOMPARE(backuptest::scalar(database, attemptsSql), 0);
        QCOMPARE(backuptest::scalar(database, ownerRunsSql), 0);

        pause.reset();
        QTRY_VERIFY_WITH_TIMEOUT(backuptest::scalar(database, attemptsSql) > 0, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(backuptest::scalar(database, ownerRunsSql) > 0, 10000);
        QVERIFY(syncd.output().contains("sync workers resumed"));
        syncd.terminate();
        QVERIFY(syncd.waitFinished());
    }
};

QTEST_GUILESS_MAIN(TestBackupLive)
#include "tst_backup_live.moc"
