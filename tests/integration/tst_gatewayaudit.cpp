// The audit trail, change feed and metrics history routes of a real tf-gateway process over
// HTTP (SQLite control database, which the test also opens to seed and to tamper with):
// keyset paging and filters, 400s naming the bad parameter, the CSV export streamed with
// chunked encoding, chain verification catching an edit made behind the gateway's back,
// /api/changes while idle and after a change, and metric history buckets.
#include "core/errors.h"
#include "db/controldatabase.h"
#include "db/repositories/auditrepository.h"
#include "db/repositories/metricsrepository.h"
#include "gatewayaudit_http.h"
#include "testsupport.h"

#include <QFile>
#include <QJsonArray>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>

using namespace tf;

class TestGatewayAudit final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void pagesWithOpaqueCursors();
    void oldestFirstPagesFromTheOtherEnd();
    void filters();
    void summaryCountsWhatTheFilterLists();
    void singleEntry();
    void badParametersAre400NamingThem_data();
    void badParametersAre400NamingThem();
    void unknownMetricNamesTheKnownOnes();
    void exportStreamsEveryFieldAsCsv();
    void tfctlVerifiesAndExports();
    void verifyCatchesAnEditBehindItsBack();
    void changesWhileIdleAndAfterAChange();
    void metricsHistoryBuckets();

private:
    struct ToolRun
    {
        int exitCode = -1;
        QByteArray out;
        QByteArray err;
    };
    ToolRun tfctl(const QStringList &arguments)
    {
        QProcess process;
        process.setProcessEnvironment(test::ServiceProcess::cleanEnvironment());
        process.start(test::binary(QStringLiteral("tfctl")), QStringList { QStringLiteral("audit") } + arguments
                                                                 + QStringList { QStringLiteral("--data-dir"), m_dir.path() });
        ToolRun run;
        if (!process.waitForFinished(30000))
            return run;
        run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
        run.out = process.readAllStandardOutput();
        run.err = process.readAllStandardError();
        return run;
    }
    test::HttpResult get(const QString &pathAndQuery)
    {
        return test::http("GET", m_base + pathAndQuery, {}, test::authorizationHeaders(m_authorization));
    }
    QList<QJsonObject> allPages(const QString &query, int limit, int *pages = nullptr);
    db::AuditEntry append(const QString &eventType, const QString &severity, const QString &user,
                          const QString &description, const QDateTime &at = QDateTime())
    {
        db::AuditEntry entry;
        entry.eventType = eventType;
        entry.severity = severity;
        entry.username = user;
        entry.description = description;
        entry.createdAt = at;
        entry.resourceType = QStringLiteral("sync_pair");
        entry.resourceId = QString::number(description.size() % 5);
        entry.userAgent = QStringLiteral("tst_gatewayaudit");
        entry.newState = QJsonObject { { QStringLiteral("note"), description } };
        return db::AuditRepository(m_control->database()).append(entry);
    }

    QTemporaryDir m_dir;
    std::unique_ptr<test::ServiceProcess> m_gateway;
    std::unique_ptr<db::ControlDatabase> m_control;
    quint16 m_port = 0;
    QString m_base;
    QByteArray m_authorization;
    QDateTime m_seededFrom;
    QList<db::AuditEntry> m_seeded; // oldest first
};

void TestGatewayAudit::initTestCase()
{
    m_port = test::freePort();
    m_base = QStringLiteral("http://127.0.0.1:%1").arg(m_port);
    const QStringList args { QStringLiteral("--port"), QString::number(m_port), QStringLiteral("--data-dir"), m_dir.path(),
                             // No tf-syncd: these routes are the gateway's own.
                             QStringLiteral("--sync-url"), QStringLiteral("http://127.0.0.1:%1").arg(test::freePort()) };
    // Rate limits off: these tests page through thousands of entries in a few seconds
    // (the limits have their own test, tst_gatewayauth_defences).
    QProcessEnvironment environment = test::ServiceProcess::cleanEnvironment();
    environment.insert(QStringLiteral("TF_RATE_LIMIT__PER_ADDRESS_RPS"), QStringLiteral("0"));
    environment.insert(QStringLiteral("TF_RATE_LIMIT__PER_TOKEN_RPS"), QStringLiteral("0"));
    m_gateway = std::make_unique<test::ServiceProcess>(test::binary(QStringLiteral("tf-gateway")), args, environment);
    QVERIFY(m_gateway->start());
    QVERIFY2(m_gateway->waitHealthy(m_base + QStringLiteral("/health/ready")), m_gateway->output().constData());
    m_authorization = test::gatewayAdminAuthorization(m_base, m_dir.path());
    m_control = db::ControlDatabase::open(m_dir.filePath(QStringLiteral("terrafusion.db")), false);

    // 230 entries a second apart, yesterday, with a few awkward descriptions.
    m_seededFrom = QDateTime::currentDateTimeUtc().addDays(-1);
    m_seededFrom.setTime(QTime(m_seededFrom.time().hour(), 0));
    for (int i = 0; i < 230; ++i) {
        const QString type = i % 10 == 0 ? QStringLiteral("sync.failed") : i % 3 == 0 ? QStringLiteral("sync_pair.updated")
                                                                                       : QStringLiteral("sync.completed");
        const QString severity = i % 10 == 0 ? QStringLiteral("error") : QStringLiteral("info");
        QString description = QStringLiteral("run %1 of pair Benton").arg(i);
        if (i == 7)
            description = QStringLiteral("comma, \"quote\" and\r\na new line ✓");
        m_seeded << append(type, severity, i % 2 ? QStringLiteral("alice") : QStringLiteral("bob"), description,
                           m_seededFrom.addSecs(i));
    }
}

