// docs/api-conventions.md held against every route of a real tf-gateway supervising a real
// tf-syncd: the route list is resources/openapi.yaml's (tst_apicontract proves it is exactly
// the registered routes), every id is filled in from data this test creates, and each route
// is called for real. What a route answers is recorded; when the OpenAPI tooling is installed
// (TF_API_TOOLS: the folder tst_openapi installs them into) every recorded answer is validated against its
// schema by tests/api/validate-answers.mjs.
#include "openapioperations.h"
#include "tst_gatewayproxy_fixture.h"

#include <QFile>
#include <QJsonArray>
#include <QProcess>
#include <QRegularExpression>
#include <QTest>

using namespace tf;
using namespace tf::test;

namespace {

struct Route
{
    QByteArray method;
    QString path; // the OpenAPI template, /api/sync-pairs/{id}
};

QList<Route> documentedRoutes(const QString &file)
{
    QList<Route> routes;
    for (const DocumentedOperation &operation : documentedOperations(file))
        routes.append({ operation.method, operation.path });
    return routes;
}

// Every problem on its own line in the log (QVERIFY2 cuts long messages), then the verdict.
void expectNone(const QStringList &problems)
{
    for (const QString &problem : problems)
        qWarning().noquote() << problem;
    QVERIFY2(problems.isEmpty(), qPrintable(QStringLiteral("%1 problem(s), listed above").arg(problems.size())));
}

bool isProblem(const HttpResult &result)
{
    const QJsonObject body = result.json();
    return result.headers.value("content-type").startsWith("application/problem+json")
        && body.value(QStringLiteral("status")).toInt() == result.status
        && !body.value(QStringLiteral("type")).toString().isEmpty()
        && !body.value(QStringLiteral("title")).toString().isEmpty()
        && !body.value(QStringLiteral("detail")).toString().isEmpty()
        && !body.value(QStringLiteral("code")).toString().isEmpty();
}

} // namespace

class TestApiConventions final : public QObject, public GatewayProxyFixture
{
    Q_OBJECT

    QHash<QString, QString> m_ids; // "{id} of /api/systems" -> "3"
    QHash<QString, QString> m_routeIds; // a template whose id is not its prefix's -> the id
    // Parameters a route cannot do without.
    const QHash<QString, QString> m_required { { QStringLiteral("/api/metrics/history"), QStringLiteral("metric=cpu_percent") } };
    QJsonArray m_answers;          // what every route answered, for validate-answers.mjs
    QList<Route> m_routes;

    // The template with ids filled in and its required parameters, plus `extra` parameters.
    QString callPath(const Route &route, const QString &extra = {}) const
    {
        QStringList query;
        if (m_required.contains(route.path))
            query << m_required.value(route.path);
        if (!extra.isEmpty())
            query << extra;
        return filled(route.path) + (query.isEmpty() ? QString() : QLatin1Char('?') + query.join(QLatin1Char('&')));
    }

    QString filled(const QString &path) const
    {
        if (m_routeIds.contains(path)) {
            QString out = path;
            return out.replace(QLatin1String("{id}"), m_routeIds.value(path));
        }
        QString out = path;
        static const QRegularExpression param(QStringLiteral("\\{([a-z_]+)\\}"));
        auto it = param.globalMatch(path);
        while (it.hasNext()) {
            const auto m = it.next();
            const QString prefix = path.left(m.capturedStart());
            out.replace(m.captured(0), m_ids.value(prefix, QStringLiteral("1")));
        }
        return out;
    }

