#pragma once

#include "httplimits.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

namespace tf::http {

// Follows the request boundaries of one HTTP/1.1 connection's byte stream (request head, then
// Content-Length bytes or a chunked body) and refuses, before QHttpServer parses anything, every
// request whose end a front proxy could place elsewhere (request smuggling, RFC 9112 §6.1/§6.3)
// or that is over HttpLimits. The syntax it lets through is strict: CRLF line ends only; no NUL,
// bare CR or other control characters in the head; no obs-fold; one Content-Length of digits or
// one "Transfer-Encoding: chunked", never both; well-formed chunk sizes and chunk ends; no
// trailer fields (Qt 6.4's parser loses the request boundary after them).
class RequestFraming final
{
public:
    struct Refusal
    {
        int status = 0; // 0: nothing to refuse so far
        QByteArray code;
        QString message;
        explicit operator bool() const { return status != 0; }
    };

    explicit RequestFraming(HttpLimits limits)
        : m_limits(limits)
    { }

    // Scans the next bytes of the stream. Returns the refusal of the first request that must not
    // reach the HTTP server (then the connection is to be answered and closed, and nothing after
    // it is scanned: every later call returns the same refusal).
    Refusal feed(QByteArrayView bytes);

    bool refused() const { return m_state == State::Refused; }
    // True between requests (nothing of a next request seen yet).
    bool atRequestStart() const { return m_state == State::Head && m_head.isEmpty(); }

private:
    enum class State { Head, FixedBody, ChunkSize, ChunkData, ChunkDataEnd, Trailers, Refused };

    Refusal refuse(int status, const char *code, const QString &message);
    Refusal scanHeadBytes(QByteArrayView span, bool trailers);
    Refusal headComplete();
    Refusal chunkSizeComplete();
    Refusal checkFields(const QList<QByteArrayView> &lines, qsizetype first, qint64 *contentLength,
                        bool *chunked);

    HttpLimits m_limits;
    State m_state = State::Head;
    QByteArray m_head; // the head (or chunk-size line, or body end) read so far
    qint64 m_remaining = 0; // bytes left of a Content-Length body or of a chunk
    qint64 m_bodyBytes = 0; // decoded bytes of the current chunked body
    Refusal m_refusal;
};

} // namespace tf::http
