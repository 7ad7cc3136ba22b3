// GET /api/quarantine and /api/quarantine/summary through a real tf-gateway supervising a
// real tf-syncd: two pairs over the same SQLite systems each quarantine the four rows that
// break their min_value rule; the cross-pair list pages newest first and narrows by pair,
// entity, rule, status and creation time; the summary counts the open rows in total and per
// pair, and follows a discard; malformed parameters are 400 naming the parameter.
#include "tst_gatewayproxy_fixture.h"

#include <QSqlQuery>
#include <QTest>
#include <QUuid>
#include <QUrl>

using namespace tf;

class TestQuarantineApi final : public QObject, public test::GatewayProxyFixture
{
    Q_OBJECT

private slots:
    void initTestCase();
    void listsOpenEntriesOfEveryPairNewestFirst();
    void pagesWithTheCursor();
    void filtersNarrowTheList();
    void summaryCountsPerPair();
    void badParametersAre400_data();
    void badParametersAre400();
    void deletingAPairDeletesItsEntries();
    void cleanupTestCase();

private:
    QList<qint64> ids(const QString &query)
    {
        const test::HttpResult result = api("GET", QStringLiteral("/api/quarantine") + query);
        if (result.status != 200) {
            qWarning("GET /api/quarantine%s: HTTP %d %s", qPrintable(query), result.status,
                     result.body.constData());
            return { -1 };
        }
        QList<qint64> found;
        for (const QJsonValue &item : result.json().value(QStringLiteral("items")).toArray())
            found << item.toObject().value(QStringLiteral("id")).toInteger();
        return found;
    }

    qint64 m_otherPair = 0;
};

void TestQuarantineApi::initTestCase()
{
    QVERIFY(m_dir.isValid());
    makeSourceAndTarget(20, { 3, 7, 11, 15 });
    QProcessEnvironment env = test::ServiceProcess::cleanEnvironment();
    env.insert(QStringLiteral("TF_RATE_LIMIT__PER_TOKEN_RPS"), QStringLiteral("0"));
    env.insert(QStringLiteral("TF_RATE_LIMIT__PER_ADDRESS_RPS"), QStringLiteral("0"));
    QVERIFY(startGateway(env));
    const qint64 source
        = createSqliteSystem(QStringLiteral("parcels source"), QStringLiteral("source.db"));
    const qint64 target
        = createSqliteSystem(QStringLiteral("parcels target"), QStringLiteral("target.db"));
    QVERIFY(source > 0 && target > 0);
    m_pair = create(QStringLiteral("/api/sync-pairs"),
                    pairBody(QStringLiteral("parcels"), source, target, QStringLiteral("parcel")));
    m_otherPair = create(
        QStringLiteral("/api/sync-pairs"),
        pairBody(QStringLiteral("parcels again"), source, target, QStringLiteral("parcel")));
    QVERIFY(m_pair > 0 && m_otherPair > 0);
    for (const qint64 pair : { m_pair, m_otherPair }) {
        const qint64 operation = startOperation({ { QStringLiteral("pair_id"), pair } });
        QVERIFY(operation > 0);
        const QJsonObject done = waitForOperation(operation, &GatewayProxyFixture::finished);
        QCOMPARE(done.value(QStringLiteral("status")).toString(),
                 QStringLiteral("completed_with_errors"));
    }
}

void TestQuarantineApi::listsOpenEntriesOfEveryPairNewestFirst()
{
    const test::HttpResult result = api("GET", QStringLiteral("/api/quarantine"));
    QCOMPARE(result.status, 200);
    const QJsonObject body = result.json();
    QCOMPARE(body.keys(), (QStringList { QStringLiteral("items"), QStringLiteral("next_cursor") }));
    QVERIFY(body.value(QStringLiteral("next_cursor")).isNull());
    const QJsonArray items = body.value(QStringLiteral("items")).toArray();
    QCOMPARE(items.size(), 8);
    QHash<qint64, int> perPair;
    qint64 previous = std::numeric_limits<qint64>::max();
    for (const QJsonValue &value : items) {
        const QJsonObject entry = value.toObject();
        QCOMPARE(entry.value(QStringLiteral("status")).toString(), QStringLiteral("open"));
        QVERIFY(entry.value(QStringLiteral("pair_id")).isDouble());
        ++perPair[entry.value(QStringLiteral("pair_id")).toInteger()];
        const qint64 id = entry.value(QStringLiteral("id")).toInteger();
        QVERIFY2(id < previous, "newest first");
        previous = id;
    }
    QCOMPARE(perPair.value(m_pair), 4);
    QCOMPARE(perPair.value(m_otherPair), 4);
}