    void record(const Route &route, const HttpResult &result)
    {
        QJsonObject headers;
        for (auto it = result.headers.cbegin(); it != result.headers.cend(); ++it)
            headers.insert(QString::fromLatin1(it.key()), QString::fromLatin1(it.value()));
        const QJsonDocument document = QJsonDocument::fromJson(result.body);
        m_answers.append(QJsonObject {
            { QStringLiteral("method"), QString::fromLatin1(route.method) },
            { QStringLiteral("path"), route.path },
            { QStringLiteral("status"), result.status },
            { QStringLiteral("content_type"), QString::fromLatin1(result.headers.value("content-type")) },
            { QStringLiteral("body"), document.isObject() ? QJsonValue(document.object())
                                      : document.isArray() ? QJsonValue(document.array())
                                      : result.headers.value("content-type").startsWith("text/") ? QJsonValue(QString::fromUtf8(result.body))
                                                                                                 : QJsonValue() },
            { QStringLiteral("headers"), headers } });
    }

    static bool isOpen(const Route &route) { return route.path.startsWith(QLatin1String("/health")) || route.path == QLatin1String("/api/auth/login"); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        makeSourceAndTarget(30, { 7 }); // row 7 breaks the min_value rule: one quarantine entry
        QProcessEnvironment env = ServiceProcess::cleanEnvironment();
        // Rate limits stay on (their headers are a convention) but far above this test's pace.
        env.insert(QStringLiteral("TF_RATE_LIMIT__PER_TOKEN_RPS"), QStringLiteral("2000"));
        env.insert(QStringLiteral("TF_RATE_LIMIT__PER_TOKEN_BURST"), QStringLiteral("4000"));
        env.insert(QStringLiteral("TF_RATE_LIMIT__PER_ADDRESS_RPS"), QStringLiteral("2000"));
        env.insert(QStringLiteral("TF_RATE_LIMIT__PER_ADDRESS_BURST"), QStringLiteral("4000"));
        QVERIFY(startGateway(env));
        QVERIFY(!m_authorization.isEmpty());

        // Data for every id a path takes.
        const qint64 sourceSystem = createSqliteSystem(QStringLiteral("conventions-source"), QStringLiteral("source.db"));
        const qint64 targetSystem = createSqliteSystem(QStringLiteral("conventions-target"), QStringLiteral("target.db"));
        QVERIFY(sourceSystem > 0 && targetSystem > 0);
        m_ids.insert(QStringLiteral("/api/systems/"), QString::number(sourceSystem));
        m_pair = create(QStringLiteral("/api/sync-pairs"), pairBody(QStringLiteral("conventions"), sourceSystem, targetSystem, QStringLiteral("parcel")));
        QVERIFY(m_pair > 0);
        m_ids.insert(QStringLiteral("/api/sync-pairs/"), QString::number(m_pair));
        const qint64 operation = startOperation(QJsonObject { { QStringLiteral("pair_id"), m_pair } });
        QVERIFY(operation > 0);
        QVERIFY(finished(waitForOperation(operation, finished)));
        m_ids.insert(QStringLiteral("/api/sync-operations/"), QString::number(operation));
        // Only a dry run has a change set.
        const qint64 dryRun = startOperation(QJsonObject { { QStringLiteral("pair_id"), m_pair }, { QStringLiteral("dry_run"), true } });
        QVERIFY(dryRun > 0);
        QVERIFY(finished(waitForOperation(dryRun, finished)));
        m_routeIds.insert(QStringLiteral("/api/sync-operations/{id}/changes"), QString::number(dryRun));

        const QJsonArray quarantined = api("GET", QStringLiteral("/api/sync-pairs/%1/quarantine").arg(m_pair)).json().value(QStringLiteral("items")).toArray();
        QVERIFY2(!quarantined.isEmpty(), "row 7 should be quarantined");
        m_ids.insert(QStringLiteral("/api/quarantine/"), QString::number(quarantined.first().toObject().value(QStringLiteral("id")).toInteger()));

        const HttpResult user = api("POST", QStringLiteral("/api/users"),
                                    compact(QJsonObject { { QStringLiteral("username"), QStringLiteral("walker") },
                                                          { QStringLiteral("password"), QStringLiteral("walker-Password-1234") },
                                                          { QStringLiteral("role"), QStringLiteral("viewer") } }));
        QVERIFY2(user.status == 201, user.body.constData());
        m_ids.insert(QStringLiteral("/api/users/"), QString::number(user.json().value(QStringLiteral("id")).toInteger()));
        const HttpResult token = api("POST", QStringLiteral("/api/tokens"),
                                     compact(QJsonObject { { QStringLiteral("name"), QStringLiteral("walker-token") },
                                                           { QStringLiteral("role"), QStringLiteral("viewer") } }));
        QVERIFY2(token.status == 201, token.body.constData());
        m_ids.insert(QStringLiteral("/api/tokens/"), QString::number(token.json().value(QStringLiteral("id")).toInteger()));

        const QJsonArray audit = api("GET", QStringLiteral("/api/audit?limit=1")).json().value(QStringLiteral("items")).toArray();
        QVERIFY(!audit.isEmpty());
        m_ids.insert(QStringLiteral("/api/audit/"), QString::number(audit.first().toObject().value(QStringLiteral("id")).toInteger()));

        const HttpResult backup = api("POST", QStringLiteral("/api/backups"), compact(QJsonObject { { QStringLiteral("label"), QStringLiteral("walk") } }));
        QVERIFY2(backup.status == 202, backup.body.constData());
        const QString job = QString::fromLatin1(backup.headers.value("location")).section(QLatin1Char('/'), -1);
        QVERIFY2(!job.isEmpty(), "a started job answers with its Location");
        m_ids.insert(QStringLiteral("/api/jobs/"), job);
        QJsonObject ended;
        QDeadlineTimer deadline(30000);
        while (!deadline.hasExpired()) {
            ended = api("GET", QStringLiteral("/api/jobs/") + job).json();
            if (ended.value(QStringLiteral("status")).toString() != QLatin1String("running")
                && ended.value(QStringLiteral("status")).toString() != QLatin1String("queued"))
                break;
            QThread::msleep(100);
        }
        QCOMPARE(ended.value(QStringLiteral("status")).toString(), QStringLiteral("completed"));
        const QJsonArray backups = api("GET", QStringLiteral("/api/backups")).json().value(QStringLiteral("items")).toArray();
        QVERIFY(!backups.isEmpty());
        m_ids.insert(QStringLiteral("/api/backups/"), backups.first().toObject().value(QStringLiteral("name")).toString());

        const HttpResult plan = api("POST", QStringLiteral("/api/recovery-plans"), compact(QJsonObject { { QStringLiteral("scenario"), QStringLiteral("service_outage") } }));
        QVERIFY2(plan.status == 201, plan.body.constData());
        m_ids.insert(QStringLiteral("/api/recovery-plans/"), plan.json().value(QStringLiteral("name")).toString());
        m_ids.insert(QStringLiteral("/api/services/"), QStringLiteral("sync"));

        const HttpResult run = api("POST", QStringLiteral("/api/maintenance/run"), compact(QJsonObject { { QStringLiteral("type"), QStringLiteral("weekly") } }));
        QVERIFY2(run.status == 202, run.body.constData());
        QTRY_VERIFY_WITH_TIMEOUT(!api("GET", QStringLiteral("/api/maintenance/runs?limit=1")).json().value(QStringLiteral("items")).toArray().isEmpty(), 20000);
        const QJsonObject lastRun = api("GET", QStringLiteral("/api/maintenance/runs?limit=1")).json().value(QStringLiteral("items")).toArray().first().toObject();
        m_ids.insert(QStringLiteral("/api/maintenance/runs/"), QString::number(lastRun.value(QStringLiteral("id")).toInteger()));

        m_routes = documentedRoutes(qEnvironmentVariable("TF_SOURCE_DIR") + QStringLiteral("/resources/openapi.yaml"));
        QVERIFY(m_routes.size() > 50);
    }

