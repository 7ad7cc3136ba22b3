// Progress within an entity in cursor and full mode (issue 16 item 6) against a real
// PostgreSQL: PostgresConnector::estimateRows from statistics, a small-table count and a count
// past the checkpoint, and the progress reports of whole runs with a small batch size.
#include "db/connection.h"
#include "db/controldatabase.h"
#include "sync/connectors/postgresconnector.h"
#include "sync/engine/quarantinestore.h"
#include "sync/engine/syncrunner.h"
#include "pgsyncworld.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QtTest>

using namespace tf::sync;
using namespace Qt::StringLiterals;

namespace {

const QString kSrc = u"progress src"_s;
const QString kDst = u"progress dst"_s;

QString describe(const RunResult &result)
{
    return QString::fromUtf8(QJsonDocument(result.toJson()).toJson(QJsonDocument::Compact));
}

QString percents(const QList<RunProgress> &reports)
{
    QStringList list;
    for (const RunProgress &report : reports)
        list << QString::number(report.percent, 'f', 1);
    return list.join(u' ');
}

} // namespace

class TestProgressEstimate final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void estimatesFromStatisticsOrASmallCount();
    void fullRunMovesWithinTheEntity();
    void cursorRunMovesWithinTheEntity();

private:
    void sql(const QString &statement) { m_world.admin->execDirect(statement, "test setup"); }
    void createTables(const QString &name, int rows);
    PairSpec pair(const QString &name, ChangeMode mode) const;
    // Runs the pair with batch size 50, recording every progress report.
    RunResult run(const PairSpec &spec, QList<RunProgress> *reports);
    static void checkMovesWithin(const QList<RunProgress> &reports, qsizetype readBatches);

    QString m_url;
    tf::test::PgSyncWorld m_world;
};

void TestProgressEstimate::initTestCase()
{
    m_url = tf::test::createScratchPostgresDatabase(u"tfprog"_s);
    TF_REQUIRE_POSTGRES(m_url);
    QVERIFY(m_world.open(m_url, kSrc, kDst));
}

void TestProgressEstimate::cleanupTestCase()
{
    m_world.close();
}

void TestProgressEstimate::createTables(const QString &name, int rows)
{
    // No autovacuum: the statistics are what the test says (ANALYZE or none).
    const QString columns = u"(id int8 PRIMARY KEY, seq int8 NOT NULL, payload text)"_s;
    sql(u"CREATE TABLE \"%1\".\"%2\" %3 WITH (autovacuum_enabled = false)"_s.arg(kSrc, name, columns));
    sql(u"CREATE TABLE \"%1\".\"%2\" %3"_s.arg(kDst, name, columns));
    sql(u"INSERT INTO \"%1\".\"%2\" SELECT g, g, repeat('x', 40) FROM generate_series(1, %3) g"_s
            .arg(kSrc, name)
            .arg(rows));
}

PairSpec TestProgressEstimate::pair(const QString &name, ChangeMode mode) const
{
    EntitySpec entity;
    entity.name = name;
    entity.sourceEntity = name;
    entity.sourceKey = { u"id"_s };
    entity.targetEntity = name;
    entity.targetKey = { u"id"_s };
    QJsonArray fields;
    for (const QString &column : { u"id"_s, u"seq"_s, u"payload"_s })
        fields.append(QJsonObject { { u"target"_s, column }, { u"source"_s, column } });
    entity.mapping = QJsonObject { { u"fields"_s, fields } };
    entity.mode = mode;
    entity.cursorColumn = u"seq"_s;
    PairSpec spec;
    spec.pairId = name;
    spec.sourceSystem = name + u"-source"_s;
    spec.targetSystem = name + u"-target"_s;
    spec.batchSize = 50;
    spec.entities = { entity };
    return spec;
}

RunResult TestProgressEstimate::run(const PairSpec &spec, QList<RunProgress> *reports)
{
    SyncRunner runner(spec, *m_world.src, *m_world.dst, *m_world.quarantine);
    RunOptions options;
    options.progress = [reports](const RunProgress &progress) { *reports << progress; };
    return runner.run(options);
}