void TestGatewayAudit::cleanupTestCase()
{
    m_control.reset();
    if (m_gateway) {
        m_gateway->terminate();
        m_gateway->waitFinished();
    }
}

QList<QJsonObject> TestGatewayAudit::allPages(const QString &query, int limit, int *pages)
{
    QList<QJsonObject> entries;
    QString cursor;
    int count = 0;
    for (;;) {
        QUrlQuery params(query);
        params.addQueryItem(QStringLiteral("limit"), QString::number(limit));
        if (!cursor.isEmpty())
            params.addQueryItem(QStringLiteral("cursor"), cursor);
        const test::HttpResult result = get(QStringLiteral("/api/audit?") + params.toString(QUrl::FullyEncoded));
        if (result.status != 200) {
            qWarning("%s", result.body.constData());
            return {};
        }
        ++count;
        const QJsonObject page = result.json();
        if (page.keys() != QStringList({ QStringLiteral("items"), QStringLiteral("next_cursor") })) {
            qWarning("not the list envelope: %s", result.body.constData());
            return {};
        }
        for (const QJsonValue &value : page.value(QStringLiteral("items")).toArray())
            entries << value.toObject();
        if (page.value(QStringLiteral("next_cursor")).isNull())
            break;
        cursor = page.value(QStringLiteral("next_cursor")).toString();
        if (cursor.isEmpty() || count > 1000)
            return {};
    }
    if (pages)
        *pages = count;
    return entries;
}

void TestGatewayAudit::pagesWithOpaqueCursors()
{
    // Everything, newest first, in pages of 50, with no duplicate and no gap.
    const QList<db::AuditEntry> expected = db::AuditRepository(m_control->database()).latest(100000);
    int pages = 0;
    const QList<QJsonObject> entries = allPages(QString(), 50, &pages);
    QCOMPARE(entries.size(), expected.size());
    QCOMPARE(pages, int((expected.size() + 49) / 50));
    for (int i = 0; i < entries.size(); ++i)
        QCOMPARE(entries.at(i).value(QStringLiteral("id")).toInteger(), expected.at(i).id);
    QCOMPARE(entries.at(0), expected.at(0).toJson());

    // The default page is 50; next_cursor is an opaque string, also in a Link to the next
    // page (query-only, so it resolves against /api or /api/v1 alike).
    const test::HttpResult firstPage = get(QStringLiteral("/api/audit"));
    const QJsonObject first = firstPage.json();
    QCOMPARE(first.value(QStringLiteral("items")).toArray().size(), 50);
    QVERIFY(first.value(QStringLiteral("next_cursor")).isString());
    QVERIFY(!first.contains(QStringLiteral("count")));
    const QByteArray link = firstPage.headers.value("link");
    const QByteArray expectedLink = QByteArray("<?cursor=") + first.value(QStringLiteral("next_cursor")).toString().toLatin1()
        + QByteArray(">; rel=\"next\"");
    QVERIFY2(link == expectedLink, link.constData());
    const QJsonObject second = get(QStringLiteral("/api/audit?cursor=") + first.value(QStringLiteral("next_cursor")).toString()).json();
    QCOMPARE(second.value(QStringLiteral("items")).toArray().first().toObject().value(QStringLiteral("id")).toInteger(),
             expected.at(50).id);

    // More than 500 is clamped, and the answer says so.
    const test::HttpResult clamped = get(QStringLiteral("/api/audit?limit=1001"));
    QCOMPARE(clamped.status, 200);
    QCOMPARE(clamped.headers.value("page-limit"), QByteArray("500; clamped"));
    QCOMPARE(clamped.json().value(QStringLiteral("items")).toArray().size(), qMin<qsizetype>(500, expected.size()));
}

