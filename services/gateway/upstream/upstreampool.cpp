#include "upstreampool.h"

#include "upstreamconnection.h"

#include <utility>

namespace tf::gateway {

UpstreamPool::UpstreamPool(QString host, quint16 port, bool tls, int maxConnections, QObject *parent)
    : QObject(parent)
    , m_host(std::move(host))
    , m_port(port)
    , m_tls(tls)
    , m_max(qMax(1, maxConnections))
{
    m_queueTimer.setInterval(50);
    connect(&m_queueTimer, &QTimer::timeout, this, &UpstreamPool::expireQueued);
}

UpstreamPool::~UpstreamPool() = default;

bool UpstreamPool::idempotent(const QByteArray &method)
{
    return method == "GET" || method == "HEAD" || method == "PUT" || method == "DELETE"
        || method == "OPTIONS" || method == "TRACE";
}

UpstreamConnection *UpstreamPool::openConnection()
{
    ++m_open;
    ++m_opened;
    return new UpstreamConnection(*this, m_host, m_port, m_tls);
}

UpstreamConnection *UpstreamPool::takeIdle()
{
    while (!m_idle.isEmpty()) {
        UpstreamConnection *connection = m_idle.takeLast();
        if (connection->reusable())
            return connection;
        release(connection);
    }
    return nullptr;
}

void UpstreamPool::release(UpstreamConnection *connection)
{
    --m_open;
    connection->close();
}

void UpstreamPool::submit(std::shared_ptr<Request> request)
{
    if (!request->submitted.isValid())
        request->submitted.start();
    UpstreamConnection *connection = takeIdle();
    if (!connection && m_open < m_max)
        connection = openConnection();
    if (connection) {
        const int timeoutMs = request->timeoutMs;
        connection->start(std::move(request), timeoutMs);
        return;
    }
    m_queue.push_back(std::move(request));
    if (!m_queueTimer.isActive())
        m_queueTimer.start();
}

void UpstreamPool::dispatchQueued(UpstreamConnection *connection)
{
    while (!m_queue.empty()) {
        std::shared_ptr<Request> request = std::move(m_queue.front());
        m_queue.pop_front();
        const qint64 left = request->timeoutMs - request->submitted.elapsed();
        if (left <= 0) {
            Response response;
            response.timedOut = true;
            response.error = QStringLiteral("no answer within %1 ms").arg(request->timeoutMs);
            request->done(std::move(response));
            continue;
        }
        connection->start(std::move(request), int(left));
        return;
    }
    connection->markIdle();
    m_idle.append(connection);
}

void UpstreamPool::expireQueued()
{
    // Requests waiting for a connection whose time is up (all connections busy on slow calls).
    std::deque<std::shared_ptr<Request>> expired;
    for (auto it = m_queue.begin(); it != m_queue.end();) {
        if ((*it)->submitted.elapsed() >= (*it)->timeoutMs) {
            expired.push_back(std::move(*it));
            it = m_queue.erase(it);
        } else {
            ++it;
        }
    }
    if (m_queue.empty())
        m_queueTimer.stop();
    for (auto &request : expired) {
        Response response;
        response.timedOut = true;
        response.error = QStringLiteral("no answer within %1 ms").arg(request->timeoutMs);
        request->done(std::move(response));
    }
}

void UpstreamPool::idleClosed(UpstreamConnection *connection)
{
    if (m_idle.removeOne(connection))
        release(connection);
}

void UpstreamPool::finished(UpstreamConnection *connection, std::shared_ptr<Request> request,
                            Response &&response, bool reusable, bool retryable)
{
    // The connection's fate first, so that the callback (which may submit again) sees the pool
    // as it is.
    if (reusable)
        dispatchQueued(connection);
    else
        release(connection);
    if (retryable && request->idempotent && !request->retried
        && request->submitted.elapsed() < request->timeoutMs) {
        request->retried = true;
        ++m_retries;
        // On a new connection: the idle ones may be as stale as this one was.
        const int left = int(request->timeoutMs - request->submitted.elapsed());
        openConnection()->start(std::move(request), qMax(1, left));
        return;
    }
    if (!reusable && !m_queue.empty() && m_open < m_max)
        dispatchQueued(openConnection());
    request->done(std::move(response));
}

} // namespace tf::gateway
