#include "connectionguard.h"

#include "core/config.h"
#include "core/errors.h"
#include "errorresponse.h"
#include "core/jsonutil.h"

#include <QLoggingCategory>
#include <QPointer>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTimer>
#include <QUuid>

#include <sys/socket.h>

Q_LOGGING_CATEGORY(lcHttpGuard, "http.guard")

namespace tf::http {

HttpLimits HttpLimits::fromConfig(const Config &config)
{
    HttpLimits limits;
    limits.maxBodyBytes = config.integer64(QStringLiteral("http/max_body_bytes"), 1, qint64(1) << 34);
    limits.maxHeaderBytes = config.integer(QStringLiteral("http/max_header_bytes"), 256, 1 << 24);
    limits.maxUrlBytes = config.integer(QStringLiteral("http/max_url_bytes"), 64, 1 << 24);
    limits.idleTimeoutMs = config.integer(QStringLiteral("http/idle_timeout_ms"), 100, 24 * 3600 * 1000);
    limits.maxConnectionsPerAddress = config.integer(QStringLiteral("http/max_connections_per_address"), 1, 1 << 20);
    return limits;
}

// A small incremental scanner of the HTTP/1.1 byte stream: it follows request boundaries
// (header block, then Content-Length bytes or a chunked body) so that pipelined requests on
// a keep-alive connection are each checked.
struct ConnectionGuard::Scanner
{
    enum class State { Headers, FixedBody, ChunkedBody, Rejected };
    State state = State::Headers;
    QByteArray headerBuffer;
    qint64 bodyRemaining = 0;
    qint64 chunkedSeen = 0;
    QByteArray chunkedTail;
};

namespace {
constexpr char kScannerProperty[] = "_tf_scanner";
constexpr char kHandedOverProperty[] = "_tf_handed_over"; // QHttpServer owns the socket now

} // namespace

ConnectionGuard::ConnectionGuard(HttpLimits limits, QObject *parent)
    : QTcpServer(parent)
    , m_limits(limits)
{
}

int ConnectionGuard::openConnections() const
{
    int total = 0;
    for (int count : m_perAddress)
        total += count;
    return total;
}

void ConnectionGuard::incomingConnection(qintptr socketDescriptor)
{
    QTcpSocket *socket = m_tls ? new QSslSocket(this) : new QTcpSocket(this);
    if (!socket->setSocketDescriptor(socketDescriptor)) {
        delete socket;
        return;
    }
    const QHostAddress address = socket->peerAddress();
    int &count = m_perAddress[address];
    if (count >= m_limits.maxConnectionsPerAddress) {
        ++m_rejected;
        qCWarning(lcHttpGuard) << "refusing connection from" << address.toString()
                               << ": already" << count << "open";
        const QByteArray body = errorResponse(Error(Error::Kind::Unavailable, QStringLiteral("too_many_connections"),
                                                    QStringLiteral("too many open connections from this address"), {}))
                                    .body;
        socket->write("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/problem+json\r\nConnection: close\r\nContent-Length: "
                      + QByteArray::number(body.size()) + "\r\n\r\n" + body);
        socket->disconnectFromHost();
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        QTimer::singleShot(2000, socket, &QObject::deleteLater);
        return;
    }
    ++count;

    auto *scanner = new Scanner;
    socket->setProperty(kScannerProperty, QVariant::fromValue(static_cast<void *>(scanner)));
    auto *idle = new QTimer(socket);
    idle->setSingleShot(true);
    idle->setInterval(m_limits.idleTimeoutMs);
    connect(idle, &QTimer::timeout, socket, [socket] {
        qCDebug(lcHttpGuard) << "closing idle connection from" << socket->peerAddress().toString();
        socket->abort();
        if (!socket->property(kHandedOverProperty).toBool())
            socket->deleteLater(); // a TLS handshake that never finished
    });
    idle->start();

    // Connected before QHttpServer's own readyRead slot, so it runs first on every read.
    connect(socket, &QTcpSocket::readyRead, this, [this, socket, idle] {
        idle->start();
        inspect(socket);
    });
    connect(socket, &QTcpSocket::bytesWritten, idle, [idle] { idle->start(); });
    QPointer<ConnectionGuard> self(this);
    connect(socket, &QObject::destroyed, socket, [self, address, scanner] {
        delete scanner;
        if (!self)
            return;
        auto it = self->m_perAddress.find(address);
        if (it != self->m_perAddress.end() && --it.value() <= 0)
            self->m_perAddress.erase(it);
    });
    if (auto *tls = qobject_cast<QSslSocket *>(socket)) {
        tls->setSslConfiguration(*m_tls);
        connect(tls, &QSslSocket::encrypted, this, [this, tls] {
            tls->setProperty(kHandedOverProperty, true);
            addPendingConnection(tls); // emits pendingConnectionAvailable for QHttpServer
        });
        connect(tls, &QAbstractSocket::errorOccurred, this, [tls](QAbstractSocket::SocketError) {
            if (tls->property(kHandedOverProperty).toBool())
                return;
            qCDebug(lcHttpGuard) << "TLS handshake with" << tls->peerAddress().toString() << "failed:" << tls->errorString();
            tls->abort();
            tls->deleteLater();
        });
        tls->startServerEncryption();
        return;
    }
    socket->setProperty(kHandedOverProperty, true);
    addPendingConnection(socket);
}

void ConnectionGuard::reject(QTcpSocket *socket, int status, const QByteArray &code, const QString &message)
{
    ++m_rejected;
    auto *scanner = static_cast<Scanner *>(socket->property(kScannerProperty).value<void *>());
    scanner->state = Scanner::State::Rejected;
    socket->readAll(); // QHttpServer must not see the rest of this request
    const QString requestId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    const QByteArray body = problemResponse(status, QString::fromLatin1(code), message, requestId).body;
    static const QHash<int, QByteArray> reasons {
        { 400, "Bad Request" }, { 413, "Payload Too Large" }, { 414, "URI Too Long" },
        { 431, "Request Header Fields Too Large" } };
    qCWarning(lcHttpGuard).noquote() << "rejected request from" << socket->peerAddress().toString()
                                     << "with" << status << ":" << message;
    socket->write("HTTP/1.1 " + QByteArray::number(status) + ' ' + reasons.value(status) + "\r\n"
                  "Content-Type: application/problem+json\r\nConnection: close\r\n"
                  "X-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\nX-Frame-Options: DENY\r\n"
                  + (m_tls ? QByteArrayLiteral("Strict-Transport-Security: max-age=31536000\r\n") : QByteArray())
                  + "X-Request-Id: " + requestId.toLatin1() + "\r\n"
                  "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body);
    // Lingering close: send the answer, then FIN, and keep discarding what the client still
    // sends. Closing with unread input would make the kernel send RST, and the client could
    // lose the answer.
    socket->flush();
    QTimer::singleShot(2000, socket, [socket] { socket->abort(); });
    // Under TLS a bare FIN (no close_notify) makes the client's TLS layer fail before it reads
    // the answer; there the answer's "Connection: close" ends the exchange instead.
    if (qobject_cast<QSslSocket *>(socket))
        return;
    auto shutdownWrite = [socket] {
        if (socket->bytesToWrite() == 0 && socket->state() == QAbstractSocket::ConnectedState)
            ::shutdown(static_cast<int>(socket->socketDescriptor()), SHUT_WR);
    };
    connect(socket, &QTcpSocket::bytesWritten, socket, shutdownWrite);
    shutdownWrite();
}

void ConnectionGuard::inspect(QTcpSocket *socket)
{
    auto *scanner = static_cast<Scanner *>(socket->property(kScannerProperty).value<void *>());
    if (!scanner)
        return;
    if (scanner->state == Scanner::State::Rejected) {
        socket->readAll();
        return;
    }
    QByteArray data = socket->peek(socket->bytesAvailable());
    qsizetype pos = 0;
    while (pos < data.size()) {
        switch (scanner->state) {
        case Scanner::State::Headers: {
            const qsizetype take = data.size() - pos;
            scanner->headerBuffer.append(data.constData() + pos, take);
            pos += take;
            // Leading CRLFs between pipelined requests are allowed by RFC 9112.
            while (scanner->headerBuffer.startsWith("\r\n"))
                scanner->headerBuffer.remove(0, 2);
            const qsizetype lineEnd = scanner->headerBuffer.indexOf("\r\n");
            const qsizetype firstLine = lineEnd < 0 ? scanner->headerBuffer.size() : lineEnd;
            if (firstLine > m_limits.maxUrlBytes + 32) {
                reject(socket, 414, "uri_too_long",
                       QStringLiteral("request line is longer than the limit of %1 bytes").arg(m_limits.maxUrlBytes));
                return;
            }
            const qsizetype end = scanner->headerBuffer.indexOf("\r\n\r\n");
            if (end < 0) {
                if (scanner->headerBuffer.size() > m_limits.maxHeaderBytes) {
                    reject(socket, 431, "headers_too_large",
                           QStringLiteral("request headers are larger than the limit of %1 bytes").arg(m_limits.maxHeaderBytes));
                    return;
                }
                break;
            }
            if (end + 4 > m_limits.maxHeaderBytes) {
                reject(socket, 431, "headers_too_large",
                       QStringLiteral("request headers are larger than the limit of %1 bytes").arg(m_limits.maxHeaderBytes));
                return;
            }
            const QByteArray head = scanner->headerBuffer.left(end);
            const QByteArray rest = scanner->headerBuffer.mid(end + 4);
            scanner->headerBuffer.clear();
            const QList<QByteArray> requestLine = head.left(lineEnd).split(' ');
            if (requestLine.size() >= 2 && requestLine.at(1).size() > m_limits.maxUrlBytes) {
                reject(socket, 414, "uri_too_long",
                       QStringLiteral("URL is longer than the limit of %1 bytes").arg(m_limits.maxUrlBytes));
                return;
            }
            qint64 contentLength = 0;
            bool chunked = false;
            for (const QByteArray &line : head.split('\n')) {
                const qsizetype colon = line.indexOf(':');
                if (colon <= 0)
                    continue;
                const QByteArray name = line.left(colon).trimmed().toLower();
                const QByteArray value = line.mid(colon + 1).trimmed();
                if (name == "content-length") {
                    bool ok = false;
                    contentLength = value.toLongLong(&ok);
                    if (!ok || contentLength < 0) {
                        reject(socket, 400, "bad_request", QStringLiteral("invalid Content-Length header"));
                        return;
                    }
                } else if (name == "transfer-encoding" && value.toLower().contains("chunked")) {
                    chunked = true;
                }
            }
            if (contentLength > m_limits.maxBodyBytes) {
                reject(socket, 413, "payload_too_large",
                       QStringLiteral("request body of %1 bytes is larger than the limit of %2 bytes")
                           .arg(contentLength).arg(m_limits.maxBodyBytes));
                return;
            }
            if (chunked) {
                scanner->state = Scanner::State::ChunkedBody;
                scanner->chunkedSeen = 0;
                scanner->chunkedTail.clear();
            } else if (contentLength > 0) {
                scanner->state = Scanner::State::FixedBody;
                scanner->bodyRemaining = contentLength;
            }
            // Whatever followed the header block belongs to the body or the next request.
            if (!rest.isEmpty()) {
                data = rest + data.mid(pos);
                pos = 0;
            }
            break;
        }
        case Scanner::State::FixedBody: {
            const qint64 take = qMin<qint64>(scanner->bodyRemaining, data.size() - pos);
            scanner->bodyRemaining -= take;
            pos += take;
            if (scanner->bodyRemaining == 0)
                scanner->state = Scanner::State::Headers;
            break;
        }
        case Scanner::State::ChunkedBody: {
            // Counts encoded bytes (a slight over-estimate of the body) and ends at "0\r\n\r\n".
            const QByteArray chunk = data.mid(pos);
            pos = data.size();
            scanner->chunkedSeen += chunk.size();
            if (scanner->chunkedSeen > m_limits.maxBodyBytes + 64) {
                reject(socket, 413, "payload_too_large",
                       QStringLiteral("request body is larger than the limit of %1 bytes").arg(m_limits.maxBodyBytes));
                return;
            }
            const QByteArray combined = scanner->chunkedTail + chunk;
            scanner->chunkedTail = combined.right(7);
            if (scanner->chunkedTail.endsWith("\r\n0\r\n\r\n") || scanner->chunkedTail == "0\r\n\r\n")
                scanner->state = Scanner::State::Headers;
            break;
        }
        case Scanner::State::Rejected:
            return;
        }
    }
}

} // namespace tf::http
