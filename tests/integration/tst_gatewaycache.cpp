// The gateway's read cache (services/gateway/upstream/readcache.h) never answers stale data:
// a real tf-syncd and two real tf-gateways in front of it (neither supervising it), on an
// SQLite and on a PostgreSQL control database. A change acknowledged through either gateway,
// or made without any gateway, is in the very next read through both; a read the change feed
// says is unchanged is answered without asking tf-syncd (tf-syncd stopped with SIGSTOP).
#include "tst_gatewayproxy_fixture.h"

#include <QTest>

#include <csignal>

using namespace tf;
using namespace tf::test::proxyfixture;

class TestGatewayCache final : public QObject, private test::GatewayProxyFixture
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void unchangedReadNeedsNoRoundTrip();
    void neverStaleOnSqlite();
    void neverStaleOnPostgres();

private:
    // tf-syncd, then gateways A (m_gateway, m_port) and B (m_second, m_secondPort) over the
    // same data directory and control database (SQLite in the folder when databaseUrl is empty).
    bool startWorld(const QString &databaseUrl);
    QString secondBase() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_secondPort); }
    test::HttpResult viaSecond(const QByteArray &method, const QString &path, const QByteArray &body = {},
                               QList<QPair<QByteArray, QByteArray>> extra = {})
    {
        QList<QPair<QByteArray, QByteArray>> headers = test::authorizationHeaders(m_authorization);
        headers.append(extra);
        return test::http(method, secondBase() + path, body, headers, 15000);
    }
    // The description of `id` in a list answer, or "<missing>".
    static QString descriptionIn(const test::HttpResult &list, qint64 id);
    void neverStale();

    std::unique_ptr<test::ServiceProcess> m_syncd;
    std::unique_ptr<test::ServiceProcess> m_second;
    quint16 m_secondPort = 0;
    qint64 m_source = 0;
    int m_worlds = 0;
};

namespace {

const QList<QPair<QByteArray, QByteArray>> kMergePatch { { "Content-Type", "application/merge-patch+json" } };

QByteArray description(const QString &text)
{
    return compact({ { QStringLiteral("description"), text } });
}

} // namespace

void TestGatewayCache::init()
{
    QVERIFY(m_dir.isValid());
}

void TestGatewayCache::cleanup()
{
    for (auto *process : { m_second.get(), m_gateway.get(), m_syncd.get() }) {
        if (process) {
            ::kill(static_cast<pid_t>(process->pid()), SIGCONT);
            process->terminate();
            process->waitFinished(15000);
        }
    }
    m_second.reset();
    m_gateway.reset();
    m_syncd.reset();
    // The next function starts on an empty folder (same path).
    QDir(m_dir.path()).removeRecursively();
    QDir().mkpath(m_dir.path());
    // A data directory of another name: the test support remembers the admin password per path.
    m_dataName = QStringLiteral("data-%1").arg(++m_worlds);
}

