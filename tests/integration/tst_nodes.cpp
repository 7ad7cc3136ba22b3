// Three real tf-syncd processes on one scratch PostgreSQL control database (DESIGN.md
// section 7): twenty pairs queued once each run exactly once across the nodes; a schedule
// that is due fires exactly once; a run missed while every node was down runs once at
// start-up; a node killed with SIGKILL mid-run loses its lease and another node finishes
// the operation from the pair's checkpoint, with an exact target.
#include "db/connection.h"
#include "sync/queue/operationqueue.h"
#include "tst_nodes_cluster.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QSet>
#include <QSqlQuery>
#include <QTest>

using namespace tf;

namespace {

constexpr int kNodes = 3;

struct PairOperations
{
    int count = 0;
    QList<db::OperationRecord> records;
};

QList<db::OperationRecord> operationsOf(db::Database &control, qint64 pairId)
{
    sync::OperationQueue queue(control);
    sync::OperationQueue::ListFilter filter;
    filter.pairId = pairId;
    filter.limit = 100;
    return queue.list(filter);
}

bool finished(const db::OperationRecord &record)
{
    return record.status != QLatin1String("queued") && record.status != QLatin1String("running");
}

QDateTime nextRunAt(db::Database &control, qint64 pairId)
{
    QSqlQuery query
        = control.prepare(QStringLiteral("SELECT next_run_at FROM sync_pairs WHERE id = ?"));
    query.addBindValue(pairId);
    control.exec(query, "reading next_run_at");
    query.next();
    const QDateTime value = control.dialect().fromDb(query.value(0));
    query.finish();
    return value;
}

void setNextRunAt(db::Database &control, qint64 pairId, const QDateTime &at)
{
    QSqlQuery query
        = control.prepare(QStringLiteral("UPDATE sync_pairs SET next_run_at = ? WHERE id = ?"));
    query.addBindValue(control.dialect().toDb(at));
    query.addBindValue(pairId);
    control.exec(query, "setting next_run_at");
}

} // namespace

