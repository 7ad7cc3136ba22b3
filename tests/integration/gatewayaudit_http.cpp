#include "gatewayaudit_http.h"

#include <QDeadlineTimer>
#include <QTcpSocket>

namespace tf::test {

namespace {

class Reader
{
public:
    Reader(QTcpSocket &socket, int timeoutMs)
        : m_socket(socket)
        , m_deadline(timeoutMs)
    { }

    // Bytes up to and including the next CRLF; empty on timeout or close.
    QByteArray line()
    {
        for (;;) {
            const qsizetype end = m_buffer.indexOf("\r\n");
            if (end >= 0) {
                const QByteArray result = m_buffer.left(end);
                m_buffer.remove(0, end + 2);
                return result;
            }
            if (!more())
                return {};
        }
    }
    bool take(qsizetype count, QByteArray *out)
    {
        while (m_buffer.size() < count) {
            if (!more())
                return false;
        }
        out->append(m_buffer.left(count));
        m_buffer.remove(0, count);
        return true;
    }

private:
    bool more()
    {
        if (m_deadline.hasExpired())
            return false;
        if (m_socket.bytesAvailable() == 0 && !m_socket.waitForReadyRead(int(qMax<qint64>(1, m_deadline.remainingTime()))))
            return false;
        m_buffer += m_socket.readAll();
        return true;
    }

    QTcpSocket &m_socket;
    QDeadlineTimer m_deadline;
    QByteArray m_buffer;
};

} // namespace

ChunkedAnswer getChunked(quint16 port, const QString &path, const QByteArray &authorization, int timeoutMs)
{
    ChunkedAnswer answer;
    QTcpSocket socket;
    socket.connectToHost(QStringLiteral("127.0.0.1"), port);
    if (!socket.waitForConnected(timeoutMs))
        return answer;
    QByteArray request = "GET " + path.toUtf8() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    if (!authorization.isEmpty())
        request += "Authorization: " + authorization + "\r\n";
    socket.write(request + "\r\n");
    Reader reader(socket, timeoutMs);
    const QList<QByteArray> statusLine = reader.line().split(' ');
    answer.status = statusLine.size() >= 2 ? statusLine.at(1).toInt() : 0;
    for (QByteArray line = reader.line(); !line.isEmpty(); line = reader.line()) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0)
            answer.headers.insert(line.left(colon).trimmed().toLower(), line.mid(colon + 1).trimmed());
    }
    if (answer.headers.value("transfer-encoding") != "chunked") {
        answer.complete = reader.take(answer.headers.value("content-length").toLongLong(), &answer.body);
        return answer;
    }
    for (;;) {
        bool ok = false;
        const qint64 size = reader.line().toLongLong(&ok, 16);
        if (!ok)
            return answer;
        if (size == 0) {
            answer.complete = reader.line().isEmpty(); // the CRLF after the last chunk
            return answer;
        }
        ++answer.chunks;
        QByteArray crlf;
        if (!reader.take(size, &answer.body) || !reader.take(2, &crlf) || crlf != "\r\n")
            return answer;
    }
}

QList<QStringList> parseCsv(const QByteArray &csv)
{
    const QString text = QString::fromUtf8(csv);
    QList<QStringList> rows;
    QStringList row;
    QString field;
    bool quoted = false;
    bool fieldStarted = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (quoted) {
            if (c == QLatin1Char('"')) {
                if (i + 1 < text.size() && text.at(i + 1) == QLatin1Char('"')) {
                    field += QLatin1Char('"');
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                field += c;
            }
        } else if (c == QLatin1Char('"') && !fieldStarted) {
            quoted = true;
            fieldStarted = true;
        } else if (c == QLatin1Char(',')) {
            row << field;
            field.clear();
            fieldStarted = false;
        } else if (c == QLatin1Char('\r') && i + 1 < text.size() && text.at(i + 1) == QLatin1Char('\n')) {
            row << field;
            rows << row;
            row.clear();
            field.clear();
            fieldStarted = false;
            ++i;
        } else {
            field += c;
            fieldStarted = true;
        }
    }
    if (fieldStarted || !row.isEmpty()) {
        row << field;
        rows << row;
    }
    return rows;
}

} // namespace tf::test
