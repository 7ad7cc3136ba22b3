// HttpResponseParser: the gateway's framing of tf-syncd's answers (RFC 9112 §6), fed whole and
// split at every byte.
#include "gateway/upstream/httpresponseparser.h"

#include <QtTest>

using namespace tf::gateway;

class TestHttpResponseParser : public QObject
{
    Q_OBJECT

private slots:
    void framedAnswers_data();
    void framedAnswers();
    void closeDelimitedBody();
    void interimAnswerIsSkipped();
    void refusedAnswers_data();
    void refusedAnswers();
    void cutAnswersFailAtClose();
    void bothFramingsMeanNoReuse();
};

namespace {

struct Outcome
{
    HttpResponseParser::State state;
    QByteArray leftover;
};

// Feeds the bytes in pieces of `step` (0: all at once).
Outcome feedInPieces(HttpResponseParser &parser, const QByteArray &bytes, int step)
{
    QByteArray buffer;
    HttpResponseParser::State state = parser.state();
    const int size = step <= 0 ? int(bytes.size()) : step;
    for (qsizetype at = 0; at < bytes.size(); at += size) {
        buffer += bytes.mid(at, size);
        state = parser.feed(buffer);
        if (state == HttpResponseParser::State::Done || state == HttpResponseParser::State::Failed) {
            buffer += bytes.mid(at + size);
            break;
        }
    }
    return { state, buffer };
}

} // namespace

void TestHttpResponseParser::framedAnswers_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<bool>("head");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("keepAlive");

    QTest::newRow("content-length") << QByteArray("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                                  "Content-Length: 13\r\n\r\n{\"items\":[1]}")
                                    << false << 200 << QByteArray("{\"items\":[1]}") << true;
    QTest::newRow("empty body") << QByteArray("HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n") << false << 202
                                << QByteArray() << true;
    QTest::newRow("chunked, extension, trailer")
        << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                      "5;name=value\r\nhello\r\n1A\r\n, a chunk of 26 bytes.....\r\n0\r\nX-Trailer: 1\r\n\r\n")
        << false << 200 << QByteArray("hello, a chunk of 26 bytes.....") << true;
    QTest::newRow("chunk with binary CR LF inside")
        << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\n4\r\n\r\n\r\n\r\n0\r\n\r\n")
        << false << 200 << QByteArray("\r\n\r\n") << true;
    QTest::newRow("204 has no body") << QByteArray("HTTP/1.1 204 No Content\r\n\r\n") << false << 204 << QByteArray() << true;
    QTest::newRow("304 has no body despite a length")
        << QByteArray("HTTP/1.1 304 Not Modified\r\nContent-Length: 50\r\n\r\n") << false << 304 << QByteArray() << true;
    QTest::newRow("HEAD has no body despite a length")
        << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n") << true << 200 << QByteArray() << true;
    QTest::newRow("Connection: close") << QByteArray("HTTP/1.1 200 OK\r\nConnection: keep-alive, Close\r\nContent-Length: 2\r\n\r\nok")
                                       << false << 200 << QByteArray("ok") << false;
    QTest::newRow("HTTP/1.0 without keep-alive") << QByteArray("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok")
                                                 << false << 200 << QByteArray("ok") << false;
    QTest::newRow("HTTP/1.0 with keep-alive")
        << QByteArray("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok") << false << 200
        << QByteArray("ok") << true;
    QTest::newRow("same length repeated") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2, 2\r\n\r\nok")
                                          << false << 200 << QByteArray("ok") << true;
}

void TestHttpResponseParser::framedAnswers()
{
    QFETCH(QByteArray, bytes);
    QFETCH(bool, head);
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(bool, keepAlive);
    const QByteArray next("HTTP/1.1 200 OK\r\n"); // bytes after the answer stay unconsumed
    for (int step = 0; step <= bytes.size(); ++step) {
        HttpResponseParser parser;
        parser.reset(head);
        const Outcome outcome = feedInPieces(parser, bytes + next, step);
        QVERIFY2(outcome.state == HttpResponseParser::State::Done, qPrintable(QStringLiteral("step %1: %2").arg(step).arg(parser.error())));
        QCOMPARE(parser.status(), status);
        QCOMPARE(parser.body(), body);
        QCOMPARE(parser.keepAlive(), keepAlive);
        QCOMPARE(outcome.leftover, next);
    }
}

