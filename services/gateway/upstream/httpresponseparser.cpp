#include "httpresponseparser.h"

#include <utility>

namespace tf::gateway {

namespace {

bool isTokenChar(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
    case '-': case '.': case '^': case '_': case '`': case '|': case '~':
        return true;
    default:
        return false;
    }
}

bool hasToken(const QByteArray &value, const char *token)
{
    for (const QByteArray &part : value.split(',')) {
        if (part.trimmed().compare(token, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

} // namespace

void HttpResponseParser::reset(bool headRequest)
{
    m_state = State::Head;
    m_headRequest = headRequest;
    m_started = false;
    m_keepAlive = true;
    m_untilClose = false;
    m_status = 0;
    m_remaining = 0;
    m_chunkPhase = ChunkPhase::Size;
    m_body.clear();
    m_headers.clear();
    m_error.clear();
}

QByteArray HttpResponseParser::header(const QByteArray &lowerName) const
{
    for (const auto &header : m_headers) {
        if (header.first.compare(lowerName, Qt::CaseInsensitive) == 0)
            return header.second;
    }
    return {};
}

HttpResponseParser::State HttpResponseParser::fail(const QString &error)
{
    m_error = error;
    m_keepAlive = false;
    m_state = State::Failed;
    return m_state;
}

bool HttpResponseParser::takeLine(QByteArray &data, QByteArray *line)
{
    const qsizetype end = data.indexOf("\r\n");
    if (end < 0)
        return false;
    *line = data.left(end);
    data.remove(0, end + 2);
    return true;
}

bool HttpResponseParser::takeBody(QByteArray &data)
{
    const qint64 take = qMin<qint64>(m_remaining, data.size());
    if (m_body.isEmpty() && take == data.size()) {
        m_body = std::exchange(data, QByteArray()); // the common case: no copy
    } else {
        m_body.append(data.constData(), take);
        data.remove(0, take);
    }
    m_remaining -= take;
    return m_remaining == 0;
}

HttpResponseParser::State HttpResponseParser::feed(QByteArray &data)
{
    if (!data.isEmpty())
        m_started = true;
    while (!data.isEmpty()) {
        switch (m_state) {
        case State::Head: {
            const qsizetype end = data.indexOf("\r\n\r\n");
            if (end < 0) {
                if (data.size() > kMaxHeadBytes)
                    return fail(QStringLiteral("response head larger than %1 bytes").arg(kMaxHeadBytes));
                return m_state;
            }
            if (end + 4 > kMaxHeadBytes)
                return fail(QStringLiteral("response head larger than %1 bytes").arg(kMaxHeadBytes));
            const QByteArray head = data.left(end + 2);
            data.remove(0, end + 4);
            if (parseHead(head) == State::Failed)
                return m_state;
            if (m_status >= 100 && m_status < 200 && m_status != 101) {
                // An interim answer (100 Continue, 103 Early Hints): the final one follows.
                const bool headRequest = m_headRequest;
                reset(headRequest);
                m_started = true;
            }
            break;
        }
        case State::Body: {
            if (m_untilClose) {
                if (m_body.size() + data.size() > kMaxBodyBytes)
                    return fail(QStringLiteral("response body larger than %1 bytes").arg(kMaxBodyBytes));
                m_body.append(data);
                data.clear();
                return m_state;
            }
            if (takeBody(data))
                m_state = State::Done;
            break;
        }
        case State::Chunks:
            return feedChunks(data); // Done, Failed, or Chunks with every byte consumed
        case State::Done:
        case State::Failed:
            return m_state;
        }
        if (m_state == State::Done)
            return m_state;
    }
    return m_state;
}

HttpResponseParser::State HttpResponseParser::feedChunks(QByteArray &data)
{
    while (!data.isEmpty()) {
        switch (m_chunkPhase) {
        case ChunkPhase::Size: {
            QByteArray line;
            if (!takeLine(data, &line)) {
                if (data.size() > 1024)
                    return fail(QStringLiteral("chunk size line longer than 1024 bytes"));
                return m_state;
            }
            qsizetype digits = 0;
            qint64 size = 0;
            while (digits < line.size()) {
                const char c = line.at(digits);
                const int value = (c >= '0' && c <= '9') ? c - '0'
                    : (c >= 'a' && c <= 'f')             ? c - 'a' + 10
                    : (c >= 'A' && c <= 'F')             ? c - 'A' + 10
                                                         : -1;
                if (value < 0)
                    break;
                if (digits >= 15)
                    return fail(QStringLiteral("chunk size too large"));
                size = size * 16 + value;
                ++digits;
            }
            const QByteArray rest = line.mid(digits).trimmed();
            if (digits == 0 || (!rest.isEmpty() && !rest.startsWith(';')))
                return fail(QStringLiteral("invalid chunk size line '%1'")
                                .arg(QString::fromLatin1(line.left(40).toPercentEncoding(" ;=\"'"))));
            if (m_body.size() + size > kMaxBodyBytes)
                return fail(QStringLiteral("response body larger than %1 bytes").arg(kMaxBodyBytes));
            m_remaining = size;
            m_chunkPhase = size == 0 ? ChunkPhase::Trailer : ChunkPhase::Data;
            break;
        }
        case ChunkPhase::Data: {
            if (takeBody(data))
                m_chunkPhase = ChunkPhase::DataEnd;
            break;
        }
        case ChunkPhase::DataEnd:
            if (data.size() < 2)
                return m_state;
            if (data.at(0) != '\r' || data.at(1) != '\n')
                return fail(QStringLiteral("chunk data not followed by CRLF"));
            data.remove(0, 2);
            m_chunkPhase = ChunkPhase::Size;
            break;
        case ChunkPhase::Trailer: {
            QByteArray line;
            if (!takeLine(data, &line)) {
                if (data.size() > kMaxHeadBytes)
                    return fail(QStringLiteral("chunked trailer larger than %1 bytes").arg(kMaxHeadBytes));
                return m_state;
            }
            if (line.isEmpty()) {
                m_state = State::Done;
                return m_state;
            }
            break; // trailer fields are not used
        }
        }
    }
    return m_state;
}

HttpResponseParser::State HttpResponseParser::parseHead(const QByteArray &head)
{
    // head: status line and fields, each ending in CRLF.
    qsizetype lineEnd = head.indexOf("\r\n");
    const QByteArray statusLine = head.left(lineEnd);
    if (!statusLine.startsWith("HTTP/1.") || statusLine.size() < 12 || statusLine.at(8) != ' '
        || (statusLine.size() > 12 && statusLine.at(12) != ' '))
        return fail(QStringLiteral("not an HTTP/1.x status line: '%1'")
                        .arg(QString::fromLatin1(statusLine.left(40).toPercentEncoding(" /."))));
    const bool http10 = statusLine.at(7) == '0';
    bool ok = false;
    m_status = statusLine.mid(9, 3).toInt(&ok);
    if (!ok || m_status < 100 || m_status > 999)
        return fail(QStringLiteral("invalid status code in '%1'").arg(QString::fromLatin1(statusLine.left(40))));

    qsizetype pos = lineEnd + 2;
    QByteArray contentLength;
    bool hasContentLength = false;
    QByteArray transferEncoding;
    QByteArray connection;
    while (pos < head.size()) {
        lineEnd = head.indexOf("\r\n", pos);
        const QByteArray line = head.mid(pos, lineEnd - pos);
        pos = lineEnd + 2;
        if (line.startsWith(' ') || line.startsWith('\t'))
            return fail(QStringLiteral("obsolete line folding in the response head"));
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            return fail(QStringLiteral("response header line without a name"));
        const QByteArray name = line.left(colon);
        for (const char c : name) {
            if (!isTokenChar(c))
                return fail(QStringLiteral("invalid response header name"));
        }
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (value.contains('\r') || value.contains('\0'))
            return fail(QStringLiteral("invalid character in response header %1").arg(QString::fromLatin1(name)));
        if (name.compare("content-length", Qt::CaseInsensitive) == 0) {
            // Repeated or listed values must all agree (RFC 9112 §6.3, item 5).
            for (const QByteArray &part : value.split(',')) {
                const QByteArray digits = part.trimmed();
                bool valid = !digits.isEmpty() && digits.size() <= 15;
                for (const char c : digits)
                    valid = valid && c >= '0' && c <= '9';
                if (!valid || (hasContentLength && digits != contentLength))
                    return fail(QStringLiteral("invalid or conflicting Content-Length in the response"));
                contentLength = digits;
                hasContentLength = true;
            }
        } else if (name.compare("transfer-encoding", Qt::CaseInsensitive) == 0) {
            transferEncoding += (transferEncoding.isEmpty() ? "" : ",") + value;
        } else if (name.compare("connection", Qt::CaseInsensitive) == 0) {
            connection += (connection.isEmpty() ? "" : ",") + value;
        }
        m_headers.append({ name, value });
    }

    m_keepAlive = http10 ? hasToken(connection, "keep-alive") : !hasToken(connection, "close");
    if (m_headRequest || (m_status >= 100 && m_status < 200) || m_status == 204 || m_status == 304) {
        m_state = State::Done;
        return m_state;
    }
    if (!transferEncoding.isEmpty()) {
        if (transferEncoding.trimmed().compare("chunked", Qt::CaseInsensitive) != 0)
            return fail(QStringLiteral("unsupported Transfer-Encoding '%1' in the response")
                            .arg(QString::fromLatin1(transferEncoding.left(40))));
        if (hasContentLength)
            m_keepAlive = false; // both framings: trust chunked, then do not reuse (RFC 9112 §6.1)
        m_state = State::Chunks;
        m_chunkPhase = ChunkPhase::Size;
        return m_state;
    }
    if (hasContentLength) {
        m_remaining = contentLength.toLongLong();
        if (m_remaining > kMaxBodyBytes)
            return fail(QStringLiteral("response body larger than %1 bytes").arg(kMaxBodyBytes));
        m_state = m_remaining == 0 ? State::Done : State::Body;
        return m_state;
    }
    m_untilClose = true; // no framing: the body ends when the connection does
    m_keepAlive = false;
    m_state = State::Body;
    return m_state;
}

HttpResponseParser::State HttpResponseParser::finishAtClose()
{
    if (m_state == State::Body && m_untilClose) {
        m_state = State::Done;
        return m_state;
    }
    if (m_state == State::Done || m_state == State::Failed)
        return m_state;
    return fail(m_started ? QStringLiteral("tf-syncd closed the connection in the middle of its answer")
                          : QStringLiteral("tf-syncd closed the connection without answering"));
}

} // namespace tf::gateway
