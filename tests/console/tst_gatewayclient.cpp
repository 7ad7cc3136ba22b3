// The console's one gateway client against a real tf-gateway: a success with its ETag, a
// problem details error with errors[], a 401 that asks for a sign-in and then succeeds, a 429
// waited out (Retry-After), a list that follows next_cursor, If-Match, and https trusting
// the CA file it was given (and refusing a certificate it was not told to trust).
#include "client/gatewayclient.h"
#include "gatewayfixture.h"

#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace tf;
using console::ApiResult;
using console::GatewayClient;

namespace {
// Runs the event loop until the callback has run.
struct Answer
{
    bool done = false;
    ApiResult result;
    GatewayClient::Callback callback()
    {
        return [this](const ApiResult &r) {
            result = r;
            done = true;
        };
    }
};
} // namespace

class TestGatewayClient final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY2(m_gateway.start(), m_gateway.output().constData());
        m_token = m_gateway.adminToken();
        QVERIFY(!m_token.isEmpty());
    }

    void successCarriesJsonAndHeaders()
    {
        GatewayClient client { QUrl(m_gateway.base()) };
        client.setBearerToken(m_token);
        Answer answer;
        client.get(QStringLiteral("/api/auth/me"), this, answer.callback());
        QTRY_VERIFY_WITH_TIMEOUT(answer.done, 10000);
        QVERIFY2(answer.result.ok(), qPrintable(answer.result.error.message()));
        QCOMPARE(answer.result.object().value(QStringLiteral("username")).toString(), QStringLiteral("admin"));
        QVERIFY(!answer.result.header("content-type").isEmpty());
    }

    void problemDetailsBecomeApiError()
    {
        GatewayClient client { QUrl(m_gateway.base()) };
        client.setBearerToken(m_token);
        Answer answer;
        client.post(QStringLiteral("/api/users"),
                    QJsonObject { { QStringLiteral("username"), QStringLiteral("x y") },
                                  { QStringLiteral("password"), QStringLiteral("short") },
                                  { QStringLiteral("role"), QStringLiteral("emperor") } },
                    this, answer.callback());
        QTRY_VERIFY_WITH_TIMEOUT(answer.done, 10000);
        QVERIFY(!answer.result.ok());
        const console::ApiError &error = answer.result.error;
        QVERIFY2(error.status == 400 || error.status == 422, qPrintable(QString::number(error.status)));
        QVERIFY(!error.code.isEmpty());
        QVERIFY(!error.instance.isEmpty());
        QVERIFY(!error.message().isEmpty());
        QVERIFY2(!error.errors.isEmpty(), "errors[] is empty");
        QStringList fields;
        for (const auto &field : error.errors)
            fields << field.field;
        QVERIFY2(fields.contains(QStringLiteral("role")), qPrintable(fields.join(QLatin1Char(','))));
        QVERIFY(!error.messageFor(QStringLiteral("role")).isEmpty());
    }

    void unreachableGatewayIsATransportError()
    {
        GatewayClient client { QUrl(QStringLiteral("http://127.0.0.1:%1").arg(test::freePort())) };
        Answer answer;
        client.get(QStringLiteral("/api/status"), this, answer.callback());
        QTRY_VERIFY_WITH_TIMEOUT(answer.done, 10000);
        QCOMPARE(answer.result.status, 0);
        QCOMPARE(answer.result.error.code, QStringLiteral("unreachable"));
    }

    void unauthorizedAsksForSignInThenRetries()
    {
        GatewayClient client { QUrl(m_gateway.base()) };
        client.setBearerToken("tfk_expired-or-revoked");
        QSignalSpy asked(&client, &GatewayClient::authenticationRequired);
        connect(&client, &GatewayClient::authenticationRequired, this,
                [&client, this] { client.setBearerToken(m_token); }, Qt::QueuedConnection);
        Answer first;
        Answer second;
        client.get(QStringLiteral("/api/status"), this, first.callback());
        client.get(QStringLiteral("/api/users"), this, second.callback());
        QTRY_VERIFY_WITH_TIMEOUT(first.done && second.done, 10000);
        QVERIFY2(first.result.ok(), qPrintable(first.result.error.message()));
        QVERIFY2(second.result.ok(), qPrintable(second.result.error.message()));
        QVERIFY(asked.size() >= 1);
        QCOMPARE(client.waitingForAuthentication(), 0);
    }

    void abandonedSignInAnswers401()
    {
        GatewayClient client { QUrl(m_gateway.base()) };
        client.setBearerToken("tfk_expired-or-revoked");
        QSignalSpy asked(&client, &GatewayClient::authenticationRequired);
        Answer answer;
        client.get(QStringLiteral("/api/status"), this, answer.callback());
        QVERIFY(asked.wait(10000));
        QVERIFY(!answer.done);
        client.abandonAuthentication();
        QVERIFY(answer.done);
        QCOMPARE(answer.result.status, 401);
    }

    void listFollowsCursors()
    {
        for (int i = 0; i < 3; ++i)
            QVERIFY(!m_gateway.userToken(QStringLiteral("lister%1").arg(i), QStringLiteral("viewer")).isEmpty());
        GatewayClient client { QUrl(m_gateway.base()) };
        client.setBearerToken(m_token);
        bool done = false;
        QJsonArray items;
        ApiResult last;
        QUrlQuery query;
        query.addQueryItem(QStringLiteral("limit"), QStringLiteral("1"));
        client.list(QStringLiteral("/api/users"), query, this, [&](const QJsonArray &all, const ApiResult &r) {
            items = all;
            last = r;
            done = true;
        });
        QTRY_VERIFY_WITH_TIMEOUT(done, 15000);
        QVERIFY2(last.ok(), qPrintable(last.error.message()));
        QVERIFY2(items.size() >= 4, qPrintable(QString::number(items.size())));
    }

    void ifMatchGuardsChanges()
    {
        QVERIFY(!m_gateway.userToken(QStringLiteral("etagged"), QStringLiteral("viewer")).isEmpty());
        GatewayClient client { QUrl(m_gateway.base()) };
        client.setBearerToken(m_token);
        bool done = false;
        QJsonArray users;
        client.list(QStringLiteral("/api/users"), {}, this, [&](const QJsonArray &all, const ApiResult &) {
            users = all;
            done = true;
        });
        QTRY_VERIFY_WITH_TIMEOUT(done, 10000);
        qint64 id = 0;
        for (const QJsonValue &user : std::as_const(users)) {
            if (user[QStringLiteral("username")].toString() == QLatin1String("etagged"))
                id = user[QStringLiteral("id")].toInteger();
        }
        QVERIFY(id > 0);
        const QString path = QStringLiteral("/api/users/%1").arg(id);
        Answer read;
        client.get(path, this, read.callback());
        QTRY_VERIFY_WITH_TIMEOUT(read.done, 10000);
        QVERIFY(!read.result.etag().isEmpty());

        const QJsonObject change { { QStringLiteral("role"), QStringLiteral("operator") } };
        Answer stale;
        client.put(path, change, "\"not-the-version\"", this, stale.callback());
        QTRY_VERIFY_WITH_TIMEOUT(stale.done, 10000);
        QCOMPARE(stale.result.status, 412);
        QCOMPARE(stale.result.error.code, QStringLiteral("precondition_failed"));

        Answer fresh;
        client.put(path, change, read.result.etag(), this, fresh.callback());
        QTRY_VERIFY_WITH_TIMEOUT(fresh.done, 10000);
        QVERIFY2(fresh.result.ok(), qPrintable(fresh.result.error.message()));
    }

    void tlsTrustsTheConfiguredCa()
    {
        const QString openssl = QStandardPaths::findExecutable(QStringLiteral("openssl"));
        if (openssl.isEmpty())
            QSKIP("openssl is needed to make the test certificate");
        QTemporaryDir certs;
        const QString certificate = certs.filePath(QStringLiteral("gateway.crt"));
        const QString key = certs.filePath(QStringLiteral("gateway.key"));
        QProcess make;
        make.setProcessChannelMode(QProcess::MergedChannels);
        make.start(openssl, { QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("ec"),
                              QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes"),
                              QStringLiteral("-keyout"), key, QStringLiteral("-out"), certificate, QStringLiteral("-days"),
                              QStringLiteral("2"), QStringLiteral("-subj"), QStringLiteral("/CN=127.0.0.1"),
                              QStringLiteral("-addext"), QStringLiteral("subjectAltName=IP:127.0.0.1") });
        QVERIFY(make.waitForFinished(30000));
        QVERIFY2(make.exitCode() == 0, make.readAll().constData());

        test::GatewayFixture tls({ { QStringLiteral("TF_TLS__CERTIFICATE"), certificate },
                                   { QStringLiteral("TF_TLS__PRIVATE_KEY"), key } });
        QVERIFY(tls.launch());
        const QUrl url(QStringLiteral("https://127.0.0.1:%1").arg(tls.port()));

        GatewayClient trusting { url };
        QVERIFY(trusting.setCaCertificatesFile(certificate));
        ApiResult health;
        QDeadlineTimer deadline(15000);
        while (!deadline.hasExpired()) {
            Answer answer;
            trusting.get(QStringLiteral("/health"), this, answer.callback());
            QTRY_VERIFY_WITH_TIMEOUT(answer.done, 10000);
            health = answer.result;
            if (health.ok())
                break;
            QTest::qWait(100);
        }
        QVERIFY2(health.ok(), qPrintable(health.error.message() + QLatin1Char(' ') + QString::fromUtf8(tls.output())));

        GatewayClient doubting { url }; // a self-signed certificate the system does not trust
        Answer refused;
        doubting.get(QStringLiteral("/health"), this, refused.callback());
        QTRY_VERIFY_WITH_TIMEOUT(refused.done, 10000);
        QCOMPARE(refused.result.status, 0);
        QCOMPARE(refused.result.error.code, QStringLiteral("tls_error"));
    }

    void rateLimitedCallsWaitRetryAfter()
    {
        test::GatewayFixture limited({ { QStringLiteral("TF_RATE_LIMIT__PER_ADDRESS_RPS"), QStringLiteral("1") },
                                       { QStringLiteral("TF_RATE_LIMIT__PER_ADDRESS_BURST"), QStringLiteral("2") },
                                       { QStringLiteral("TF_RATE_LIMIT__PER_TOKEN_RPS"), QStringLiteral("1") },
                                       { QStringLiteral("TF_RATE_LIMIT__PER_TOKEN_BURST"), QStringLiteral("2") } });
        QVERIFY2(limited.start(), limited.output().constData());
        QByteArray token;
        QDeadlineTimer deadline(15000);
        while (token.isEmpty() && !deadline.hasExpired()) {
            token = limited.adminToken();
            if (token.isEmpty())
                QTest::qWait(500);
        }
        QVERIFY(!token.isEmpty());
        GatewayClient client { QUrl(limited.base()) };
        client.setBearerToken(token);
        client.setRateLimitRetries(6);
        QSignalSpy waited(&client, &GatewayClient::rateLimited);
        Answer answers[4];
        for (Answer &answer : answers)
            client.get(QStringLiteral("/api/status"), this, answer.callback());
        QTRY_VERIFY_WITH_TIMEOUT(answers[0].done && answers[1].done && answers[2].done && answers[3].done, 30000);
        for (const Answer &answer : answers)
            QVERIFY2(answer.result.ok(), qPrintable(answer.result.error.message()));
        QVERIFY2(!waited.isEmpty(), "no 429 was waited out");
        QVERIFY(waited.at(0).at(0).toInt() >= 1);
    }

    // A stopped gateway (SIGSTOP: the process is there, it does not answer) times an ordinary
    // call out at the client's timeout; getSlow waits its own, longer one and gets the answer
    // once the gateway runs again.
    void slowReadsHaveTheirOwnTimeout()
    {
        GatewayClient client { QUrl(m_gateway.base()) };
        client.setBearerToken(m_token);
        client.setTimeoutMs(300);
        const auto pid = static_cast<pid_t>(m_gateway.pid());
        QVERIFY(pid > 0);
        QCOMPARE(::kill(pid, SIGSTOP), 0);
        Answer ordinary;
        Answer slow;
        client.get(QStringLiteral("/api/auth/me"), this, ordinary.callback());
        client.getSlow(QStringLiteral("/api/auth/me"), {}, 20000, this, slow.callback());
        QTRY_VERIFY_WITH_TIMEOUT(ordinary.done, 10000);
        const bool slowDoneWhileStopped = slow.done;
        QCOMPARE(::kill(pid, SIGCONT), 0);
        QVERIFY(!ordinary.result.ok());
        QCOMPARE(ordinary.result.error.code, QStringLiteral("client_timeout"));
        QVERIFY2(ordinary.result.error.message().contains(QStringLiteral("0.3 s")),
                 qPrintable(ordinary.result.error.message()));
        QVERIFY(!slowDoneWhileStopped);
        QTRY_VERIFY_WITH_TIMEOUT(slow.done, 20000);
        QVERIFY2(slow.result.ok(), qPrintable(slow.result.error.message()));
        QCOMPARE(slow.result.object().value(QStringLiteral("username")).toString(), QStringLiteral("admin"));
    }

private:
    test::GatewayFixture m_gateway;
    QByteArray m_token;
};

QTEST_GUILESS_MAIN(TestGatewayClient)
#include "tst_gatewayclient.moc"
