// The sync API of tf-syncd over real loopback HTTP, in process, on a temporary SQLite control
// database and again on a scratch PostgreSQL one: an endpoint matrix of bad input (malformed
// JSON, wrong types, unknown ids, duplicates, conflicts) and the life of systems, pairs and
// operations. Credentials are never in any answer.
#include "sync/queue/operationqueue.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include "tst_syncapi_badinput.h"
#include "tst_syncapi_fixture.h"

using namespace tf;
using namespace tf::test;

namespace {

const QByteArray kPassword = "Pw-only-in-requests-7f3a9c";
const QByteArray kNewPassword = "Pw-replaced-later-51d2e0";
const QString kNode = QStringLiteral("test-worker");

QJsonObject object(const QByteArray &json)
{
    return QJsonDocument::fromJson(json).object();
}

} // namespace

class TestSyncApi final : public QObject
{
    Q_OBJECT

public:
    explicit TestSyncApi(Backend backend)
        : m_backend(backend)
    { }

private:
    Backend m_backend;
    SyncApiFixture m_api;
    qint64 m_pacs = 0, m_cama = 0, m_unreachable = 0, m_pair = 0, m_cancelledOp = 0;

    QString expand(QString path) const
    {
        return path.replace(QStringLiteral("{pacs}"), QString::number(m_pacs))
            .replace(QStringLiteral("{cama}"), QString::number(m_cama))
            .replace(QStringLiteral("{pair}"), QString::number(m_pair))
            .replace(QStringLiteral("{op}"), QString::number(m_cancelledOp));
    }

    qint64 create(const QString &path, const QJsonObject &body) { return m_api.create(path, body); }

    QJsonObject propertyPair(const QString &name) const
    {
        QJsonObject json = SyncApiFixture::demoPair(QStringLiteral("property"), m_pacs, m_cama);
        json.insert(QStringLiteral("name"), name);
        return json;
    }

    // Runs the queue as a worker would, without running a sync: claim, then finish.
    qint64 claimFor(qint64 pairId)
    {
        sync::OperationQueue queue(m_api.control());
        const auto claimed = queue.claim(kNode, std::chrono::seconds(60));
        return claimed && claimed->pairId == pairId ? claimed->id : 0;
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString url = m_api.controlUrl(m_backend);
        TF_REQUIRE_POSTGRES(url);
        QVERIFY2(m_api.start(url), "the control database did not open");
        m_api.makeDemoSystems(100);
        const QJsonObject credentials { { QStringLiteral("user"), QStringLiteral("sync") },
                                        { QStringLiteral("password"),
                                          QString::fromLatin1(kPassword) } };
        m_pacs = create(
            QStringLiteral("/systems"),
            QJsonObject { { QStringLiteral("name"), QStringLiteral("PACS") },
                          { QStringLiteral("kind"), QStringLiteral("sqlite") },
                          { QStringLiteral("description"), QStringLiteral("legacy export") },
                          { QStringLiteral("settings"),
                            QJsonObject { { QStringLiteral("path"), m_api.pacsPath() } } },
                          { QStringLiteral("credentials"), credentials } });
        QVERIFY(m_pacs > 0);
        // A replacement without "credentials" keeps the stored ones.
        const HttpResult put = m_api.call(
            "PUT", QStringLiteral("/systems/%1").arg(m_pacs),
            QJsonObject { { QStringLiteral("name"), QStringLiteral("PACS") },
                          { QStringLiteral("kind"), QStringLiteral("sqlite") },
                          { QStringLiteral("settings"),
                            QJsonObject { { QStringLiteral("path"), m_api.pacsPath() } } } });
        QVERIFY2(put.status == 200, qPrintable(describe(put)));
        QVERIFY(put.json().value(QStringLiteral("has_credentials")).toBool());
        m_cama = create(
            QStringLiteral("/systems"),
            QJsonObject { { QStringLiteral("name"), QStringLiteral("CAMA") },
                          { QStringLiteral("kind"), QStringLiteral("sqlite") },
                          { QStringLiteral("settings"),
                            QJsonObject { { QStringLiteral("path"), m_api.camaPath() } } } });
        QVERIFY(m_cama > 0);
        m_unreachable
            = create(QStringLiteral("/systems"),
                     QJsonObject {
                         { QStringLiteral("name"), QStringLiteral("Nowhere") },
                         { QStringLiteral("kind"), QStringLiteral("postgres") },
                         { QStringLiteral("settings"),
                           QJsonObject { { QStringLiteral("url"),
                                           QStringLiteral("postgresql://127.0.0.1:1/nowhere") } } },
                         { QStringLiteral("credentials"), credentials } });
        QVERIFY(m_unreachable > 0);
        m_pair = create(QStringLiteral("/sync-pairs"), propertyPair(QStringLiteral("property")));
        QVERIFY(m_pair > 0);

        const HttpResult started = m_api.call("POST", QStringLiteral("/sync/%1/start").arg(m_pair));
        QVERIFY2(started.status == 202, qPrintable(describe(started)));
        m_cancelledOp = started.json().value(QStringLiteral("id")).toInteger();
        QCOMPARE(m_api.call("POST", QStringLiteral("/sync-operations/%1/cancel").arg(m_cancelledOp))
                     .status,
                 200);
    }