void TestGatewayAudit::oldestFirstPagesFromTheOtherEnd()
{
    // order=oldest walks the same entries the other way: the reverse of the default order.
    QList<QJsonObject> newest = allPages(QString(), 50);
    std::reverse(newest.begin(), newest.end());
    int pages = 0;
    const QList<QJsonObject> oldest = allPages(QStringLiteral("order=oldest"), 50, &pages);
    QVERIFY(oldest.size() > 50);
    QCOMPARE(pages, int((oldest.size() + 49) / 50));
    QCOMPARE(oldest, newest);
    QCOMPARE(allPages(QStringLiteral("order=newest"), 50).size(), oldest.size());

    // The end of the trail is one request: its first item is the oldest entry.
    const test::HttpResult firstPage = get(QStringLiteral("/api/audit?order=oldest&limit=3"));
    const QJsonObject first = firstPage.json();
    // The Link to the next page keeps the order (the cursor continues it).
    QVERIFY2(firstPage.headers.value("link").startsWith("<?order=oldest&limit=3&cursor="), firstPage.headers.value("link").constData());
    const QJsonArray items = first.value(QStringLiteral("items")).toArray();
    QCOMPARE(items.size(), 3);
    QCOMPARE(items.at(0).toObject().value(QStringLiteral("id")).toInteger(), oldest.at(0).value(QStringLiteral("id")).toInteger());
    QVERIFY(items.at(0).toObject().value(QStringLiteral("id")).toInteger() < items.at(2).toObject().value(QStringLiteral("id")).toInteger());

    // With a filter, in pages of 7 (the last one short): the filtered list reversed.
    QList<QJsonObject> failed = allPages(QStringLiteral("event_type=sync.failed"), 7);
    std::reverse(failed.begin(), failed.end());
    QCOMPARE(failed.size(), 23);
    QCOMPARE(allPages(QStringLiteral("event_type=sync.failed&order=oldest"), 7), failed);

    // An entry written while paging from the oldest end shows up on the last page, once.
    const QJsonObject head = get(QStringLiteral("/api/audit?order=oldest&limit=5")).json();
    const db::AuditEntry later = append(QStringLiteral("sync.paged"), QStringLiteral("info"), QStringLiteral("dave"),
                                        QStringLiteral("written while paging"));
    QList<QJsonObject> rest;
    QString cursor = head.value(QStringLiteral("next_cursor")).toString();
    while (!cursor.isEmpty()) {
        const QJsonObject page = get(QStringLiteral("/api/audit?order=oldest&limit=200&cursor=") + cursor).json();
        for (const QJsonValue &value : page.value(QStringLiteral("items")).toArray())
            rest << value.toObject();
        cursor = page.value(QStringLiteral("next_cursor")).toString();
    }
    QCOMPARE(rest.size(), oldest.size() - 5 + 1);
    QCOMPARE(rest.last().value(QStringLiteral("id")).toInteger(), later.id);
    m_seeded.append(later);
}

void TestGatewayAudit::filters()
{
    auto countWhere = [this](const std::function<bool(const db::AuditEntry &)> &keep) {
        int n = 0;
        for (const db::AuditEntry &entry : std::as_const(m_seeded))
            n += keep(entry) ? 1 : 0;
        return n;
    };
    QList<QJsonObject> entries = allPages(QStringLiteral("event_type=sync.failed"), 7);
    QCOMPARE(entries.size(), 23);
    for (const QJsonObject &entry : entries)
        QCOMPARE(entry.value(QStringLiteral("event_type")).toString(), QStringLiteral("sync.failed"));
    QCOMPARE(allPages(QStringLiteral("severity=error&username=bob"), 100).size(),
             countWhere([](const db::AuditEntry &e) { return e.severity == QLatin1String("error") && e.username == QLatin1String("bob"); }));
    QCOMPARE(allPages(QStringLiteral("text=BENTON&resource_type=sync_pair&resource_id=3"), 100).size(),
             countWhere([](const db::AuditEntry &e) { return e.description.contains(QLatin1String("Benton")) && e.resourceId == QLatin1String("3"); }));
    // created_after is inclusive, created_before exclusive: entries 10..19.
    const QString from = m_seededFrom.addSecs(10).toString(Qt::ISODateWithMs);
    const QString to = m_seededFrom.addSecs(20).toString(Qt::ISODateWithMs);
    entries = allPages(QStringLiteral("created_after=%1&created_before=%2").arg(from, to), 3);
    QCOMPARE(entries.size(), 10);
    QCOMPARE(entries.first().value(QStringLiteral("id")).toInteger(), m_seeded.at(19).id);
    QCOMPARE(entries.last().value(QStringLiteral("id")).toInteger(), m_seeded.at(10).id);
    QCOMPARE(allPages(QStringLiteral("username=nobody"), 10).size(), 0);
}