    void everyReadAnswersByTheConventions()
    {
        QStringList problems;
        for (const Route &route : std::as_const(m_routes)) {
            if (route.method != "GET")
                continue;
            const QString path = callPath(route);
            const HttpResult result = api("GET", path);
            record(route, result);
            const QString where = QStringLiteral("GET ") + path;
            if (result.status != 200) {
                problems << QStringLiteral("%1: HTTP %2 %3").arg(where).arg(result.status).arg(QString::fromUtf8(result.body.left(300)));
                continue;
            }
            if (!isOpen(route)) {
                for (const QByteArray &header : { QByteArray("ratelimit-limit"), QByteArray("ratelimit-remaining"), QByteArray("ratelimit-reset") }) {
                    if (!result.headers.contains(header))
                        problems << QStringLiteral("%1: no %2 header").arg(where, QString::fromLatin1(header));
                }
            }
            const QJsonObject body = result.json();
            const bool single = route.path.endsWith(QLatin1Char('}'));
            if (body.contains(QStringLiteral("items"))) {
                QStringList keys = body.keys();
                if (keys != QStringList { QStringLiteral("items"), QStringLiteral("next_cursor") })
                    problems << QStringLiteral("%1: a list answers {items, next_cursor} and nothing else, not {%2}").arg(where, keys.join(QStringLiteral(", ")));
                const QJsonValue next = body.value(QStringLiteral("next_cursor"));
                if (!next.isNull() && !next.isString())
                    problems << QStringLiteral("%1: next_cursor is an opaque string or null").arg(where);
                const HttpResult one = api("GET", callPath(route, QStringLiteral("limit=1")));
                if (one.status != 200 || one.json().value(QStringLiteral("items")).toArray().size() > 1)
                    problems << QStringLiteral("%1?limit=1: HTTP %2 with %3 items").arg(where).arg(one.status).arg(one.json().value(QStringLiteral("items")).toArray().size());
                const HttpResult huge = api("GET", callPath(route, QStringLiteral("limit=100000")));
                if (huge.status != 200 || !huge.headers.value("page-limit").startsWith("500"))
                    problems << QStringLiteral("%1?limit=100000: HTTP %2, Page-Limit '%3'").arg(where).arg(huge.status).arg(QString::fromLatin1(huge.headers.value("page-limit")));
            } else if (single && !result.headers.contains("etag") && !route.path.startsWith(QLatin1String("/api/jobs"))
                       && !route.path.startsWith(QLatin1String("/api/sync-operations")) && !route.path.startsWith(QLatin1String("/api/audit/"))
                       && !route.path.startsWith(QLatin1String("/api/maintenance/runs")) && !route.path.startsWith(QLatin1String("/api/quarantine"))) {
                problems << QStringLiteral("%1: a single resource answers with an ETag").arg(where);
            }
            // HEAD: the same headers, the real Content-Length, no body. Live figures (metrics)
            // may change between two calls, so a HEAD and a GET right after it get three tries.
            if (!result.headers.contains("transfer-encoding")) {
                // A live answer (its length differs between two GETs) is held to the range of
                // lengths it has, give or take the digits of a changing figure; a figure may
                // also roll over just between the calls, so three tries.
                HttpResult head;
                qsizetype before = 0;
                qsizetype after = 0;
                bool ok = false;
                qsizetype length = 0;
                bool within = false;
                for (int attempt = 0; attempt < 3 && !within; ++attempt) {
                    before = api("GET", path).body.size();
                    head = http("HEAD", base() + path, {}, authorizationHeaders(m_authorization), 3000);
                    after = api("GET", path).body.size();
                    const qsizetype slack = before == after ? 0 : 64;
                    length = head.headers.value("content-length").toLongLong(&ok);
                    within = head.status == 200 && head.body.isEmpty() && ok && length >= qMin(before, after) - slack
                        && length <= qMax(before, after) + slack;
                }
                if (!within)
                    problems << QStringLiteral("HEAD %1: HTTP %2, Content-Length %3, GETs around it had %4 and %5 bytes")
                                    .arg(path).arg(head.status).arg(QString::fromLatin1(head.headers.value("content-length"))).arg(before).arg(after);
            }
        }
        expectNone(problems);
    }

