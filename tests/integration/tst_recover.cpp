// tfctl recover after the SQLite control database was deleted under a running tf-gateway (which
// supervises tf-syncd): the newest verified backup is restored, migrated, the services come
// back and the data of the backup is there. Plus the refusals that change nothing.
#include "db/controldatabase.h"
#include "testsupport.h"
#include "toolrun.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QJsonArray>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <csignal>

using namespace tf;

namespace {

using Run = test::ToolRun;

Run tfctl(const QStringList &arguments)
{
    test::ToolOptions options;
    options.closeStdin = false; // stdin stays an open pipe
    options.timeoutMs = 120000;
    return test::runTool(QStringLiteral("tfctl"), arguments, options);
}

QString describe(const Run &run)
{
    return run.describe();
}

qint64 runFilePid(const QString &dataDir, const QString &program)
{
    QFile file(dataDir + QStringLiteral("/run/") + program + QStringLiteral(".pid"));
    return file.open(QIODevice::ReadOnly) ? file.readAll().trimmed().toLongLong() : 0;
}

bool alive(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (pid <= 0 || !stat.open(QIODevice::ReadOnly))
        return false;
    const QByteArray text = stat.readAll();
    return text.mid(text.lastIndexOf(')') + 2, 1) != "Z";
}

} // namespace

