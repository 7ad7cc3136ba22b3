// tfctl check / restart-sync / restart-api / restart-all against a real tf-gateway that
// supervises a real tf-syncd (SQLite in a temporary data directory), and the gateway's
// POST /api/services/<name>/restart.
#include "cdccluster.h"
#include "core/secretbox.h"
#include "db/controldatabase.h"
#include "db/repositories/syncpairrepository.h"
#include "sync/definition/pairrecord.h"
#include "sync/definition/syncpairdefinition.h"
#include "sync/systems/systemdefinition.h"
#include "sync/systems/systemregistry.h"
#include "testsupport.h"
#include "toolrun.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QJsonArray>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <csignal>
#include <unistd.h>

using namespace tf;

namespace {

using Run = test::ToolRun;

Run tfctl(const QStringList &arguments, int timeoutMs = 90000)
{
    test::ToolOptions options;
    options.closeStdin = false; // stdin stays an open pipe
    options.timeoutMs = timeoutMs;
    return test::runTool(QStringLiteral("tfctl"), arguments, options);
}

QString describe(const Run &run)
{
    return run.describe();
}

bool alive(qint64 pid)
{
    if (pid <= 0 || ::kill(static_cast<pid_t>(pid), 0) != 0)
        return false;
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return false;
    const QByteArray text = stat.readAll();
    return text.mid(text.lastIndexOf(')') + 2, 1) != "Z";
}

qint64 runFilePid(const QString &dataDir, const QString &program)
{
    QFile file(dataDir + QStringLiteral("/run/") + program + QStringLiteral(".pid"));
    return file.open(QIODevice::ReadOnly) ? file.readAll().trimmed().toLongLong() : 0;
}

qint64 parentOf(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return 0;
    const QByteArray text = stat.readAll();
    return text.mid(text.lastIndexOf(')') + 2).split(' ').value(1).toLongLong();
}

} // namespace

