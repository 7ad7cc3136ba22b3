#include "requestframing.h"

#include <QList>

namespace tf::http {

namespace {

constexpr qsizetype kMaxChunkSizeLine = 1024; // hex size plus chunk extensions

bool isTokenChar(char c)
{
    // RFC 9110 §5.6.2 tchar
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    return c != 0 && QByteArrayView("!#$%&'*+-.^_`|~").contains(c);
}

bool isToken(QByteArrayView text)
{
    if (text.isEmpty())
        return false;
    for (char c : text) {
        if (!isTokenChar(c))
            return false;
    }
    return true;
}

bool isControl(char c)
{
    const auto byte = static_cast<unsigned char>(c);
    return (byte < 0x20 && c != '\t') || byte == 0x7f;
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

QByteArrayView trimmedOws(QByteArrayView text)
{
    while (!text.isEmpty() && (text.front() == ' ' || text.front() == '\t'))
        text = text.sliced(1);
    while (!text.isEmpty() && (text.back() == ' ' || text.back() == '\t'))
        text.chop(1);
    return text;
}

QList<QByteArrayView> splitLines(QByteArrayView text)
{
    QList<QByteArrayView> lines;
    qsizetype start = 0;
    for (;;) {
        const qsizetype end = text.indexOf(QByteArrayView("\r\n"), start);
        if (end < 0) {
            lines.append(text.sliced(start));
            return lines;
        }
        lines.append(text.sliced(start, end - start));
        start = end + 2;
    }
}

QString printableName(QByteArrayView name)
{
    return QString::fromLatin1(name.first(qMin<qsizetype>(name.size(), 64)).toByteArray());
}

} // namespace

RequestFraming::Refusal RequestFraming::refuse(int status, const char *code, const QString &message)
{
    m_state = State::Refused;
    m_refusal = Refusal { status, QByteArray(code), message };
    m_head.clear();
    return m_refusal;
}

RequestFraming::Refusal RequestFraming::feed(QByteArrayView bytes)
{
    qsizetype pos = 0;
    while (pos < bytes.size()) {
        switch (m_state) {
        case State::Refused:
            return m_refusal;
        case State::Head:
        case State::Trailers: {
            const bool trailers = m_state == State::Trailers;
            // A line at a time (up to and including its LF), or what there is of it, but never
            // past the byte at which a size limit is exceeded: whichever comes first in the
            // stream, a bad byte or the limit, is the answer, however TCP split the bytes
            // (found by fuzzing: a long URL followed by a bare CR got 400 or 414).
            qsizetype budget = qsizetype(m_limits.maxHeaderBytes) + 1 - m_head.size();
            if (!trailers && !m_head.contains('\n'))
                budget = qMin(budget, qsizetype(m_limits.maxUrlBytes) + 33 - m_head.size());
            const QByteArrayView rest = bytes.sliced(pos);
            const qsizetype lineFeed = rest.indexOf('\n');
            QByteArrayView span = lineFeed < 0 ? rest : rest.first(lineFeed + 1);
            span = span.first(qMin(span.size(), qMax<qsizetype>(budget, 1)));
            pos += span.size();
            if (Refusal refusal = scanHeadBytes(span, trailers))
                return refusal;
            // Qt 6.4's parser loses track of the stream after trailer fields: refused, so that
            // it never has to find the end of such a body.
            if (trailers && m_head.front() != '\r')
                return refuse(
                    400, "bad_framing",
                    QStringLiteral("trailer fields after a chunked body are not accepted"));
            if (!trailers && m_head == "\r\n") { // empty lines before a request are allowed
                m_head.clear();
                break;
            }
            if (!trailers && m_head.size() > m_limits.maxUrlBytes + 32
                && qsizetype(m_head.indexOf('\n') < 0 ? m_head.size() : m_head.indexOf('\n'))
                    > m_limits.maxUrlBytes + 32) {
                return refuse(414, "uri_too_long",
                              QStringLiteral("request line is longer than the limit of %1 bytes")
                                  .arg(m_limits.maxUrlBytes));
            }
            if (m_head.size() > m_limits.maxHeaderBytes) {
                return refuse(
                    431, "headers_too_large",
                    QStringLiteral("request headers are larger than the limit of %1 bytes")
                        .arg(m_limits.maxHeaderBytes));
            }
            if (trailers && m_head == "\r\n") { // no trailer fields: the chunked body ends here
                m_head.clear();
                m_state = State::Head;
            } else if (m_head.endsWith("\r\n\r\n")) {
                if (Refusal refusal = headComplete())
                    return refusal;
            }
            break;
        }
        case State::FixedBody:
        case State::ChunkData: {
            const qint64 take = qMin<qint64>(m_remaining, bytes.size() - pos);
            m_remaining -= take;
            pos += take;
            if (m_remaining == 0)
                m_state = m_state == State::FixedBody ? State::Head : State::ChunkDataEnd;
            break;
        }
        case State::ChunkDataEnd: {
            const char expected = m_head.isEmpty() ? '\r' : '\n';
            if (bytes.at(pos++) != expected)
                return refuse(
                    400, "bad_framing",
                    QStringLiteral("a chunk's data is not followed by CRLF (its size is wrong)"));
            m_head.append(expected);
            if (m_head.size() == 2) {
                m_head.clear();
                m_state = State::ChunkSize;
            }
            break;
        }
        case State::ChunkSize: {
            if (Refusal refusal = scanHeadBytes(bytes.sliced(pos++, 1), true))
                return refusal;
            if (m_head.size() > kMaxChunkSizeLine)
                return refuse(400, "bad_framing",
                              QStringLiteral("a chunk size line is longer than %1 bytes")
                                  .arg(kMaxChunkSizeLine));
            if (m_head.endsWith("\r\n")) {
                if (Refusal refusal = chunkSizeComplete())
                    return refusal;
            }
            break;
        }
        }
    }
    return m_state == State::Refused ? m_refusal : Refusal {};
}

// Bytes of a request head, chunk size line or body end: CRLF line ends only, no NUL.
RequestFraming::Refusal RequestFraming::scanHeadBytes(QByteArrayView span, bool trailers)
{
    const QLatin1String where(trailers ? "chunked body" : "request head");
    char previous = m_head.isEmpty() ? '\0' : m_head.back();
    for (const char byte : span) {
        if (byte == '\0')
            return refuse(400, "bad_framing", QStringLiteral("the %1 holds a NUL byte").arg(where));
        if (previous == '\r' && byte != '\n')
            return refuse(400, "bad_framing",
                          QStringLiteral("the %1 holds a CR that does not end a line").arg(where));
        if (byte == '\n' && previous != '\r')
            return refuse(400, "bad_framing",
                          QStringLiteral("a line of the %1 ends in LF without CR").arg(where));
        previous = byte;
    }
    m_head.append(span);
    return {};
}

RequestFraming::Refusal RequestFraming::headComplete()
{
    const QList<QByteArrayView> lines = splitLines(QByteArrayView(m_head).chopped(4));
    qint64 contentLength = 0;
    bool chunked = false;

    QList<QByteArrayView> requestLine;
    for (QByteArrayView rest = lines.first();;) {
        const qsizetype space = rest.indexOf(' ');
        requestLine.append(space < 0 ? rest : rest.first(space));
        if (space < 0)
            break;
        rest = rest.sliced(space + 1);
    }
    if (requestLine.size() != 3 || !isToken(requestLine.at(0)) || requestLine.at(1).isEmpty())
        return refuse(400, "bad_framing",
                      QStringLiteral("the request line is not \"METHOD target HTTP/1.1\""));
    if (requestLine.at(1).size() > m_limits.maxUrlBytes)
        return refuse(
            414, "uri_too_long",
            QStringLiteral("URL is longer than the limit of %1 bytes").arg(m_limits.maxUrlBytes));
    const QByteArrayView version = requestLine.at(2);
    if (version != "HTTP/1.1" && version != "HTTP/1.0")
        return refuse(400, "bad_framing",
                      QStringLiteral("the HTTP version is not HTTP/1.1 or HTTP/1.0"));
    if (Refusal refusal = checkFields(lines, 1, &contentLength, &chunked))
        return refusal;
    if (chunked && version == "HTTP/1.0")
        return refuse(400, "bad_framing",
                      QStringLiteral("Transfer-Encoding in an HTTP/1.0 request"));
    if (contentLength > m_limits.maxBodyBytes) {
        return refuse(
            413, "payload_too_large",
            QStringLiteral("request body of %1 bytes is larger than the limit of %2 bytes")
                .arg(contentLength)
                .arg(m_limits.maxBodyBytes));
    }
    m_head.clear();
    if (chunked) {
        m_state = State::ChunkSize;
        m_bodyBytes = 0;
    } else if (contentLength > 0) {
        m_state = State::FixedBody;
        m_remaining = contentLength;
    }
    return {};
}

RequestFraming::Refusal RequestFraming::checkFields(const QList<QByteArrayView> &lines,
                                                    qsizetype first, qint64 *contentLength,
                                                    bool *chunked)
{
    int contentLengths = 0;
    int transferEncodings = 0;
    for (qsizetype i = first; i < lines.size(); ++i) {
        const QByteArrayView line = lines.at(i);
        if (line.startsWith(' ') || line.startsWith('\t'))
            return refuse(400, "bad_framing",
                          QStringLiteral("a header field is folded over lines (obs-fold)"));
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0 || !isToken(line.first(colon)))
            return refuse(
                400, "bad_framing",
                QStringLiteral("a header line is not \"Name: value\" (no space before the colon)"));
        const QByteArrayView name = line.first(colon);
        const QByteArrayView value = trimmedOws(line.sliced(colon + 1));
        for (char c : value) {
            if (isControl(c))
                return refuse(
                    400, "bad_framing",
                    QStringLiteral("header %1 holds a control character").arg(printableName(name)));
        }
        const bool isContentLength = name.compare("content-length", Qt::CaseInsensitive) == 0;
        const bool isTransferEncoding = name.compare("transfer-encoding", Qt::CaseInsensitive) == 0;
        if (isContentLength) {
            if (++contentLengths > 1)
                return refuse(400, "bad_framing",
                              QStringLiteral("Content-Length is given more than once"));
            bool digits = !value.isEmpty() && value.size() <= 18;
            for (char c : value)
                digits = digits && c >= '0' && c <= '9';
            if (!digits)
                return refuse(400, "bad_framing",
                              QStringLiteral("Content-Length is not a number of bytes"));
            *contentLength = value.toLongLong();
        } else if (isTransferEncoding) {
            if (++transferEncodings > 1)
                return refuse(400, "bad_framing",
                              QStringLiteral("Transfer-Encoding is given more than once"));
            if (value.compare("chunked", Qt::CaseInsensitive) != 0)
                return refuse(400, "bad_framing",
                              QStringLiteral("Transfer-Encoding other than \"chunked\""));
            *chunked = true;
        }
    }
    if (contentLengths > 0 && transferEncodings > 0) {
        return refuse(
            400, "bad_framing",
            QStringLiteral(
                "both Content-Length and Transfer-Encoding: where the request ends is ambiguous"));
    }
    return {};
}

RequestFraming::Refusal RequestFraming::chunkSizeComplete()
{
    const QByteArrayView line = QByteArrayView(m_head).chopped(2);
    qsizetype i = 0;
    qint64 size = 0;
    for (int digit; i < line.size() && (digit = hexValue(line.at(i))) >= 0; ++i) {
        size = size * 16 + digit;
        if (size > m_limits.maxBodyBytes) {
            return refuse(413, "payload_too_large",
                          QStringLiteral("request body is larger than the limit of %1 bytes")
                              .arg(m_limits.maxBodyBytes));
        }
    }
    const QByteArrayView extension = trimmedOws(line.sliced(i));
    if (i == 0 || (!extension.isEmpty() && !extension.startsWith(';')))
        return refuse(400, "bad_framing",
                      QStringLiteral("a chunk size is not a hexadecimal number"));
    for (char c : extension) {
        if (isControl(c))
            return refuse(400, "bad_framing",
                          QStringLiteral("a chunk extension holds a control character"));
    }
    m_head.clear();
    if (size == 0) {
        m_state = State::Trailers;
        return {};
    }
    m_bodyBytes += size;
    if (m_bodyBytes > m_limits.maxBodyBytes) {
        return refuse(413, "payload_too_large",
                      QStringLiteral("request body is larger than the limit of %1 bytes")
                          .arg(m_limits.maxBodyBytes));
    }
    m_remaining = size;
    m_state = State::ChunkData;
    return {};
}

} // namespace tf::http
