// Chunked initial loads (issue 16 item 5) with two real tf-syncd processes, one worker each,
// on one scratch PostgreSQL control database, moving a PostgreSQL table to another database:
// a full load split into key-range chunks that both nodes work on gives an exact target (row
// count and checksum equal to the source), a hash run after it finds nothing to do, and a
// second full run deletes what the source lost (the sweep); a node SIGKILLed while it holds
// a chunk loses nothing: after its lease the other node claims the chunk and resumes it after
// its checkpoint, and the target is still exact.
#include "core/secretbox.h"
#include "db/connection.h"
#include "db/repositories/syncpairrepository.h"
#include "sync/definition/pairrecord.h"
#include "sync/definition/syncpairdefinition.h"
#include "sync/queue/operationqueue.h"
#include "sync/systems/systemdefinition.h"
#include "sync/systems/systemregistry.h"
#include "tst_chunks_support.h"
#include "tst_nodes_cluster.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QSqlQuery>
#include <QTest>
#include <QThread>
#include <csignal>
#include <functional>
#include <limits>
#include <sys/types.h>

using namespace tf;
using namespace chunktest;

namespace {

constexpr int kRows = 60000;

// Whether /proc says process pid is stopped (state T).
bool isStopped(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return true; // gone: it does nothing either
    const QByteArray text = stat.readAll();
    const qsizetype close = text.lastIndexOf(')');
    return close > 0 && text.size() > close + 2 && text.at(close + 2) == 'T';
}

// Every running node SIGSTOPped while a test looks at the chunks and, if it finds the one it
// wants, kills that node: nothing moves between the look and the kill, however loaded the
// machine. The others go on (SIGCONT) when this ends.
class FrozenNodes final
{
public:
    explicit FrozenNodes(NodeCluster &cluster) : m_cluster(cluster)
    {
        for (int i = 0; i < cluster.nodeCount(); ++i) {
            if (cluster.node(i).process().state() == QProcess::Running && ::kill(pid_t(cluster.node(i).pid()), SIGSTOP) == 0)
                m_stopped << i;
        }
        for (int tries = 0; tries < 200; ++tries) {
            bool all = true;
            for (int i : std::as_const(m_stopped))
                all = all && isStopped(cluster.node(i).pid());
            if (all)
                break;
            QThread::msleep(5);
        }
    }
    ~FrozenNodes()
    {
        for (int i : std::as_const(m_stopped))
            ::kill(pid_t(m_cluster.node(i).pid()), SIGCONT);
    }
    void kill(int index)
    {
        m_cluster.node(index).kill();
        m_stopped.removeAll(index);
    }

private:
    NodeCluster &m_cluster;
    QList<int> m_stopped;
};

// Lets the nodes run in slices of `sliceMs` between looks (each look with every node stopped:
// FrozenNodes) until `caught()` has caught what it looks for, for at most `timeoutMs`. A window
// of a few 150-row batches lasts ~15 ms here; polling every 50 ms with the nodes running missed
// all of a load's windows in one CI run in ten.
bool stepUntil(const std::function<bool()> &caught, int timeoutMs, int sliceMs = 3)
{
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < timeoutMs) {
        if (caught())
            return true;
        QCoreApplication::processEvents();
        QThread::msleep(sliceMs);
    }
    return false;
}

} // namespace