void TestGatewayAudit::summaryCountsWhatTheFilterLists()
{
    const QString from = m_seededFrom.addSecs(10).toString(Qt::ISODateWithMs);
    const QString to = m_seededFrom.addSecs(20).toString(Qt::ISODateWithMs);
    const QStringList filters { QStringLiteral("event_type=sync.failed"), QStringLiteral("severity=error&username=bob"),
                                QStringLiteral("text=benton&resource_type=sync_pair&resource_id=3"),
                                QStringLiteral("created_after=%1&created_before=%2").arg(from, to),
                                QStringLiteral("username=nobody") };
    for (const QString &filter : filters) {
        const QList<QJsonObject> listed = allPages(filter, 100);
        const test::HttpResult result = get(QStringLiteral("/api/audit/summary?") + QUrlQuery(filter).toString(QUrl::FullyEncoded));
        QVERIFY2(result.status == 200, result.body.constData());
        const QJsonObject summary = result.json();
        QCOMPARE(summary.value(QStringLiteral("total_entries")).toInteger(), listed.size());
        QMap<QString, qint64> byDay;
        QMap<QString, qint64> byUsername;
        for (const QJsonObject &entry : listed) {
            ++byDay[entry.value(QStringLiteral("timestamp")).toString().left(10)];
            ++byUsername[entry.value(QStringLiteral("username")).toString()];
        }
        auto counts = [&summary](const char *key) {
            QMap<QString, qint64> map;
            const QJsonObject object = summary.value(QLatin1String(key)).toObject();
            for (auto it = object.constBegin(); it != object.constEnd(); ++it)
                map.insert(it.key(), it.value().toInteger());
            return map;
        };
        QCOMPARE(counts("by_day"), byDay);
        QCOMPARE(counts("by_username"), byUsername);
    }
    // The ten entries of the time range: bob and alice alternate.
    const QJsonObject range = get(QStringLiteral("/api/audit/summary?created_after=%1&created_before=%2")
                                      .arg(QString::fromLatin1(QUrl::toPercentEncoding(from)),
                                           QString::fromLatin1(QUrl::toPercentEncoding(to))))
                                  .json();
    QCOMPARE(range.value(QStringLiteral("total_entries")).toInteger(), 10);
    QCOMPARE(range.value(QStringLiteral("by_username")).toObject(), (QJsonObject { { QStringLiteral("alice"), 5 }, { QStringLiteral("bob"), 5 } }));
}

void TestGatewayAudit::singleEntry()
{
    const db::AuditEntry &entry = m_seeded.at(7);
    test::HttpResult result = get(QStringLiteral("/api/audit/%1").arg(entry.id));
    QCOMPARE(result.status, 200);
    QCOMPARE(result.json(), entry.toJson());
    result = get(QStringLiteral("/api/audit/999999999"));
    QCOMPARE(result.status, 404);
    QCOMPARE(result.json().value(QStringLiteral("code")).toString(), QStringLiteral("not_found"));
}

void TestGatewayAudit::badParametersAre400NamingThem_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("parameter");
    const QByteArray negative = QByteArray("-5").toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    QTest::newRow("limit 0") << QStringLiteral("/api/audit?limit=0") << QStringLiteral("limit");
    QTest::newRow("limit negative") << QStringLiteral("/api/audit?limit=-3") << QStringLiteral("limit");
    QTest::newRow("limit text") << QStringLiteral("/api/audit?limit=many") << QStringLiteral("limit");
    QTest::newRow("limit twice") << QStringLiteral("/api/audit?limit=5&limit=6") << QStringLiteral("limit");
    QTest::newRow("cursor garbage") << QStringLiteral("/api/audit?cursor=%21%21%21") << QStringLiteral("cursor");
    QTest::newRow("cursor negative") << QStringLiteral("/api/audit?cursor=%1").arg(QString::fromLatin1(negative)) << QStringLiteral("cursor");
    QTest::newRow("cursor empty") << QStringLiteral("/api/audit?cursor=") << QStringLiteral("cursor");
    QTest::newRow("created_after words") << QStringLiteral("/api/audit?created_after=yesterday") << QStringLiteral("created_after");
    QTest::newRow("created_before month 13") << QStringLiteral("/api/audit?created_before=2025-13-01T00:00:00Z")
                                             << QStringLiteral("created_before");
    QTest::newRow("date only") << QStringLiteral("/api/audit?created_after=2025-01-01") << QStringLiteral("created_after");
    QTest::newRow("time without zone") << QStringLiteral("/api/audit?created_after=2025-01-01T10:00:00") << QStringLiteral("created_after");
    QTest::newRow("after later than before")
        << QStringLiteral("/api/audit?created_after=2025-02-01T00:00:00Z&created_before=2025-01-01T00:00:00Z") << QStringLiteral("created_after");
    QTest::newRow("from is gone") << QStringLiteral("/api/audit?from=2025-01-01T00:00:00Z") << QStringLiteral("from");
    QTest::newRow("severity") << QStringLiteral("/api/audit?severity=loud") << QStringLiteral("severity");
    QTest::newRow("order") << QStringLiteral("/api/audit?order=sideways") << QStringLiteral("order");
    QTest::newRow("order empty") << QStringLiteral("/api/audit?order=") << QStringLiteral("order");
    QTest::newRow("summary order") << QStringLiteral("/api/audit/summary?order=oldest") << QStringLiteral("order");
    QTest::newRow("unknown") << QStringLiteral("/api/audit?usr=alice") << QStringLiteral("usr");
    QTest::newRow("empty filter") << QStringLiteral("/api/audit?username=") << QStringLiteral("username");
    QTest::newRow("summary limit") << QStringLiteral("/api/audit/summary?limit=5") << QStringLiteral("limit");
    QTest::newRow("summary cursor") << QStringLiteral("/api/audit/summary?cursor=MQ") << QStringLiteral("cursor");
    QTest::newRow("summary severity") << QStringLiteral("/api/audit/summary?severity=loud") << QStringLiteral("severity");
    QTest::newRow("summary date only") << QStringLiteral("/api/audit/summary?created_before=2025-01-01") << QStringLiteral("created_before");
    QTest::newRow("summary empty filter") << QStringLiteral("/api/audit/summary?event_type=") << QStringLiteral("event_type");
    QTest::newRow("summary unknown") << QStringLiteral("/api/audit/summary?actor=alice") << QStringLiteral("actor");
    QTest::newRow("export date") << QStringLiteral("/api/audit/export?created_before=31.01.2025") << QStringLiteral("created_before");
    QTest::newRow("export limit") << QStringLiteral("/api/audit/export?limit=5") << QStringLiteral("limit");
    QTest::newRow("changes text") << QStringLiteral("/api/changes?since=latest") << QStringLiteral("since");
    QTest::newRow("changes negative") << QStringLiteral("/api/changes?since=-1") << QStringLiteral("since");
    QTest::newRow("changes cursor garbage") << QStringLiteral("/api/changes?cursor=%21%21") << QStringLiteral("cursor");
    QTest::newRow("changes cursor and since") << QStringLiteral("/api/changes?cursor=MQ&since=1") << QStringLiteral("since");
    QTest::newRow("history no metric") << QStringLiteral("/api/metrics/history") << QStringLiteral("metric");
    QTest::newRow("history bad metric") << QStringLiteral("/api/metrics/history?metric=cpu%20percent") << QStringLiteral("metric");
    QTest::newRow("history unknown metric") << QStringLiteral("/api/metrics/history?metric=nonsense") << QStringLiteral("metric");
    QTest::newRow("history step 0") << QStringLiteral("/api/metrics/history?metric=cpu_percent&step=0") << QStringLiteral("step");
    QTest::newRow("history step unit") << QStringLiteral("/api/metrics/history?metric=cpu_percent&step=5y") << QStringLiteral("step");
    QTest::newRow("history too many buckets")
        << QStringLiteral("/api/metrics/history?metric=cpu_percent&created_after=2025-01-01T00:00:00Z&created_before=2025-02-01T00:00:00Z&step=1")
        << QStringLiteral("step");
    QTest::newRow("history created_after") << QStringLiteral("/api/metrics/history?metric=cpu_percent&created_after=soon")
                                           << QStringLiteral("created_after");
}

