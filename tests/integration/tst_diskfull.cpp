// A full disk is an answer (issue 19, item 5): a real tf-gateway supervising a real tf-syncd
// whose data directory is a small tmpfs, and a sync target on a second one. The test fills each
// file system, checks the answers (507 insufficient_storage naming the file, nothing reported
// created that was not stored), frees the space, and checks that nothing was lost (SQLite
// integrity_check, the audit chain) and that the sync that hit the full disk was retried.
//
// Mounting needs root (CI runs as root and sets TF_REQUIRE_MOUNT=1: then not being able to
// mount is a failure, not a skip).
#include "db/repositories/auditrepository.h"
#include "toolrun.h"
#include "tst_gatewayproxy_fixture.h"

#include <QDir>
#include <QFile>
#include <QTest>

#include <cerrno>
#include <cstring>
#include <sys/mount.h>
#include <unistd.h>

using namespace tf;
using namespace tf::test::proxyfixture;

namespace {

// A tmpfs of `megabytes` over `path` for the life of the object.
class Tmpfs final
{
public:
    Tmpfs(const QString &path, int megabytes)
        : m_path(path)
    {
        QDir().mkpath(path);
        const QByteArray options = QStringLiteral("size=%1m,mode=0700").arg(megabytes).toLatin1();
        m_mounted = ::mount("tmpfs", QFile::encodeName(path).constData(), "tmpfs", 0, options.constData()) == 0;
        if (!m_mounted)
            m_error = QString::fromLocal8Bit(strerror(errno));
    }
    ~Tmpfs()
    {
        if (m_mounted)
            ::umount2(QFile::encodeName(m_path).constData(), MNT_DETACH);
    }
    bool mounted() const { return m_mounted; }
    const QString &error() const { return m_error; }

    // Writes zeros to <path>/filler until the file system refuses: ENOSPC, not a guess.
    bool fill()
    {
        QFile filler(m_path + QStringLiteral("/filler"));
        if (!filler.open(QIODevice::WriteOnly | QIODevice::Append | QIODevice::Unbuffered))
            return false;
        const QByteArray block(64 * 1024, '\0');
        qint64 written = 0;
        for (;;) {
            const qint64 n = filler.write(block.constData(), block.size());
            if (n <= 0)
                break;
            written += n;
        }
        // The last partial page too, byte by byte in small pieces.
        while (filler.write("\0", 1) == 1)
            ++written;
        filler.close();
        return written > 0;
    }
    void free() { QFile::remove(m_path + QStringLiteral("/filler")); }

private:
    QString m_path;
    bool m_mounted = false;
    QString m_error;
};

QString integrityOf(const QString &path)
{
    db::Database database(db::DatabaseUrl::parse(QStringLiteral("sqlite://") + path));
    QSqlQuery query = database.prepare(QStringLiteral("PRAGMA integrity_check"));
    database.exec(query, "checking integrity");
    const QString result = query.next() ? query.value(0).toString() : QStringLiteral("no answer");
    query.finish();
    database.closeThreadConnection();
    return result;
}

} // namespace

class TestDiskFull final : public QObject, private test::GatewayProxyFixture
{
    Q_OBJECT

    std::unique_ptr<Tmpfs> m_data;
    std::unique_ptr<Tmpfs> m_targetFs;
    qint64 m_source = 0;
    qint64 m_target = 0;

    QString controlPath() const { return dataDir() + QStringLiteral("/terrafusion.db"); }
    QString targetPath() const { return m_dir.filePath(QStringLiteral("targetfs/target.db")); }

