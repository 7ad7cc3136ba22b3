// The node registry behind GET /api/services, with real processes on a real PostgreSQL control
// database: a tf-gateway supervising its tf-syncd, a second tf-gateway using node-1 as its
// external tf-syncd, and two more tf-syncd nodes (tst_nodes' NodeCluster), all with a short
// [node] heartbeat_ms. All five are listed as running, with host, pid, URL, started_at and
// heartbeat_at, and page like any list; a node killed with SIGKILL turns stale once three
// heartbeats are missed; a node or gateway stopped with SIGTERM is stopped at once.
#include "tst_gatewayproxy_fixture.h"
#include "tst_nodes_cluster.h"

#include <QTest>

using namespace tf;
using namespace tf::test;

namespace {
constexpr int kHeartbeatMs = 300;
}

class TestServiceNodes final : public QObject, public GatewayProxyFixture
{
    Q_OBJECT

private:
    std::unique_ptr<NodeCluster> m_cluster;
    std::unique_ptr<ServiceProcess> m_secondGateway;
    QString m_secondGatewayUrl;

    QJsonArray services(const QString &query = {})
    {
        const HttpResult result = api("GET", QStringLiteral("/api/services") + query);
        if (result.status != 200)
            qWarning("GET /api/services%s: HTTP %d %s", qPrintable(query), result.status,
                     result.body.constData());
        return result.json().value(QStringLiteral("items")).toArray();
    }
    QJsonObject item(const QString &name)
    {
        for (const QJsonValue &value : services())
            if (value.toObject().value(QStringLiteral("name")).toString() == name)
                return value.toObject();
        return {};
    }
    QString status(const QString &name)
    {
        return item(name).value(QStringLiteral("status")).toString();
    }

private slots:
    void initTestCase()
    {
        const QString url = createScratchPostgresDatabase(QStringLiteral("tfsvcnodes"));
        TF_REQUIRE_POSTGRES(url);
        QVERIFY(m_dir.isValid());
        QProcessEnvironment env = ServiceProcess::cleanEnvironment();
        env.insert(QStringLiteral("DATABASE_URL"), url);
        env.insert(QStringLiteral("TF_NODE__HEARTBEAT_MS"), QString::number(kHeartbeatMs));
        QVERIFY(startGateway(env));
        // Two more tf-syncd nodes that run nothing (no workers, no schedule): only their rows
        // matter.
        m_cluster = std::make_unique<NodeCluster>(
            url,
            QHash<QString, QString> { { QStringLiteral("workers"), QStringLiteral("0") },
                                      { QStringLiteral("scheduler"), QStringLiteral("false") } });
        m_cluster->setNodeVariable(QStringLiteral("TF_NODE__HEARTBEAT_MS"),
                                   QString::number(kHeartbeatMs));
        m_cluster->setNodeVariable(QStringLiteral("TF_MAINTENANCE__ENABLED"),
                                   QStringLiteral("false"));
        QVERIFY2(m_cluster->startNode(1), qPrintable(m_cluster->logs()));
        QVERIFY2(m_cluster->startNode(2), qPrintable(m_cluster->logs()));
        // A second gateway on the same control database, not supervising anything.
        const quint16 port = freePort();
        m_secondGatewayUrl = QStringLiteral("http://127.0.0.1:%1").arg(port);
        env.insert(QStringLiteral("TF_NODE__ID"), QStringLiteral("gateway-b"));
        m_secondGateway = std::make_unique<ServiceProcess>(
            binary(QStringLiteral("tf-gateway")),
            QStringList { QStringLiteral("--port"), QString::number(port),
                          QStringLiteral("--data-dir"), m_dir.filePath(QStringLiteral("gateway-b")),
                          QStringLiteral("--sync-url"), m_cluster->baseUrl(1) },
            env);
        QVERIFY(m_secondGateway->start());
        QVERIFY2(m_secondGateway->waitHealthy(m_secondGatewayUrl + QStringLiteral("/health/live"),
                                              20000),
                 m_secondGateway->output().constData());
    }

