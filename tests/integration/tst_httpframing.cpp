// Request framing at ConnectionGuard, which both services listen through (issue 19 item 0):
// a request a front proxy could split differently from us (Content-Length with
// Transfer-Encoding, repeated lengths, other transfer codings, obs-fold, NUL or bare CR, bad
// chunk sizes) gets exactly one answer, 400 bad_framing, and then the connection closes; the
// request hidden behind it is never answered. Over plain TCP and TLS against an in-process
// ApiServer, then against a real tf-gateway over TLS and a real tf-syncd.
#include "common/apiserver.h"
#include "common/tlsconfiguration.h"
#include "gatewayauthfixture.h"
#include "toolrun.h"

#include <QProcess>
#include <QSslSocket>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QTest>

using namespace tf;
using namespace tf::http;

namespace {

const QByteArray kHidden = "GET /items/9 HTTP/1.1\r\nHost: x\r\n\r\n"; // answered with {"id":9}

struct Exchange
{
    QByteArray answer;
    bool closed = false;
    int answers() const { return int(answer.count("HTTP/1.1 ")); }
};

// Writes `parts` one after the other (a few ms apart, so the server reads them separately),
// then collects what comes back until the server closes, `stopAt` has arrived, or the timeout.
Exchange exchange(quint16 port, bool tls, const QList<QByteArray> &parts, const QByteArray &stopAt = {},
                  int timeoutMs = 6000)
{
    Exchange result;
    std::unique_ptr<QTcpSocket> socket(tls ? new QSslSocket : new QTcpSocket);
    QEventLoop loop;
    auto send = [&] {
        for (int i = 0; i < parts.size(); ++i) {
            QTimer::singleShot(parts.size() == 1 ? 0 : 2 * i, &loop, [&, i] { socket->write(parts.at(i)); });
        }
    };
    QObject::connect(socket.get(), &QTcpSocket::readyRead, &loop, [&] {
        result.answer += socket->readAll();
        if (!stopAt.isEmpty() && result.answer.contains(stopAt))
            loop.quit();
    });
    QObject::connect(socket.get(), &QTcpSocket::disconnected, &loop, [&] {
        result.closed = true;
        loop.quit();
    });
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    if (auto *ssl = qobject_cast<QSslSocket *>(socket.get())) {
        ssl->setPeerVerifyMode(QSslSocket::VerifyNone);
        QObject::connect(ssl, &QSslSocket::encrypted, &loop, send);
        ssl->connectToHostEncrypted(QStringLiteral("127.0.0.1"), port);
    } else {
        QObject::connect(socket.get(), &QTcpSocket::connected, &loop, send);
        socket->connectToHost(QHostAddress::LocalHost, port);
    }
    loop.exec();
    result.answer += socket->readAll();
    return result;
}

QList<QByteArray> bytewise(const QByteArray &request)
{
    QList<QByteArray> parts;
    for (char c : request)
        parts.append(QByteArray(1, c));
    return parts;
}

} // namespace