void TestQuarantineApi::pagesWithTheCursor()
{
    const QList<qint64> all = ids(QString());
    QList<qint64> paged;
    QString query = QStringLiteral("?limit=3");
    for (int page = 0; page < 5; ++page) {
        const test::HttpResult result = api("GET", QStringLiteral("/api/quarantine") + query);
        QCOMPARE(result.status, 200);
        for (const QJsonValue &item : result.json().value(QStringLiteral("items")).toArray())
            paged << item.toObject().value(QStringLiteral("id")).toInteger();
        const QJsonValue next = result.json().value(QStringLiteral("next_cursor"));
        if (next.isNull())
            break;
        QVERIFY(result.headers.value("link").contains("rel=\"next\""));
        query = QStringLiteral("?limit=3&cursor=") + next.toString();
    }
    QCOMPARE(paged, all);
}

void TestQuarantineApi::filtersNarrowTheList()
{
    QCOMPARE(ids(QStringLiteral("?pair_id=%1").arg(m_otherPair)).size(), 4);
    QCOMPARE(ids(QStringLiteral("?pair_id=999999")).size(), 0);
    QCOMPARE(ids(QStringLiteral("?entity=parcel&rule=min_value")).size(), 8);
    QCOMPARE(ids(QStringLiteral("?entity=no_such_entity")).size(), 0);
    QCOMPARE(ids(QStringLiteral("?rule=not_null")).size(), 0);
    // Creation time: every entry was made in the last hour, none before it.
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const auto at = [](const QDateTime &time) {
        return QString::fromLatin1(QUrl::toPercentEncoding(time.toString(Qt::ISODate)));
    };
    QCOMPARE(ids(QStringLiteral("?created_before=%1").arg(at(now.addSecs(-3600)))).size(), 0);
    QCOMPARE(ids(QStringLiteral("?created_after=%1").arg(at(now.addSecs(-3600)))).size(), 8);
    QCOMPARE(ids(QStringLiteral("?created_before=%1").arg(at(now.addSecs(60)))).size(), 8);
    QCOMPARE(ids(QStringLiteral("?created_after=%1&created_before=%2")
                     .arg(at(now.addSecs(-3600)), at(now.addSecs(60))))
                 .size(),
             8);

    // A discarded entry leaves the default (open) list and shows under status=discarded.
    const QList<qint64> other = ids(QStringLiteral("?pair_id=%1").arg(m_otherPair));
    QCOMPARE(api("POST", QStringLiteral("/api/quarantine/%1/discard").arg(other.first())).status,
             200);
    QCOMPARE(ids(QString()).size(), 7);
    QCOMPARE(ids(QStringLiteral("?status=discarded")), QList<qint64> { other.first() });
    QCOMPARE(ids(QStringLiteral("?status=all")).size(), 8);
    QCOMPARE(ids(QStringLiteral("?status=open&pair_id=%1").arg(m_otherPair)).size(), 3);
}

void TestQuarantineApi::summaryCountsPerPair()
{
    const test::HttpResult result = api("GET", QStringLiteral("/api/quarantine/summary"));
    QCOMPARE(result.status, 200);
    const QJsonObject body = result.json();
    QCOMPARE(body.value(QStringLiteral("open")).toInteger(), 7); // one discarded above
    QHash<qint64, qint64> counts;
    for (const QJsonValue &value : body.value(QStringLiteral("pairs")).toArray())
        counts.insert(value.toObject().value(QStringLiteral("pair_id")).toInteger(),
                      value.toObject().value(QStringLiteral("open")).toInteger());
    QCOMPARE(counts.size(), 2);
    QCOMPARE(counts.value(m_pair), 4);
    QCOMPARE(counts.value(m_otherPair), 3);
    // It agrees with the pair's own open_quarantine.
    QCOMPARE(api("GET", QStringLiteral("/api/sync-pairs/%1").arg(m_otherPair))
                 .json()
                 .value(QStringLiteral("open_quarantine"))
                 .toInteger(),
             3);
    QCOMPARE(api("GET", QStringLiteral("/api/quarantine/summary?pair_id=1")).status, 400);
}

