#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

namespace tf::gateway {

// Incremental HTTP/1.1 response parser for the gateway's calls to tf-syncd (RFC 9112 §4-7):
// status line, header fields, and a body framed by Content-Length, chunked transfer coding or
// the end of the connection. Bytes may arrive split anywhere; feed() consumes what belongs to
// the current response and leaves the rest (there should be none: one request in flight).
class HttpResponseParser
{
public:
    enum class State { Head, Body, Chunks, Done, Failed };

    // Whether the answer can carry a body: none for HEAD, 1xx, 204 and 304 (RFC 9112 §6.3).
    void reset(bool headRequest);

    // Consumes bytes from data (removing them); returns the state after them.
    State feed(QByteArray &data);
    // The peer closed the connection: a close-delimited body ends here; anything else is cut.
    State finishAtClose();

    State state() const { return m_state; }
    bool started() const { return m_started; }
    int status() const { return m_status; }
    const QByteArray &body() const { return m_body; }
    const QList<QPair<QByteArray, QByteArray>> &headers() const { return m_headers; }
    QByteArray header(const QByteArray &lowerName) const;
    // The connection may carry another request once this answer is Done.
    bool keepAlive() const { return m_keepAlive; }
    const QString &error() const { return m_error; }

    static constexpr int kMaxHeadBytes = 64 * 1024;
    static constexpr qint64 kMaxBodyBytes = qint64(512) * 1024 * 1024;

private:
    State fail(const QString &error);
    bool takeLine(QByteArray &data, QByteArray *line);
    bool takeBody(QByteArray &data); // true once m_remaining bytes are in
    State parseHead(const QByteArray &head);
    State feedChunks(QByteArray &data);

    enum class ChunkPhase { Size, Data, DataEnd, Trailer };
    State m_state = State::Head;
    bool m_headRequest = false;
    bool m_started = false;
    bool m_keepAlive = true;
    bool m_untilClose = false;
    int m_status = 0;
    qint64 m_remaining = 0;
    ChunkPhase m_chunkPhase = ChunkPhase::Size;
    QByteArray m_body;
    QList<QPair<QByteArray, QByteArray>> m_headers;
    QString m_error;
};

} // namespace tf::gateway
