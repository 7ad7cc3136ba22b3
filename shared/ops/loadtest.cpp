#include "loadtest.h"

#include "core/errors.h"
#include "maintenancereport.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonArray>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTimer>
#include <memory>

namespace tf::ops {

namespace {

// One keep-alive connection. Parses answers with Content-Length, chunked bodies, or bodies
// that end when the server closes.
class LoadClient final : public QObject
{
public:
    struct Shared
    {
        const LoadTestOptions *options = nullptr;
        QByteArray request;
        bool stopping = false;
        QList<double> latenciesMs;
        LoadTestResult *result = nullptr;
        int active = 0;
        std::function<void()> allDone;
    };

    explicit LoadClient(Shared &shared)
        : m_shared(shared)
    {
        ++m_shared.active;
        m_timeout.setSingleShot(true);
        connect(&m_timeout, &QTimer::timeout, this, [this] { fail(QStringLiteral("timeout")); });
        openConnection();
    }

private:
    // Sockets are replaced from inside their own signals: the old one is deleted later.
    void dropSocket()
    {
        if (!m_socket)
            return;
        m_socket->disconnect(this);
        m_socket->abort();
        m_socket->deleteLater();
        m_socket = nullptr;
    }

    void openConnection()
    {
        m_buffer.clear();
        dropSocket();
        const QUrl &url = m_shared.options->url;
        const bool tls = url.scheme() == QLatin1String("https");
        if (tls) {
            auto *ssl = new QSslSocket(this);
            m_socket = ssl;
            wire();
            ssl->connectToHostEncrypted(url.host(), static_cast<quint16>(url.port(443)));
        } else {
            m_socket = new QTcpSocket(this);
            wire();
            m_socket->connectToHost(url.host(), static_cast<quint16>(url.port(80)));
        }
        m_connecting = true;
        m_timeout.start(m_shared.options->requestTimeoutMs);
    }

    void wire()
    {
        m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        if (auto *ssl = qobject_cast<QSslSocket *>(m_socket))
            connect(ssl, &QSslSocket::encrypted, this, [this] { connected(); });
        else
            connect(m_socket, &QTcpSocket::connected, this, [this] { connected(); });
        connect(m_socket, &QTcpSocket::readyRead, this, [this] { readAnswer(); });
        connect(
            m_socket, &QTcpSocket::errorOccurred, this, [this](QAbstractSocket::SocketError error) {
                if (error == QAbstractSocket::RemoteHostClosedError && m_inFlight && m_untilClose) {
                    finishAnswer();
                    return;
                }
                if (error == QAbstractSocket::RemoteHostClosedError && !m_inFlight) {
                    reconnectOrStop();
                    return;
                }
                fail(m_socket->errorString());
            });
    }

    void connected()
    {
        m_connecting = false;
        sendNext();
    }

    void sendNext()
    {
        if (m_shared.stopping) {
            stop();
            return;
        }
        m_buffer.clear();
        m_headerDone = false;
        m_untilClose = false;
        m_chunked = false;
        m_contentLength = -1;
        m_inFlight = true;
        m_clock.start();
        m_timeout.start(m_shared.options->requestTimeoutMs);
        m_socket->write(m_shared.request);
    }

    void readAnswer()
    {
        m_buffer += m_socket->readAll();
        if (!m_headerDone) {
            const qsizetype end = m_buffer.indexOf("\r\n\r\n");
            if (end < 0)
                return;
            const QList<QByteArray> lines = m_buffer.left(end).split('\n');
            const QList<QByteArray> statusLine = lines.value(0).trimmed().split(' ');
            m_status = statusLine.value(1).toInt();
            m_keepAlive = !lines.value(0).startsWith("HTTP/1.0");
            for (int i = 1; i < lines.size(); ++i) {
                const QByteArray line = lines.at(i).trimmed();
                const qsizetype colon = line.indexOf(':');
                if (colon < 0)
                    continue;
                const QByteArray name = line.left(colon).trimmed().toLower();
                const QByteArray value = line.mid(colon + 1).trimmed().toLower();
                if (name == "content-length")
                    m_contentLength = value.toLongLong();
                else if (name == "transfer-encoding" && value.contains("chunked"))
                    m_chunked = true;
                else if (name == "connection")
                    m_keepAlive
                        = value.contains("keep-alive") || (!value.contains("close") && m_keepAlive);
            }
            m_buffer.remove(0, end + 4);
            m_headerDone = true;
            m_untilClose = !m_chunked && m_contentLength < 0;
        }
        if (m_chunked) {
            // Done when the last chunk ("0\r\n\r\n") has arrived.
            if (m_buffer.endsWith("0\r\n\r\n"))
                finishAnswer();
        } else if (m_contentLength >= 0 && m_buffer.size() >= m_contentLength) {
            finishAnswer();
        }
    }