bool TestGatewayCache::startWorld(const QString &databaseUrl)
{
    makeSourceAndTarget(20, {});
    QDir().mkpath(dataDir());
    QProcessEnvironment env = test::ServiceProcess::cleanEnvironment();
    env.insert(QStringLiteral("TF_RATE_LIMIT__PER_TOKEN_RPS"), QStringLiteral("0"));
    env.insert(QStringLiteral("TF_RATE_LIMIT__PER_ADDRESS_RPS"), QStringLiteral("0"));
    // A stopped tf-syncd is a 504 after 1.5 s, well inside the test's own 15 s.
    env.insert(QStringLiteral("TF_GATEWAY__PROXY_TIMEOUT_MS"), QStringLiteral("1500"));
    if (!databaseUrl.isEmpty())
        env.insert(QStringLiteral("DATABASE_URL"), databaseUrl);
    m_syncPort = test::freePort();
    m_syncd = std::make_unique<test::ServiceProcess>(
        test::binary(QStringLiteral("tf-syncd")),
        QStringList { QStringLiteral("--data-dir"), dataDir(), QStringLiteral("--port"), QString::number(m_syncPort),
                      QStringLiteral("--bind"), QStringLiteral("127.0.0.1") },
        env);
    if (!m_syncd->start() || !m_syncd->waitHealthy(syncBase() + QStringLiteral("/health/ready"), 20000)) {
        qWarning("tf-syncd did not become ready: %s", m_syncd->output().constData());
        return false;
    }
    auto gateway = [&](quint16 port) {
        return std::make_unique<test::ServiceProcess>(
            test::binary(QStringLiteral("tf-gateway")),
            QStringList { QStringLiteral("--data-dir"), dataDir(), QStringLiteral("--port"), QString::number(port),
                          QStringLiteral("--bind"), QStringLiteral("127.0.0.1"), QStringLiteral("--no-supervise-sync"),
                          QStringLiteral("--sync-url"), syncBase() },
            env);
    };
    m_port = test::freePort();
    m_gateway = gateway(m_port);
    if (!m_gateway->start() || !m_gateway->waitHealthy(base() + QStringLiteral("/health/ready"), 20000)) {
        qWarning("gateway A did not become ready: %s", m_gateway->output().constData());
        return false;
    }
    m_authorization = test::gatewayAdminAuthorization(base(), dataDir());
    m_secondPort = test::freePort();
    m_second = gateway(m_secondPort);
    if (!m_second->start() || !m_second->waitHealthy(secondBase() + QStringLiteral("/health/ready"), 20000)) {
        qWarning("gateway B did not become ready: %s", m_second->output().constData());
        return false;
    }
    if (m_authorization.isEmpty())
        return false;
    m_source = createSqliteSystem(QStringLiteral("cache source"), QStringLiteral("source.db"));
    const qint64 target = createSqliteSystem(QStringLiteral("cache target"), QStringLiteral("target.db"));
    m_pair = create(QStringLiteral("/api/sync-pairs"), pairBody(QStringLiteral("cached parcels"), m_source, target, QStringLiteral("parcel")));
    return m_source > 0 && target > 0 && m_pair > 0;
}

QString TestGatewayCache::descriptionIn(const test::HttpResult &list, qint64 id)
{
    for (const QJsonValue &item : list.json().value(QStringLiteral("items")).toArray()) {
        if (item.toObject().value(QStringLiteral("id")).toInteger() == id)
            return item.toObject().value(QStringLiteral("description")).toString();
    }
    return QStringLiteral("<missing>");
}

void TestGatewayCache::unchangedReadNeedsNoRoundTrip()
{
    QVERIFY(startWorld(QString()));
    const QString pairs = QStringLiteral("/api/sync-pairs");
    const QString system = QStringLiteral("/api/systems/%1").arg(m_source);
    const test::HttpResult first = api("GET", pairs);
    QCOMPARE(first.status, 200);
    QCOMPARE(api("GET", system).status, 200);

    QCOMPARE(::kill(static_cast<pid_t>(m_syncd->pid()), SIGSTOP), 0);
    // Unchanged since they were read: answered from the cache, the same bytes and ETag.
    const test::HttpResult again = api("GET", pairs);
    QCOMPARE(again.status, 200);
    QCOMPARE(again.body, first.body);
    QCOMPARE(again.headers.value("etag"), first.headers.value("etag"));
    const test::HttpResult systemAgain = api("GET", system);
    QCOMPARE(systemAgain.status, 200);
    QCOMPARE(systemAgain.json().value(QStringLiteral("id")).toInteger(), m_source);
    // tf-syncd really is not answering: a route the cache does not keep, and a query never read.
    QCOMPARE(api("GET", QStringLiteral("/api/sync-operations?limit=5")).status, 504);
    QCOMPARE(api("GET", pairs + QStringLiteral("?limit=1")).status, 504);

    // A change made without any gateway (straight into the control database): the feed moves,
    // so the kept answer is not served any more; tf-syncd is asked, and it is stopped.
    {
        db::Database control(db::DatabaseUrl::parse(QStringLiteral("sqlite://") + dataDir() + QStringLiteral("/terrafusion.db")));
        QSqlQuery update = control.prepare(QStringLiteral("UPDATE sync_pairs SET description = ? WHERE id = ?"));
        update.addBindValue(QStringLiteral("changed behind the gateways"));
        update.addBindValue(m_pair);
        control.exec(update, "changing a pair");
        control.closeThreadConnection();
    }
    const test::HttpResult afterChange = api("GET", pairs);
    QCOMPARE(afterChange.status, 504);
    QCOMPARE(::kill(static_cast<pid_t>(m_syncd->pid()), SIGCONT), 0);
    const test::HttpResult fresh = api("GET", pairs);
    QCOMPARE(fresh.status, 200);
    QCOMPARE(descriptionIn(fresh, m_pair), QStringLiteral("changed behind the gateways"));
}

