// Streamed answers of ApiServer over a real loopback socket: Transfer-Encoding: chunked, the
// producer asked only as fast as the client reads (memory stays flat however large the body),
// an answer pipelined behind a stream waits for it, a failing producer cuts the connection
// before the last chunk, HEAD gets headers only.
#include "common/apiserver.h"
#include "core/errors.h"
#include "gatewayaudit_http.h"

#include <QTcpSocket>
#include <QTest>
#include <QThread>

#include <atomic>
#include <thread>

using namespace tf;
using namespace tf::http;

namespace {

constexpr int kChunkBytes = 64 * 1024;

QByteArray chunkNumber(int n)
{
    return QByteArray(kChunkBytes - 8, char('a' + n % 26)) + QByteArray::number(n).rightJustified(8, '0');
}

} // namespace

class TestChunkedResponse final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<ApiServer> m_server;
    std::unique_ptr<RequestStats> m_stats;
    quint16 m_port = 0;
    std::atomic<int> m_produced { 0 };
    int m_totalChunks = 0;

private Q_SLOTS:
    void init()
    {
        m_produced = 0;
        Router router;
        router.add("GET", QStringLiteral("/stream"), [this](const ApiRequest &) {
            auto next = std::make_shared<int>(0);
            return ApiResponse::streamed([this, next]() -> QByteArray {
                if (*next >= m_totalChunks)
                    return {};
                ++m_produced;
                return chunkNumber((*next)++);
            }, QByteArrayLiteral("application/octet-stream"));
        });
        router.add("GET", QStringLiteral("/failing"), [](const ApiRequest &) {
            auto calls = std::make_shared<int>(0);
            return ApiResponse::streamed([calls]() -> QByteArray {
                if (++*calls > 3)
                    throw Error(Error::Kind::Unavailable, QStringLiteral("database unavailable: gone"));
                return QByteArray(1000, 'x');
            }, QByteArrayLiteral("text/csv"));
        });
        router.add("GET", QStringLiteral("/small"), [](const ApiRequest &) {
            return ApiResponse::json(QJsonObject { { QStringLiteral("small"), true } });
        });
        m_stats = std::make_unique<RequestStats>();
        m_server = std::make_unique<ApiServer>(QStringLiteral("test"), router, HttpLimits {}, *m_stats);
        m_port = m_server->listen(QHostAddress::LocalHost, 0);
    }
    void cleanup() { m_server.reset(); }

    void producerFollowsTheReader()
    {
        m_totalChunks = 512; // 32 MiB
        std::atomic<bool> go { false };
        std::atomic<qint64> received { 0 };
        std::atomic<bool> ordered { true };
        QByteArray pipelined;
        std::thread client([&] {
            QTcpSocket socket;
            socket.connectToHost(QStringLiteral("127.0.0.1"), m_port);
            if (!socket.waitForConnected(5000))
                return;
            // Two requests at once: the second answer must come after the whole stream.
            socket.write("GET /stream HTTP/1.1\r\nHost: x\r\n\r\nGET /small HTTP/1.1\r\nHost: x\r\n\r\n");
            socket.waitForBytesWritten(5000);
            while (!go)
                QThread::msleep(10); // not reading: the server must wait for us
            QByteArray buffer;
            const QByteArray end = "\r\n0\r\n\r\n";
            while (socket.waitForReadyRead(5000) || socket.bytesAvailable() > 0) {
                const qsizetype searchFrom = qMax<qsizetype>(0, buffer.size() - end.size());
                buffer += socket.readAll();
                received = buffer.size();
                const qsizetype terminator = buffer.indexOf(end, searchFrom);
                if (terminator >= 0) {
                    const QByteArray rest = buffer.mid(terminator + end.size());
                    if (rest.contains("\"small\":true")) {
                        pipelined = rest;
                        // Every chunk in order, the last one whole.
                        ordered = buffer.contains(chunkNumber(m_totalChunks - 1)) && buffer.contains(chunkNumber(0));
                        break;
                    }
                }
            }
        });
        // The client reads nothing for a while: the producer must stop once the socket buffers
        // are full, far short of 1024 chunks.
        QTest::qWait(800);
        const int whileBlocked = m_produced;
        QVERIFY2(whileBlocked > 0, "the stream never started");
        QVERIFY2(whileBlocked < 300, qPrintable(QStringLiteral("%1 chunks produced while the client read nothing").arg(whileBlocked)));
        go = true;
        QTRY_VERIFY_WITH_TIMEOUT(!pipelined.isEmpty() || received > 40 * 1024 * 1024, 60000);
        client.join();
        QCOMPARE(m_produced.load(), m_totalChunks);
        QVERIFY(ordered);
        QVERIFY(pipelined.startsWith("HTTP/1.1 200"));
    }

    void chunkedHeadersAndBody()
    {
        m_totalChunks = 5;
        // Decoded with the same reader the gateway test uses, from a helper thread.
        test::ChunkedAnswer decoded;
        std::thread reader([&] { decoded = test::getChunked(m_port, QStringLiteral("/stream"), QByteArray()); });
        QTRY_VERIFY_WITH_TIMEOUT(decoded.status != 0, 10000);
        reader.join();
        QCOMPARE(decoded.status, 200);
        QCOMPARE(decoded.headers.value("transfer-encoding"), QByteArray("chunked"));
        QVERIFY(!decoded.headers.contains("content-length"));
        QVERIFY(decoded.headers.contains("x-request-id"));
        QVERIFY(decoded.complete);
        QCOMPARE(decoded.chunks, 5);
        QCOMPARE(decoded.body.size(), 5 * kChunkBytes);
        QVERIFY(decoded.body.endsWith(QByteArray::number(4).rightJustified(8, '0')));
    }

    void failingProducerCutsTheConnection()
    {
        test::ChunkedAnswer decoded;
        std::atomic<bool> done { false };
        std::thread reader([&] {
            decoded = test::getChunked(m_port, QStringLiteral("/failing"), QByteArray(), 5000);
            done = true;
        });
        QTRY_VERIFY_WITH_TIMEOUT(done.load(), 10000);
        reader.join();
        QCOMPARE(decoded.status, 200);
        QVERIFY(!decoded.complete); // no zero-size chunk: the client knows the body is cut
        QCOMPARE(decoded.body.size(), 3000);
    }

    void headGetsHeadersOnly()
    {
        m_totalChunks = 3;
        QByteArray answer;
        std::atomic<bool> done { false };
        std::thread client([&] {
            QTcpSocket socket;
            socket.connectToHost(QStringLiteral("127.0.0.1"), m_port);
            socket.waitForConnected(5000);
            socket.write("HEAD /stream HTTP/1.1\r\nHost: x\r\n\r\nGET /small HTTP/1.1\r\nHost: x\r\n\r\n");
            while (!answer.contains("\"small\":true") && socket.waitForReadyRead(5000))
                answer += socket.readAll();
            done = true;
        });
        QTRY_VERIFY_WITH_TIMEOUT(done.load(), 10000);
        client.join();
        QVERIFY(answer.startsWith("HTTP/1.1 200"));
        QVERIFY(answer.contains("Transfer-Encoding: chunked"));
        const qsizetype second = answer.indexOf("HTTP/1.1 200", 10);
        QVERIFY(second > 0);
        QVERIFY(answer.left(second).endsWith("\r\n\r\n")); // no body after the HEAD headers
        QCOMPARE(m_produced.load(), 0);
    }
};

QTEST_GUILESS_MAIN(TestChunkedResponse)
#include "tst_chunkedresponse.moc"