void TestHttpResponseParser::closeDelimitedBody()
{
    HttpResponseParser parser;
    parser.reset(false);
    QByteArray bytes("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the ");
    QCOMPARE(parser.feed(bytes), HttpResponseParser::State::Body);
    bytes = "end";
    QCOMPARE(parser.feed(bytes), HttpResponseParser::State::Body);
    QCOMPARE(parser.finishAtClose(), HttpResponseParser::State::Done);
    QCOMPARE(parser.body(), QByteArray("until the end"));
    QCOMPARE(parser.keepAlive(), false);
    QCOMPARE(parser.header("content-type"), QByteArray("text/plain"));
}

void TestHttpResponseParser::interimAnswerIsSkipped()
{
    HttpResponseParser parser;
    parser.reset(false);
    QByteArray bytes("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nLocation: /systems/4\r\nContent-Length: 2\r\n\r\n{}");
    QCOMPARE(parser.feed(bytes), HttpResponseParser::State::Done);
    QCOMPARE(parser.status(), 201);
    QCOMPARE(parser.body(), QByteArray("{}"));
    QCOMPARE(parser.header("location"), QByteArray("/systems/4"));
    QCOMPARE(parser.headers().size(), 2);
}

void TestHttpResponseParser::refusedAnswers_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("error");
    QTest::newRow("conflicting lengths") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nContent-Length: 40\r\n\r\n")
                                         << QStringLiteral("conflicting Content-Length");
    QTest::newRow("listed lengths differ") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 2, 3\r\n\r\nok")
                                           << QStringLiteral("conflicting Content-Length");
    QTest::newRow("length not a number") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: +2\r\n\r\nok")
                                         << QStringLiteral("Content-Length");
    QTest::newRow("unknown transfer coding") << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n")
                                             << QStringLiteral("Transfer-Encoding");
    QTest::newRow("chunk size not hex") << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")
                                        << QStringLiteral("invalid chunk size");
    QTest::newRow("chunk size overflows") << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff1\r\n")
                                          << QStringLiteral("chunk size too large");
    QTest::newRow("chunk without CRLF") << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokX\r\n0\r\n\r\n")
                                        << QStringLiteral("not followed by CRLF");
    QTest::newRow("obs-fold") << QByteArray("HTTP/1.1 200 OK\r\nX-A: 1\r\n folded\r\nContent-Length: 0\r\n\r\n")
                              << QStringLiteral("line folding");
    QTest::newRow("not HTTP") << QByteArray("SSH-2.0-OpenSSH\r\n\r\n") << QStringLiteral("status line");
    QTest::newRow("bad status") << QByteArray("HTTP/1.1 2x0 OK\r\n\r\n") << QStringLiteral("status code");
    QTest::newRow("space before colon") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length : 0\r\n\r\n")
                                        << QStringLiteral("header name");
    QTest::newRow("head too large") << QByteArray("HTTP/1.1 200 OK\r\nX-Big: " + QByteArray(HttpResponseParser::kMaxHeadBytes + 10, 'a'))
                                    << QStringLiteral("head larger");
}

void TestHttpResponseParser::refusedAnswers()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, error);
    HttpResponseParser parser;
    parser.reset(false);
    QCOMPARE(parser.feed(bytes), HttpResponseParser::State::Failed);
    QVERIFY2(parser.error().contains(error), qPrintable(parser.error()));
    QCOMPARE(parser.keepAlive(), false);
}

void TestHttpResponseParser::cutAnswersFailAtClose()
{
    const QByteArray cut[] = {
        "",
        "HTTP/1.1 200 OK\r\nContent-Le",
        "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nonly5",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n",
    };
    for (const QByteArray &bytes : cut) {
        HttpResponseParser parser;
        parser.reset(false);
        QByteArray buffer = bytes;
        parser.feed(buffer);
        QCOMPARE(parser.finishAtClose(), HttpResponseParser::State::Failed);
        QCOMPARE(parser.started(), !bytes.isEmpty());
        QVERIFY2(parser.error().contains(bytes.isEmpty() ? QStringLiteral("without answering") : QStringLiteral("middle")),
                 qPrintable(parser.error()));
    }
}

void TestHttpResponseParser::bothFramingsMeanNoReuse()
{
    // Content-Length and chunked together: the chunks frame the body, the connection is not reused.
    HttpResponseParser parser;
    parser.reset(false);
    QByteArray bytes("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n");
    QCOMPARE(parser.feed(bytes), HttpResponseParser::State::Done);
    QCOMPARE(parser.body(), QByteArray("ok"));
    QCOMPARE(parser.keepAlive(), false);
    QVERIFY(bytes.isEmpty());
}

QTEST_APPLESS_MAIN(TestHttpResponseParser)
#include "tst_httpresponseparser.moc"
