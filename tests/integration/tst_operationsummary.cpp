// GET /api/sync-operations/summary through a real tf-gateway supervising a real tf-syncd:
// operations run to their end and rows with known finish times, counted per hour and per day
// to the exact figure; every bad parameter is a 400 naming it.
#include "tst_gatewayproxy_fixture.h"

#include <QTest>
#include <QUrlQuery>

using namespace tf;
using namespace tf::test::proxyfixture;

class TestOperationSummary final : public QObject, private test::GatewayProxyFixture
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void finishedOperationsAreCounted();
    void knownFinishTimesFallInTheirBuckets();
    void badParametersAre400_data();
    void badParametersAre400();
    void cleanupTestCase();

private:
    test::HttpResult summary(const QString &from, const QString &to, const QString &bucket)
    {
        QUrlQuery query;
        if (!from.isEmpty())
            query.addQueryItem(QStringLiteral("from"), from);
        if (!to.isEmpty())
            query.addQueryItem(QStringLiteral("to"), to);
        if (!bucket.isEmpty())
            query.addQueryItem(QStringLiteral("bucket"), bucket);
        return api("GET", QStringLiteral("/api/sync-operations/summary?") + query.toString(QUrl::FullyEncoded));
    }
    // "start succeeded failed" of every bucket.
    static QStringList rows(const QJsonObject &answer)
    {
        QStringList out;
        for (const QJsonValue &value : answer.value(QStringLiteral("buckets")).toArray()) {
            const QJsonObject b = value.toObject();
            out << QStringLiteral("%1 %2 %3")
                           .arg(b.value(QStringLiteral("start")).toString())
                           .arg(b.value(QStringLiteral("succeeded")).toInteger())
                           .arg(b.value(QStringLiteral("failed")).toInteger());
        }
        return out;
    }
};

void TestOperationSummary::initTestCase()
{
    QVERIFY(m_dir.isValid());
    makeSourceAndTarget(20, {});
    QProcessEnvironment env = test::ServiceProcess::cleanEnvironment();
    env.insert(QStringLiteral("TF_RATE_LIMIT__PER_TOKEN_RPS"), QStringLiteral("0"));
    env.insert(QStringLiteral("TF_RATE_LIMIT__PER_ADDRESS_RPS"), QStringLiteral("0"));
    QVERIFY(startGateway(env));
    const qint64 source = createSqliteSystem(QStringLiteral("summary source"), QStringLiteral("source.db"));
    const qint64 target = createSqliteSystem(QStringLiteral("summary target"), QStringLiteral("target.db"));
    QVERIFY(source > 0 && target > 0);
    m_pair = create(QStringLiteral("/api/sync-pairs"), pairBody(QStringLiteral("summary pair"), source, target, QStringLiteral("parcel")));
    m_brokenPair = create(QStringLiteral("/api/sync-pairs"),
                          pairBody(QStringLiteral("summary broken"), source, target, QStringLiteral("no_such_table")));
    QVERIFY(m_pair > 0 && m_brokenPair > 0);
}

void TestOperationSummary::finishedOperationsAreCounted()
{
    const QDateTime since = QDateTime::currentDateTimeUtc().addSecs(-3600);
    const QString from = since.toString(Qt::ISODate);
    const QJsonObject before = summary(from, {}, {}).json();
    QCOMPARE(before.value(QStringLiteral("succeeded")).toInteger(), 0);
    QCOMPARE(before.value(QStringLiteral("failed")).toInteger(), 0);
    // Two runs of the good pair, one after the other, and one of the broken pair.
    for (int run = 0; run < 2; ++run) {
        const qint64 id = startOperation({ { QStringLiteral("pair_id"), m_pair } });
        QVERIFY(id > 0);
        QCOMPARE(waitForOperation(id, finished).value(QStringLiteral("status")).toString(), QStringLiteral("completed"));
    }
    const qint64 broken = startOperation({ { QStringLiteral("pair_id"), m_brokenPair } });
    QVERIFY(broken > 0);
    QCOMPARE(waitForOperation(broken, finished).value(QStringLiteral("status")).toString(), QStringLiteral("failed"));

    const QDateTime until = QDateTime::currentDateTimeUtc().addSecs(3600);
    const QString to = until.toString(Qt::ISODate);
    const test::HttpResult answer = summary(from, to, QStringLiteral("hour"));
    QCOMPARE(answer.status, 200);
    const QJsonObject body = answer.json();
    QCOMPARE(body.value(QStringLiteral("bucket")).toString(), QStringLiteral("hour"));
    QCOMPARE(body.value(QStringLiteral("succeeded")).toInteger(), 2);
    QCOMPARE(body.value(QStringLiteral("failed")).toInteger(), 1);
    // Every hour the range touches, in order (three unless it starts on the hour).
    const QJsonArray buckets = body.value(QStringLiteral("buckets")).toArray();
    const qint64 firstHour = since.toSecsSinceEpoch() / 3600;
    QCOMPARE(buckets.size(), (until.toSecsSinceEpoch() - 1) / 3600 - firstHour + 1);
    QCOMPARE(buckets.first().toObject().value(QStringLiteral("start")).toString(),
             QDateTime::fromSecsSinceEpoch(firstHour * 3600, Qt::UTC).toString(Qt::ISODate));
    qint64 succeeded = 0;
    qint64 failed = 0;
    for (const QJsonValue &b : buckets) {
        succeeded += b.toObject().value(QStringLiteral("succeeded")).toInteger();
        failed += b.toObject().value(QStringLiteral("failed")).toInteger();
    }
    QCOMPARE(succeeded, 2);
    QCOMPARE(failed, 1);
    // The defaults are the last 24 hours by hour.
    const QJsonObject defaults = summary({}, {}, {}).json();
    QCOMPARE(defaults.value(QStringLiteral("bucket")).toString(), QStringLiteral("hour"));
    QVERIFY(defaults.value(QStringLiteral("buckets")).toArray().size() >= 24);
    QCOMPARE(defaults.value(QStringLiteral("succeeded")).toInteger(), 2);
    QCOMPARE(defaults.value(QStringLiteral("failed")).toInteger(), 1);
}