    void unknownParametersAndMalformedIdsAre400()
    {
        QStringList problems;
        for (const Route &route : std::as_const(m_routes)) {
            if (route.method != "GET" || route.path.startsWith(QLatin1String("/health")))
                continue;
            const QString path = callPath(route, QStringLiteral("no_such_parameter=1"));
            const HttpResult unknown = api("GET", path);
            record(route, unknown);
            if (unknown.status != 400 || unknown.json().value(QStringLiteral("code")).toString() != QLatin1String("unknown_parameter") || !isProblem(unknown))
                problems << QStringLiteral("GET %1: HTTP %2 %3").arg(path).arg(unknown.status).arg(QString::fromUtf8(unknown.body.left(200)));
        }
        for (const Route &route : std::as_const(m_routes)) {
            if (!route.path.contains(QLatin1String("{id}")))
                continue;
            QString path = route.path;
            path.replace(QLatin1String("{id}"), QLatin1String("abc"));
            path = filled(path);
            const QByteArray body = route.method == "GET" || route.method == "DELETE" ? QByteArray() : QByteArray("{}");
            const HttpResult result = api(route.method, path, body);
            record(route, result);
            if (result.status != 400 || result.json().value(QStringLiteral("code")).toString() != QLatin1String("invalid_id") || !isProblem(result))
                problems << QStringLiteral("%1 %2: HTTP %3 %4").arg(QString::fromLatin1(route.method), path).arg(result.status).arg(QString::fromUtf8(result.body.left(200)));
        }
        expectNone(problems);
    }