class TestRecover final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_data;
    QString m_file;
    std::unique_ptr<test::ServiceProcess> m_gateway;
    quint16 m_port = 0;
    quint16 m_syncPort = 0;

    QStringList dataArgs() const { return { QStringLiteral("--data-dir"), m_data }; }
    QString base() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_port); }

    QStringList systemNames()
    {
        auto control = db::ControlDatabase::open(QStringLiteral("sqlite://") + m_file, false);
        QSqlQuery query = control->database().prepare(QStringLiteral("SELECT name FROM systems ORDER BY name"));
        control->database().exec(query, "reading systems");
        QStringList names;
        while (query.next())
            names << query.value(0).toString();
        return names;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_data = m_dir.filePath(QStringLiteral("data"));
        m_file = m_data + QStringLiteral("/terrafusion.db");
        m_port = test::freePort();
        m_syncPort = test::freePort();
        m_gateway = std::make_unique<test::ServiceProcess>(
            test::binary(QStringLiteral("tf-gateway")),
            QStringList { QStringLiteral("--port"), QString::number(m_port), QStringLiteral("--sync-port"),
                          QString::number(m_syncPort), QStringLiteral("--data-dir"), m_data });
        QVERIFY(m_gateway->start());
        QVERIFY2(m_gateway->waitHealthy(base() + QStringLiteral("/health/ready")), m_gateway->output().constData());
        QTRY_VERIFY_WITH_TIMEOUT(test::http("GET", QStringLiteral("http://127.0.0.1:%1/health").arg(m_syncPort)).status == 200, 15000);

        // Something worth restoring, then the backup.
        {
            auto control = db::ControlDatabase::open(QStringLiteral("sqlite://") + m_file, false);
            QSqlQuery insert = control->database().prepare(QStringLiteral("INSERT INTO systems (name, kind, settings) VALUES ('pacs', 'sqlite', '{}')"));
            control->database().exec(insert, "seeding");
        }
        const Run backup = tfctl(QStringList { QStringLiteral("backup"), QStringLiteral("--label"), QStringLiteral("before") } + dataArgs());
        QVERIFY2(backup.exitCode == 0, qPrintable(describe(backup)));
    }

    void cleanupTestCase()
    {
        const qint64 pid = runFilePid(m_data, QStringLiteral("tf-gateway"));
        if (alive(pid) && pid != m_gateway->pid()) {
            ::kill(static_cast<pid_t>(pid), SIGTERM);
            QDeadlineTimer deadline(10000);
            while (alive(pid) && !deadline.hasExpired())
                QThread::msleep(50);
        }
    }

    void refusalsChangeNothing()
    {
        const qint64 gateway = m_gateway->pid();
        const Run extra = tfctl(QStringList { QStringLiteral("recover"), QStringLiteral("now") } + dataArgs());
        QVERIFY2(extra.exitCode == 2, qPrintable(describe(extra)));
        QVERIFY(extra.err.contains("takes no arguments"));
        const Run unknown = tfctl(QStringList { QStringLiteral("recover"), QStringLiteral("--backup"), QStringLiteral("terrafusion-19990101-000000.sqlite") } + dataArgs());
        QVERIFY2(unknown.exitCode == 2, qPrintable(describe(unknown)));
        QVERIFY(unknown.out.contains("step 1/6: select backup failed"));
        QVERIFY(!unknown.out.contains("step 2/6"));
        // A data directory without backups: nothing to restore, nothing stopped.
        QTemporaryDir empty;
        const Run none = tfctl({ QStringLiteral("recover"), QStringLiteral("--data-dir"), empty.path() });
        QVERIFY2(none.exitCode == 1, qPrintable(describe(none)));
        QVERIFY(none.err.contains("no backups"));
        QCOMPARE(m_gateway->process().state(), QProcess::Running);
        QCOMPARE(m_gateway->pid(), gateway);
        QCOMPARE(test::http("GET", base() + QStringLiteral("/health/ready")).status, 200);
    }

    void recoversAfterTheDatabaseWasDeleted()
    {
        const qint64 syncBefore = runFilePid(m_data, QStringLiteral("tf-syncd"));
        for (const QString &suffix : { QString(), QStringLiteral("-wal"), QStringLiteral("-shm") })
            QFile::remove(m_file + suffix);
        const Run down = tfctl(QStringList { QStringLiteral("check") } + dataArgs());
        QVERIFY2(down.exitCode == 2, qPrintable(describe(down)));
        QVERIFY(down.out.contains("does not exist"));

        const Run run = tfctl(QStringList { QStringLiteral("recover"), QStringLiteral("--json") } + dataArgs());
        QVERIFY2(run.exitCode == 0, qPrintable(describe(run)));
        const QJsonObject result = run.json();
        QVERIFY(result.value(QStringLiteral("ok")).toBool());
        const QJsonArray steps = result.value(QStringLiteral("steps")).toArray();
        QCOMPARE(steps.size(), 6);
        const QStringList names { QStringLiteral("select backup"), QStringLiteral("stop services"), QStringLiteral("restore"),
                                  QStringLiteral("migrate"), QStringLiteral("start services"), QStringLiteral("verify health") };
        for (int i = 0; i < steps.size(); ++i) {
            QCOMPARE(steps.at(i).toObject().value(QStringLiteral("name")).toString(), names.at(i));
            QCOMPARE(steps.at(i).toObject().value(QStringLiteral("status")).toString(), QStringLiteral("done"));
        }
        QVERIFY(result.value(QStringLiteral("backup")).toObject().value(QStringLiteral("name")).toString().contains(QStringLiteral("before")));
        // Each step was reported as it happened (on stderr with --json).
        QVERIFY(run.err.contains("step 3/6: restore"));
        QCOMPARE(result.value(QStringLiteral("health")).toObject().value(QStringLiteral("status")).toString(), QStringLiteral("healthy"));

        // The backup's data is back, the old processes are gone, new ones are healthy.
        QVERIFY(QFile::exists(m_file));
        QCOMPARE(systemNames(), QStringList { QStringLiteral("pacs") });
        QVERIFY(m_gateway->waitFinished(10000));
        const qint64 gateway = runFilePid(m_data, QStringLiteral("tf-gateway"));
        QVERIFY(alive(gateway) && gateway != m_gateway->pid());
        QVERIFY(!alive(syncBefore));
        QCOMPARE(test::http("GET", base() + QStringLiteral("/health/ready")).status, 200);
        QCOMPARE(test::http("GET", QStringLiteral("http://127.0.0.1:%1/health").arg(m_syncPort)).status, 200);
        const Run check = tfctl(QStringList { QStringLiteral("check") } + dataArgs());
        QVERIFY2(check.exitCode == 0, qPrintable(describe(check)));
        // The recovery is in the recovery log and the (restored) audit trail.
        QFile log(m_data + QStringLiteral("/recovery_scripts/recovery.log"));
        QVERIFY(log.open(QIODevice::ReadOnly));
        const QByteArray events = log.readAll();
        QVERIFY(events.contains("\"event_type\":\"full_recovery_complete\""));
        QVERIFY(events.contains("\"status\":\"success\""));
        auto control = db::ControlDatabase::open(QStringLiteral("sqlite://") + m_file, false);
        QSqlQuery audit = control->database().prepare(QStringLiteral("SELECT COUNT(*) FROM audit_entries WHERE event_type = 'recovery.completed'"));
        control->database().exec(audit, "reading the audit trail");
        QVERIFY(audit.next());
        QCOMPARE(audit.value(0).toInt(), 1);
    }
};

QTEST_GUILESS_MAIN(TestRecover)
#include "tst_recover.moc"