void TestOperationSummary::knownFinishTimesFallInTheirBuckets()
{
    // Operations of January 2025, written straight into the control database.
    db::Database control(db::DatabaseUrl::parse(QStringLiteral("sqlite://") + dataDir() + QStringLiteral("/terrafusion.db")));
    const QList<QPair<const char *, const char *>> finished {
        { "completed", "2025-01-09T23:59:59.999Z" },
        { "completed", "2025-01-10T10:05:00.000Z" },
        { "failed", "2025-01-10T10:59:59.999Z" },
        { "completed_with_errors", "2025-01-10T11:00:00.000Z" },
        { "cancelled", "2025-01-10T11:30:00.000Z" }, // not counted
        { "failed", "2025-01-11T00:10:00.000Z" },
        { "completed", "2025-01-12T00:00:00.000Z" }, // at `to`: outside
    };
    for (const auto &[status, at] : finished) {
        QSqlQuery insert = control.prepare(QStringLiteral(
                "INSERT INTO sync_operations (pair_id, status, created_at, started_at, finished_at) VALUES (?, ?, ?, ?, ?)"));
        for (const QVariant &value : QVariantList { m_pair, QLatin1String(status), QLatin1String(at), QLatin1String(at), QLatin1String(at) })
            insert.addBindValue(value);
        control.exec(insert, "writing a finished operation");
    }
    control.closeThreadConnection();

    const test::HttpResult hours = summary(QStringLiteral("2025-01-10T10:00:00Z"), QStringLiteral("2025-01-10T12:00:00Z"), QStringLiteral("hour"));
    QCOMPARE(hours.status, 200);
    QCOMPARE(rows(hours.json()), (QStringList { QStringLiteral("2025-01-10T10:00:00Z 1 1"), QStringLiteral("2025-01-10T11:00:00Z 1 0") }));

    const test::HttpResult days = summary(QStringLiteral("2025-01-09T00:00:00Z"), QStringLiteral("2025-01-12T00:00:00Z"), QStringLiteral("day"));
    QCOMPARE(days.status, 200);
    QCOMPARE(rows(days.json()), (QStringList { QStringLiteral("2025-01-09T00:00:00Z 1 0"), QStringLiteral("2025-01-10T00:00:00Z 2 1"),
                                               QStringLiteral("2025-01-11T00:00:00Z 0 1") }));
    QCOMPARE(days.json().value(QStringLiteral("succeeded")).toInteger(), 3);
    QCOMPARE(days.json().value(QStringLiteral("failed")).toInteger(), 2);

    // A zone offset is the same instant: 11:00+01:00 is 10:00Z.
    const test::HttpResult offset
            = summary(QStringLiteral("2025-01-10T11:00:00+01:00"), QStringLiteral("2025-01-10T12:00:00+01:00"), QStringLiteral("hour"));
    QCOMPARE(rows(offset.json()), QStringList { QStringLiteral("2025-01-10T10:00:00Z 1 1") });
}

void TestOperationSummary::badParametersAre400_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("parameter");
    QTest::newRow("unknown bucket") << "bucket=week" << "invalid_parameter" << "bucket";
    QTest::newRow("from not a time") << "from=yesterday" << "invalid_parameter" << "from";
    QTest::newRow("from without zone") << "from=2025-01-10T10:00:00" << "invalid_parameter" << "from";
    QTest::newRow("from after to") << "from=2025-01-10T12:00:00Z&to=2025-01-10T10:00:00Z" << "invalid_parameter" << "from";
    QTest::newRow("from equals to") << "from=2025-01-10T12:00:00Z&to=2025-01-10T12:00:00Z" << "invalid_parameter" << "from";
    QTest::newRow("91 days by hour") << "from=2025-01-01T00:00:00Z&to=2025-04-02T00:00:00Z&bucket=hour" << "invalid_parameter" << "to";
    QTest::newRow("367 days by day") << "from=2024-01-01T00:00:00Z&to=2025-01-02T00:00:00Z&bucket=day" << "invalid_parameter" << "to";
    QTest::newRow("unknown parameter") << "pair_id=1" << "unknown_parameter" << "pair_id";
}

void TestOperationSummary::badParametersAre400()
{
    QFETCH(QString, query);
    QFETCH(QString, code);
    QFETCH(QString, parameter);
    const test::HttpResult answer = api("GET", QStringLiteral("/api/sync-operations/summary?") + query);
    QCOMPARE(answer.status, 400);
    QCOMPARE(errorCode(answer), code);
    QCOMPARE(errorFields(answer), QStringList { parameter });
    // 90 days by hour and 366 by day are still answered.
    QCOMPARE(summary(QStringLiteral("2025-01-01T00:00:00Z"), QStringLiteral("2025-04-01T00:00:00Z"), QStringLiteral("hour")).status, 200);
    QCOMPARE(summary(QStringLiteral("2024-01-01T00:00:00Z"), QStringLiteral("2025-01-01T00:00:00Z"), QStringLiteral("day")).status, 200);
}

void TestOperationSummary::cleanupTestCase()
{
    if (m_gateway) {
        m_gateway->terminate();
        QVERIFY(m_gateway->waitFinished(15000));
    }
}

QTEST_GUILESS_MAIN(TestOperationSummary)
#include "tst_operationsummary.moc"
