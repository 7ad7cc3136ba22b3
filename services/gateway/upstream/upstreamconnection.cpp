#include "upstreamconnection.h"

#include <QNetworkProxy>
#include <QSslSocket>
#include <QTcpSocket>

#include <utility>

namespace tf::gateway {

UpstreamConnection::UpstreamConnection(UpstreamPool &pool, const QString &host, quint16 port, bool tls)
    : QObject(&pool)
    , m_pool(pool)
    , m_tls(tls)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &UpstreamConnection::onTimeout);
    if (tls) {
        auto *socket = new QSslSocket(this);
        m_socket = socket;
        socket->setPeerVerifyName(host);
        connect(socket, &QSslSocket::encrypted, this, &UpstreamConnection::onConnected);
    } else {
        m_socket = new QTcpSocket(this);
        connect(m_socket, &QTcpSocket::connected, this, &UpstreamConnection::onConnected);
    }
    // Loopback traffic to our own service must never go through an http_proxy from the
    // environment.
    m_socket->setProxy(QNetworkProxy::NoProxy);
    connect(m_socket, &QTcpSocket::readyRead, this, &UpstreamConnection::onReadyRead);
    connect(m_socket, &QTcpSocket::disconnected, this, &UpstreamConnection::onClosed);
    connect(m_socket, &QTcpSocket::errorOccurred, this, [this](QAbstractSocket::SocketError) { onClosed(); });
    if (tls)
        static_cast<QSslSocket *>(m_socket)->connectToHostEncrypted(host, port);
    else
        m_socket->connectToHost(host, port);
}

UpstreamConnection::~UpstreamConnection() = default;

bool UpstreamConnection::reusable() const
{
    return m_connected && !m_closing && m_socket->state() == QAbstractSocket::ConnectedState
        && m_socket->bytesAvailable() == 0 && (!m_idle.isValid() || m_idle.elapsed() < UpstreamPool::kMaxIdleMs);
}

void UpstreamConnection::close()
{
    m_closing = true;
    m_timer.stop();
    m_socket->disconnect(this);
    m_socket->abort();
    deleteLater();
}

void UpstreamConnection::start(std::shared_ptr<UpstreamPool::Request> request, int timeoutMs)
{
    m_request = std::move(request);
    m_timeoutMs = timeoutMs;
    m_parser.reset(m_request->headRequest);
    m_buffer.clear();
    m_timer.start(timeoutMs);
    if (m_connected)
        m_socket->write(m_request->wire);
}

void UpstreamConnection::onConnected()
{
    m_connected = true;
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    if (m_request)
        m_socket->write(m_request->wire);
}

void UpstreamConnection::onReadyRead()
{
    if (!m_request) {
        // Bytes nobody asked for: the connection's framing can no longer be trusted.
        m_closing = true;
        m_pool.idleClosed(this);
        return;
    }
    if (m_buffer.isEmpty())
        m_buffer = m_socket->readAll();
    else
        m_buffer.append(m_socket->readAll());
    const HttpResponseParser::State state = m_parser.feed(m_buffer);
    if (state == HttpResponseParser::State::Done)
        complete(m_parser.keepAlive() && m_buffer.isEmpty());
    else if (state == HttpResponseParser::State::Failed)
        failed(QStringLiteral("invalid answer from tf-syncd: %1").arg(m_parser.error()), false);
    else
        m_timer.start(m_timeoutMs); // progress: the timeout counts from the last byte
}

void UpstreamConnection::onClosed()
{
    if (m_closing)
        return;
    if (!m_request) {
        m_closing = true;
        m_pool.idleClosed(this);
        return;
    }
    if (m_socket->bytesAvailable() > 0) {
        onReadyRead();
        if (!m_request)
            return;
    }
    const HttpResponseParser::State state = m_parser.finishAtClose();
    if (state == HttpResponseParser::State::Done) {
        complete(false);
        return;
    }
    QString error = m_socket->error() == QAbstractSocket::RemoteHostClosedError || m_socket->error() == QAbstractSocket::UnknownSocketError
        ? m_parser.error()
        : m_socket->errorString();
    failed(error, false);
}

void UpstreamConnection::onTimeout()
{
    if (m_request)
        failed(QStringLiteral("no answer within %1 ms").arg(m_timeoutMs), true);
}

void UpstreamConnection::complete(bool reusable)
{
    m_timer.stop();
    UpstreamPool::Response response;
    response.status = m_parser.status();
    response.body = m_parser.body();
    response.headers = m_parser.headers();
    auto request = std::exchange(m_request, nullptr);
    m_used = true;
    if (!reusable)
        m_closing = true;
    m_pool.finished(this, std::move(request), std::move(response), reusable, false);
}

void UpstreamConnection::failed(const QString &error, bool timedOut)
{
    m_timer.stop();
    m_closing = true;
    UpstreamPool::Response response;
    response.error = error;
    response.timedOut = timedOut;
    auto request = std::exchange(m_request, nullptr);
    // A connection that served an answer before and now closed before a byte of this one was
    // most likely closed by tf-syncd while idle: the request never reached it.
    const bool retryable = !timedOut && m_used && !m_parser.started();
    m_pool.finished(this, std::move(request), std::move(response), false, retryable);
}

} // namespace tf::gateway