void TestQuarantineApi::badParametersAre400_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("field");
    QTest::newRow("pair_id not a number") << "pair_id=abc"
                                          << "invalid_parameter"
                                          << "pair_id";
    QTest::newRow("pair_id zero") << "pair_id=0"
                                  << "invalid_parameter"
                                  << "pair_id";
    QTest::newRow("unknown status") << "status=stale"
                                    << "invalid_parameter"
                                    << "status";
    QTest::newRow("time without zone") << "created_before=2026-01-01T00:00:00"
                                       << "invalid_parameter"
                                       << "created_before";
    QTest::newRow("not a time") << "created_after=yesterday"
                                << "invalid_parameter"
                                << "created_after";
    QTest::newRow("empty range")
        << "created_after=2026-02-01T00:00:00Z&created_before=2026-01-01T00:00:00Z"
        << "invalid_parameter"
        << "created_before";
    QTest::newRow("foreign cursor") << "cursor=bm90LWFuLWlk"
                                    << "invalid_parameter"
                                    << "cursor";
    QTest::newRow("limit zero") << "limit=0"
                                << "invalid_parameter"
                                << "limit";
    QTest::newRow("unknown parameter") << "age=24h"
                                       << "unknown_parameter"
                                       << "age";
    QTest::newRow("repeated parameter") << "rule=a&rule=b"
                                        << "repeated_parameter"
                                        << "rule";
}

void TestQuarantineApi::badParametersAre400()
{
    QFETCH(QString, query);
    QFETCH(QString, code);
    QFETCH(QString, field);
    const test::HttpResult result = api("GET", QStringLiteral("/api/quarantine?") + query);
    QCOMPARE(result.status, 400);
    QCOMPARE(test::errorCode(result), code);
    QVERIFY2(test::errorFields(result).contains(field), result.body.constData());
}

// Runs last: it deletes m_otherPair. Its entries (open and discarded) go with it, in the same
// transaction, and the audit entry counts them; the other pair's entries stay.
void TestQuarantineApi::deletingAPairDeletesItsEntries()
{
    const QByteArray requestId = QUuid::createUuid().toString(QUuid::WithoutBraces).toLatin1();
    const test::HttpResult removed
        = api("DELETE", QStringLiteral("/api/sync-pairs/%1").arg(m_otherPair), QByteArray(), requestId);
    QVERIFY2(removed.status == 200, removed.body.constData());
    QCOMPARE(ids(QStringLiteral("?pair_id=%1").arg(m_pair)).size(), 4);
    const QJsonObject summary = api("GET", QStringLiteral("/api/quarantine/summary")).json();
    QCOMPARE(summary.value(QStringLiteral("open")).toInteger(), 4);
    QCOMPARE(summary.value(QStringLiteral("pairs")).toArray().size(), 1);
    const QVariantMap audited = auditedRequest(QStringLiteral("sync_pair.deleted"), requestId);
    QVERIFY2(audited.value(QStringLiteral("description")).toString().endsWith(QStringLiteral("and 4 quarantine entries")),
             qPrintable(audited.value(QStringLiteral("description")).toString()));
    // Nothing of the deleted pair is left in the table itself either.
    db::Database control(db::DatabaseUrl::parse(QStringLiteral("sqlite://") + dataDir() + QStringLiteral("/terrafusion.db")));
    QSqlQuery left = control.prepare(QStringLiteral("SELECT COUNT(*) FROM quarantine WHERE pair_id = ?"));
    left.addBindValue(QString::number(m_otherPair));
    control.exec(left, "counting quarantine rows");
    QVERIFY(left.next());
    QCOMPARE(left.value(0).toLongLong(), 0);
    left.finish();
    control.closeThreadConnection();
}

void TestQuarantineApi::cleanupTestCase()
{
    m_gateway.reset();
}

QTEST_MAIN(TestQuarantineApi)
#include "tst_quarantineapi.moc"