void TestGatewayAudit::badParametersAre400NamingThem()
{
    QFETCH(QString, path);
    QFETCH(QString, parameter);
    const test::HttpResult result = get(path);
    QCOMPARE(result.status, 400);
    const QJsonObject error = result.json();
    QVERIFY2(error.value(QStringLiteral("code")).toString() == QLatin1String("invalid_parameter")
                 || error.value(QStringLiteral("code")).toString() == QLatin1String("unknown_parameter")
                 || error.value(QStringLiteral("code")).toString() == QLatin1String("repeated_parameter"),
             result.body.constData());
    QCOMPARE(error.value(QStringLiteral("errors")).toArray().first().toObject().value(QStringLiteral("field")).toString(), parameter);
    QVERIFY2(error.value(QStringLiteral("detail")).toString().contains(parameter), qPrintable(error.value(QStringLiteral("detail")).toString()));
    QCOMPARE(result.headers.value("content-type"), QByteArray("application/problem+json"));
}

void TestGatewayAudit::unknownMetricNamesTheKnownOnes()
{
    const test::HttpResult result = get(QStringLiteral("/api/metrics/history?metric=nonsense"));
    QCOMPARE(result.status, 400);
    const QString message = result.json().value(QStringLiteral("errors")).toArray().first().toObject()
                                .value(QStringLiteral("message")).toString();
    for (const char *known : { "cpu_percent", "memory_percent", "http_p95_ms", "pair_rows_per_second" })
        QVERIFY2(message.contains(QLatin1String(known)), qPrintable(message));
}

