// A target database that goes down in the middle of a run (DESIGN.md sections 4 and 7): one
// real tf-syncd (SQLite control database, one worker) syncs a 50k-row SQLite table into a
// private PostgreSQL cluster; the test crashes that cluster (pg_ctl stop -m immediate) while
// the operation is applying batches. The target system's circuit breaker must open (GET
// /health), the operation must go back to the queue with a backoff rather than fail (a lost
// connection is transient), and once the cluster is back the same operation must complete
// with a target equal to the source row for row, and the breaker must close again.
#include "db/connection.h"
#include "temporarypostgres.h"
#include "testsupport.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTest>

#include <functional>
#include <memory>

using namespace tf;

namespace {

constexpr int kRows = 50000;
constexpr int kBatchSize = 100; // many small batches: the apply phase lasts seconds
const QString kSecretKey
    = QStringLiteral("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");

// Every column of a table in key order, as text (NULL shown as \N).
QStringList readRows(const QString &url, const QString &sql)
{
    db::Database database(db::DatabaseUrl::parse(url));
    QStringList rows;
    QSqlQuery query = database.prepare(sql);
    database.exec(query, "reading rows to compare");
    const int columns = query.record().count();
    while (query.next()) {
        QStringList values;
        for (int c = 0; c < columns; ++c) {
            const QVariant value = query.value(c);
            if (value.isNull())
                values << QStringLiteral("\\N");
            else if (value.typeId() == QMetaType::Double)
                values << QString::number(value.toDouble(), 'g', 17);
            else
                values << value.toString();
        }
        rows << values.join(QLatin1Char('|'));
    }
    query.finish();
    database.closeThreadConnection();
    return rows;
}

QString firstDifference(const QStringList &source, const QStringList &target)
{
    const qsizetype common = qMin(source.size(), target.size());
    for (qsizetype i = 0; i < common; ++i) {
        if (source.at(i) != target.at(i))
            return QStringLiteral("row %1: source '%2', target '%3'")
                .arg(i)
                .arg(source.at(i), target.at(i));
    }
    return QStringLiteral("source has %1 rows, target %2").arg(source.size()).arg(target.size());
}

// Polls `condition` every 50 ms until it holds or timeoutMs passes.
bool waitFor(const std::function<bool()> &condition, int timeoutMs)
{
    QElapsedTimer timer;
    timer.start();
    while (!condition()) {
        if (timer.elapsed() > timeoutMs)
            return false;
        QTest::qWait(50);
    }
    return true;
}

QJsonObject field(const char *target, const char *source)
{
    return { { QStringLiteral("target"), QLatin1String(target) },
             { QStringLiteral("source"), QLatin1String(source) } };
}

} // namespace

// Like QVERIFY2, but the (long) details of the operation are printed only on failure.
#define CIRCUIT_VERIFY(condition, operationId, what)                                        \
    do {                                                                                    \
        if (!(condition)) {                                                                 \
            QFAIL(qPrintable(QStringLiteral(what) + QStringLiteral("; ") + describe(operationId))); \
        }                                                                                   \
    } while (false)