class TestTfctlCheck final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_data;
    std::unique_ptr<test::ServiceProcess> m_gateway;
    quint16 m_port = 0;
    quint16 m_syncPort = 0;

    QString base() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_port); }
    QString syncBase() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_syncPort); }
    QStringList dataArgs() const { return { QStringLiteral("--data-dir"), m_data }; }

    bool waitSyncHealthy(qint64 notPid, int timeoutMs = 15000)
    {
        QDeadlineTimer deadline(timeoutMs);
        while (!deadline.hasExpired()) {
            const auto health = test::http("GET", syncBase() + QStringLiteral("/health"), {}, {}, 2000);
            if (health.status == 200 && health.json().value(QStringLiteral("pid")).toInteger() != notPid)
                return true;
            QThread::msleep(100);
        }
        return false;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_data = m_dir.filePath(QStringLiteral("data"));
        m_port = test::freePort();
        m_syncPort = test::freePort();
        m_gateway = std::make_unique<test::ServiceProcess>(
            test::binary(QStringLiteral("tf-gateway")),
            QStringList { QStringLiteral("--port"), QString::number(m_port), QStringLiteral("--sync-port"),
                          QString::number(m_syncPort), QStringLiteral("--data-dir"), m_data });
        QVERIFY(m_gateway->start());
        QVERIFY2(m_gateway->waitHealthy(base() + QStringLiteral("/health/ready")), m_gateway->output().constData());
        QVERIFY(waitSyncHealthy(0));
    }

    void cleanupTestCase()
    {
        // A gateway restarted by tfctl runs detached: stop it through its run file.
        const qint64 pid = runFilePid(m_data, QStringLiteral("tf-gateway"));
        if (alive(pid) && pid != m_gateway->pid()) {
            ::kill(static_cast<pid_t>(pid), SIGTERM);
            QDeadlineTimer deadline(10000);
            while (alive(pid) && !deadline.hasExpired())
                QThread::msleep(50);
        }
    }

    void checkHealthyPrintsTableAndJson()
    {
        const Run table = tfctl(QStringList { QStringLiteral("check") } + dataArgs());
        QVERIFY2(table.exitCode == 0, qPrintable(describe(table)));
        const QString text = QString::fromUtf8(table.out);
        QVERIFY2(text.contains(QRegularExpression(QStringLiteral("(?m)^gateway\\s+healthy\\s"))), qPrintable(text));
        QVERIFY2(text.contains(QRegularExpression(QStringLiteral("(?m)^syncd\\s+healthy\\s.*supervised by tf-gateway"))), qPrintable(text));
        QVERIFY2(text.contains(QRegularExpression(QStringLiteral("(?m)^database\\s+healthy\\s.*sqlite"))), qPrintable(text));
        QVERIFY(text.contains(QStringLiteral("overall: healthy")));

        const Run json = tfctl(QStringList { QStringLiteral("check"), QStringLiteral("--json") } + dataArgs());
        QVERIFY2(json.exitCode == 0, qPrintable(describe(json)));
        const QJsonObject report = QJsonDocument::fromJson(json.out).object();
        QCOMPARE(report.value(QStringLiteral("status")).toString(), QStringLiteral("healthy"));
        const QJsonObject components = report.value(QStringLiteral("components")).toObject();
        QCOMPARE(components.value(QStringLiteral("gateway")).toObject().value(QStringLiteral("pid")).toInteger(), m_gateway->pid());
        QCOMPARE(components.value(QStringLiteral("gateway")).toObject().value(QStringLiteral("where")).toString(), base());
        QCOMPARE(components.value(QStringLiteral("syncd")).toObject().value(QStringLiteral("pid")).toInteger(),
                 runFilePid(m_data, QStringLiteral("tf-syncd")));
        QCOMPARE(components.value(QStringLiteral("database")).toObject().value(QStringLiteral("status")).toString(), QStringLiteral("healthy"));
    }

    void checkDegradedWhenSyncdIsNotThere()
    {
        // A gateway that does not supervise tf-syncd, pointed at a port where nothing listens.
        QTemporaryDir dir;
        const quint16 port = test::freePort();
        const quint16 syncPort = test::freePort();
        test::ServiceProcess gateway(test::binary(QStringLiteral("tf-gateway")),
                                     { QStringLiteral("--port"), QString::number(port), QStringLiteral("--sync-port"), QString::number(syncPort),
                                       QStringLiteral("--no-supervise-sync"), QStringLiteral("--data-dir"), dir.path() });
        QVERIFY(gateway.start());
        QVERIFY(gateway.waitHealthy(QStringLiteral("http://127.0.0.1:%1/health/ready").arg(port)));
        const Run run = tfctl({ QStringLiteral("check"), QStringLiteral("--json"), QStringLiteral("--data-dir"), dir.path(),
                                QStringLiteral("--sync-url"), QStringLiteral("http://127.0.0.1:%1").arg(syncPort) });
        QVERIFY2(run.exitCode == 1, qPrintable(describe(run)));
        const QJsonObject components = QJsonDocument::fromJson(run.out).object().value(QStringLiteral("components")).toObject();
        QCOMPARE(QJsonDocument::fromJson(run.out).object().value(QStringLiteral("status")).toString(), QStringLiteral("degraded"));
        QCOMPARE(components.value(QStringLiteral("gateway")).toObject().value(QStringLiteral("status")).toString(), QStringLiteral("healthy"));
        QCOMPARE(components.value(QStringLiteral("syncd")).toObject().value(QStringLiteral("status")).toString(), QStringLiteral("down"));
        QVERIFY(components.value(QStringLiteral("syncd")).toObject().value(QStringLiteral("error")).toString().contains(QStringLiteral("no answer")));
        // This gateway supervises nothing: it cannot restart tf-syncd, and says where to do it.
        const QString gatewayBase = QStringLiteral("http://127.0.0.1:%1").arg(port);
        const auto headers = test::authorizationHeaders(test::gatewayAdminAuthorization(gatewayBase, dir.path()));
        const auto refused = test::http("POST", gatewayBase + QStringLiteral("/api/services/sync/restart"), {}, headers);
        QCOMPARE(refused.status, 409);
        QVERIFY2(refused.body.contains("not supervised by this gateway"), refused.body.constData());
        gateway.terminate();
        QVERIFY(gateway.waitFinished());
    }

    void checkDownWhenNothingRuns()
    {
        QTemporaryDir dir;
        const QStringList urls { QStringLiteral("--gateway-url"), QStringLiteral("http://127.0.0.1:%1").arg(test::freePort()),
                                 QStringLiteral("--sync-url"), QStringLiteral("http://127.0.0.1:%1").arg(test::freePort()) };
        const Run run = tfctl(QStringList { QStringLiteral("check"), QStringLiteral("--data-dir"), dir.path() } + urls);
        QVERIFY2(run.exitCode == 2, qPrintable(describe(run)));
        QVERIFY(run.out.contains("overall: down"));
        // The SQLite file is reported missing, never created by a check.
        QVERIFY(run.out.contains("does not exist"));
        QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("terrafusion.db"))));
    }

    void badArgumentsExitTwoWithUsage_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("message");
        QTest::newRow("check extra") << QStringList { QStringLiteral("check"), QStringLiteral("now") } << QStringLiteral("takes no arguments");
        QTest::newRow("check timeout") << QStringList { QStringLiteral("check"), QStringLiteral("--timeout"), QStringLiteral("soon") } << QStringLiteral("--timeout");
        QTest::newRow("restart-sync url") << QStringList { QStringLiteral("restart-sync"), QStringLiteral("--sync-url"), QStringLiteral("ftp://x") } << QStringLiteral("--sync-url");
        QTest::newRow("restart-api extra") << QStringList { QStringLiteral("restart-api"), QStringLiteral("gateway") } << QStringLiteral("takes no arguments");
        QTest::newRow("restart-all option") << QStringList { QStringLiteral("restart-all"), QStringLiteral("--bogus") } << QStringLiteral("bogus");
    }

    void badArgumentsExitTwoWithUsage()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, message);
        const Run run = tfctl(arguments + dataArgs());
        QVERIFY2(run.exitCode == 2, qPrintable(describe(run)));
        QVERIFY2(run.err.contains(message.toUtf8()), run.err.constData());
        QCOMPARE(run.err.count('\n'), 1); // one line
    }

    void restartSyncBringsItBack()
    {
        const qint64 before = runFilePid(m_data, QStringLiteral("tf-syncd"));
        QVERIFY(alive(before));
        const Run run = tfctl(QStringList { QStringLiteral("restart-sync"), QStringLiteral("--timeout"), QStringLiteral("30") } + dataArgs());
        QVERIFY2(run.exitCode == 0, qPrintable(describe(run)));
        QVERIFY2(run.out.contains("(supervisor)"), run.out.constData());
        const qint64 after = runFilePid(m_data, QStringLiteral("tf-syncd"));
        QVERIFY(after != before);
        QVERIFY(alive(after));
        QTRY_VERIFY_WITH_TIMEOUT(!alive(before), 5000);
        QCOMPARE(parentOf(after), m_gateway->pid());
        const auto health = test::http("GET", syncBase() + QStringLiteral("/health"));
        QCOMPARE(health.status, 200);
        QCOMPARE(health.json().value(QStringLiteral("pid")).toInteger(), after);
    }

    void apiRestartsSync()
    {
        const QByteArray auth = test::gatewayAdminAuthorization(base(), m_data);
        QVERIFY(!auth.isEmpty());
        const auto headers = test::authorizationHeaders(auth);
        QCOMPARE(test::http("POST", base() + QStringLiteral("/api/services/sync/restart")).status, 401);
        const auto unknown = test::http("POST", base() + QStringLiteral("/api/services/database/restart"), {}, headers);
        QCOMPARE(unknown.status, 404);
        QVERIFY(unknown.json().value(QStringLiteral("detail")).toString().contains(QStringLiteral("gateway, sync"))
                || unknown.body.contains("gateway, sync"));

        const qint64 before = runFilePid(m_data, QStringLiteral("tf-syncd"));
        const auto accepted = test::http("POST", base() + QStringLiteral("/api/services/sync/restart"), {}, headers);
        QVERIFY2(accepted.status == 202, accepted.body.constData());
        QCOMPARE(accepted.json().value(QStringLiteral("kind")).toString(), QStringLiteral("restart"));
        const QString jobId = QString::number(accepted.json().value(QStringLiteral("id")).toInteger());
        QVERIFY(jobId != QLatin1String("0"));
        QJsonObject job;
        QDeadlineTimer deadline(30000);
        while (!deadline.hasExpired()) {
            job = test::http("GET", base() + QStringLiteral("/api/jobs/") + jobId, {}, headers).json();
            const QString status = job.value(QStringLiteral("status")).toString();
            if (status != QLatin1String("running") && status != QLatin1String("queued"))
                break;
            QThread::msleep(100);
        }
        QVERIFY2(job.value(QStringLiteral("status")).toString() == QLatin1String("completed"), QJsonDocument(job).toJson().constData());
        const qint64 after = job.value(QStringLiteral("result")).toObject().value(QStringLiteral("new_pid")).toInteger();
        QVERIFY(after > 0 && after != before);
        QVERIFY(alive(after));
        QCOMPARE(parentOf(after), m_gateway->pid());
    }

    void apiRestartsGatewayInPlace()
    {
        const QByteArray auth = test::gatewayAdminAuthorization(base(), m_data);
        const auto headers = test::authorizationHeaders(auth);
        const double uptimeBefore = test::http("GET", base() + QStringLiteral("/health")).json().value(QStringLiteral("uptime_s")).toDouble();
        const qint64 syncBefore = runFilePid(m_data, QStringLiteral("tf-syncd"));
        const auto accepted = test::http("POST", base() + QStringLiteral("/api/services/gateway/restart"), {}, headers);
        QVERIFY2(accepted.status == 202, accepted.body.constData());
        QCOMPARE(accepted.json().value(QStringLiteral("result")).toObject()
                     .value(QStringLiteral("method")).toString(), QStringLiteral("re-exec"));
        // Same process (re-executed in place), answering again with a fresh uptime.
        QDeadlineTimer deadline(20000);
        double uptime = uptimeBefore;
        while (!deadline.hasExpired()) {
            const auto health = test::http("GET", base() + QStringLiteral("/health/ready"), {}, {}, 1000);
            if (health.status == 200) {
                uptime = test::http("GET", base() + QStringLiteral("/health")).json().value(QStringLiteral("uptime_s")).toDouble();
                if (uptime < uptimeBefore)
                    break;
            }
            QThread::msleep(100);
        }
        QVERIFY2(uptime < uptimeBefore, qPrintable(QStringLiteral("uptime %1, before %2").arg(uptime).arg(uptimeBefore)));
        QCOMPARE(m_gateway->process().state(), QProcess::Running);
        QCOMPARE(runFilePid(m_data, QStringLiteral("tf-gateway")), m_gateway->pid());
        QVERIFY(waitSyncHealthy(syncBefore));
        QCOMPARE(parentOf(runFilePid(m_data, QStringLiteral("tf-syncd"))), m_gateway->pid());
    }

    void restartApiBringsGatewayBack()
    {
        const qint64 before = m_gateway->pid();
        const qint64 syncBefore = runFilePid(m_data, QStringLiteral("tf-syncd"));
        const Run run = tfctl(QStringList { QStringLiteral("restart-api"), QStringLiteral("--json") } + dataArgs());
        QVERIFY2(run.exitCode == 0, qPrintable(describe(run)));
        const QJsonObject outcome = QJsonDocument::fromJson(run.out).object().value(QStringLiteral("outcomes")).toArray().first().toObject();
        QCOMPARE(outcome.value(QStringLiteral("old_pid")).toInteger(), before);
        // The old gateway stopped cleanly; the new one runs detached, in a session of its own.
        QVERIFY(m_gateway->waitFinished(10000));
        QCOMPARE(m_gateway->exitCode(), 0);
        const qint64 after = runFilePid(m_data, QStringLiteral("tf-gateway"));
        QCOMPARE(outcome.value(QStringLiteral("new_pid")).toInteger(), after);
        QVERIFY(after != before);
        QVERIFY(alive(after));
        QCOMPARE(::getsid(static_cast<pid_t>(after)), static_cast<pid_t>(after));
        QCOMPARE(test::http("GET", base() + QStringLiteral("/health/ready")).status, 200);
        const qint64 syncAfter = runFilePid(m_data, QStringLiteral("tf-syncd"));
        QVERIFY(syncAfter != syncBefore);
        QCOMPARE(parentOf(syncAfter), after);
        QCOMPARE(test::http("GET", syncBase() + QStringLiteral("/health")).status, 200);

        // restart-all in the embedded mode: the gateway again, its tf-syncd with it.
        const Run all = tfctl(QStringList { QStringLiteral("restart-all") } + dataArgs());
        QVERIFY2(all.exitCode == 0, qPrintable(describe(all)));
        const qint64 third = runFilePid(m_data, QStringLiteral("tf-gateway"));
        QVERIFY(third != after && alive(third));
        QVERIFY(!alive(after));
        const Run check = tfctl(QStringList { QStringLiteral("check") } + dataArgs());
        QVERIFY2(check.exitCode == 0, qPrintable(describe(check)));

        // Two detached starts: the second moved the first one's output aside instead of
        // truncating it (why the previous run ended stays readable).
        const QString console = m_data + QStringLiteral("/logs/tf-gateway.console.log");
        QFile current(console);
        QFile previous(console + QStringLiteral(".1"));
        QVERIFY(current.open(QIODevice::ReadOnly));
        QVERIFY2(previous.open(QIODevice::ReadOnly), "the previous run's console log was kept");
        const QByteArray previousText = previous.readAll();
        QVERIFY(!previousText.isEmpty());
        QVERIFY(previousText != current.readAll());
        QVERIFY(!QFile::exists(console + QStringLiteral(".2")));
    }

    // The disk row: the data directory's free space against [alerts] disk_percent. Above it a
    // warning that does not change the exit code; the full disk is tst_diskfull's.
    void checkReportsDiskSpace()
    {
        const Run json = tfctl(QStringList { QStringLiteral("check"), QStringLiteral("--json") } + dataArgs());
        const QJsonObject disk = QJsonDocument::fromJson(json.out).object().value(QStringLiteral("components")).toObject().value(QStringLiteral("disk")).toObject();
        QCOMPARE(disk.value(QStringLiteral("where")).toString(), m_data);
        QVERIFY2(disk.value(QStringLiteral("detail")).toString().contains(QStringLiteral("% used (threshold 85%)")), qPrintable(describe(json)));

        test::ToolOptions options;
        options.closeStdin = false;
        options.environment.insert(QStringLiteral("TF_ALERTS__DISK_PERCENT"), QStringLiteral("0"));
        const Run above = test::runTool(QStringLiteral("tfctl"), QStringList { QStringLiteral("check"), QStringLiteral("--json") } + dataArgs(), options);
        QVERIFY2(above.exitCode == 0, qPrintable(describe(above)));
        const QJsonObject report = QJsonDocument::fromJson(above.out).object();
        const QJsonObject warned = report.value(QStringLiteral("components")).toObject().value(QStringLiteral("disk")).toObject();
        QCOMPARE(warned.value(QStringLiteral("status")).toString(), QStringLiteral("warning"));
        QVERIFY2(warned.value(QStringLiteral("error")).toString().startsWith(QStringLiteral("Disk usage above threshold: ")), qPrintable(describe(above)));
        QCOMPARE(report.value(QStringLiteral("status")).toString(), QStringLiteral("healthy"));

        const Run table = test::runTool(QStringLiteral("tfctl"), QStringList { QStringLiteral("check") } + dataArgs(), options);
        QVERIFY2(QString::fromUtf8(table.out).contains(QRegularExpression(QStringLiteral("(?m)^disk\\s+warning\\s"))), qPrintable(describe(table)));
    }

    // Orphan tf_ replication slots on the servers of the PostgreSQL systems: one named after a
    // pair that does not exist, one after a pair that is not in cdc mode, one not named after a
    // pair; the slot of the cdc pair is not listed. Each is a warning line naming the slot, the
    // system, the WAL it retains and the statement that drops it; the exit code stays 0.
    void checkListsOrphanSlots()
    {
        std::unique_ptr<test::TemporaryPostgres> cluster;
        TF_START_LOGICAL_CLUSTER(cluster);
        db::Database admin(db::DatabaseUrl::parse(cluster->url()));
        admin.execDirect(QStringLiteral("CREATE DATABASE other"), "setup");
        admin.execDirect(QStringLiteral("CREATE TABLE parcel (id int PRIMARY KEY, name text)"), "setup");

        auto control = db::ControlDatabase::open(db::DatabaseUrl::parse(QStringLiteral("sqlite://") + m_data
                                                                        + QStringLiteral("/terrafusion.db")),
                                                 false);
        const SecretBox box = SecretBox::fromEnvironmentOrKeyFile(m_data);
        sync::SystemRegistry systems(control->database(), box);
        auto system = [&](const QString &name, const QString &url) {
            sync::SystemDefinition definition;
            definition.name = name;
            definition.kind = QStringLiteral("postgres");
            definition.settings = QJsonObject { { QStringLiteral("url"), url } };
            return systems.create(definition);
        };
        // Both on one server: it is asked once, through the first system by name.
        const qint64 source = system(QStringLiteral("a-slots source"), cluster->url());
        const qint64 target = system(QStringLiteral("b-slots target"), cluster->url(QStringLiteral("other")));
        auto pair = [&](const QString &name, const QString &mode) {
            const QJsonObject field { { QStringLiteral("target"), QStringLiteral("id") }, { QStringLiteral("source"), QStringLiteral("id") } };
            const QJsonObject json {
                { QStringLiteral("name"), name },
                { QStringLiteral("source_system"), source },
                { QStringLiteral("target_system"), target },
                { QStringLiteral("mode"), mode },
                { QStringLiteral("entities"),
                  QJsonArray { QJsonObject {
                      { QStringLiteral("name"), QStringLiteral("parcel") },
                      { QStringLiteral("source"), QJsonObject { { QStringLiteral("entity"), QStringLiteral("parcel") },
                                                                { QStringLiteral("key"), QJsonArray { QStringLiteral("id") } } } },
                      { QStringLiteral("target"), QJsonObject { { QStringLiteral("entity"), QStringLiteral("parcel") },
                                                                { QStringLiteral("key"), QJsonArray { QStringLiteral("id") } } } },
                      { QStringLiteral("mapping"), QJsonObject { { QStringLiteral("fields"), QJsonArray { field } } } } } } },
            };
            db::SyncPairRecord record = sync::pairRecordFrom(sync::SyncPairDefinition::parse(json));
            record.enabled = false; // nobody streams it in this test
            return db::SyncPairRepository(control->database()).insert(record);
        };
        const qint64 cdc = pair(QStringLiteral("slots cdc"), QStringLiteral("cdc"));
        const qint64 hash = pair(QStringLiteral("slots hash"), QStringLiteral("hash"));
        const QString owned = QStringLiteral("tf_pair_%1").arg(cdc);
        const QStringList orphans { QStringLiteral("tf_manual"), QStringLiteral("tf_pair_%1").arg(hash),
                                    QStringLiteral("tf_pair_%1").arg(cdc + 1000) };
        for (const QString &slot : orphans + QStringList { owned, QStringLiteral("not_ours") })
            admin.execDirect(QStringLiteral("SELECT pg_create_logical_replication_slot('%1', 'pgoutput')").arg(slot), "setup");
        // Some WAL for the slots to retain.
        admin.execDirect(QStringLiteral("INSERT INTO parcel SELECT g, repeat('x', 200) FROM generate_series(1, 20000) g"), "setup");

        const Run table = tfctl(QStringList { QStringLiteral("check") } + dataArgs());
        QVERIFY2(table.exitCode == 0, qPrintable(describe(table)));
        const QString text = QString::fromUtf8(table.out);
        const QStringList warnings = text.split(QLatin1Char('\n')).filter(QStringLiteral("orphan replication slot"));
        QCOMPARE(warnings.size(), 3);
        for (const QString &slot : orphans) {
            const QRegularExpression line(QStringLiteral("(?m)^warning: orphan replication slot %1 on system %2 'a-slots source' "
                                                         "\\(.+\\) retains [0-9.]+ MB of WAL; drop it there: "
                                                         "SELECT pg_drop_replication_slot\\('%1'\\);$")
                                              .arg(slot)
                                              .arg(source));
            QVERIFY2(text.contains(line), qPrintable(slot + QStringLiteral("\n") + describe(table)));
        }
        QVERIFY2(text.contains(QStringLiteral("tf_pair_%1 on system %2 'a-slots source' (pair %1 does not exist or is not a cdc pair)")
                                   .arg(hash)
                                   .arg(source)),
                 qPrintable(describe(table)));
        QVERIFY(!text.contains(owned + QLatin1Char(' ')));
        QVERIFY(!text.contains(QStringLiteral("not_ours")));

        const Run json = tfctl(QStringList { QStringLiteral("check"), QStringLiteral("--json") } + dataArgs());
        QVERIFY2(json.exitCode == 0, qPrintable(describe(json)));
        const QJsonObject report = QJsonDocument::fromJson(json.out).object();
        QStringList listed;
        for (const QJsonValue &value : report.value(QStringLiteral("orphan_slots")).toArray()) {
            const QJsonObject slot = value.toObject();
            listed << slot.value(QStringLiteral("slot")).toString();
            QCOMPARE(slot.value(QStringLiteral("system_id")).toInteger(), source);
            QVERIFY(slot.value(QStringLiteral("retained_wal_bytes")).toInteger() > 1000000);
            QCOMPARE(slot.value(QStringLiteral("drop")).toString(),
                     QStringLiteral("SELECT pg_drop_replication_slot('%1');").arg(listed.last()));
        }
        listed.sort();
        QStringList expected = orphans;
        expected.sort();
        QCOMPARE(listed, expected);
        QCOMPARE(report.value(QStringLiteral("slot_check_errors")).toArray().size(), 0);

        // Dropped as the lines say: no warning left.
        for (const QString &slot : orphans)
            admin.execDirect(QStringLiteral("SELECT pg_drop_replication_slot('%1')").arg(slot), "cleanup");
        const Run after = tfctl(QStringList { QStringLiteral("check") } + dataArgs());
        QVERIFY2(after.exitCode == 0, qPrintable(describe(after)));
        QVERIFY2(!after.out.contains("orphan replication slot"), qPrintable(describe(after)));
        admin.closeThreadConnection();
    }
};

QTEST_GUILESS_MAIN(TestTfctlCheck)
#include "tst_tfctl_check.moc"