    void bodiesOfAnotherTypeAre415()
    {
        QStringList problems;
        for (const Route &route : std::as_const(m_routes)) {
            if (route.method != "POST" && route.method != "PUT" && route.method != "PATCH")
                continue;
            const QString path = filled(route.path);
            const HttpResult result = api(route.method, path, QByteArray("{\"name\": \"x\"}"), {},
                                          { { QByteArrayLiteral("Content-Type"), QByteArrayLiteral("text/plain") } });
            if (route.path != QLatin1String("/api/auth/login"))
                record(route, result);
            if (result.status != 415 || !isProblem(result))
                problems << QStringLiteral("%1 %2 as text/plain: HTTP %3 %4").arg(QString::fromLatin1(route.method), path).arg(result.status).arg(QString::fromUtf8(result.body.left(200)));
        }
        expectNone(problems);
    }

    void everyAnswerMatchesItsSchema()
    {
        const QString tools = qEnvironmentVariable("TF_API_TOOLS");
        const QString file = m_dir.filePath(QStringLiteral("answers.json"));
        QFile out(file);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(QJsonDocument(m_answers).toJson());
        out.close();
        QVERIFY(m_answers.size() > 100);
        if (tools.isEmpty())
            QSKIP("TF_API_TOOLS is not set: ctest sets it to the folder tst_openapi installs the OpenAPI tools into");
        QProcess node;
        node.setProcessChannelMode(QProcess::MergedChannels);
        node.setProcessEnvironment([&] {
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.insert(QStringLiteral("NODE_PATH"), tools + QStringLiteral("/node_modules"));
            return env;
        }());
        const QString source = qEnvironmentVariable("TF_SOURCE_DIR");
        node.start(QStringLiteral("node"), { source + QStringLiteral("/tests/api/validate-answers.mjs"),
                                             QStringLiteral("--strict"), QStringLiteral("--spec"), source + QStringLiteral("/resources/openapi.yaml"), file });
        QVERIFY(node.waitForFinished(120000));
        const QByteArray output = node.readAll();
        if (node.exitStatus() != QProcess::NormalExit || node.exitCode() != 0)
            expectNone(QString::fromUtf8(output).split(QLatin1Char('\n'), Qt::SkipEmptyParts));
    }

    void cleanupTestCase()
    {
        if (m_gateway) {
            m_gateway->terminate();
            m_gateway->waitFinished(15000);
        }
    }
};

QTEST_GUILESS_MAIN(TestApiConventions)
#include "tst_apiconventions.moc"