    void listsEveryNodeAsRunning()
    {
        QTRY_COMPARE_WITH_TIMEOUT(services().size(), 5, 10000);
        const QJsonArray items = services();
        QStringList names;
        for (const QJsonValue &value : items)
            names << value.toObject().value(QStringLiteral("name")).toString();
        // This gateway and its tf-syncd first, the other nodes after them by service and node id.
        QCOMPARE(
            names,
            (QStringList { QStringLiteral("gateway"), QStringLiteral("sync"),
                           QStringLiteral("tf-gateway@gateway-b"),
                           QStringLiteral("tf-syncd@node-1"), QStringLiteral("tf-syncd@node-2") }));
        const QJsonObject second = items.at(2).toObject();
        QCOMPARE(second.value(QStringLiteral("pid")).toInteger(), m_secondGateway->pid());
        QCOMPARE(second.value(QStringLiteral("url")).toString(), m_secondGatewayUrl);
        for (const QJsonValue &value : items) {
            const QJsonObject node = value.toObject();
            const QString name = node.value(QStringLiteral("name")).toString();
            QVERIFY2(node.value(QStringLiteral("status")).toString() == QLatin1String("running"),
                     qPrintable(name));
            QVERIFY2(!node.value(QStringLiteral("host")).toString().isEmpty(), qPrintable(name));
            QVERIFY2(QDateTime::fromString(node.value(QStringLiteral("heartbeat_at")).toString(),
                                           Qt::ISODateWithMs)
                         .isValid(),
                     qPrintable(name));
            QVERIFY2(QDateTime::fromString(node.value(QStringLiteral("started_at")).toString(),
                                           Qt::ISODateWithMs)
                         .isValid(),
                     qPrintable(name));
            QVERIFY2(node.value(QStringLiteral("restarts_24h")).toInt(-1) == 0, qPrintable(name));
        }
        QCOMPARE(items.at(0).toObject().value(QStringLiteral("pid")).toInteger(), m_gateway->pid());
        QCOMPARE(items.at(0).toObject().value(QStringLiteral("url")).toString(), base());
        QVERIFY(items.at(1).toObject().value(QStringLiteral("supervised")).toBool());
        for (int index : { 1, 2 }) {
            const QJsonObject node = items.at(index + 2).toObject();
            QCOMPARE(node.value(QStringLiteral("service")).toString(), QStringLiteral("tf-syncd"));
            QCOMPARE(node.value(QStringLiteral("node")).toString(), m_cluster->nodeId(index));
            QCOMPARE(node.value(QStringLiteral("pid")).toInteger(), m_cluster->node(index).pid());
            QCOMPARE(node.value(QStringLiteral("url")).toString(), m_cluster->baseUrl(index));
            QVERIFY(!node.value(QStringLiteral("supervised")).toBool());
            QVERIFY(node.value(QStringLiteral("uptime_s")).toDouble() > 0);
        }
        // The heartbeat moves on.
        const QString before
            = items.at(3).toObject().value(QStringLiteral("heartbeat_at")).toString();
        QTRY_VERIFY_WITH_TIMEOUT(
            item(QStringLiteral("tf-syncd@node-1")).value(QStringLiteral("heartbeat_at")).toString()
                != before,
            5000);

        // Pages of two: the live pair, then the registered nodes, two and one.
        QStringList paged;
        QString cursor;
        int pages = 0;
        do {
            ++pages;
            const HttpResult page
                = api("GET",
                      QStringLiteral("/api/services?limit=2")
                          + (cursor.isEmpty() ? QString() : QStringLiteral("&cursor=") + cursor));
            QCOMPARE(page.status, 200);
            const QJsonArray pageItems = page.json().value(QStringLiteral("items")).toArray();
            QVERIFY(pageItems.size() <= 2);
            for (const QJsonValue &value : pageItems)
                paged << value.toObject().value(QStringLiteral("name")).toString();
            cursor = page.json().value(QStringLiteral("next_cursor")).toString();
        } while (!cursor.isEmpty() && pages < 10);
        QCOMPARE(pages, 3);
        QCOMPARE(paged, names);
    }

    void aKilledNodeTurnsStale()
    {
        QCOMPARE(status(QStringLiteral("tf-syncd@node-1")), QStringLiteral("running"));
        const qint64 pid = m_cluster->node(1).pid();
        m_cluster->node(1).kill(); // SIGKILL: no clean stop
        QVERIFY(m_cluster->node(1).waitFinished(10000));
        QTRY_COMPARE_WITH_TIMEOUT(status(QStringLiteral("tf-syncd@node-1")),
                                  QStringLiteral("stale"), 3 * kHeartbeatMs + 5000);
        const QJsonObject stale = item(QStringLiteral("tf-syncd@node-1"));
        QVERIFY(stale.value(QStringLiteral("uptime_s")).isNull());
        QCOMPARE(stale.value(QStringLiteral("pid")).toInteger(), pid); // the last one it had
        // The others are untouched.
        QCOMPARE(status(QStringLiteral("tf-syncd@node-2")), QStringLiteral("running"));
        QCOMPARE(status(QStringLiteral("gateway")), QStringLiteral("running"));
    }

    void aCleanlyStoppedNodeIsStopped()
    {
        m_cluster->node(2).terminate(); // SIGTERM: the node marks its row stopped on the way out
        QVERIFY(m_cluster->node(2).waitFinished(10000));
        QCOMPARE(m_cluster->node(2).exitCode(), 0);
        // At once, not after the staleness window.
        QCOMPARE(status(QStringLiteral("tf-syncd@node-2")), QStringLiteral("stopped"));
        QCOMPARE(status(QStringLiteral("tf-syncd@node-1")), QStringLiteral("stale"));
        QCOMPARE(services().size(), 5);
        QCOMPARE(status(QStringLiteral("sync")), QStringLiteral("running"));

        // A gateway stops cleanly the same way.
        QCOMPARE(status(QStringLiteral("tf-gateway@gateway-b")), QStringLiteral("running"));
        m_secondGateway->terminate();
        QVERIFY(m_secondGateway->waitFinished(15000));
        QCOMPARE(status(QStringLiteral("tf-gateway@gateway-b")), QStringLiteral("stopped"));
        QCOMPARE(status(QStringLiteral("gateway")), QStringLiteral("running"));
    }

    void cleanupTestCase()
    {
        if (m_secondGateway && m_secondGateway->process().state() != QProcess::NotRunning) {
            m_secondGateway->terminate();
            m_secondGateway->waitFinished(15000);
        }
        m_cluster.reset();
        if (m_gateway) {
            m_gateway->terminate();
            m_gateway->waitFinished(15000);
        }
    }
};

QTEST_MAIN(TestServiceNodes)
#include "tst_service_nodes.moc"