class TestHttpFraming final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_certificate;
    QString m_key;
    std::unique_ptr<RequestStats> m_stats;
    std::unique_ptr<ApiServer> m_plain;
    std::unique_ptr<ApiServer> m_tls;

    std::unique_ptr<ApiServer> startServer(bool tls)
    {
        Router router;
        router.add("GET", QStringLiteral("/items/<id>"), [](const ApiRequest &request) {
            return ApiResponse::json(QJsonObject { { QStringLiteral("id"), request.idParam() } });
        });
        router.add("PUT", QStringLiteral("/echo"), [](const ApiRequest &request) {
            return ApiResponse::json(QJsonObject { { QStringLiteral("size"), request.body.size() } });
        });
        auto server = std::make_unique<ApiServer>(QStringLiteral("test"), router, HttpLimits(), *m_stats);
        if (tls)
            server->setTlsConfiguration(loadTlsConfiguration(m_certificate, m_key));
        server->listen(QHostAddress::LocalHost, 0);
        return server;
    }

    quint16 port(bool tls) const { return tls ? m_tls->port() : m_plain->port(); }

    // Exactly one answer (400 bad_framing, Connection: close), then the server closes.
    static void verifyRefusedAndClosed(const Exchange &result, const QByteArray &code = "bad_framing")
    {
        QVERIFY2(result.closed, result.answer.constData());
        QCOMPARE(result.answers(), 1);
        const QByteArray status = code == "bad_framing" ? "HTTP/1.1 400 " : "HTTP/1.1 413 ";
        QVERIFY2(result.answer.startsWith(status), result.answer.constData());
        QVERIFY2(result.answer.contains(QByteArray("\"code\":\"" + code + "\"")), result.answer.constData());
        QVERIFY(result.answer.contains("Connection: close\r\n"));
        QVERIFY2(!result.answer.contains("\"id\":9"), result.answer.constData()); // the hidden request
    }

    static QString makeCertificate(const QString &dir, QString *key)
    {
        const QString certificate = dir + QStringLiteral("/server.crt");
        *key = dir + QStringLiteral("/server.key");
        QProcess openssl;
        openssl.setProcessChannelMode(QProcess::MergedChannels);
        openssl.start(QStandardPaths::findExecutable(QStringLiteral("openssl")),
                      { QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("ec"),
                        QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes"),
                        QStringLiteral("-keyout"), *key, QStringLiteral("-out"), certificate, QStringLiteral("-days"),
                        QStringLiteral("2"), QStringLiteral("-subj"), QStringLiteral("/CN=127.0.0.1") });
        if (!openssl.waitForFinished(30000) || openssl.exitCode() != 0)
            return {};
        return certificate;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(!QStandardPaths::findExecutable(QStringLiteral("openssl")).isEmpty(), "openssl makes the test certificate");
        m_certificate = makeCertificate(m_dir.path(), &m_key);
        QVERIFY(!m_certificate.isEmpty());
        m_stats = std::make_unique<RequestStats>();
        m_plain = startServer(false);
        m_tls = startServer(true);
    }

    void ambiguousFramingIsRefusedAndClosed_data()
    {
        QTest::addColumn<bool>("tls");
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<QByteArray>("code");
        const QByteArray put = "PUT /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n";
        const QByteArray chunked = put + "Transfer-Encoding: chunked\r\n\r\n";
        const QList<std::pair<const char *, QByteArray>> cases {
            // RFC 9112 §6.1: the first finding, a request hidden after the chunked end.
            { "content-length and chunked", put + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + kHidden },
            { "chunked and content-length", put + "Transfer-Encoding: chunked\r\nContent-Length: 40\r\n\r\n0\r\n\r\n" + kHidden },
            // RFC 9112 §6.3: the second finding.
            { "content-length 0 and 40", put + "Content-Length: 0\r\nContent-Length: 40\r\n\r\n" + kHidden },
            { "content-length twice, same value", put + "Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc" + kHidden },
            { "content-length list", put + "Content-Length: 3, 3\r\n\r\nabc" + kHidden },
            { "content-length with sign", put + "Content-Length: +3\r\n\r\nabc" + kHidden },
            { "content-length not a number", put + "Content-Length: 3x\r\n\r\nabc" + kHidden },
            { "transfer-encoding gzip, chunked", put + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n" + kHidden },
            { "transfer-encoding chunked, identity", put + "Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n" + kHidden },
            { "transfer-encoding identity", put + "Transfer-Encoding: identity\r\n\r\n" + kHidden },
            { "transfer-encoding xchunked", put + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n" + kHidden },
            { "transfer-encoding twice", put + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + kHidden },
            { "chunked in HTTP/1.0", "PUT /echo HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + kHidden },
            { "obs-fold", "GET /items/1 HTTP/1.1\r\nHost: x\r\nX-Note: a\r\n folded\r\n\r\n" + kHidden },
            { "obs-fold with tab", "GET /items/1 HTTP/1.1\r\nHost: x\r\nX-Note: a\r\n\tTransfer-Encoding: chunked\r\n\r\n" + kHidden },
            { "NUL in a header value", QByteArray("GET /items/1 HTTP/1.1\r\nHost: x\r\nX-Note: a") + '\0' + "b\r\n\r\n" + kHidden },
            { "bare CR in a header value", "GET /items/1 HTTP/1.1\r\nHost: x\r\nX-Note: a\rContent-Length: 5\r\n\r\n" + kHidden },
            { "bare LF line end", "GET /items/1 HTTP/1.1\r\nHost: x\nContent-Length: 5\r\n\r\n" + kHidden },
            { "space before the colon", put + "Content-Length : 3\r\n\r\nabc" + kHidden },
            { "header line without colon", "GET /items/1 HTTP/1.1\r\nHost: x\r\nnonsense\r\n\r\n" + kHidden },
            { "control character in a value", "GET /items/1 HTTP/1.1\r\nHost: x\r\nX-Note: a\x01" "b\r\n\r\n" + kHidden },
            { "bad request line", "GET  /items/1 HTTP/1.1\r\nHost: x\r\n\r\n" + kHidden },
            { "chunk size not hex", chunked + "zz\r\nhello\r\n0\r\n\r\n" + kHidden },
            { "chunk size negative", chunked + "-5\r\nhello\r\n0\r\n\r\n" + kHidden },
            { "chunk size 0x prefix", chunked + "0x5\r\nhello\r\n0\r\n\r\n" + kHidden },
            { "chunk size empty", chunked + "\r\nhello\r\n0\r\n\r\n" + kHidden },
            { "chunk size with junk", chunked + "5 x\r\nhello\r\n0\r\n\r\n" + kHidden },
            { "chunk shorter than its size", chunked + "9\r\nhello\r\n0\r\n\r\n" + kHidden },
            { "chunk longer than its size", chunked + "3\r\nhello\r\n0\r\n\r\n" + kHidden },
            { "content-length in the trailer", chunked + "5\r\nhello\r\n0\r\nContent-Length: 40\r\n\r\n" + kHidden },
            { "a trailer field", chunked + "5\r\nhello\r\n0\r\nX-Checksum: 1\r\n\r\n" + kHidden },
        };
        for (const bool tls : { false, true }) {
            for (const auto &[name, request] : cases)
                QTest::addRow("%s %s", tls ? "tls" : "plain", name) << tls << request << QByteArray("bad_framing");
            QTest::addRow("%s chunk size overflow", tls ? "tls" : "plain")
                << tls << chunked + "ffffffffffffffffffff\r\nhello\r\n0\r\n\r\n" + kHidden << QByteArray("payload_too_large");
        }
    }

    void ambiguousFramingIsRefusedAndClosed()
    {
        QFETCH(bool, tls);
        QFETCH(QByteArray, request);
        QFETCH(QByteArray, code);
        verifyRefusedAndClosed(exchange(port(tls), tls, { request }), code);
        // The same bytes a few at a time: the decision does not depend on how reads split them.
        QList<QByteArray> pieces;
        for (qsizetype at = 0; at < request.size(); at += 7)
            pieces.append(request.mid(at, 7));
        verifyRefusedAndClosed(exchange(port(tls), tls, pieces), code);
    }

    void wellFramedRequestsStillPass_data()
    {
        QTest::addColumn<bool>("tls");
        QTest::addColumn<bool>("bytewise");
        for (const bool tls : { false, true }) {
            QTest::addRow("%s whole", tls ? "tls" : "plain") << tls << false;
            QTest::addRow("%s byte by byte", tls ? "tls" : "plain") << tls << true;
        }
    }

    void wellFramedRequestsStillPass()
    {
        // A chunked body with an extension, a Content-Length body after an empty line, then a
        // GET: all answered on the one connection.
        QFETCH(bool, tls);
        QFETCH(bool, bytewise);
        const QByteArray request = "PUT /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                                   "5;name=value\r\nhello\r\nA\r\n0123456789\r\n0\r\n\r\n"
                                   "\r\nPUT /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 3\r\n\r\nabc"
            + kHidden;
        const Exchange result = exchange(port(tls), tls, bytewise ? ::bytewise(request) : QList<QByteArray> { request },
                                         "\"id\":9}", 15000);
        QVERIFY2(result.answers() == 3, result.answer.constData());
        QCOMPARE(result.answer.count("HTTP/1.1 200 "), 3);
        QVERIFY(result.answer.contains("{\"size\":15}"));
        QVERIFY(result.answer.contains("{\"size\":3}"));
        QVERIFY(!result.closed);
    }

    void realGatewayOverTlsAndRealSyncd()
    {
        QByteArray pem;
        {
            QFile file(m_certificate);
            QVERIFY(file.open(QIODevice::ReadOnly));
            pem = file.readAll();
        }
        test::AuthGateway gateway;
        gateway.useTls(pem);
        QVERIFY(gateway.start({ { QStringLiteral("TF_TLS__CERTIFICATE"), m_certificate },
                                { QStringLiteral("TF_TLS__PRIVATE_KEY"), m_key } }));

        const QString data = m_dir.filePath(QStringLiteral("syncd"));
        QCOMPARE(test::initPlatform({ QStringLiteral("--data-dir"), data }).exitCode, 0);
        const quint16 syncPort = test::freePort();
        test::ServiceProcess syncd(test::binary(QStringLiteral("tf-syncd")),
                                   { QStringLiteral("--port"), QString::number(syncPort), QStringLiteral("--data-dir"), data },
                                   test::ServiceProcess::cleanEnvironment());
        QVERIFY(syncd.start());
        QVERIFY2(syncd.waitHealthy(QStringLiteral("http://127.0.0.1:%1/health/live").arg(syncPort), 20000),
                 syncd.output().constData());

        const QByteArray hidden = "GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n";
        const QList<QByteArray> smuggling {
            "POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + hidden,
            "POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: 40\r\n\r\n" + hidden,
        };
        for (const QByteArray &request : smuggling) {
            for (const auto &[service, servicePort, tls] : { std::tuple { "tf-gateway", gateway.port(), true },
                                                             std::tuple { "tf-syncd", syncPort, false } }) {
                const Exchange result = exchange(servicePort, tls, { request });
                QVERIFY2(result.closed && result.answers() == 1 && result.answer.startsWith("HTTP/1.1 400 ")
                             && result.answer.contains("\"code\":\"bad_framing\""),
                         qPrintable(QStringLiteral("%1: %2").arg(QLatin1String(service), QString::fromLatin1(result.answer))));
            }
        }
        QCOMPARE(gateway.request("GET", gateway.base() + QStringLiteral("/health")).status, 200); // still serving
    }
};

QTEST_GUILESS_MAIN(TestHttpFraming)
#include "tst_httpframing.moc"