class TestChunks final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<NodeCluster> m_cluster;
    QString m_sourceUrl;
    qint64 m_sourceSystem = 0;

    db::Database &control() { return m_cluster->control(); }

    QString describe(qint64 operationId)
    {
        sync::OperationQueue queue(control());
        QString text = QString::fromUtf8(QJsonDocument(queue.get(operationId).toJson()).toJson())
            + QLatin1Char('\n') + queue.logLines(operationId).join(QLatin1Char('\n'));
        return text + QLatin1Char('\n') + m_cluster->logs();
    }

    qint64 addSystem(const QString &name, const QString &url)
    {
        SecretBox box(QByteArray::fromHex(kSecretKey.toLatin1()));
        sync::SystemRegistry systems(control(), box);
        sync::SystemDefinition system;
        system.name = name;
        system.kind = QStringLiteral("postgres");
        system.settings = QJsonObject { { QStringLiteral("url"), url } };
        return systems.create(system);
    }

    // A target database with an empty parcel_copy, its system, and a hash-mode pair.
    qint64 addPair(const QString &name, int batchSize, QString *targetUrl, int workersPerPair = 2)
    {
        *targetUrl = test::createScratchPostgresDatabase(QStringLiteral("chunkdst"));
        exec(*targetUrl, { QStringLiteral("CREATE TABLE parcel_copy (source_id bigint PRIMARY KEY, "
                                          "name text NOT NULL, value numeric(12,3), "
                                          "measured_at timestamptz, note text)") });
        const qint64 target = addSystem(name + QStringLiteral(" target"), *targetUrl);
        auto field = [](const char *to, const char *from) {
            return QJsonObject { { QStringLiteral("target"), QLatin1String(to) },
                                 { QStringLiteral("source"), QLatin1String(from) } };
        };
        const QJsonObject json {
            { QStringLiteral("name"), name },
            { QStringLiteral("source_system_id"), m_sourceSystem },
            { QStringLiteral("target_system_id"), target },
            { QStringLiteral("mode"), QStringLiteral("hash") },
            { QStringLiteral("batch_size"), batchSize },
            { QStringLiteral("workers_per_pair"), workersPerPair },
            { QStringLiteral("entities"),
              QJsonArray { QJsonObject {
                  { QStringLiteral("name"), QStringLiteral("parcel") },
                  { QStringLiteral("source"),
                    QJsonObject { { QStringLiteral("entity"), QStringLiteral("parcel") },
                                  { QStringLiteral("key"), QJsonArray { QStringLiteral("id") } } } },
                  { QStringLiteral("target"),
                    QJsonObject { { QStringLiteral("entity"), QStringLiteral("parcel_copy") },
                                  { QStringLiteral("key"), QJsonArray { QStringLiteral("source_id") } } } },
                  { QStringLiteral("mapping"),
                    QJsonObject { { QStringLiteral("fields"),
                                    QJsonArray { field("source_id", "id"), field("name", "name"),
                                                 field("value", "value"), field("measured_at", "measured_at"),
                                                 field("note", "note") } } } },
              } } },
        };
        db::SyncPairRepository pairs(control());
        return pairs.insert(sync::pairRecordFrom(sync::SyncPairDefinition::parse(json)));
    }

    qint64 enqueue(qint64 pair, const QString &mode)
    {
        sync::OperationQueue queue(control());
        sync::EnqueueRequest request;
        request.pairId = pair;
        request.mode = mode;
        return queue.enqueue(request).id;
    }

    db::OperationRecord waitFinished(qint64 id)
    {
        sync::OperationQueue queue(control());
        [&] { QTRY_VERIFY2_WITH_TIMEOUT(finished(queue.get(id)), qPrintable(describe(id)), 120000); }();
        return queue.get(id);
    }

    // kRows until chunkedFullLoadIsExact deletes some.
    qint64 sourceRows() { return sourceFingerprint().section(QLatin1Char('|'), 0, 0).toLongLong(); }

    QString sourceFingerprint() { return fingerprint(m_sourceUrl, QStringLiteral("parcel"), QStringLiteral("id")); }

