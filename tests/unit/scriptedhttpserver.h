#pragma once
// A loopback HTTP/1.1 server for client tests: it frames each request (Content-Length bodies)
// and answers it as the test's script says: an answer's bytes, no answer, or closing the
// connection at once. It records every request with the connection it came on.

#include <QByteArray>
#include <QList>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

#include <functional>

namespace tf::test {

class ScriptedHttpServer : public QObject
{
public:
    struct Received
    {
        int connection = 0;       // 1, 2, ... in order of accepting
        int onConnection = 0;     // 1 for the first request of its connection
        QByteArray head;          // request line and fields
        QByteArray body;
        QByteArray field(const QByteArray &name) const
        {
            for (const QByteArray &line : head.split('\n')) {
                const qsizetype colon = line.indexOf(':');
                if (colon > 0 && line.left(colon).trimmed().compare(name, Qt::CaseInsensitive) == 0)
                    return line.mid(colon + 1).trimmed();
            }
            return {};
        }
    };
    enum class Action { Answer, Hang, Close };
    struct Step
    {
        Action action = Action::Answer;
        QByteArray bytes;
        int delayMs = 0;
    };
    using Script = std::function<Step(const Received &)>;

    explicit ScriptedHttpServer(Script script)
        : m_script(std::move(script))
    {
        m_server.listen(QHostAddress::LocalHost);
        QObject::connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                const int number = ++m_connections;
                ++m_open;
                m_maxOpen = qMax(m_maxOpen, m_open);
                auto *buffer = new QByteArray;
                auto *count = new int(0);
                QObject::connect(socket, &QTcpSocket::disconnected, this, [this, socket, buffer, count] {
                    --m_open;
                    delete buffer;
                    delete count;
                    socket->deleteLater();
                });
                QObject::connect(socket, &QTcpSocket::readyRead, this, [this, socket, buffer, count, number] {
                    buffer->append(socket->readAll());
                    for (;;) {
                        const qsizetype end = buffer->indexOf("\r\n\r\n");
                        if (end < 0)
                            return;
                        Received request;
                        request.connection = number;
                        request.onConnection = ++*count;
                        request.head = buffer->left(end);
                        const qsizetype length = request.field("Content-Length").toLongLong();
                        if (buffer->size() < end + 4 + length) {
                            --*count;
                            return;
                        }
                        request.body = buffer->mid(end + 4, length);
                        buffer->remove(0, end + 4 + length);
                        received.append(request);
                        const Step step = m_script(request);
                        if (step.action == Action::Close) {
                            socket->disconnectFromHost();
                            return;
                        }
                        if (step.action == Action::Answer) {
                            if (step.delayMs > 0)
                                QTimer::singleShot(step.delayMs, socket, [socket, bytes = step.bytes] { socket->write(bytes); });
                            else
                                socket->write(step.bytes);
                        }
                    }
                });
            }
        });
    }

    quint16 port() const { return m_server.serverPort(); }
    int connections() const { return m_connections; }
    int maxOpen() const { return m_maxOpen; }
    // Closes every accepted connection (as a restarted tf-syncd would have).
    void closeAll()
    {
        for (QTcpSocket *socket : m_server.findChildren<QTcpSocket *>())
            socket->disconnectFromHost();
    }

    QList<Received> received;

private:
    QTcpServer m_server;
    Script m_script;
    int m_connections = 0;
    int m_open = 0;
    int m_maxOpen = 0;
};

inline QByteArray okAnswer(const QByteArray &body, const QByteArray &extra = {})
{
    return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" + extra + "Content-Length: "
        + QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

} // namespace tf::test
