#pragma once

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QPointer>

#include <functional>

class QTcpSocket;

namespace tf::http {

// Writes a streamed response body with Transfer-Encoding: chunked (RFC 9112 section 7.1). The
// producer is asked for the next chunk whenever the socket's write buffer runs low (on
// bytesWritten), so a body of any size passes through a few hundred KiB of memory; an empty
// chunk ends the body. Answers to requests pipelined behind it on the same connection wait
// until the body is complete. A producer that throws closes the connection after what was
// written: the client sees a body without its last chunk, never a truncated body that looks
// whole.
class ChunkedResponseWriter final : public QObject
{
    Q_OBJECT

public:
    using Producer = std::function<QByteArray()>;

    // The status line and headers (with Transfer-Encoding: chunked and the blank line) are
    // already written. The writer lives as a child of the socket.
    static void start(QTcpSocket *socket, Producer producer);
    // True while a streamed body is being written on this socket.
    static bool busy(const QTcpSocket *socket);
    // Runs write now, or when the socket's streamed body is complete (dropped if it fails).
    static void whenIdle(QTcpSocket *socket, std::function<void()> write);

    static constexpr qint64 kHighWater = 256 * 1024; // buffered bytes before waiting for the client

private:
    ChunkedResponseWriter(QTcpSocket *socket, Producer producer);
    static ChunkedResponseWriter *activeOn(const QTcpSocket *socket);
    void pump();
    void finish(bool complete);

    QPointer<QTcpSocket> m_socket;
    Producer m_producer;
    QList<std::function<void()>> m_waiting;
    bool m_pumping = false;
    bool m_done = false;
};

} // namespace tf::http