    QStringList systemNames()
    {
        QStringList names;
        const test::HttpResult list = api("GET", QStringLiteral("/api/systems?limit=200"));
        for (const QJsonValue &item : list.json().value(QStringLiteral("items")).toArray())
            names << item.toObject().value(QStringLiteral("name")).toString();
        return names;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_data = std::make_unique<Tmpfs>(dataDir(), 24);
        m_targetFs = std::make_unique<Tmpfs>(m_dir.filePath(QStringLiteral("targetfs")), 4);
        if (!m_data->mounted() || !m_targetFs->mounted()) {
            const QString why = QStringLiteral("cannot mount a tmpfs (%1; uid %2)")
                                    .arg(m_data->mounted() ? m_targetFs->error() : m_data->error())
                                    .arg(::geteuid());
            if (qEnvironmentVariableIntValue("TF_REQUIRE_MOUNT") == 1)
                QFAIL(qPrintable(QStringLiteral("TF_REQUIRE_MOUNT=1 but ") + why));
            QSKIP(qPrintable(why));
        }
        makeSourceAndTarget(kRows, {});
        makeSqlite(targetPath(),
                   { QStringLiteral("CREATE TABLE parcel_copy (source_id INTEGER PRIMARY KEY, name TEXT, value INTEGER)") });
        QProcessEnvironment env = test::ServiceProcess::cleanEnvironment();
        env.insert(QStringLiteral("TF_RATE_LIMIT__PER_TOKEN_RPS"), QStringLiteral("0"));
        env.insert(QStringLiteral("TF_RATE_LIMIT__PER_ADDRESS_RPS"), QStringLiteral("0"));
        // Quick retries, and enough of them to outlast the full disk.
        env.insert(QStringLiteral("TF_SYNC__RETRY_BASE_MS"), QStringLiteral("200"));
        env.insert(QStringLiteral("TF_SYNC__RETRY_MAX_MS"), QStringLiteral("1000"));
        env.insert(QStringLiteral("TF_SYNC__MAX_ATTEMPTS"), QStringLiteral("100"));
        env.insert(QStringLiteral("TF_SYNC__POLL_INTERVAL_MS"), QStringLiteral("100"));
        QVERIFY(startGateway(env));
        m_source = createSqliteSystem(QStringLiteral("parcels source"), QStringLiteral("source.db"));
        m_target = createSqliteSystem(QStringLiteral("parcels target"), QStringLiteral("targetfs/target.db"));
        QVERIFY(m_source > 0 && m_target > 0);
        m_pair = create(QStringLiteral("/api/sync-pairs"), pairBody(QStringLiteral("parcels"), m_source, m_target, QStringLiteral("parcel")));
        QVERIFY(m_pair > 0);
    }

    // The control database's disk is full: every write answers 507 naming the file, and a
    // system the API refused is neither listed nor logged as created.
    void controlDatabaseDiskFull()
    {
        QVERIFY(m_data->fill());
        int refused = 0;
        QStringList created;
        for (int i = 0; i < 10; ++i) {
            const QString name = QStringLiteral("full %1").arg(i);
            const test::HttpResult answer = api("POST", QStringLiteral("/api/systems"),
                                          QJsonObject { { QStringLiteral("name"), name },
                                                        { QStringLiteral("kind"), QStringLiteral("sqlite") },
                                                        { QStringLiteral("settings"), QJsonObject { { QStringLiteral("path"), m_dir.filePath(QStringLiteral("x.db")) } } } });
            QVERIFY2(answer.status == 507 || answer.status == 201, answer.body.constData());
            if (answer.status == 201) {
                created << name;
                continue;
            }
            ++refused;
            const QJsonObject problem = answer.json();
            QCOMPARE(problem.value(QStringLiteral("code")).toString(), QStringLiteral("insufficient_storage"));
            QCOMPARE(problem.value(QStringLiteral("title")).toString(), QStringLiteral("Insufficient Storage"));
            QCOMPARE(problem.value(QStringLiteral("path")).toString(), controlPath());
            QVERIFY2(problem.value(QStringLiteral("detail")).toString().contains(controlPath() + QStringLiteral(" is full")),
                     answer.body.constData());
        }
        // A completely full tmpfs: no commit can find a page.
        QCOMPARE(refused, 10);

        const test::HttpResult start = api("POST", QStringLiteral("/api/sync-operations"),
                                     QJsonObject { { QStringLiteral("pair_id"), m_pair } });
        QVERIFY2(start.status == 507, start.body.constData());
        QCOMPARE(errorCode(start), QStringLiteral("insufficient_storage"));

        // tfctl check says so too: the disk row is degraded, naming the data directory.
        test::ToolOptions options;
        const test::ToolRun check = test::runTool(
            QStringLiteral("tfctl"),
            { QStringLiteral("check"), QStringLiteral("--json"), QStringLiteral("--data-dir"), dataDir(),
              QStringLiteral("--gateway-url"), base(), QStringLiteral("--sync-url"), syncBase() },
            options);
        const QJsonObject disk = QJsonDocument::fromJson(check.out).object().value(QStringLiteral("components")).toObject().value(QStringLiteral("disk")).toObject();
        QVERIFY2(disk.value(QStringLiteral("status")).toString() == QStringLiteral("degraded"), qPrintable(check.describe()));
        QVERIFY2(disk.value(QStringLiteral("error")).toString().contains(dataDir() + QStringLiteral(" (")), qPrintable(check.describe()));
        QVERIFY2(check.exitCode == 1, qPrintable(check.describe()));

        m_data->free();
        const QStringList names = systemNames();
        for (int i = 0; i < 10; ++i)
            QVERIFY2(!names.contains(QStringLiteral("full %1").arg(i)), qPrintable(names.join(QLatin1Char(','))));
        // Never "created" in the log for what was refused (tf-syncd's lines reach the gateway's
        // output: it supervises tf-syncd).
        const QByteArray output = m_gateway->output();
        QVERIFY2(!output.contains(" full 0 created"), output.right(4000).constData());
        QVERIFY2(output.contains("is full"), "tf-syncd logs the full disk");

        // Space again: the same request succeeds, and nothing stored was damaged.
        const qint64 after = create(QStringLiteral("/api/systems"),
                                    { { QStringLiteral("name"), QStringLiteral("after the full disk") },
                                      { QStringLiteral("kind"), QStringLiteral("sqlite") },
                                      { QStringLiteral("settings"), QJsonObject { { QStringLiteral("path"), m_dir.filePath(QStringLiteral("x.db")) } } } });
        QVERIFY(after > 0);
        QVERIFY(systemNames().contains(QStringLiteral("after the full disk")));
        QCOMPARE(integrityOf(controlPath()), QStringLiteral("ok"));
        db::Database control(db::DatabaseUrl::parse(QStringLiteral("sqlite://") + controlPath()));
        const db::AuditVerification audit = db::AuditRepository(control).verify();
        control.closeThreadConnection();
        QVERIFY2(audit.intact, qPrintable(audit.problem));
        QVERIFY(audit.checked > 0);
    }