    void cleanupTestCase() { m_api.stop(); }

    void badInput_data()
    {
        addSyncApiBadInputRows([this](const QString &name) { return propertyPair(name); });
    }

    void badInput()
    {
        QFETCH(QByteArray, method);
        QFETCH(QString, path);
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QString, field);
        const HttpResult result = m_api.call(method, expand(path), body);
        QVERIFY2(result.status == status, qPrintable(describe(result)));
        const QJsonObject error = errorOf(result);
        QVERIFY2(!error.value(QStringLiteral("detail")).toString().isEmpty(),
                 qPrintable(describe(result)));
        QVERIFY(!error.value(QStringLiteral("code")).toString().isEmpty());
        if (!field.isEmpty())
            QVERIFY2(errorFields(result).contains(field), qPrintable(describe(result)));
        if (status == 400 && body.size() > 0 && !body.startsWith('['))
            QVERIFY2(
                error.value(QStringLiteral("detail")).toString().contains(QStringLiteral("offset"))
                    || !error.value(QStringLiteral("errors")).toArray().isEmpty(),
                qPrintable(describe(result)));
    }

    void nothingWasCreatedByBadInput()
    {
        QCOMPARE(m_api.call("GET", QStringLiteral("/systems"))
                     .json()
                     .value(QStringLiteral("items"))
                     .toArray()
                     .size(),
                 3);
        const QJsonObject pairs = m_api.call("GET", QStringLiteral("/sync-pairs")).json();
        QCOMPARE(pairs.value(QStringLiteral("items")).toArray().size(), 1);
        QVERIFY(pairs.contains(QStringLiteral("next_cursor"))
                && pairs.value(QStringLiteral("next_cursor")).isNull());
        // The bad start requests queued nothing.
        sync::OperationQueue::ListFilter queued;
        queued.status = QStringLiteral("queued");
        QCOMPARE(sync::OperationQueue(m_api.control()).list(queued).size(), 0);
    }

    void systemsAnswerWithoutCredentials()
    {
        const HttpResult one = m_api.call("GET", QStringLiteral("/systems/%1").arg(m_pacs));
        QCOMPARE(one.status, 200);
        QCOMPARE(one.json().value(QStringLiteral("name")).toString(), QStringLiteral("PACS"));
        QVERIFY(one.json().value(QStringLiteral("has_credentials")).toBool());
        QVERIFY(!one.json().contains(QStringLiteral("credentials")));

        QJsonObject body = one.json();
        body.insert(
            QStringLiteral("credentials"),
            QJsonObject { { QStringLiteral("user"), QStringLiteral("sync") },
                          { QStringLiteral("password"), QString::fromLatin1(kNewPassword) } });
        body.remove(QStringLiteral("has_credentials"));
        body.remove(QStringLiteral("id"));
        body.remove(QStringLiteral("created_at"));
        body.remove(QStringLiteral("updated_at"));
        const HttpResult replaced
            = m_api.call("PUT", QStringLiteral("/systems/%1").arg(m_pacs), body);
        QVERIFY2(replaced.status == 200, qPrintable(describe(replaced)));
        QVERIFY(replaced.json().value(QStringLiteral("has_credentials")).toBool());

        const HttpResult unreachable
            = m_api.call("POST", QStringLiteral("/systems/%1/test").arg(m_unreachable));
        QVERIFY2(unreachable.status == 200, qPrintable(describe(unreachable)));
        QCOMPARE(unreachable.json().value(QStringLiteral("ok")).toBool(), false);
        QVERIFY(!unreachable.json().value(QStringLiteral("error")).toString().isEmpty());
    }

    void systemTestAndEntities()
    {
        const HttpResult test = m_api.call("POST", QStringLiteral("/systems/%1/test").arg(m_pacs));
        QVERIFY2(test.status == 200, qPrintable(describe(test)));
        QVERIFY2(test.json().value(QStringLiteral("ok")).toBool(), qPrintable(describe(test)));
        QCOMPARE(test.json().value(QStringLiteral("entities_count")).toInt(), 4);
        QVERIFY(test.json().value(QStringLiteral("error")).isNull());

        const HttpResult entities
            = m_api.call("GET", QStringLiteral("/systems/%1/entities").arg(m_pacs));
        QVERIFY2(entities.status == 200, qPrintable(describe(entities)));
        QJsonObject property;
        for (const QJsonValue &item : entities.json().value(QStringLiteral("items")).toArray()) {
            if (item[QStringLiteral("name")].toString() == QLatin1String("Property"))
                property = item.toObject();
        }
        QCOMPARE(property.value(QStringLiteral("key")).toArray(),
                 QJsonArray { QStringLiteral("PropertyID") });
        bool sawParcel = false;
        for (const QJsonValue &column : property.value(QStringLiteral("columns")).toArray()) {
            QVERIFY(!column[QStringLiteral("type")].toString().isEmpty());
            sawParcel = sawParcel
                || column[QStringLiteral("name")].toString() == QLatin1String("ParcelNumber");
        }
        QVERIFY(sawParcel);
        QVERIFY(entities.json().value(QStringLiteral("next_cursor")).isNull());

        const HttpResult unreachable
            = m_api.call("GET", QStringLiteral("/systems/%1/entities").arg(m_unreachable));
        QVERIFY2(unreachable.status >= 400 && unreachable.status != 500,
                 qPrintable(describe(unreachable)));
    }

    void systemLifecycle()
    {
        const qint64 id = create(
            QStringLiteral("/systems"),
            object(R"({"name": "Spare", "kind": "csv", "settings": {"path": "/tmp/spare"}})"));
        QVERIFY(id > 0);
        QCOMPARE(m_api.call("GET", QStringLiteral("/systems/%1").arg(id))
                     .json()
                     .value(QStringLiteral("has_credentials"))
                     .toBool(),
                 false);
        const HttpResult deleted = m_api.call("DELETE", QStringLiteral("/systems/%1").arg(id));
        QVERIFY2(deleted.status == 200, qPrintable(describe(deleted)));
        QCOMPARE(m_api.call("GET", QStringLiteral("/systems/%1").arg(id)).status, 404);
    }

    void pairDetailEnableDisableReplace()
    {
        const HttpResult detail = m_api.call("GET", QStringLiteral("/sync-pairs/%1").arg(m_pair));
        QVERIFY2(detail.status == 200, qPrintable(describe(detail)));
        const QJsonObject pair = detail.json();
        QCOMPARE(pair.value(QStringLiteral("name")).toString(), QStringLiteral("property"));
        QCOMPARE(pair.value(QStringLiteral("schedule")).toString(),
                 QStringLiteral("0 2 * * MON-SAT"));
        QVERIFY(QDateTime::fromString(pair.value(QStringLiteral("next_run_at")).toString(),
                                      Qt::ISODateWithMs)
                > QDateTime::currentDateTimeUtc());
        QCOMPARE(pair.value(QStringLiteral("last_operation"))[QStringLiteral("id")].toInteger(),
                 m_cancelledOp);
        QCOMPARE(pair.value(QStringLiteral("open_quarantine")).toInt(), 0);
        QCOMPARE(
            pair.value(QStringLiteral("definition"))[QStringLiteral("entities")].toArray().size(),
            1);

        const HttpResult disabled
            = m_api.call("POST", QStringLiteral("/sync-pairs/%1/disable").arg(m_pair));
        QCOMPARE(disabled.status, 200);
        QCOMPARE(disabled.json().value(QStringLiteral("enabled")).toBool(), false);
        QVERIFY(disabled.json().value(QStringLiteral("next_run_at")).isNull());
        QCOMPARE(m_api.call("POST", QStringLiteral("/sync/%1/start").arg(m_pair)).status, 409);
        const HttpResult enabled
            = m_api.call("POST", QStringLiteral("/sync-pairs/%1/enable").arg(m_pair));
        QCOMPARE(enabled.json().value(QStringLiteral("enabled")).toBool(), true);
        QVERIFY(!enabled.json().value(QStringLiteral("next_run_at")).isNull());

        // The stored definition can be sent back as a full replacement.
        QJsonObject definition = enabled.json().value(QStringLiteral("definition")).toObject();
        definition.insert(QStringLiteral("description"), QStringLiteral("replaced"));
        definition.remove(QStringLiteral("schedule"));
        const HttpResult replaced
            = m_api.call("PUT", QStringLiteral("/sync-pairs/%1").arg(m_pair), definition);
        QVERIFY2(replaced.status == 200, qPrintable(describe(replaced)));
        QCOMPARE(replaced.json().value(QStringLiteral("description")).toString(),
                 QStringLiteral("replaced"));
        QVERIFY(replaced.json().value(QStringLiteral("schedule")).isNull());
        QVERIFY(replaced.json().value(QStringLiteral("next_run_at")).isNull());
    }

    void startQueuesOnceAndWakesWorkers()
    {
        const int wakes = m_api.wakes();
        const HttpResult first
            = m_api.call("POST", QStringLiteral("/sync/%1/start").arg(m_pair),
                         QJsonObject { { QStringLiteral("dry_run"), true },
                                       { QStringLiteral("mode"), QStringLiteral("full") } });
        QVERIFY2(first.status == 202, qPrintable(describe(first)));
        QCOMPARE(first.json().value(QStringLiteral("status")).toString(), QStringLiteral("queued"));
        QCOMPARE(first.json().value(QStringLiteral("dry_run")).toBool(), true);
        QCOMPARE(first.json().value(QStringLiteral("mode")).toString(), QStringLiteral("full"));
        QCOMPARE(first.headers.value("location"),
                 QByteArray("/sync-operations/")
                     + QByteArray::number(first.json().value(QStringLiteral("id")).toInteger()));
        QVERIFY(m_api.wakes() > wakes);
        // The same start again joins the queued operation (audited once); a start with other
        // options is refused naming it, never merged into it (issue 13).
        const HttpResult second
            = m_api.call("POST", QStringLiteral("/sync/%1/start").arg(m_pair),
                         QJsonObject { { QStringLiteral("dry_run"), true },
                                       { QStringLiteral("mode"), QStringLiteral("full") } });
        QCOMPARE(second.status, 202);
        QCOMPARE(second.json().value(QStringLiteral("id")).toInteger(),
                 first.json().value(QStringLiteral("id")).toInteger());
        const HttpResult other = m_api.call("POST", QStringLiteral("/sync/%1/start").arg(m_pair));
        QCOMPARE(other.status, 409);
        const QJsonObject details = other.json();
        QCOMPARE(details.value(QStringLiteral("code")).toString(), QStringLiteral("operation_queued"));
        QCOMPARE(details.value(QStringLiteral("operation_id")).toInteger(), first.json().value(QStringLiteral("id")).toInteger());
        {
            QSqlQuery audit = m_api.control().prepare(QStringLiteral(
                "SELECT COUNT(*) FROM audit_entries WHERE event_type = 'sync_operation.started' AND resource_id = ?"));
            audit.addBindValue(QString::number(first.json().value(QStringLiteral("id")).toInteger()));
            m_api.control().exec(audit, "counting audit entries");
            QVERIFY(audit.next());
            QCOMPARE(audit.value(0).toInt(), 1);
        }

        // Cancel (queued -> cancelled at once), retry (a new queued one), cancel that too.
        const qint64 id = first.json().value(QStringLiteral("id")).toInteger();
        const HttpResult cancelled
            = m_api.call("POST", QStringLiteral("/sync-operations/%1/cancel").arg(id));
        QCOMPARE(cancelled.json().value(QStringLiteral("status")).toString(),
                 QStringLiteral("cancelled"));
        const HttpResult retried
            = m_api.call("POST", QStringLiteral("/sync-operations/%1/retry").arg(id));
        QVERIFY2(retried.status == 202, qPrintable(describe(retried)));
        QCOMPARE(retried.json().value(QStringLiteral("retry_of")).toInteger(), id);
        QCOMPARE(retried.json().value(QStringLiteral("dry_run")).toBool(), true);
        const qint64 retry = retried.json().value(QStringLiteral("id")).toInteger();
        const HttpResult stillQueued = m_api.call("POST", QStringLiteral("/sync-operations/%1/retry").arg(retry));
        QCOMPARE(stillQueued.status, 409);
        QCOMPARE(stillQueued.json().value(QStringLiteral("code")).toString(), QStringLiteral("operation_queued"));
        QCOMPARE(m_api.call("POST", QStringLiteral("/sync-operations/%1/cancel").arg(retry)).status,
                 200);
    }

    // Several writers with the same If-Match: exactly one wins, the others are 412 and their
    // changes are not made (the version is compared by the UPDATE itself).
    void concurrentEditsWithOneEtagOneWins()
    {
        const qint64 pair = create(QStringLiteral("/sync-pairs"), propertyPair(QStringLiteral("contended")));
        QVERIFY(pair > 0);
        const HttpResult read = m_api.call("GET", QStringLiteral("/sync-pairs/%1").arg(pair));
        const QByteArray etag = read.headers.value("etag");
        QCOMPARE(etag, QByteArray("\"1\""));
        constexpr int kWriters = 4;
        // All sent at once on this thread's event loop (which the server answers on too).
        QNetworkAccessManager manager;
        QList<QNetworkReply *> replies;
        const QString url = QStringLiteral("/sync-pairs/%1").arg(pair);
        for (int i = 0; i < kWriters; ++i) {
            QJsonObject body = propertyPair(QStringLiteral("contended"));
            body.insert(QStringLiteral("description"), QStringLiteral("writer %1").arg(i));
            const QByteArray method = i % 2 == 0 ? QByteArray("PUT") : QByteArray("PATCH");
            const QByteArray payload = QJsonDocument(i % 2 == 0 ? body
                                                                : QJsonObject { { QStringLiteral("description"),
                                                                                  QStringLiteral("writer %1").arg(i) } })
                                           .toJson(QJsonDocument::Compact);
            QNetworkRequest request(QUrl(m_api.baseUrl() + url));
            request.setRawHeader("If-Match", etag);
            request.setRawHeader("Content-Type", "application/json");
            replies << manager.sendCustomRequest(request, method, payload);
        }
        for (QNetworkReply *reply : std::as_const(replies))
            QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), 30000);
        QList<HttpResult> results;
        for (QNetworkReply *reply : std::as_const(replies)) {
            HttpResult result;
            result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            result.body = reply->readAll();
            for (const auto &header : reply->rawHeaderPairs())
                result.headers.insert(header.first.toLower(), header.second);
            results << result;
            reply->deleteLater();
        }
        int won = -1;
        for (int i = 0; i < kWriters; ++i) {
            if (results.at(i).status == 200) {
                QCOMPARE(won, -1);
                won = i;
                QCOMPARE(results.at(i).headers.value("etag"), QByteArray("\"2\""));
            } else {
                QVERIFY2(results.at(i).status == 412, qPrintable(describe(results.at(i))));
                QCOMPARE(results.at(i).json().value(QStringLiteral("code")).toString(), QStringLiteral("precondition_failed"));
            }
        }
        QVERIFY(won >= 0);
        const HttpResult after = m_api.call("GET", url);
        QCOMPARE(after.headers.value("etag"), QByteArray("\"2\""));
        QCOMPARE(after.json().value(QStringLiteral("description")).toString(), QStringLiteral("writer %1").arg(won));
        // A delete with the ETag the winner replaced changes nothing either.
        QCOMPARE(m_api.call("DELETE", url, QByteArray(), { { QByteArrayLiteral("If-Match"), etag } }).status, 412);
        QCOMPARE(m_api.call("DELETE", url, QByteArray(), { { QByteArrayLiteral("If-Match"), QByteArray("\"2\"") } }).status, 200);
    }

    void specificConflictCodes()
    {
        // name_taken
        const HttpResult taken = m_api.call("POST", QStringLiteral("/systems"),
                                            SyncApiFixture::sqliteSystem(QStringLiteral("PACS"), QStringLiteral("/tmp/pacs-again.db")));
        QCOMPARE(taken.status, 409);
        QCOMPARE(taken.json().value(QStringLiteral("code")).toString(), QStringLiteral("name_taken"));
        // in_use, naming the pairs
        const HttpResult inUse = m_api.call("DELETE", QStringLiteral("/systems/%1").arg(m_pacs));
        QCOMPARE(inUse.status, 409);
        QCOMPARE(inUse.json().value(QStringLiteral("code")).toString(), QStringLiteral("in_use"));
        QVERIFY(inUse.json().value(QStringLiteral("pair_ids")).toArray().contains(QJsonValue(m_pair)));
        // pair_disabled
        const qint64 off = create(QStringLiteral("/sync-pairs"), propertyPair(QStringLiteral("switched off")));
        QCOMPARE(m_api.call("POST", QStringLiteral("/sync-pairs/%1/disable").arg(off)).status, 200);
        const HttpResult disabled = m_api.call("POST", QStringLiteral("/sync/%1/start").arg(off));
        QCOMPARE(disabled.status, 409);
        QCOMPARE(disabled.json().value(QStringLiteral("code")).toString(), QStringLiteral("pair_disabled"));
        // operation_finished (a cancelled operation cannot be cancelled again)
        const HttpResult finished = m_api.call("POST", QStringLiteral("/sync-operations/%1/cancel").arg(m_cancelledOp));
        QCOMPARE(finished.status, 409);
        QCOMPARE(finished.json().value(QStringLiteral("code")).toString(), QStringLiteral("operation_finished"));
        // not_dry_run
        const HttpResult notDry = m_api.call("GET", QStringLiteral("/sync-operations/%1/changes").arg(m_cancelledOp));
        QCOMPARE(notDry.status, 409);
        QCOMPARE(notDry.json().value(QStringLiteral("code")).toString(), QStringLiteral("not_dry_run"));
        QCOMPARE(m_api.call("DELETE", QStringLiteral("/sync-pairs/%1").arg(off)).status, 200);
    }

    // Systems list every problem of a definition at once, each with a code.
    void systemValidationListsEveryProblem()
    {
        const HttpResult invalid = m_api.call(
            "POST", QStringLiteral("/systems"),
            QJsonObject { { QStringLiteral("kind"), QStringLiteral("postgres") },
                          { QStringLiteral("settings"), QJsonObject { { QStringLiteral("password"), QStringLiteral("x") },
                                                                      { QStringLiteral("port"), 0 } } },
                          { QStringLiteral("credentials"), QJsonObject { { QStringLiteral("pin"), QStringLiteral("1") } } } });
        QCOMPARE(invalid.status, 422);
        QStringList fields;
        for (const QJsonValue &problem : invalid.json().value(QStringLiteral("errors")).toArray()) {
            fields << problem[QStringLiteral("field")].toString();
            QVERIFY(!problem[QStringLiteral("code")].toString().isEmpty());
            QVERIFY(!problem[QStringLiteral("message")].toString().isEmpty());
        }
        for (const char *field : { "name", "settings.password", "credentials.pin" })
            QVERIFY2(fields.contains(QLatin1String(field)), qPrintable(fields.join(QStringLiteral(", "))));
        QVERIFY(!invalid.body.contains("\"x\"")); // no secret echoed
    }

    void deletePairWithRunningOperationIs409()
    {
        const qint64 pair
            = create(QStringLiteral("/sync-pairs"), propertyPair(QStringLiteral("doomed")));
        QVERIFY(pair > 0);
        QCOMPARE(m_api.call("POST", QStringLiteral("/sync/%1/start").arg(pair)).status, 202);
        const qint64 running = claimFor(pair);
        QVERIFY(running > 0);
        const HttpResult refused = m_api.call("DELETE", QStringLiteral("/sync-pairs/%1").arg(pair));
        QVERIFY2(refused.status == 409, qPrintable(describe(refused)));
        QCOMPARE(errorOf(refused).value(QStringLiteral("code")).toString(), QStringLiteral("operation_running"));
        QCOMPARE(errorOf(refused)
                     .value(QStringLiteral("operation_id"))
                     .toInteger(),
                 running);

        const HttpResult cancel
            = m_api.call("POST", QStringLiteral("/sync-operations/%1/cancel").arg(running));
        QCOMPARE(cancel.status, 200);
        QCOMPARE(cancel.json().value(QStringLiteral("cancel_requested")).toBool(), true);
        const HttpResult detail
            = m_api.call("GET", QStringLiteral("/sync-operations/%1").arg(running));
        QCOMPARE(detail.json().value(QStringLiteral("status")).toString(),
                 QStringLiteral("running"));
        QCOMPARE(detail.json().value(QStringLiteral("node_id")).toString(), kNode);
        QVERIFY(detail.json().value(QStringLiteral("log")).isArray());
        QVERIFY(detail.json().value(QStringLiteral("duration_ms")).toDouble() >= 0);
        sync::OperationQueue(m_api.control())
            .finish(running, kNode, QStringLiteral("cancelled"), {}, QString());

        const HttpResult deleted = m_api.call("DELETE", QStringLiteral("/sync-pairs/%1").arg(pair));
        QVERIFY2(deleted.status == 200, qPrintable(describe(deleted)));
        QCOMPARE(m_api.call("GET", QStringLiteral("/sync-pairs/%1").arg(pair)).status, 404);
    }

    void operationsListFiltersAndPages()
    {
        sync::OperationQueue queue(m_api.control());
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(m_api.call("POST", QStringLiteral("/sync/%1/start").arg(m_pair)).status, 202);
            const qint64 id = claimFor(m_pair);
            QVERIFY(id > 0);
            queue.finish(id, kNode, QStringLiteral("completed"),
                         QJsonObject { { QStringLiteral("run"), i } }, QString());
        }
        // This pair now has 6 operations: 3 cancelled (start, dry run, retry), 3 completed.
        QList<qint64> seen;
        QString path = QStringLiteral("/sync-operations?pair_id=%1&limit=4").arg(m_pair);
        int pages = 0;
        while (!path.isEmpty() && pages < 5) {
            const HttpResult page = m_api.call("GET", path);
            QVERIFY2(page.status == 200, qPrintable(describe(page)));
            for (const QJsonValue &item : page.json().value(QStringLiteral("items")).toArray()) {
                QCOMPARE(item[QStringLiteral("pair_id")].toInteger(), m_pair);
                seen << item[QStringLiteral("id")].toInteger();
            }
            const QJsonValue next = page.json().value(QStringLiteral("next_cursor"));
            QVERIFY(next.isNull() || next.isString()); // opaque
            // Link rel=next: a query-only reference with the same filters and the cursor.
            QCOMPARE(page.headers.contains("link"), !next.isNull());
            const QByteArray linkStart = "<?pair_id=" + QByteArray::number(m_pair) + "&limit=4&cursor=";
            if (!next.isNull())
                QVERIFY(page.headers.value("link").startsWith(linkStart));
            path = next.isNull() ? QString()
                                 : QStringLiteral("/sync-operations?pair_id=%1&limit=4&cursor=%2")
                                       .arg(m_pair)
                                       .arg(next.toString());
            ++pages;
        }
        QCOMPARE(pages, 2);
        QCOMPARE(seen.size(), 6);
        for (int i = 1; i < seen.size(); ++i)
            QVERIFY(seen.at(i) < seen.at(i - 1)); // newest first, no repeats

        const HttpResult completed = m_api.call(
            "GET", QStringLiteral("/sync-operations?status=completed&pair_id=%1").arg(m_pair));
        QCOMPARE(completed.json().value(QStringLiteral("items")).toArray().size(), 3);
        const HttpResult otherPair = m_api.call("GET", QStringLiteral("/sync-operations?pair_id=999999"));
        QCOMPARE(otherPair.status, 200);
        QCOMPARE(otherPair.json().value(QStringLiteral("items")).toArray().size(), 0); // filtered, not ignored
        const HttpResult future
            = m_api.call("GET", QStringLiteral("/sync-operations?created_after=2999-01-01T00:00:00Z"));
        QCOMPARE(future.json().value(QStringLiteral("items")).toArray().size(), 0);
        const HttpResult past = m_api.call(
            "GET", QStringLiteral("/sync-operations?created_after=2000-01-01T00:00:00%2B02:00&limit=500"));
        QVERIFY2(past.status == 200, qPrintable(describe(past)));
        QVERIFY(past.json().value(QStringLiteral("items")).toArray().size() >= 6);
        const HttpResult beforeAll = m_api.call(
            "GET", QStringLiteral("/sync-operations?created_before=2000-01-01T00:00:00Z"));
        QCOMPARE(beforeAll.json().value(QStringLiteral("items")).toArray().size(), 0);
        // A limit over 500 is clamped, and the answer says so.
        const HttpResult clamped = m_api.call("GET", QStringLiteral("/sync-operations?limit=501"));
        QCOMPARE(clamped.status, 200);
        QCOMPARE(clamped.headers.value("page-limit"), QByteArray("500; clamped"));
        // Nothing but the envelope at the top level.
        QCOMPARE(past.json().keys(), (QStringList { QStringLiteral("items"), QStringLiteral("next_cursor") }));
    }

    void noAnswerEverContainedAPassword()
    {
        QVERIFY(m_api.answers().size() > 60);
        for (const QByteArray &answer : m_api.answers()) {
            QVERIFY2(!answer.contains(kPassword), answer.constData());
            QVERIFY2(!answer.contains(kNewPassword), answer.constData());
        }
    }
};

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    int failures = 0;
    for (const Backend backend : { Backend::Sqlite, Backend::Postgres }) {
        qInfo().noquote() << "=== control database:" << backendName(backend);
        TestSyncApi test(backend);
        failures += QTest::qExec(&test, argc, argv);
    }
    return failures;
}

#include "tst_syncapi.moc"
