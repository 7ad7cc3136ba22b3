#include "connectionguard.h"

#include "core/config.h"
#include "core/errors.h"
#include "errorresponse.h"
#include "core/jsonutil.h"
#include "requestframing.h"

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

namespace {
constexpr char kFramingProperty[] = "_tf_framing";
constexpr char kHandedOverProperty[] = "_tf_handed_over"; // QHttpServer owns the socket now

// What the guard knows of one connection's byte stream. The guard only peeks; QHttpServer reads.
// Its readyRead slot may leave bytes unread (the next pipelined request, read on a later
// readyRead), and those were scanned already: `scannedUnread` counts them, so each byte is fed
// to the framing exactly once.
struct GuardedStream
{
    explicit GuardedStream(const HttpLimits &limits)
        : framing(limits)
    {
    }
    RequestFraming framing;
    qint64 scannedUnread = 0;
};

GuardedStream *guardedStream(QTcpSocket *socket)
{
    return static_cast<GuardedStream *>(socket->property(kFramingProperty).value<void *>());
}

// Connected after QHttpServer's own readyRead slot (addPendingConnection emits
// pendingConnectionAvailable, on which QHttpServer connects its slot, before it returns): what
// QHttpServer left unread has been scanned (tst_httpframing's pipelined and piecewise cases).
void handOver(QTcpSocket *socket)
{
    QObject::connect(socket, &QTcpSocket::readyRead, socket, [socket] {
        if (GuardedStream *stream = guardedStream(socket))
            stream->scannedUnread = socket->bytesAvailable();
    });
}

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

    auto *stream = new GuardedStream(m_limits);
    socket->setProperty(kFramingProperty, QVariant::fromValue(static_cast<void *>(stream)));
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
    connect(socket, &QObject::destroyed, socket, [self, address, stream] {
        delete stream;
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
            handOver(tls);
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
    handOver(socket);
}

void ConnectionGuard::reject(QTcpSocket *socket, int status, const QByteArray &code, const QString &message)
{
    ++m_rejected;
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
    // the answer. There close_notify and the close follow once the client has been quiet for a
    // moment (a client still sending a body it was refused would get a reset instead).
    if (auto *tls = qobject_cast<QSslSocket *>(socket)) {
        auto *quiet = new QTimer(tls);
        quiet->setSingleShot(true);
        quiet->setInterval(200);
        connect(quiet, &QTimer::timeout, tls, [tls] { tls->disconnectFromHost(); });
        connect(tls, &QTcpSocket::readyRead, quiet, qOverload<>(&QTimer::start));
        quiet->start();
        return;
    }
    auto shutdownWrite = [socket] {
        if (socket->bytesToWrite() == 0 && socket->state() == QAbstractSocket::ConnectedState)
            ::shutdown(static_cast<int>(socket->socketDescriptor()), SHUT_WR);
    };
    connect(socket, &QTcpSocket::bytesWritten, socket, shutdownWrite);
    shutdownWrite();
}

void ConnectionGuard::inspect(QTcpSocket *socket)
{
    GuardedStream *stream = guardedStream(socket);
    if (!stream)
        return;
    if (stream->framing.refused()) {
        socket->readAll(); // the rest of a refused connection reaches no one
        return;
    }
    const qint64 available = socket->bytesAvailable();
    const qint64 scanned = qBound<qint64>(0, stream->scannedUnread, available);
    stream->scannedUnread = available;
    if (available == scanned)
        return;
    const QByteArray bytes = socket->peek(available);
    const RequestFraming::Refusal refusal = stream->framing.feed(QByteArrayView(bytes).sliced(scanned));
    if (refusal)
        reject(socket, refusal.status, refusal.code, refusal.message);
}

} // namespace tf::http
