// LISTEN/NOTIFY on PostgreSQL (issue 19): two tf-syncd nodes that poll the queue only every ten
// minutes start an operation enqueued by a third party (this test, which is no node) within
// seconds, because every enqueue sends NOTIFY and every node listens. Without it they would
// wait for their next poll.
#include "sync/queue/operationqueue.h"
#include "tst_nodes_cluster.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QTest>

using namespace tf;

class TestQueueWake final : public QObject
{
    Q_OBJECT

    std::unique_ptr<NodeCluster> m_cluster;
    qint64 m_system = 0;

private Q_SLOTS:
    void initTestCase()
    {
        const QString url = test::createScratchPostgresDatabase(QStringLiteral("queuewake"));
        TF_REQUIRE_POSTGRES(url);
        m_cluster = std::make_unique<NodeCluster>(
            url, QHash<QString, QString> { { QStringLiteral("poll_interval_ms"), QStringLiteral("600000") },
                                           { QStringLiteral("scheduler"), QStringLiteral("false") } });
        m_system = m_cluster->addSystem(QStringLiteral("source"), m_cluster->makeSource(QStringLiteral("source"), 50));
        for (int i = 0; i < 2; ++i)
            QVERIFY2(m_cluster->startNode(i), qPrintable(m_cluster->logs()));
        // Both nodes listen (their first claim at start-up found nothing; the next poll is ten
        // minutes away).
        QTRY_VERIFY2_WITH_TIMEOUT(m_cluster->node(0).output().contains("listening on tf_operation_queued")
                                      && m_cluster->node(1).output().contains("listening on tf_operation_queued"),
                                  qPrintable(m_cluster->logs()), 20000);
    }

    void cleanupTestCase() { m_cluster.reset(); }

    void anEnqueueElsewhereWakesTheNodes()
    {
        sync::OperationQueue queue(m_cluster->control());
        for (int round = 0; round < 3; ++round) {
            const qint64 pair = m_cluster->addPair(QStringLiteral("wake-%1").arg(round), m_system, 50);
            sync::EnqueueRequest request;
            request.pairId = pair;
            const qint64 id = queue.enqueue(request).id;
            QElapsedTimer started;
            started.start();
            QTRY_VERIFY2_WITH_TIMEOUT(queue.get(id).status == QLatin1String("completed"),
                                      qPrintable(QString::fromUtf8(QJsonDocument(queue.get(id).toJson()).toJson())
                                                 + m_cluster->logs()),
                                      20000);
            qInfo("round %d: completed %lld ms after the enqueue, by %s", round,
                  static_cast<long long>(started.elapsed()), qPrintable(queue.get(id).nodeId));
        }
    }
};

QTEST_GUILESS_MAIN(TestQueueWake)
#include "tst_queuewake.moc"