void TestGatewayAudit::exportStreamsEveryFieldAsCsv()
{
    const test::ChunkedAnswer answer = test::getChunked(m_port, QStringLiteral("/api/audit/export?event_type=sync.completed"),
                                                        m_authorization);
    QCOMPARE(answer.status, 200);
    QCOMPARE(answer.headers.value("transfer-encoding"), QByteArray("chunked"));
    QVERIFY(!answer.headers.contains("content-length"));
    QCOMPARE(answer.headers.value("content-type"), QByteArray("text/csv; charset=utf-8"));
    QVERIFY(answer.headers.value("content-disposition").startsWith("attachment; filename=\"audit-"));
    QVERIFY(answer.complete); // ended with the zero-size chunk

    const QList<QStringList> rows = test::parseCsv(answer.body);
    QVERIFY(!rows.isEmpty());
    const QStringList header = rows.first();
    QCOMPARE(header, QStringLiteral("id,timestamp,event_type,severity,resource_type,resource_id,operation_id,description,"
                                    "previous_state,new_state,username,ip_address,user_agent,correlation_id,prev_hash,"
                                    "entry_hash").split(QLatin1Char(',')));
    QList<db::AuditEntry> expected;
    for (const db::AuditEntry &entry : std::as_const(m_seeded)) {
        if (entry.eventType == QLatin1String("sync.completed"))
            expected << entry;
    }
    QCOMPARE(rows.size() - 1, expected.size());
    for (int i = 0; i < expected.size(); ++i) {
        const QStringList &row = rows.at(i + 1);
        QCOMPARE(row.size(), header.size());
        // Every field is there: the row re-hashes to its entry_hash.
        db::AuditEntry entry;
        entry.id = row.at(0).toLongLong();
        entry.createdAt = QDateTime::fromString(row.at(1), Qt::ISODateWithMs);
        entry.eventType = row.at(2);
        entry.severity = row.at(3);
        entry.resourceType = row.at(4);
        entry.resourceId = row.at(5);
        entry.operationId = row.at(6).toLongLong();
        entry.description = row.at(7);
        entry.previousState = QJsonDocument::fromJson(row.at(8).toUtf8()).object();
        entry.newState = QJsonDocument::fromJson(row.at(9).toUtf8()).object();
        entry.username = row.at(10);
        entry.ipAddress = row.at(11);
        entry.userAgent = row.at(12);
        entry.correlationId = row.at(13);
        entry.prevHash = row.at(14);
        entry.entryHash = row.at(15);
        QCOMPARE(entry.id, expected.at(i).id);
        QCOMPARE(entry.description, expected.at(i).description);
        QCOMPARE(db::AuditEntry::computeHash(entry.prevHash, entry), entry.entryHash);
    }
    // The awkward description survives quoting (entry 7 is a sync.completed one).
    QVERIFY(answer.body.contains("\"comma, \"\"quote\"\" and\r\na new line ✓\""));

    // A bigger export comes in many chunks; the export itself is audited.
    for (int i = 0; i < 1500; ++i)
        append(QStringLiteral("bulk.export"), QStringLiteral("info"), QStringLiteral("carol"), QStringLiteral("bulk %1").arg(i));
    const test::ChunkedAnswer big = test::getChunked(m_port, QStringLiteral("/api/audit/export?username=carol"), m_authorization);
    QCOMPARE(big.status, 200);
    QVERIFY(big.complete);
    QCOMPARE(test::parseCsv(big.body).size(), 1501);
    QVERIFY2(big.chunks >= 3, qPrintable(QString::number(big.chunks)));
    const QList<QJsonObject> exports = allPages(QStringLiteral("event_type=audit.exported"), 10);
    QCOMPARE(exports.size(), 2);
}

void TestGatewayAudit::tfctlVerifiesAndExports()
{
    ToolRun run = tfctl({ QStringLiteral("verify") });
    QCOMPARE(run.exitCode, 0);
    QVERIFY2(run.out.startsWith("audit trail intact: "), run.out.constData());
    QVERIFY(run.err.contains("checked ")); // progress

    // Entries 10..19 of the seed, to a file written whole, progress on standard output.
    const QString file = m_dir.filePath(QStringLiteral("export.csv"));
    run = tfctl({ QStringLiteral("export"), QStringLiteral("--from"), m_seededFrom.addSecs(10).toString(Qt::ISODate),
                  QStringLiteral("--to"), m_seededFrom.addSecs(20).toString(Qt::ISODate), QStringLiteral("--output"), file });
    QCOMPARE(run.exitCode, 0);
    QVERIFY2(run.out.contains("exported 10 entries to"), run.out.constData());
    QFile csv(file);
    QVERIFY(csv.open(QIODevice::ReadOnly));
    const QList<QStringList> rows = test::parseCsv(csv.readAll());
    QCOMPARE(rows.size(), 11);
    QCOMPARE(rows.at(1).at(0).toLongLong(), m_seeded.at(10).id);
    QCOMPARE(rows.at(10).at(0).toLongLong(), m_seeded.at(19).id);

    // Nothing is that old; bad usage is one line and exit code 2.
    run = tfctl({ QStringLiteral("purge"), QStringLiteral("--older-than"), QStringLiteral("3650") });
    QCOMPARE(run.exitCode, 0);
    QVERIFY2(run.out.contains("nothing to purge"), run.out.constData());
    for (const QStringList &bad : { QStringList { QStringLiteral("purge") },
                                    QStringList { QStringLiteral("purge"), QStringLiteral("--older-than"), QStringLiteral("0") },
                                    QStringList { QStringLiteral("export"), QStringLiteral("--from"), QStringLiteral("soon") },
                                    QStringList { QStringLiteral("shred") } }) {
        run = tfctl(bad);
        QCOMPARE(run.exitCode, 2);
        QCOMPARE(run.err.count('\n'), 1);
        QVERIFY2(run.err.startsWith("tfctl audit: "), run.err.constData());
    }
}

