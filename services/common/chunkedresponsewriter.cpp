#include "chunkedresponsewriter.h"

#include "core/errors.h"

#include <QLoggingCategory>
#include <QTcpSocket>
#include <QTimer>

Q_LOGGING_CATEGORY(lcHttpStream, "http.stream")

namespace tf::http {

// The writer still streaming on this socket (finished ones linger until deleteLater).
ChunkedResponseWriter *ChunkedResponseWriter::activeOn(const QTcpSocket *socket)
{
    if (!socket)
        return nullptr;
    const auto writers = socket->findChildren<ChunkedResponseWriter *>(QString(), Qt::FindDirectChildrenOnly);
    for (ChunkedResponseWriter *writer : writers) {
        if (!writer->m_done)
            return writer;
    }
    return nullptr;
}

ChunkedResponseWriter::ChunkedResponseWriter(QTcpSocket *socket, Producer producer)
    : QObject(socket)
    , m_socket(socket)
    , m_producer(std::move(producer))
{
    connect(socket, &QTcpSocket::bytesWritten, this, &ChunkedResponseWriter::pump);
    connect(socket, &QTcpSocket::disconnected, this, [this] { finish(false); });
}

void ChunkedResponseWriter::start(QTcpSocket *socket, Producer producer)
{
    auto *writer = new ChunkedResponseWriter(socket, std::move(producer));
    // From the event loop, so the handler that produced the response has returned first.
    QTimer::singleShot(0, writer, &ChunkedResponseWriter::pump);
}

bool ChunkedResponseWriter::busy(const QTcpSocket *socket)
{
    return activeOn(socket) != nullptr;
}

void ChunkedResponseWriter::whenIdle(QTcpSocket *socket, std::function<void()> write)
{
    if (ChunkedResponseWriter *writer = activeOn(socket))
        writer->m_waiting.append(std::move(write));
    else
        write();
}

void ChunkedResponseWriter::pump()
{
    if (m_pumping || m_done)
        return;
    m_pumping = true;
    while (!m_done && m_socket && m_socket->state() == QAbstractSocket::ConnectedState
           && m_socket->bytesToWrite() < kHighWater) {
        QByteArray chunk;
        try {
            chunk = m_producer();
        } catch (const Error &error) {
            qCWarning(lcHttpStream).noquote() << "streamed response aborted:" << error.message();
            finish(false);
            break;
        } catch (const std::exception &exception) {
            qCCritical(lcHttpStream).noquote() << "streamed response aborted by an unexpected exception:"
                                               << exception.what();
            finish(false);
            break;
        }
        if (chunk.isEmpty()) {
            m_socket->write("0\r\n\r\n");
            finish(true);
            break;
        }
        m_socket->write(QByteArray::number(chunk.size(), 16) + "\r\n");
        m_socket->write(chunk);
        m_socket->write("\r\n");
    }
    m_pumping = false;
}

void ChunkedResponseWriter::finish(bool complete)
{
    if (m_done)
        return;
    m_done = true;
    m_producer = {}; // releases what the producer holds (queries, buffers) now
    const QList<std::function<void()>> waiting = std::exchange(m_waiting, {});
    if (!complete) {
        // What was written goes out, then the connection closes without the last chunk.
        if (m_socket)
            m_socket->disconnectFromHost();
    } else if (m_socket) {
        // In order; one of them may start another streamed body that the rest then wait for.
        for (const auto &write : waiting)
            whenIdle(m_socket, write);
    }
    deleteLater();
}

} // namespace tf::http