class TestCircuit final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<test::TemporaryPostgres> m_target;
    std::unique_ptr<test::ServiceProcess> m_node;
    QString m_base;
    QString m_sourceUrl;
    qint64 m_targetSystem = 0;
    qint64 m_pair = 0;

    test::HttpResult call(const QByteArray &method, const QString &path,
                          const QJsonObject &body = {})
    {
        return test::http(method, m_base + path,
                          body.isEmpty() ? QByteArray()
                                         : QJsonDocument(body).toJson(QJsonDocument::Compact),
                          test::serviceHeaders({ { "Content-Type", "application/json" } }), 30000);
    }

    qint64 create(const QString &path, const QJsonObject &body)
    {
        const test::HttpResult result = call("POST", path, body);
        if (result.status != 201 && result.status != 200) {
            qWarning("POST %s: HTTP %d %s", qPrintable(path), result.status,
                     result.body.constData());
            return 0;
        }
        return result.json().value(QStringLiteral("id")).toInteger();
    }

    QJsonObject operation(qint64 id) { return call("GET", QStringLiteral("/sync-operations/%1").arg(id)).json(); }

    QString breakerState()
    {
        const QJsonObject breakers = call("GET", QStringLiteral("/health"))
                                         .json()
                                         .value(QStringLiteral("circuit_breakers"))
                                         .toObject();
        return breakers.value(QString::number(m_targetSystem))
            .toObject()
            .value(QStringLiteral("state"))
            .toString();
    }

    // Prints the operation, /health, the node's output and the server log (QTest cuts long
    // failure messages), and returns a one-line pointer to them.
    QString describe(qint64 id)
    {
        qWarning().noquote() << QString::fromUtf8(QJsonDocument(operation(id)).toJson())
                             << "\n--- health ---\n"
                             << QString::fromUtf8(call("GET", QStringLiteral("/health")).body)
                             << "\n--- tf-syncd ---\n"
                             << QString::fromUtf8(m_node->output().right(8000))
                             << "\n--- target server ---\n" << m_target->serverLog();
        return QStringLiteral("operation %1: details printed above").arg(id);
    }

    void makeSource()
    {
        db::Database source(db::DatabaseUrl::parse(m_sourceUrl));
        source.execDirect(QStringLiteral("CREATE TABLE parcel (id INTEGER PRIMARY KEY, name TEXT "
                                         "NOT NULL, value INTEGER NOT NULL, area REAL, note TEXT)"),
                          "creating the source table");
        db::Transaction transaction(source);
        QSqlQuery insert = source.prepare(
            QStringLiteral("INSERT INTO parcel (id, name, value, area, note) VALUES (?, ?, ?, ?, ?)"));
        for (int i = 1; i <= kRows; ++i) {
            insert.bindValue(0, i);
            insert.bindValue(1, QStringLiteral("parcel %1 on road %2").arg(i).arg(i % 97));
            insert.bindValue(2, qint64(i) * 7919 % 100000);
            insert.bindValue(3, double(i) * 0.25);
            insert.bindValue(4, i % 7 == 0 ? QVariant() : QVariant(QStringLiteral("note \"%1\", é").arg(i)));
            source.exec(insert, "inserting source rows");
        }
        insert.finish();
        transaction.commit();
        source.closeThreadConnection();
    }

    bool startNode()
    {
        QProcessEnvironment env = test::ServiceProcess::cleanEnvironment();
        env.insert(QStringLiteral("DATABASE_URL"),
                   QStringLiteral("sqlite://") + m_dir.filePath(QStringLiteral("control.db")));
        env.insert(QStringLiteral("TF_SECRET_KEY"), kSecretKey);
        env.insert(QStringLiteral("TF_NODE__ID"), QStringLiteral("circuit-node"));
        // Quick retries: 0.5 s, 1 s, 2 s, 4 s, 8 s, then 10 s (x0.8-1.2), ten attempts in
        // all, comfortably longer than the breaker's 30 s cool-down.
        const QList<QPair<const char *, const char *>> sync {
            { "WORKERS", "1" },          { "POLL_INTERVAL_MS", "100" },
            { "LEASE_MS", "4000" },      { "HEARTBEAT_MS", "1000" },
            { "MAX_ATTEMPTS", "10" },    { "RETRY_BASE_MS", "500" },
            { "RETRY_MAX_MS", "10000" }, { "SCHEDULER_INTERVAL_MS", "1000" },
        };
        for (const auto &[key, value] : sync)
            env.insert(QStringLiteral("TF_SYNC__") + QLatin1String(key), QLatin1String(value));
        const quint16 port = test::freePort();
        m_base = QStringLiteral("http://127.0.0.1:%1").arg(port);
        m_node = std::make_unique<test::ServiceProcess>(
            test::binary(QStringLiteral("tf-syncd")),
            QStringList { QStringLiteral("--port"), QString::number(port),
                          QStringLiteral("--data-dir"), m_dir.filePath(QStringLiteral("node")) },
            env);
        return m_node->start() && m_node->waitHealthy(m_base + QStringLiteral("/health/ready"), 30000);
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (test::TemporaryPostgres::binDir().isEmpty()) {
            if (test::postgresRequired())
                QFAIL("TF_REQUIRE_PG=1 but PostgreSQL is not installed in /usr/lib/postgresql");
            QSKIP("PostgreSQL is not installed: this test starts and stops its own cluster");
        }
        QVERIFY(m_dir.isValid());
        m_target = std::make_unique<test::TemporaryPostgres>();
        QVERIFY2(m_target->start(), qPrintable(m_target->error()));
        {
            db::Database target(db::DatabaseUrl::parse(m_target->url()));
            target.execDirect(QStringLiteral("CREATE TABLE parcel_copy (source_id BIGINT PRIMARY "
                                             "KEY, name TEXT NOT NULL, value BIGINT NOT NULL, "
                                             "area DOUBLE PRECISION, note TEXT)"),
                              "creating the target table");
            target.closeThreadConnection();
        }
        m_sourceUrl = QStringLiteral("sqlite://") + m_dir.filePath(QStringLiteral("source.db"));
        makeSource();
        QVERIFY2(startNode(), m_node ? m_node->output().right(4000).constData() : "no node");

        const qint64 source = create(
            QStringLiteral("/systems"),
            { { QStringLiteral("name"), QStringLiteral("parcels source") },
              { QStringLiteral("kind"), QStringLiteral("sqlite") },
              { QStringLiteral("settings"),
                QJsonObject { { QStringLiteral("path"), m_dir.filePath(QStringLiteral("source.db")) } } } });
        QVERIFY(source > 0);
        m_targetSystem = create(
            QStringLiteral("/systems"),
            { { QStringLiteral("name"), QStringLiteral("flaky target") },
              { QStringLiteral("kind"), QStringLiteral("postgres") },
              { QStringLiteral("settings"), QJsonObject { { QStringLiteral("url"), m_target->url() } } } });
        QVERIFY(m_targetSystem > 0);
        const QJsonObject entity {
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
                                           field("value", "value"), field("area", "area"),
                                           field("note", "note") } } } },
        };
        m_pair = create(QStringLiteral("/sync-pairs"),
                        { { QStringLiteral("name"), QStringLiteral("parcels to flaky target") },
                          { QStringLiteral("source_system"), source },
                          { QStringLiteral("target_system"), m_targetSystem },
                          { QStringLiteral("mode"), QStringLiteral("hash") },
                          { QStringLiteral("batch_size"), kBatchSize },
                          { QStringLiteral("entities"), QJsonArray { entity } } });
        QVERIFY(m_pair > 0);
    }

    void cleanupTestCase()
    {
        if (m_node) {
            m_node->terminate();
            if (!m_node->waitFinished(10000))
                m_node->kill();
        }
        m_node.reset();
        m_target.reset();
    }

    void targetOutageOpensCircuitAndRunCompletes()
    {
        const test::HttpResult started = call("POST", QStringLiteral("/sync/%1/start").arg(m_pair));
        QVERIFY2(started.status == 202, started.body.constData());
        const qint64 id = started.json().value(QStringLiteral("id")).toInteger();
        QVERIFY(id > 0);

        // Well under way: running, batches written to the target. (The percentage stays 0
        // until an entity ends - the engine reports no fraction within an entity - so the
        // running totals of the heartbeats tell how far it got.)
        auto underWay = [&] {
            const QJsonObject op = operation(id);
            const qint64 inserted = op.value(QStringLiteral("statistics"))
                                        .toObject()
                                        .value(QStringLiteral("inserted"))
                                        .toInteger();
            return op.value(QStringLiteral("status")).toString() == QLatin1String("running")
                && inserted >= 2000;
        };
        CIRCUIT_VERIFY(waitFor(underWay, 60000), id, "the operation did not get under way");
        const QJsonObject before = operation(id);
        m_target->crash();
        QVERIFY2(!m_target->isRunning(), qPrintable(m_target->error()));
        QElapsedTimer outage;
        outage.start();
        qInfo("target crashed after %lld of %d rows were inserted",
              static_cast<long long>(before.value(QStringLiteral("statistics")).toObject()
                                         .value(QStringLiteral("inserted")).toInteger()), kRows);

        // The breaker opens and the operation waits in the queue; it must never fail.
        bool sawOpen = false;
        bool sawQueued = false;
        QString lastError;
        QJsonObject op;
        while (outage.elapsed() < 20000 && !(sawOpen && sawQueued)) {
            op = operation(id);
            const QString status = op.value(QStringLiteral("status")).toString();
            CIRCUIT_VERIFY(status == QLatin1String("running") || status == QLatin1String("queued"),
                           id, "the operation left the queue while the target was down (a lost "
                               "connection is transient)");
            if (status == QLatin1String("queued")) {
                sawQueued = true;
                lastError = op.value(QStringLiteral("error"))[QStringLiteral("message")].toString(); // {code, message}
            }
            sawOpen = sawOpen || breakerState() == QLatin1String("open");
            QTest::qWait(100);
        }
        qInfo("after %.1f s: breaker %s, operation %s (attempt %d), last error: %s",
              double(outage.elapsed()) / 1000.0, sawOpen ? "opened" : "never opened",
              sawQueued ? "re-queued" : "never re-queued",
              op.value(QStringLiteral("attempt")).toInt(), qPrintable(lastError));
        // (Whether the breaker opened is asserted after the recovery, so a failure there
        // still shows whether the rest of the story holds.)
        CIRCUIT_VERIFY(sawQueued, id, "the operation never went back to the queue");
        CIRCUIT_VERIFY(!lastError.isEmpty(), id, "the re-queued operation shows no error");

        QVERIFY2(m_target->restart(), qPrintable(m_target->error()));
        qInfo("target back after %.1f s", double(outage.elapsed()) / 1000.0);

        auto finished = [&] {
            const QString status = operation(id).value(QStringLiteral("status")).toString();
            return status != QLatin1String("running") && status != QLatin1String("queued");
        };
        CIRCUIT_VERIFY(waitFor(finished, 150000), id, "the operation did not finish after the target came back");
        const QJsonObject done = operation(id);
        qInfo("operation finished %.1f s after the crash, attempt %d",
              double(outage.elapsed()) / 1000.0, done.value(QStringLiteral("attempt")).toInt());
        CIRCUIT_VERIFY(done.value(QStringLiteral("status")).toString() == QLatin1String("completed"),
                       id, "the operation did not complete");
        CIRCUIT_VERIFY(done.value(QStringLiteral("attempt")).toInt() > 1, id,
                       "the operation completed without another attempt");
        const QString log = done.value(QStringLiteral("log")).toVariant().toStringList().join(QLatin1Char('\n'));
        QVERIFY2(log.contains(QStringLiteral("failed (transient)")), qPrintable(log));
        QVERIFY2(!log.contains(QStringLiteral("failed (permanent)")), qPrintable(log));

        // Exact data: every row once, every column equal.
        const QStringList source = readRows(
            m_sourceUrl, QStringLiteral("SELECT id, name, value, area, note FROM parcel ORDER BY id"));
        const QStringList target = readRows(
            m_target->url(),
            QStringLiteral("SELECT source_id, name, value, area, note FROM parcel_copy ORDER BY source_id"));
        QCOMPARE(source.size(), kRows);
        QVERIFY2(source == target, qPrintable(firstDifference(source, target)));

        CIRCUIT_VERIFY(sawOpen, id,
                       "the target's circuit breaker never opened while the target was down");
        // The successful calls closed the breaker again.
        QTRY_COMPARE_WITH_TIMEOUT(breakerState(), QStringLiteral("closed"), 10000);
    }
};

QTEST_GUILESS_MAIN(TestCircuit)
#include "tst_circuit.moc"