void TestGatewayCache::neverStale()
{
    const QString pairs = QStringLiteral("/api/sync-pairs");
    const QString system = QStringLiteral("/api/systems/%1").arg(m_source);
    for (int round = 0; round < 12; ++round) {
        // Both gateways hold the lists (read twice: the second read is the cache's).
        for (int read = 0; read < 2; ++read) {
            QCOMPARE(api("GET", pairs).status, 200);
            QCOMPARE(viaSecond("GET", pairs).status, 200);
            QCOMPARE(api("GET", system).status, 200);
            QCOMPARE(viaSecond("GET", system).status, 200);
        }
        // A change through A, through B, or straight to tf-syncd (no gateway at all).
        const QString text = QStringLiteral("round %1").arg(round);
        const QString pairPath = QStringLiteral("/api/sync-pairs/%1").arg(m_pair);
        test::HttpResult changed;
        test::HttpResult systemChanged;
        switch (round % 3) {
        case 0:
            changed = api("PATCH", pairPath, description(text), {}, kMergePatch);
            systemChanged = api("PATCH", system, description(text), {}, kMergePatch);
            break;
        case 1:
            changed = viaSecond("PATCH", pairPath, description(text), kMergePatch);
            systemChanged = viaSecond("PATCH", system, description(text), kMergePatch);
            break;
        default:
            changed = test::http("PATCH", syncBase() + pairPath.mid(4), description(text),
                                 test::serviceHeaders(kMergePatch));
            systemChanged = test::http("PATCH", syncBase() + system.mid(4), description(text),
                                       test::serviceHeaders(kMergePatch));
            break;
        }
        QVERIFY2(changed.status == 200, changed.body.constData());
        QVERIFY2(systemChanged.status == 200, systemChanged.body.constData());
        // Acknowledged: the next read through either gateway has it.
        QCOMPARE(descriptionIn(api("GET", pairs), m_pair), text);
        QCOMPARE(descriptionIn(viaSecond("GET", pairs), m_pair), text);
        QCOMPARE(api("GET", system).json().value(QStringLiteral("description")).toString(), text);
        QCOMPARE(viaSecond("GET", system).json().value(QStringLiteral("description")).toString(), text);
    }
    // A pair created through B is in A's next list; deleted through A, gone from B's.
    const qint64 target = createSqliteSystem(QStringLiteral("cache target 2"), QStringLiteral("target.db"));
    QVERIFY(target > 0);
    QCOMPARE(descriptionIn(api("GET", pairs), m_pair), QStringLiteral("round 11"));
    const test::HttpResult created
        = viaSecond("POST", pairs, compact(pairBody(QStringLiteral("made via B"), m_source, target, QStringLiteral("parcel"))),
                    { { "Content-Type", "application/json" } });
    QCOMPARE(created.status, 201);
    const qint64 second = created.json().value(QStringLiteral("id")).toInteger();
    QCOMPARE(descriptionIn(api("GET", pairs), second), QString());
    QCOMPARE(descriptionIn(viaSecond("GET", pairs), second), QString());
    QCOMPARE(api("DELETE", QStringLiteral("/api/sync-pairs/%1").arg(second)).status, 200);
    QCOMPARE(descriptionIn(viaSecond("GET", pairs), second), QStringLiteral("<missing>"));
    QCOMPARE(descriptionIn(api("GET", pairs), second), QStringLiteral("<missing>"));
}

void TestGatewayCache::neverStaleOnSqlite()
{
    QVERIFY(startWorld(QString()));
    neverStale();
}

void TestGatewayCache::neverStaleOnPostgres()
{
    const QString url = test::createScratchPostgresDatabase(QStringLiteral("tfcache"));
    TF_REQUIRE_POSTGRES(url);
    QVERIFY(startWorld(url));
    neverStale();
}

QTEST_GUILESS_MAIN(TestGatewayCache)
#include "tst_gatewaycache.moc"