class TestNodes final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<NodeCluster> m_cluster;
    QString m_smallSource;
    qint64 m_smallSystem = 0;
    qint64 m_missedPair = 0;

    db::Database &control() { return m_cluster->control(); }

    QString describe(qint64 operationId)
    {
        sync::OperationQueue queue(control());
        QString text = QString::fromUtf8(QJsonDocument(queue.get(operationId).toJson()).toJson())
            + QLatin1Char('\n') + queue.logLines(operationId).join(QLatin1Char('\n'));
        return text + QLatin1Char('\n') + m_cluster->logs();
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString url = test::createScratchPostgresDatabase(QStringLiteral("nodes"));
        TF_REQUIRE_POSTGRES(url);
        m_cluster = std::make_unique<NodeCluster>(
            url,
            QHash<QString, QString> {
                { QStringLiteral("poll_interval_ms"), QStringLiteral("100") },
                { QStringLiteral("lease_ms"), QStringLiteral("3000") },
                { QStringLiteral("scheduler_interval_ms"), QStringLiteral("300") },
                { QStringLiteral("retry_base_ms"), QStringLiteral("200") },
            });
        m_smallSource = m_cluster->makeSource(QStringLiteral("small"), 200);
        m_smallSystem = m_cluster->addSystem(QStringLiteral("small source"), m_smallSource);

        // Due an hour ago, while no node was running: a missed run.
        m_missedPair = m_cluster->addPair(QStringLiteral("missed"), m_smallSystem, 100,
                                          QStringLiteral("0 3 * * *"));
        setNextRunAt(control(), m_missedPair, QDateTime::currentDateTimeUtc().addSecs(-3600));

        for (int i = 0; i < kNodes; ++i)
            QVERIFY2(m_cluster->startNode(i), qPrintable(m_cluster->logs()));
    }

    void cleanupTestCase() { m_cluster.reset(); }

    void healthShowsNodeAndWorkers()
    {
        for (int i = 0; i < kNodes; ++i) {
            const test::HttpResult health
                = test::http("GET", m_cluster->baseUrl(i) + QStringLiteral("/health"));
            QCOMPARE(health.status, 200);
            const QJsonObject body = health.json();
            QCOMPARE(body.value(QStringLiteral("node_id")).toString(), m_cluster->nodeId(i));
            const QJsonObject workers = body.value(QStringLiteral("workers")).toObject();
            QCOMPARE(workers.value(QStringLiteral("workers")).toInt(), 2);
            QCOMPARE(workers.value(QStringLiteral("lease_ms")).toInt(), 3000);
        }
    }

    void missedRunFiresOnceAtStartup()
    {
        QTRY_VERIFY2_WITH_TIMEOUT(!operationsOf(control(), m_missedPair).isEmpty()
                                      && finished(operationsOf(control(), m_missedPair).first()),
                                  qPrintable(m_cluster->logs()), 20000);
        QTest::qWait(1000); // a few more scheduler ticks on every node
        const QList<db::OperationRecord> operations = operationsOf(control(), m_missedPair);
        QCOMPARE(operations.size(), 1);
        QCOMPARE(operations.first().trigger, QStringLiteral("startup"));
        QCOMPARE(operations.first().status, QStringLiteral("completed"));
        QVERIFY(nextRunAt(control(), m_missedPair) > QDateTime::currentDateTimeUtc());
        QString why;
        QVERIFY2(NodeCluster::sameRows(m_smallSource,
                                       m_cluster->targetPath(QStringLiteral("missed")), &why),
                 qPrintable(why));
    }

    void twentyPairsRunExactlyOnce()
    {
        QList<qint64> pairs;
        QList<qint64> operations;
        for (int i = 0; i < 20; ++i)
            pairs << m_cluster->addPair(QStringLiteral("fleet-%1").arg(i), m_smallSystem, 50);
        sync::OperationQueue queue(control());
        for (qint64 pair : std::as_const(pairs)) {
            sync::EnqueueRequest request;
            request.pairId = pair;
            operations << queue.enqueue(request).id;
        }
        auto allFinished = [&] {
            for (qint64 id : std::as_const(operations)) {
                if (!finished(queue.get(id)))
                    return false;
            }
            return true;
        };
        QTRY_VERIFY2_WITH_TIMEOUT(allFinished(), qPrintable(m_cluster->logs()), 60000);
        QTest::qWait(500); // nothing else may start afterwards

        QSet<QString> nodes;
        for (int i = 0; i < pairs.size(); ++i) {
            const QList<db::OperationRecord> ofPair = operationsOf(control(), pairs.at(i));
            QCOMPARE(ofPair.size(), 1);
            const db::OperationRecord &record = ofPair.first();
            QCOMPARE(record.id, operations.at(i));
            QVERIFY2(record.status == QLatin1String("completed"), qPrintable(describe(record.id)));
            QCOMPARE(record.attempt, 1);
            QVERIFY(record.nodeId.startsWith(QStringLiteral("node-")));
            nodes.insert(record.nodeId);
            const QJsonObject totals = record.statistics.value(QStringLiteral("totals")).toObject();
            QCOMPARE(totals.value(QStringLiteral("inserted")).toInteger(), 200);
            const QString log = queue.logLines(record.id).join(QLatin1Char('\n'));
            QVERIFY2(log.contains(QStringLiteral("started on node ") + record.nodeId),
                     qPrintable(log));
            QVERIFY2(log.contains(QStringLiteral("entity parcel done: read 200, +200")),
                     qPrintable(log));
            QVERIFY2(log.contains(QStringLiteral("finished: completed")), qPrintable(log));
            QString why;
            QVERIFY2(NodeCluster::sameRows(m_smallSource,
                                           m_cluster->targetPath(QStringLiteral("fleet-%1").arg(i)),
                                           &why),
                     qPrintable(why));
        }
        qInfo("20 operations ran on %lld node(s): %s", static_cast<long long>(nodes.size()),
              qPrintable(QStringList(nodes.values()).join(QStringLiteral(", "))));
        QVERIFY2(nodes.size() >= 2, "the work was not shared between the nodes");
    }

    void scheduleFiresOnceWithThreeNodes()
    {
        // The schedule fires every minute: stay clear of a minute boundary from creating the
        // pair (its first due time is the next minute) to the end of the watch.
        const int second = QDateTime::currentDateTimeUtc().time().second();
        if (second >= 45)
            QTest::qWait((61 - second) * 1000);
        const qint64 pair = m_cluster->addPair(QStringLiteral("every-minute"), m_smallSystem, 100,
                                               QStringLiteral("* * * * *"));
        // A scheduler tick gives a new pair its next run.
        QTRY_VERIFY_WITH_TIMEOUT(nextRunAt(control(), pair).isValid(), 5000);
        QVERIFY(operationsOf(control(), pair).isEmpty());
        setNextRunAt(control(), pair, QDateTime::currentDateTimeUtc().addSecs(-2));
        QTRY_VERIFY2_WITH_TIMEOUT(!operationsOf(control(), pair).isEmpty(),
                                  qPrintable(m_cluster->logs()), 5000);
        QTest::qWait(2000); // six or more ticks of every node
        const QList<db::OperationRecord> operations = operationsOf(control(), pair);
        QCOMPARE(operations.size(), 1);
        QCOMPARE(operations.first().trigger, QStringLiteral("schedule"));
        const QDateTime next = nextRunAt(control(), pair);
        QVERIFY(next > QDateTime::currentDateTimeUtc());
        QCOMPARE(next.time().second(), 0);
        QTRY_VERIFY_WITH_TIMEOUT(finished(operationsOf(control(), pair).first()), 20000);
        QCOMPARE(operationsOf(control(), pair).first().status, QStringLiteral("completed"));
        QString why;
        QVERIFY2(NodeCluster::sameRows(m_smallSource,
                                       m_cluster->targetPath(QStringLiteral("every-minute")), &why),
                 qPrintable(why));
    }

    void killedNodeHandsItsOperationOver()
    {
        const QString bigSource = m_cluster->makeSource(QStringLiteral("big"), 60000);
        const qint64 bigSystem = m_cluster->addSystem(QStringLiteral("big source"), bigSource);
        const qint64 pair = m_cluster->addPair(QStringLiteral("big"), bigSystem, 100);
        sync::OperationQueue queue(control());
        sync::EnqueueRequest request;
        request.pairId = pair;
        const qint64 id = queue.enqueue(request).id;

        // Wait until it is well under way: running, and some batches applied (hash mode
        // stages every key first, then applies; heartbeats carry the running totals).
        auto underWay = [&] {
            const db::OperationRecord record = queue.get(id);
            const qint64 inserted = record.statistics.value(QStringLiteral("inserted")).toInteger();
            return record.status == QLatin1String("running") && inserted >= 2000;
        };
        QTRY_VERIFY2_WITH_TIMEOUT(underWay(), qPrintable(describe(id)), 20000);
        const db::OperationRecord before = queue.get(id);
        int victim = -1;
        for (int i = 0; i < kNodes; ++i) {
            if (m_cluster->nodeId(i) == before.leaseOwner)
                victim = i;
        }
        QVERIFY2(victim >= 0, qPrintable(describe(id)));
        m_cluster->node(victim).kill();
        QVERIFY(m_cluster->node(victim).waitFinished(5000));
        const qint64 insertedAtKill
            = before.statistics.value(QStringLiteral("inserted")).toInteger();
        QVERIFY2(insertedAtKill < 60000, "the run ended before the kill; make it longer");

        // Another node re-claims it after the lease (3 s) expires and finishes it.
        QTRY_VERIFY2_WITH_TIMEOUT(finished(queue.get(id)), qPrintable(describe(id)), 60000);
        const db::OperationRecord after = queue.get(id);
        QVERIFY2(after.status == QLatin1String("completed"), qPrintable(describe(id)));
        QVERIFY(after.nodeId != before.leaseOwner);
        QCOMPARE(after.attempt, 2);
        const QString log = queue.logLines(id).join(QLatin1Char('\n'));
        QVERIFY2(log.contains(
                     QStringLiteral("lease of node %1 expired; re-queued").arg(before.leaseOwner)),
                 qPrintable(log));
        QVERIFY2(log.contains(QStringLiteral("started on node %1 (attempt 2").arg(after.nodeId)),
                 qPrintable(log));
        QCOMPARE(operationsOf(control(), pair).size(), 1);
        qInfo("operation %lld, node %s killed after %lld rows:\n%s", static_cast<long long>(id),
              qPrintable(before.leaseOwner), static_cast<long long>(insertedAtKill),
              qPrintable(log));

        QString why;
        QVERIFY2(
            NodeCluster::sameRows(bigSource, m_cluster->targetPath(QStringLiteral("big")), &why),
            qPrintable(why));
    }
};

QTEST_GUILESS_MAIN(TestNodes)
#include "tst_nodes.moc"