private Q_SLOTS:
    void initTestCase()
    {
        const QString url = test::createScratchPostgresDatabase(QStringLiteral("chunks"));
        TF_REQUIRE_POSTGRES(url);
        // Two nodes of one worker each: every chunk one of them does not run, the other does.
        m_cluster = std::make_unique<NodeCluster>(
            url, QHash<QString, QString> {
                     { QStringLiteral("workers"), QStringLiteral("1") },
                     { QStringLiteral("poll_interval_ms"), QStringLiteral("100") },
                     { QStringLiteral("lease_ms"), QStringLiteral("3000") },
                     { QStringLiteral("retry_base_ms"), QStringLiteral("200") },
                     { QStringLiteral("chunk_rows"), QStringLiteral("8000") },
                     { QStringLiteral("scheduler"), QStringLiteral("false") },
                 });
        m_sourceUrl = test::createScratchPostgresDatabase(QStringLiteral("chunksrc"));
        // Values a sloppy copy would alter: numeric scale, microseconds, NULLs, negative keys.
        exec(m_sourceUrl,
             { QStringLiteral("CREATE TABLE parcel (id bigint PRIMARY KEY, name text NOT NULL, "
                              "value numeric(12,3), measured_at timestamptz, note text)"),
               QStringLiteral("INSERT INTO parcel SELECT g - 500, 'parcel ' || g, (g * 7 % 1000) / 8.0, "
                              "timestamptz '2024-01-01 00:00:00.000001+00' + g * interval '1.000001 second', "
                              "CASE WHEN g % 5 = 0 THEN NULL ELSE 'n' || (g % 97) END "
                              "FROM generate_series(1, %1) AS g")
                   .arg(kRows),
               QStringLiteral("ANALYZE parcel") });
        m_sourceSystem = addSystem(QStringLiteral("chunk source"), m_sourceUrl);
        for (int i = 0; i < 2; ++i)
            QVERIFY2(m_cluster->startNode(i), qPrintable(m_cluster->logs()));
    }

    void cleanupTestCase() { m_cluster.reset(); }

    void chunkedFullLoadIsExact()
    {
        QString targetUrl;
        const qint64 pair = addPair(QStringLiteral("chunked"), 1000, &targetUrl);
        const qint64 id = enqueue(pair, QStringLiteral("full"));
        const db::OperationRecord done = waitFinished(id);
        QVERIFY2(done.status == QLatin1String("completed"), qPrintable(describe(id)));
        QCOMPARE(fingerprint(targetUrl, QStringLiteral("parcel_copy"), QStringLiteral("source_id")),
                 sourceFingerprint());

        // 60,000 rows over chunk_rows 8,000: 8 chunks, all done, run by both processes.
        const QList<ChunkRow> chunks = chunksOf(control(), id);
        QCOMPARE(chunks.size(), 8);
        QSet<QString> nodes;
        qint64 rows = 0;
        for (const ChunkRow &chunk : chunks) {
            QCOMPARE(chunk.status, QStringLiteral("done"));
            nodes.insert(chunk.nodeId);
            rows += chunk.rowsDone;
        }
        QCOMPARE(rows, qint64(kRows));
        QVERIFY2(nodes.size() == 2, qPrintable(describe(id)));
        QCOMPARE(totals(done).value(QStringLiteral("inserted")).toInteger(), qint64(kRows));
        QCOMPARE(done.progress, 100.0);

        // The state the chunks wrote is the state hash mode compares: nothing to do.
        const qint64 hashRun = enqueue(pair, QString());
        const db::OperationRecord unchanged = waitFinished(hashRun);
        QVERIFY2(unchanged.status == QLatin1String("completed"), qPrintable(describe(hashRun)));
        QCOMPARE(totals(unchanged).value(QStringLiteral("unchanged")).toInteger(), qint64(kRows));
        QCOMPARE(totals(unchanged).value(QStringLiteral("updated")).toInteger(), qint64(0));
        QVERIFY(chunksOf(control(), hashRun).isEmpty()); // a run with state compares, in one piece

        // A full run after the source lost and changed rows: chunked again, then the sweep.
        exec(m_sourceUrl, { QStringLiteral("DELETE FROM parcel WHERE id % 600 = 0"),
                            QStringLiteral("UPDATE parcel SET note = 'changed' WHERE id % 1000 = 7") });
        const qint64 second = enqueue(pair, QStringLiteral("full"));
        const db::OperationRecord swept = waitFinished(second);
        QVERIFY2(swept.status == QLatin1String("completed"), qPrintable(describe(second)));
        QCOMPARE(chunksOf(control(), second).size(), 8);
        QCOMPARE(totals(swept).value(QStringLiteral("deleted")).toInteger(), qint64(100));
        QCOMPARE(fingerprint(targetUrl, QStringLiteral("parcel_copy"), QStringLiteral("source_id")),
                 sourceFingerprint());
    }

    void oneWorkerPerPairLoadsInOnePiece()
    {
        // workers_per_pair 1 caps the chunks running at once at one, on every node: in turn they
        // would only be slower than the full path's single pass, so the load is not chunked.
        QString targetUrl;
        const qint64 pair = addPair(QStringLiteral("one at a time"), 1000, &targetUrl, 1);
        const qint64 id = enqueue(pair, QStringLiteral("full"));
        const db::OperationRecord done = waitFinished(id);
        QVERIFY2(done.status == QLatin1String("completed"), qPrintable(describe(id)));
        QVERIFY2(chunksOf(control(), id).isEmpty(), qPrintable(describe(id)));
        QCOMPARE(totals(done).value(QStringLiteral("inserted")).toInteger(), sourceRows());
        QCOMPARE(fingerprint(targetUrl, QStringLiteral("parcel_copy"), QStringLiteral("source_id")),
                 sourceFingerprint());
    }

    void killedWorkerLosesNothing()
    {
        // A first run (no state yet) of a hash-mode pair is chunked too; small batches make
        // each chunk long enough to be caught mid-way.
        QString targetUrl;
        const qint64 pair = addPair(QStringLiteral("killed"), 150, &targetUrl);
        const qint64 id = enqueue(pair, QString());
        sync::OperationQueue queue(control());

        // A chunk running on the node that is not the operation's coordinator, with some
        // batches committed (a checkpoint) and rows left.
        int victim = -1;
        ChunkRow caught;
        double progress = 0;
        auto midChunk = [&] {
            FrozenNodes frozen(*m_cluster);
            const db::OperationRecord operation = queue.get(id);
            if (operation.status != QLatin1String("running"))
                return false;
            progress = operation.progress;
            for (const ChunkRow &chunk : chunksOf(control(), id)) {
                if (chunk.status == QLatin1String("running") && chunk.nodeId != operation.leaseOwner
                    && !chunk.checkpoint.isEmpty() && chunk.rowsDone >= 600 && chunk.rowsDone < 6000
                    && progress > 0) {
                    caught = chunk;
                    victim = chunk.nodeId == m_cluster->nodeId(0) ? 0 : 1;
                    frozen.kill(victim);
                    return true;
                }
            }
            return false;
        };
        QVERIFY2(stepUntil(midChunk, 60000), qPrintable(describe(id)));
        // Progress (rows done over the estimate) moved during the load, not only at its end.
        QVERIFY2(progress > 0 && progress < 100, qPrintable(describe(id)));
        QVERIFY(m_cluster->node(victim).waitFinished(5000));

        // The other node claims the chunk after its lease (3 s) and resumes it.
        const db::OperationRecord done = waitFinished(id);
        QVERIFY2(done.status == QLatin1String("completed"), qPrintable(describe(id)));
        QCOMPARE(fingerprint(targetUrl, QStringLiteral("parcel_copy"), QStringLiteral("source_id")),
                 sourceFingerprint());
        ChunkRow after;
        for (const ChunkRow &chunk : chunksOf(control(), id)) {
            QCOMPARE(chunk.status, QStringLiteral("done"));
            if (chunk.chunkNo == caught.chunkNo)
                after = chunk;
        }
        QVERIFY2(after.attempt >= 2, qPrintable(describe(id)));
        QVERIFY(after.nodeId != m_cluster->nodeId(victim));
        const QString log = queue.logLines(id).join(QLatin1Char('\n'));
        QVERIFY2(log.contains(QStringLiteral("chunk %1/8 of parcel").arg(caught.chunkNo))
                     && log.contains(QStringLiteral("resumed after key")),
                 qPrintable(log));
        qInfo("operation %lld: node %s killed in chunk %d after %lld rows:\n%s", static_cast<long long>(id),
              qPrintable(m_cluster->nodeId(victim)), caught.chunkNo, static_cast<long long>(caught.rowsDone),
              qPrintable(log));
    }

    void killBetweenDataAndStateLosesNothing()
    {
        for (int i = 0; i < 2; ++i) {
            if (m_cluster->node(i).process().state() == QProcess::NotRunning)
                QVERIFY2(m_cluster->startNode(i), qPrintable(m_cluster->logs()));
        }
        // A chunk writes its batches first and their state set-based every
        // ChunkExecutor::kApplyEvery (16) batches: caught 1 - 7 batches of 150 rows after a
        // state apply, its node dies with rows in the target that the state does not know yet.
        // (CI once caught a chunk 2 batches before its end, which applied the state first.)
        QString targetUrl;
        const qint64 pair = addPair(QStringLiteral("killed before state"), 150, &targetUrl);
        const qint64 id = enqueue(pair, QString());
        sync::OperationQueue queue(control());
        int victim = -1;
        int chunkNo = 0;
        QString from;
        QString to;
        // A chunk also applies its state when it ends, so the one caught must have at least
        // 13 batches (2000 rows) still to read: the kill lands long before its next apply.
        const qint64 perChunk = sourceRows() / 8;
        auto betweenDataAndState = [&] {
            FrozenNodes frozen(*m_cluster);
            const db::OperationRecord operation = queue.get(id);
            if (operation.status != QLatin1String("running"))
                return false;
            QSqlQuery query = control().prepare(QStringLiteral(
                "SELECT chunk_no, node_id, rows_done, statistics, key_from, key_to FROM operation_chunks "
                "WHERE operation_id = ? AND status = 'running' AND checkpoint_key IS NOT NULL"));
            query.addBindValue(id);
            control().exec(query, "reading chunks");
            while (query.next()) {
                const QString node = query.value(1).toString();
                const qint64 rowsDone = query.value(2).toLongLong();
                const qint64 atCheckpoint = QJsonDocument::fromJson(query.value(3).toString().toUtf8())
                                                .object()
                                                .value(QStringLiteral("read"))
                                                .toInteger();
                const qint64 ahead = rowsDone - atCheckpoint;
                if (node != operation.leaseOwner && atCheckpoint > 0 && ahead >= 150 && ahead <= 1050
                    && rowsDone + 2000 <= perChunk) {
                    chunkNo = query.value(0).toInt();
                    victim = node == m_cluster->nodeId(0) ? 0 : 1;
                    from = query.value(4).toString();
                    to = query.value(5).toString();
                    frozen.kill(victim);
                    return true;
                }
            }
            return false;
        };
        QVERIFY2(stepUntil(betweenDataAndState, 60000), qPrintable(describe(id)));
        QVERIFY(m_cluster->node(victim).waitFinished(5000));

        // Nobody holds the chunk now (its lease runs 3 s): the target has rows of its range
        // whose state is not written.
        const auto countIn = [&](const QString &sql) {
            db::Database target(db::DatabaseUrl::parse(targetUrl));
            QSqlQuery query = target.prepare(sql);
            query.addBindValue(from.toLongLong());
            query.addBindValue(to.isEmpty() ? std::numeric_limits<qint64>::max() : to.toLongLong());
            target.exec(query, "counting a chunk's rows");
            query.next();
            const qint64 count = query.value(0).toLongLong();
            query.finish();
            target.closeThreadConnection();
            return count;
        };
        const qint64 rows = countIn(QStringLiteral(
            "SELECT count(*) FROM parcel_copy WHERE source_id >= ? AND source_id < ?"));
        const qint64 known = countIn(QStringLiteral(
            "SELECT count(*) FROM tf_sync_state WHERE entity = 'parcel' AND source_key::bigint >= ? "
            "AND source_key::bigint < ?"));
        QVERIFY2(rows > known && known > 0, qPrintable(QStringLiteral("chunk %1: %2 rows, %3 states")
                                                           .arg(chunkNo).arg(rows).arg(known)));

        const db::OperationRecord done = waitFinished(id);
        QVERIFY2(done.status == QLatin1String("completed"), qPrintable(describe(id)));
        QCOMPARE(fingerprint(targetUrl, QStringLiteral("parcel_copy"), QStringLiteral("source_id")),
                 sourceFingerprint());
        const QString log = queue.logLines(id).join(QLatin1Char('\n'));
        QVERIFY2(log.contains(QStringLiteral("chunk %1/8 of parcel").arg(chunkNo))
                     && log.contains(QStringLiteral("resumed after key")),
                 qPrintable(log));
        // Every row's state is there and right: a hash run finds nothing to do.
        const qint64 hashRun = enqueue(pair, QString());
        const db::OperationRecord unchanged = waitFinished(hashRun);
        QVERIFY2(unchanged.status == QLatin1String("completed"), qPrintable(describe(hashRun)));
        QCOMPARE(totals(unchanged).value(QStringLiteral("unchanged")).toInteger(), sourceRows());
        QCOMPARE(totals(unchanged).value(QStringLiteral("inserted")).toInteger(), qint64(0));
        QCOMPARE(totals(unchanged).value(QStringLiteral("updated")).toInteger(), qint64(0));
        QCOMPARE(totals(unchanged).value(QStringLiteral("deleted")).toInteger(), qint64(0));
        QCOMPARE(totals(done).value(QStringLiteral("inserted")).toInteger()
                     + totals(done).value(QStringLiteral("updated")).toInteger()
                     + totals(done).value(QStringLiteral("unchanged")).toInteger(),
                 sourceRows());
    }
};

QTEST_GUILESS_MAIN(TestChunks)
#include "tst_chunks.moc"