    // The sync target's disk is full: the run fails as transient, a disk_full alert names the
    // target file, and the retry after the space is freed completes the sync.
    void syncRetriedAfterSpaceFreed()
    {
        QVERIFY(m_targetFs->fill());
        const qint64 id = startOperation(QJsonObject { { QStringLiteral("pair_id"), m_pair } });
        QVERIFY(id > 0);

        QDeadlineTimer deadline(60000);
        QJsonObject alert;
        while (!deadline.hasExpired() && alert.isEmpty()) {
            const test::HttpResult alerts = api("GET", QStringLiteral("/api/alerts?status=open"));
            for (const QJsonValue &item : alerts.json().value(QStringLiteral("items")).toArray()) {
                if (item.toObject().value(QStringLiteral("rule")).toString() == QStringLiteral("disk_full"))
                    alert = item.toObject();
            }
            if (alert.isEmpty())
                QThread::msleep(200);
        }
        QVERIFY2(!alert.isEmpty(), QJsonDocument(operation(id)).toJson().constData());
        QVERIFY2(alert.value(QStringLiteral("message")).toString().contains(targetPath()),
                 qPrintable(alert.value(QStringLiteral("message")).toString()));
        const QJsonObject waiting = operation(id);
        QVERIFY2(!finished(waiting), QJsonDocument(waiting).toJson().constData());

        m_targetFs->free();
        const QJsonObject done = waitForOperation(id, finished, 60000);
        QVERIFY2(done.value(QStringLiteral("status")).toString() == QStringLiteral("completed"),
                 QJsonDocument(done).toJson().constData());
        QVERIFY(done.value(QStringLiteral("attempt")).toInt() >= 2);
        QCOMPARE(count(targetPath(), QStringLiteral("parcel_copy")), qint64(kRows));
        QCOMPARE(integrityOf(targetPath()), QStringLiteral("ok"));
    }

    void cleanupTestCase()
    {
        if (m_gateway) {
            m_gateway->terminate();
            QVERIFY(m_gateway->waitFinished(20000));
        }
        m_gateway.reset();
        m_targetFs.reset();
        m_data.reset();
    }
};

QTEST_GUILESS_MAIN(TestDiskFull)
#include "tst_diskfull.moc"