    void finishAnswer()
    {
        m_timeout.stop();
        m_inFlight = false;
        const double ms = m_clock.nsecsElapsed() / 1e6;
        LoadTestResult &result = *m_shared.result;
        ++result.requests;
        ++result.statuses[m_status];
        if (m_status >= 400 || m_status == 0)
            ++result.errors;
        // Every answer counts for latency, refusals (429, 503) included: they are what the
        // caller waited for.
        m_shared.latenciesMs.append(ms);
        if (m_keepAlive && !m_untilClose)
            sendNext();
        else
            reconnectOrStop();
    }

    void reconnectOrStop()
    {
        if (m_shared.stopping)
            stop();
        else
            openConnection();
    }

    void fail(const QString &reason)
    {
        m_timeout.stop();
        if (m_done)
            return;
        LoadTestResult &result = *m_shared.result;
        ++result.requests;
        ++result.errors;
        ++result.failures[reason];
        m_inFlight = false;
        m_connecting = false;
        dropSocket();
        if (m_shared.stopping) {
            stop();
            return;
        }
        // Back off a little so a refused port does not spin.
        QTimer::singleShot(50, this, [this] { reconnectOrStop(); });
    }

    void stop()
    {
        if (m_done)
            return;
        m_done = true;
        m_timeout.stop();
        dropSocket();
        if (--m_shared.active == 0 && m_shared.allDone)
            m_shared.allDone();
    }

public:
    // At the deadline: a client waiting for an answer finishes it (up to its timeout).
    void drain()
    {
        if (!m_inFlight && !m_connecting)
            stop();
    }

private:
    Shared &m_shared;
    QTcpSocket *m_socket = nullptr;
    QTimer m_timeout;
    QElapsedTimer m_clock;
    QByteArray m_buffer;
    bool m_headerDone = false;
    bool m_chunked = false;
    bool m_untilClose = false;
    bool m_keepAlive = true;
    bool m_inFlight = false;
    bool m_connecting = false;
    bool m_done = false;
    qint64 m_contentLength = -1;
    int m_status = 0;
};

QString fixed(double value, int decimals = 2)
{
    return value < 0 ? QStringLiteral("-") : QString::number(value, 'f', decimals);
}

} // namespace

void LoadTestOptions::validate() const
{
    if (!url.isValid() || url.host().isEmpty()
        || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")))
        throw Error(Error::Kind::Validation,
                    QStringLiteral("endpoint '%1' is not an http:// or https:// URL with a host")
                        .arg(url.toString().left(200)),
                    QJsonObject { { QStringLiteral("field"), QStringLiteral("endpoint") } });
    if (concurrency < 1 || concurrency > 1000)
        throw Error(Error::Kind::Validation,
                    QStringLiteral("concurrency must be 1 to 1000 (got %1)").arg(concurrency),
                    QJsonObject { { QStringLiteral("field"), QStringLiteral("concurrency") } });
    if (!(durationSeconds >= 0.1 && durationSeconds <= 3600))
        throw Error(
            Error::Kind::Validation,
            QStringLiteral("duration must be 0.1 to 3600 seconds (got %1)").arg(durationSeconds),
            QJsonObject { { QStringLiteral("field"), QStringLiteral("duration") } });
}

QJsonObject LoadTestResult::toJson() const
{
    QJsonObject statusObject;
    for (auto it = statuses.cbegin(); it != statuses.cend(); ++it)
        statusObject.insert(QString::number(it.key()), it.value());
    QJsonObject failureObject;
    for (auto it = failures.cbegin(); it != failures.cend(); ++it)
        failureObject.insert(it.key(), it.value());
    return { { QStringLiteral("url"), url },
             { QStringLiteral("concurrency"), concurrency },
             { QStringLiteral("seconds"), seconds },
             { QStringLiteral("requests"), requests },
             { QStringLiteral("errors"), errors },
             { QStringLiteral("requests_per_second"), requestsPerSecond },
             { QStringLiteral("p50_ms"), p50Ms },
             { QStringLiteral("p95_ms"), p95Ms },
             { QStringLiteral("p99_ms"), p99Ms },
             { QStringLiteral("max_ms"), maxMs },
             { QStringLiteral("mean_ms"), meanMs },
             { QStringLiteral("statuses"), statusObject },
             { QStringLiteral("failures"), failureObject } };
}

QString LoadTestResult::toText() const
{
    QStringList lines;
    lines << QStringLiteral("requests: %1 in %2 s (concurrency %3)")
                 .arg(requests)
                 .arg(fixed(seconds))
                 .arg(concurrency);
    lines << QStringLiteral("requests/s: %1").arg(fixed(requestsPerSecond, 1));
    lines << QStringLiteral("latency ms: p50 %1  p95 %2  p99 %3  max %4  mean %5")
                 .arg(fixed(p50Ms), fixed(p95Ms), fixed(p99Ms), fixed(maxMs), fixed(meanMs));
    QStringList statusParts;
    for (auto it = statuses.cbegin(); it != statuses.cend(); ++it)
        statusParts << QStringLiteral("%1 x%2").arg(it.key()).arg(it.value());
    for (auto it = failures.cbegin(); it != failures.cend(); ++it)
        statusParts << QStringLiteral("%1 x%2").arg(it.key()).arg(it.value());
    lines << QStringLiteral("errors: %1%2")
                 .arg(errors)
                 .arg(statusParts.isEmpty() ? QString()
                                            : QStringLiteral("  (")
                              + statusParts.join(QStringLiteral(", ")) + QLatin1Char(')'));
    return lines.join(QLatin1Char('\n'));
}

LoadTestResult runLoadTest(const LoadTestOptions &options, const LoadTestProgress &progress)
{
    options.validate();
    LoadTestResult result;
    result.url = options.url.toString();
    result.concurrency = options.concurrency;

    QByteArray target = options.url.path(QUrl::FullyEncoded).toUtf8();
    if (target.isEmpty())
        target = "/";
    if (options.url.hasQuery())
        target += '?' + options.url.query(QUrl::FullyEncoded).toUtf8();
    const bool defaultPort = options.url.port() < 0;
    QByteArray request = "GET " + target
        + " HTTP/1.1\r\nHost: " + options.url.host(QUrl::FullyEncoded).toUtf8()
        + (defaultPort ? QByteArray() : ':' + QByteArray::number(options.url.port())) + "\r\n"
        + "User-Agent: tfctl-loadtest\r\nAccept: */*\r\nConnection: keep-alive\r\n";
    if (!options.authorization.isEmpty())
        request += "Authorization: " + options.authorization + "\r\n";
    request += "\r\n";

    LoadClient::Shared shared;
    shared.options = &options;
    shared.request = request;
    shared.result = &result;
    QEventLoop loop;
    shared.allDone = [&loop] { loop.quit(); };

    QElapsedTimer clock;
    clock.start();
    QList<LoadClient *> clients;
    QObject owner;
    for (int i = 0; i < options.concurrency; ++i) {
        auto *client = new LoadClient(shared);
        client->setParent(&owner);
        clients << client;
    }
    QTimer ticker;
    ticker.setTimerType(Qt::PreciseTimer);
    QObject::connect(&ticker, &QTimer::timeout, [&] {
        if (progress)
            progress(clock.elapsed() / 1000.0, result.requests, result.errors);
    });
    ticker.start(1000);
    QTimer::singleShot(static_cast<int>(options.durationSeconds * 1000), &loop, [&] {
        shared.stopping = true;
        for (LoadClient *client : std::as_const(clients))
            client->drain();
    });
    if (shared.active > 0)
        loop.exec();
    ticker.stop();
    result.seconds = clock.elapsed() / 1000.0;
    result.requestsPerSecond = result.seconds > 0 ? result.requests / result.seconds : 0;
    if (!shared.latenciesMs.isEmpty()) {
        double sum = 0;
        for (double ms : std::as_const(shared.latenciesMs))
            sum += ms;
        result.meanMs = sum / shared.latenciesMs.size();
        result.p50Ms = percentile(shared.latenciesMs, 50);
        result.p95Ms = percentile(shared.latenciesMs, 95);
        result.p99Ms = percentile(shared.latenciesMs, 99);
        result.maxMs = percentile(shared.latenciesMs, 100);
    }
    return result;
}

} // namespace tf::ops