void TestGatewayAudit::verifyCatchesAnEditBehindItsBack()
{
    test::HttpResult result = get(QStringLiteral("/api/audit/verify"));
    QCOMPARE(result.status, 200);
    QJsonObject verification = result.json();
    QVERIFY2(verification.value(QStringLiteral("intact")).toBool(), result.body.constData());
    QVERIFY(verification.value(QStringLiteral("checked")).toInteger() >= 230);
    QVERIFY(verification.value(QStringLiteral("broken_at")).isNull());

    // The trigger refuses the edit; someone with the file drops it first.
    const qint64 victim = m_seeded.at(42).id;
    db::Database &database = m_control->database();
    bool refused = false;
    try {
        database.execDirect(QStringLiteral("UPDATE audit_entries SET username = 'mallory' WHERE id = %1").arg(victim), "tamper");
    } catch (const Error &) {
        refused = true;
    }
    QVERIFY(refused);
    database.execDirect(QStringLiteral("DROP TRIGGER audit_entries_no_update"), "tamper");
    database.execDirect(QStringLiteral("UPDATE audit_entries SET username = 'mallory' WHERE id = %1").arg(victim), "tamper");

    result = get(QStringLiteral("/api/audit/verify"));
    QCOMPARE(result.status, 200);
    verification = result.json();
    QCOMPARE(verification.value(QStringLiteral("intact")).toBool(), false);
    QCOMPARE(verification.value(QStringLiteral("broken_at")).toInteger(), victim);
    QVERIFY(verification.value(QStringLiteral("problem")).toString().contains(QLatin1String("content")));
    // The failure is itself on record, as critical.
    QTRY_COMPARE(allPages(QStringLiteral("event_type=audit.verify_failed&severity=critical"), 10).size(), 1);
    const ToolRun run = tfctl({ QStringLiteral("verify") });
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.out.startsWith(QStringLiteral("audit trail BROKEN at entry %1: ").arg(victim).toUtf8()), run.out.constData());
}