void TestProgressEstimate::checkMovesWithin(const QList<RunProgress> &reports, qsizetype readBatches)
{
    // One report per batch read, then the entity's end at 100 %; during the read the
    // fraction rises with every batch, strictly between 0 and 100 %, with an ETA.
    QVERIFY2(reports.size() > readBatches, qPrintable(percents(reports)));
    QCOMPARE(reports.constLast().percent, 100.0);
    double previous = 0;
    for (qsizetype i = 0; i < readBatches; ++i) {
        const RunProgress &report = reports.at(i);
        QVERIFY2(report.percent > previous && report.percent < 100.0, qPrintable(percents(reports)));
        QVERIFY2(report.etaSeconds >= 0, qPrintable(QString::number(report.etaSeconds)));
        previous = report.percent;
    }
    for (qsizetype i = readBatches; i + 1 < reports.size(); ++i) // deletes or reconciliation
        QVERIFY2(reports.at(i).percent >= previous && reports.at(i).percent < 100.0, qPrintable(percents(reports)));
}

void TestProgressEstimate::estimatesFromStatisticsOrASmallCount()
{
    const QString name = u"estimates"_s;
    createTables(name, 1234);
    ReadRequest request;
    request.entity = name;
    request.keyColumns = { u"id"_s };
    // Never analyzed (reltuples -1) and small: counted.
    QCOMPARE(m_world.src->estimateRows(request, {}, std::nullopt), 1234);
    sql(u"ANALYZE \"%1\".\"%2\""_s.arg(kSrc, name));
    QCOMPARE(m_world.src->estimateRows(request, {}, std::nullopt), 1234); // reltuples, exact for 1234 rows
    // Grown since ANALYZE: scaled by the pages the table has now, not the rows it had then.
    sql(u"INSERT INTO \"%1\".\"%2\" SELECT g, g, repeat('x', 40) FROM generate_series(1235, 2468) g"_s.arg(kSrc, name));
    const qint64 grown = m_world.src->estimateRows(request, {}, std::nullopt);
    QVERIFY2(grown > 2000 && grown < 3000, qPrintable(QString::number(grown)));
    // Past a cursor checkpoint: a count of exactly what readSince returns.
    Checkpoint checkpoint { qint64(2000), { qint64(2000) } };
    QCOMPARE(m_world.src->estimateRows(request, u"seq"_s, checkpoint), 468);
    Checkpoint withoutKey { qint64(2000), {} }; // the cursor's ties are read again: >=
    QCOMPARE(m_world.src->estimateRows(request, u"seq"_s, withoutKey), 469);
    // No checkpoint yet: the whole table.
    QCOMPARE(m_world.src->estimateRows(request, u"seq"_s, std::nullopt), grown);
    // A table that does not exist is an error (the run then goes on without an estimate).
    request.entity = u"no such table"_s;
    QVERIFY_THROWS_EXCEPTION(tf::Error, m_world.src->estimateRows(request, {}, std::nullopt));
}

void TestProgressEstimate::fullRunMovesWithinTheEntity()
{
    const QString name = u"full run"_s;
    createTables(name, 1000);
    sql(u"ANALYZE \"%1\".\"%2\""_s.arg(kSrc, name));
    QList<RunProgress> reports;
    const RunResult result = run(pair(name, ChangeMode::Full), &reports);
    QVERIFY2(result.status == RunStatus::Completed, qPrintable(describe(result)));
    QCOMPARE(result.totals.inserted, 1000);
    checkMovesWithin(reports, 20);
    QCOMPARE(reports.at(9).percent, 50.0); // 500 of 1000 rows read
    QCOMPARE(reports.at(19).percent, 99.0); // all read, the entity not yet ended
}

void TestProgressEstimate::cursorRunMovesWithinTheEntity()
{
    const QString name = u"cursor run"_s;
    createTables(name, 1000);
    QList<RunProgress> reports;
    RunResult result = run(pair(name, ChangeMode::Cursor), &reports);
    QVERIFY2(result.status == RunStatus::Completed, qPrintable(describe(result)));
    QCOMPARE(result.totals.inserted, 1000);
    checkMovesWithin(reports, 20); // first run: the table's size (counted: never analyzed)

    // 300 rows move past the checkpoint: the next run's estimate is their count.
    sql(u"UPDATE \"%1\".\"%2\" SET seq = seq + 5000, payload = 'changed' WHERE id <= 300"_s.arg(kSrc, name));
    reports.clear();
    result = run(pair(name, ChangeMode::Cursor), &reports);
    QVERIFY2(result.status == RunStatus::Completed, qPrintable(describe(result)));
    QCOMPARE(result.totals.updated, 300);
    checkMovesWithin(reports, 6);
    QCOMPARE(reports.at(2).percent, 50.0); // 150 of 300
}

QTEST_GUILESS_MAIN(TestProgressEstimate)
#include "tst_progressestimate.moc"
