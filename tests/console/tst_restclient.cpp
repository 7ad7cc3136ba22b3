#include "api/restclient.h"

#include <QPointer>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using tf::api::RestClient;

namespace {

// Answers every request on a loopback port with one canned HTTP response (or with silence).
class CannedServer final : public QObject
{
public:
    explicit CannedServer(QByteArray response)
        : m_response(std::move(response))
    {
        m_server.listen(QHostAddress::LocalHost, 0);
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                connect(socket, &QTcpSocket::readyRead, socket, [this, socket] {
                    m_request += socket->readAll();
                    if (m_request.contains("\r\n\r\n") && !m_response.isEmpty()) {
                        socket->write(m_response);
                        socket->disconnectFromHost();
                    }
                });
            }
        });
    }
    QUrl url() const { return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_server.serverPort())); }
    QByteArray request() const { return m_request; }

private:
    QTcpServer m_server;
    QByteArray m_response;
    QByteArray m_request;
};

QByteArray httpResponse(int status, const QByteArray &reason, const QByteArray &body)
{
    return "HTTP/1.1 " + QByteArray::number(status) + ' ' + reason
            + "\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: "
            + QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

quint16 closedPort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort(); // closed again when probe goes
}

} // namespace

class TestRestClient : public QObject
{
    Q_OBJECT

private slots:
    void getParsesJsonAndSendsToken();
    void errorBodyMessageBecomesError();
    void refusedConnectionIsStatusZero();
    void silentServerTimesOut();
    void callbackDroppedWhenContextDies();
};

void TestRestClient::getParsesJsonAndSendsToken()
{
    CannedServer server(httpResponse(200, "OK", R"({"status":"healthy"})"));
    RestClient client(server.url());
    client.setBearerToken("s3cret");

    const RestClient::Reply reply = client.getBlocking(QStringLiteral("/api/status"));

    QVERIFY2(reply.ok(), qPrintable(reply.error));
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.json.object().value(QStringLiteral("status")).toString(), QStringLiteral("healthy"));
    QVERIFY(server.request().startsWith("GET /api/status HTTP/1.1"));
    QVERIFY(server.request().contains("Authorization: Bearer s3cret"));
}

void TestRestClient::errorBodyMessageBecomesError()
{
    CannedServer server(httpResponse(404, "Not Found",
                                     R"({"type":"urn:terrafusion:problem:not_found","title":"Not Found","status":404,"code":"not_found","detail":"No sync pair 42."})"));
    RestClient client(server.url());
    RestClient::Reply reply;
    bool called = false;

    client.send("POST", QStringLiteral("/api/sync-pairs/42/run"), QJsonObject{ { QStringLiteral("mode"), QStringLiteral("full") } },
                this, [&](const RestClient::Reply &r) { reply = r; called = true; });

    QTRY_VERIFY(called);
    QVERIFY(!reply.ok());
    QCOMPARE(reply.status, 404);
    QCOMPARE(reply.error, QStringLiteral("No sync pair 42."));
    QVERIFY(server.request().contains("Content-Type: application/json"));
    QVERIFY(server.request().endsWith(R"({"mode":"full"})"));
}

void TestRestClient::refusedConnectionIsStatusZero()
{
    RestClient client(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(closedPort())));

    const RestClient::Reply reply = client.getBlocking(QStringLiteral("/api/status"));

    QCOMPARE(reply.status, 0);
    QVERIFY(!reply.ok());
    QVERIFY2(reply.error.startsWith(QStringLiteral("Cannot reach http://127.0.0.1:")), qPrintable(reply.error));
}

void TestRestClient::silentServerTimesOut()
{
    CannedServer server{ QByteArray() };
    RestClient client(server.url());
    client.setTimeoutMs(200);

    const RestClient::Reply reply = client.getBlocking(QStringLiteral("/api/status"));

    QCOMPARE(reply.status, 0);
    QVERIFY2(reply.error.contains(QStringLiteral("within 200 ms")), qPrintable(reply.error));
    QVERIFY(reply.elapsedMs >= 150);
}

void TestRestClient::callbackDroppedWhenContextDies()
{
    CannedServer server(httpResponse(200, "OK", "{}"));
    RestClient client(server.url());
    auto *context = new QObject;
    bool called = false;

    client.get(QStringLiteral("/api/status"), context, [&](const RestClient::Reply &) { called = true; });
    delete context;
    // A second request on a live context proves the first answer had time to arrive.
    const RestClient::Reply reply = client.getBlocking(QStringLiteral("/api/status"));

    QVERIFY(reply.ok());
    QVERIFY(!called);
}

QTEST_MAIN(TestRestClient)
#include "tst_restclient.moc"