void TestGatewayAudit::changesWhileIdleAndAfterAChange()
{
    // A viewer's token, made before the cursor is taken (making it is a change).
    QByteArray viewer;
    if (!m_authorization.isEmpty()) {
        const test::HttpResult created = test::http("POST", m_base + QStringLiteral("/api/tokens"),
                                                    R"({"name": "console poller", "role": "viewer"})",
                                                    test::authorizationHeaders(m_authorization));
        QCOMPARE(created.status, 201);
        viewer = "Bearer " + created.json().value(QStringLiteral("token")).toString().toUtf8();
        QCOMPARE(test::http("GET", m_base + QStringLiteral("/api/audit"), {}, test::authorizationHeaders(viewer)).status, 403);
    }

    // The list envelope; without a cursor, one item says "reload everything", and next_cursor
    // is where to poll from (never null: the feed goes on).
    const QJsonObject reload { { QStringLiteral("resource_type"), QStringLiteral("*") },
                               { QStringLiteral("resource_id"), QJsonValue() },
                               { QStringLiteral("action"), QStringLiteral("reload") } };
    const QJsonObject start = get(QStringLiteral("/api/changes")).json();
    QCOMPARE(start.keys(), QStringList({ QStringLiteral("items"), QStringLiteral("next_cursor") }));
    QCOMPARE(start.value(QStringLiteral("items")).toArray(), QJsonArray { reload });
    const QString cursor = start.value(QStringLiteral("next_cursor")).toString();
    QVERIFY(!cursor.isEmpty());
    // The cursor is the feed position; ?since=<position> is its deprecated alias.
    const qint64 position = QByteArray::fromBase64(cursor.toLatin1(), QByteArray::Base64UrlEncoding).toLongLong();
    QVERIFY(position > 0);

    // Idle: nothing changed, twice (our own polling changes nothing).
    for (int i = 0; i < 2; ++i) {
        const test::HttpResult idle = get(QStringLiteral("/api/changes?cursor=") + cursor);
        QCOMPARE(idle.status, 200);
        QCOMPARE(idle.json(), (QJsonObject { { QStringLiteral("items"), QJsonArray() }, { QStringLiteral("next_cursor"), cursor } }));
    }
    QCOMPARE(get(QStringLiteral("/api/changes?since=%1").arg(position)).json(),
             (QJsonObject { { QStringLiteral("items"), QJsonArray() }, { QStringLiteral("next_cursor"), cursor } }));

    db::Database &database = m_control->database();
    database.execDirect(QStringLiteral("INSERT INTO systems (name, kind) VALUES ('pacs', 'sqlserver')"), "test insert");
    const db::AuditEntry entry = append(QStringLiteral("system.created"), QStringLiteral("info"), QStringLiteral("alice"), QStringLiteral("pacs"));
    const QString after = QString::fromLatin1(QByteArray::number(position + 2).toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
    const QJsonObject changed = get(QStringLiteral("/api/changes?cursor=") + cursor).json();
    QCOMPARE(changed.value(QStringLiteral("next_cursor")).toString(), after);
    const QJsonArray changes = changed.value(QStringLiteral("items")).toArray();
    QCOMPARE(changes.size(), 2);
    QCOMPARE(changes.at(0).toObject().value(QStringLiteral("resource_type")).toString(), QStringLiteral("system"));
    QCOMPARE(changes.at(0).toObject().value(QStringLiteral("action")).toString(), QStringLiteral("created"));
    QCOMPARE(changes.at(1).toObject(), (QJsonObject { { QStringLiteral("resource_type"), QStringLiteral("audit_entry") },
                                                      { QStringLiteral("resource_id"), QString::number(entry.id) },
                                                      { QStringLiteral("action"), QStringLiteral("created") } }));

    // A viewer may not read the audit trail, so it is not told about audit entries.
    if (!viewer.isEmpty()) {
        const test::HttpResult seen = test::http("GET", m_base + QStringLiteral("/api/changes?cursor=") + cursor, {},
                                                 test::authorizationHeaders(viewer));
        QCOMPARE(seen.status, 200);
        const QJsonArray visible = seen.json().value(QStringLiteral("items")).toArray();
        QCOMPARE(visible.size(), 1);
        QCOMPARE(visible.at(0).toObject().value(QStringLiteral("resource_type")).toString(), QStringLiteral("system"));
        QCOMPARE(seen.json().value(QStringLiteral("next_cursor")).toString(), after);
    }

    // A position the feed never handed out: reload everything.
    const QJsonObject future = get(QStringLiteral("/api/changes?since=%1").arg(position + 1000000)).json();
    QCOMPARE(future.value(QStringLiteral("items")).toArray(), QJsonArray { reload });
    QCOMPARE(future.value(QStringLiteral("next_cursor")).toString(), after);
}

void TestGatewayAudit::metricsHistoryBuckets()
{
    db::MetricsRepository metrics(m_control->database());
    const QDateTime t0 = QDateTime(QDate(2025, 6, 1), QTime(10, 0), Qt::UTC);
    QList<db::MetricSample> samples;
    for (int i = 0; i < 12; ++i) { // one every 10 s for two minutes: 10, 20, ... 120
        db::MetricSample sample;
        sample.metric = QStringLiteral("cpu_percent");
        sample.value = 10.0 * (i + 1);
        sample.at = t0.addSecs(10 * i);
        samples << sample;
    }
    metrics.insert(QStringLiteral("node-a"), samples);
    metrics.insert(QStringLiteral("node-b"), { samples.first() });

    const QString range = QStringLiteral("created_after=%1&created_before=%2").arg(t0.toString(Qt::ISODate), t0.addSecs(120).toString(Qt::ISODate));
    test::HttpResult result = get(QStringLiteral("/api/metrics/history?metric=cpu_percent&step=1m&node=node-a&") + range);
    QCOMPARE(result.status, 200);
    QJsonObject body = result.json();
    QCOMPARE(body.value(QStringLiteral("next_cursor")), QJsonValue());
    QJsonArray series = body.value(QStringLiteral("items")).toArray();
    QCOMPARE(series.size(), 1);
    QCOMPARE(series.at(0).toObject().value(QStringLiteral("metric")).toString(), QStringLiteral("cpu_percent"));
    QCOMPARE(series.at(0).toObject().value(QStringLiteral("step")).toInteger(), 60);
    QCOMPARE(series.at(0).toObject().value(QStringLiteral("from")).toString(), QStringLiteral("2025-06-01T10:00:00.000Z"));
    const QJsonArray points = series.at(0).toObject().value(QStringLiteral("points")).toArray();
    QCOMPARE(points.size(), 2);
    QCOMPARE(points.at(0).toObject().value(QStringLiteral("t")).toString(), QStringLiteral("2025-06-01T10:00:00.000Z"));
    QCOMPARE(points.at(0).toObject().value(QStringLiteral("avg")).toDouble(), 35.0); // 10..60
    QCOMPARE(points.at(0).toObject().value(QStringLiteral("min")).toDouble(), 10.0);
    QCOMPARE(points.at(0).toObject().value(QStringLiteral("max")).toDouble(), 60.0);
    QCOMPARE(points.at(0).toObject().value(QStringLiteral("samples")).toInteger(), 6);
    QCOMPARE(points.at(1).toObject().value(QStringLiteral("avg")).toDouble(), 95.0); // 70..120

    // Without a node, one series per node; without a step, one that keeps to 300 points.
    result = get(QStringLiteral("/api/metrics/history?metric=cpu_percent&") + range);
    QCOMPARE(result.status, 200);
    body = result.json();
    series = body.value(QStringLiteral("items")).toArray();
    QCOMPARE(series.size(), 2);
    QCOMPARE(series.at(0).toObject().value(QStringLiteral("step")).toInteger(), 1);
    QCOMPARE(series.at(0).toObject().value(QStringLiteral("points")).toArray().size(), 12);
    QCOMPARE(series.at(1).toObject().value(QStringLiteral("node")).toString(), QStringLiteral("node-b"));
}

QTEST_GUILESS_MAIN(TestGatewayAudit)
#include "tst_gatewayaudit.moc"
