#include "testsupport.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <QMutexLocker>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRandomGenerator>
#include <QSet>
#include <QStandardPaths>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTcpSocket>
#include <QSslSocket>
#include <QSslConfiguration>
#include <QThread>
#include <QTimer>
#include <QUrl>
#include <QUuid>

#include <csignal>

namespace tf::test {

QString postgresAdminUrl()
{
    return qEnvironmentVariable("TF_TEST_PG_URL");
}

bool postgresRequired()
{
    return qEnvironmentVariable("TF_REQUIRE_PG") == QLatin1String("1");
}

QString createScratchPostgresDatabase(const QString &prefix)
{
    const QString adminUrl = postgresAdminUrl();
    if (adminUrl.isEmpty())
        return {};
    const QUrl url(adminUrl);
    const QString name = prefix + QLatin1Char('_')
        + QUuid::createUuid().toString(QUuid::Id128).left(12).toLower();
    const QString connectionName = QStringLiteral("scratch-admin-") + name;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), connectionName);
        db.setHostName(url.host());
        db.setPort(url.port(5432));
        db.setUserName(url.userName());
        db.setPassword(url.password());
        db.setDatabaseName(url.path().mid(1));
        if (!db.open())
            qFatal("cannot reach the test PostgreSQL at %s: %s", qPrintable(url.host()),
                   qPrintable(db.lastError().text()));
        QSqlQuery query(db);
        // The name is generated here from a UUID, never from input: safe to paste.
        if (!query.exec(QStringLiteral("CREATE DATABASE \"%1\"").arg(name)))
            qFatal("CREATE DATABASE failed: %s", qPrintable(query.lastError().text()));
        db.close();
    }
    QSqlDatabase::removeDatabase(connectionName);
    QUrl scratch = url;
    scratch.setPath(QLatin1Char('/') + name);
    return scratch.toString();
}

quint16 freePort()
{
    // Below the ephemeral range: a port the kernel hands out there may become any connection's
    // local end before the server the test starts binds it (tests run two at a time, each
    // making many connections). Never one this process returned before.
    static QMutex mutex;
    static QSet<quint16> handedOut;
    const QMutexLocker lock(&mutex);
    for (int attempt = 0; attempt < 50; ++attempt) {
        const quint16 port = freeServerPort();
        if (port == 0)
            break;
        if (!handedOut.contains(port)) {
            handedOut.insert(port);
            return port;
        }
    }
    QTcpServer server;
    server.listen(QHostAddress::LocalHost, 0);
    return server.serverPort();
}

quint16 freeServerPort(quint16 except)
{
    int low = 32768;
    QFile range(QStringLiteral("/proc/sys/net/ipv4/ip_local_port_range"));
    if (range.open(QIODevice::ReadOnly))
        low = QString::fromLatin1(range.readAll()).split(QLatin1Char('\t')).value(0).trimmed().toInt();
    if (low <= 20000)
        low = 32768;
    for (int attempt = 0; attempt < 200; ++attempt) {
        const quint16 candidate = quint16(QRandomGenerator::global()->bounded(20000, low));
        QTcpServer probe;
        if (candidate != except && probe.listen(QHostAddress::LocalHost, candidate))
            return candidate;
    }
    return 0;
}

QString systemTool(const QString &name)
{
    static const QStringList dirs { QStringLiteral("/usr/sbin"), QStringLiteral("/usr/bin"),
                                    QStringLiteral("/usr/local/sbin"), QStringLiteral("/usr/local/bin") };
    return QStandardPaths::findExecutable(name, dirs);
}

QString binDir()
{
    const QString dir = qEnvironmentVariable("TF_BIN_DIR");
    return dir.isEmpty() ? QCoreApplication::applicationDirPath() : dir;
}

QString binary(const QString &name)
{
    return binDir() + QLatin1Char('/') + name;
}

namespace {

HttpResult exchange(const QList<QSslCertificate> *trustedCas, const QByteArray &method, const QString &url,
                    const QByteArray &body, const QList<QPair<QByteArray, QByteArray>> &headers, int timeoutMs)
{
    HttpResult result;
    QNetworkAccessManager manager;
    QNetworkRequest request { QUrl(url) };
    if (trustedCas) {
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setCaCertificates(*trustedCas);
        tls.setPeerVerifyMode(QSslSocket::VerifyPeer);
        request.setSslConfiguration(tls);
    }
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    request.setTransferTimeout(timeoutMs);
    for (const auto &header : headers)
        request.setRawHeader(header.first, header.second);
    if (!body.isEmpty() && !request.hasRawHeader("Content-Type"))
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));

    QElapsedTimer timer;
    timer.start();
    QNetworkReply *reply = manager.sendCustomRequest(request, method, body);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(timeoutMs + 1000, &loop, &QEventLoop::quit);
    loop.exec();
    result.elapsedMs = timer.elapsed();
    if (!reply->isFinished()) {
        reply->abort();
        result.error = QStringLiteral("timed out");
    }
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.body = reply->readAll();
    for (const auto &pair : reply->rawHeaderPairs())
        result.headers.insert(pair.first.toLower(), pair.second);
    if (reply->error() != QNetworkReply::NoError && result.status == 0)
        result.error = reply->errorString();
    delete reply;
    return result;
}

} // namespace

HttpResult http(const QByteArray &method, const QString &url, const QByteArray &body,
                const QList<QPair<QByteArray, QByteArray>> &headers, int timeoutMs)
{
    return exchange(nullptr, method, url, body, headers, timeoutMs);
}

HttpResult https(const QList<QSslCertificate> &trustedCas, const QByteArray &method, const QString &url,
                 const QByteArray &body, const QList<QPair<QByteArray, QByteArray>> &headers, int timeoutMs)
{
    return exchange(&trustedCas, method, url, body, headers, timeoutMs);
}

QByteArray gatewayAdminAuthorization(const QString &baseUrl, const QString &dataDir)
{
    QFile file(dataDir + QStringLiteral("/initial-admin-password"));
    // tf-gateway writes it once its database is open, a moment after it starts answering.
    QDeadlineTimer written(10000);
    while (!file.exists() && !written.hasExpired())
        QThread::msleep(20);
    if (!file.open(QIODevice::ReadOnly))
        return QByteArray();
    // The gateway refuses the first admin everything but a password change until it has one
    // of its own; this process remembers the new password per data directory, so a restarted
    // gateway over the same data signs in again.
    static QHash<QString, QString> changed;
    const QString initial = QString::fromUtf8(file.readAll()).trimmed();
    const QString password = changed.value(dataDir, initial);
    const QByteArray body = QJsonDocument(QJsonObject { { QStringLiteral("username"), QStringLiteral("admin") },
                                                        { QStringLiteral("password"), password } })
                                .toJson(QJsonDocument::Compact);
    const HttpResult result = http("POST", baseUrl + QStringLiteral("/api/auth/login"), body);
    const QJsonObject login = QJsonDocument::fromJson(result.body).object();
    const QString token = login.value(QStringLiteral("token")).toString();
    if (result.status != 200 || token.isEmpty())
        return QByteArray();
    const QByteArray authorization = "Bearer " + token.toUtf8();
    if (login.value(QStringLiteral("must_change_password")).toBool()) {
        const QString fresh = password + QStringLiteral("-changed");
        const QByteArray change = QJsonDocument(QJsonObject { { QStringLiteral("current_password"), password },
                                                              { QStringLiteral("new_password"), fresh } })
                                      .toJson(QJsonDocument::Compact);
        // A gateway with tight rate limits may ask to wait (429, Retry-After): that is the
        // login's bucket, not a refusal.
        HttpResult answer;
        for (int attempt = 0; attempt < 5; ++attempt) {
            answer = http("POST", baseUrl + QStringLiteral("/api/auth/password"), change,
                          { { QByteArrayLiteral("Authorization"), authorization } });
            if (answer.status != 429)
                break;
            const int seconds = qBound(1, answer.headers.value("retry-after").toInt(), 10);
            QThread::msleep(seconds * 1000);
        }
        if (answer.status != 200)
            return QByteArray();
        changed.insert(dataDir, fresh);
    }
    return authorization;
}

QList<QPair<QByteArray, QByteArray>> authorizationHeaders(const QByteArray &value)
{
    if (value.isEmpty())
        return {};
    return { { QByteArrayLiteral("Authorization"), value } };
}

QByteArray serviceToken()
{
    static const QByteArray token = QUuid::createUuid().toString(QUuid::Id128).toLatin1()
        + QUuid::createUuid().toString(QUuid::Id128).toLatin1();
    return token;
}

QList<QPair<QByteArray, QByteArray>> serviceHeaders(const QList<QPair<QByteArray, QByteArray>> &extra)
{
    QList<QPair<QByteArray, QByteArray>> headers { { QByteArrayLiteral("Authorization"), "Bearer " + serviceToken() } };
    headers.append(extra);
    return headers;
}

QByteArray rawExchange(quint16 port, const QByteArray &request, int timeoutMs)
{
    // Event-driven, so it also works against a server living in the test's own thread.
    QTcpSocket socket;
    QByteArray answer;
    QEventLoop loop;
    QObject::connect(&socket, &QTcpSocket::connected, &loop, [&] { socket.write(request); });
    QObject::connect(&socket, &QTcpSocket::readyRead, &loop, [&] { answer += socket.readAll(); });
    QObject::connect(&socket, &QTcpSocket::disconnected, &loop, &QEventLoop::quit);
    QObject::connect(&socket, &QTcpSocket::errorOccurred, &loop, &QEventLoop::quit);
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    socket.connectToHost(QHostAddress::LocalHost, port);
    loop.exec();
    answer += socket.readAll();
    return answer;
}

ServiceProcess::ServiceProcess(QString program, QStringList arguments,
                               QProcessEnvironment environment)
    : m_program(std::move(program))
    , m_arguments(std::move(arguments))
    , m_environment(std::move(environment))
{
    m_logFile = m_logDir.filePath(QStringLiteral("output.log"));
}

ServiceProcess::~ServiceProcess()
{
    if (m_process && m_process->state() != QProcess::NotRunning) {
        m_process->terminate();
        if (!m_process->waitForFinished(5000)) {
            m_process->kill();
            m_process->waitForFinished(5000);
        }
    }
}

QProcessEnvironment ServiceProcess::cleanEnvironment()
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (const QString &key : environment.keys()) {
        if (key == QLatin1String("DATABASE_URL") || key.startsWith(QLatin1String("PG"))
            || key.startsWith(QLatin1String("TF_")))
            environment.remove(key);
    }
    environment.insert(QStringLiteral("TF_SERVICE_TOKEN"), QString::fromLatin1(serviceToken()));
    // PBKDF2 at its production count costs about a second per login with Qt's digestor; tests
    // log in often. The auth tests check hashing itself at real counts.
    environment.insert(QStringLiteral("TF_AUTH__PBKDF2_ITERATIONS"), QStringLiteral("1000"));
    return environment;
}

bool ServiceProcess::start()
{
    m_process = std::make_unique<QProcess>();
    m_process->setProcessEnvironment(m_environment);
    m_process->setProcessChannelMode(QProcess::MergedChannels);
    m_process->setStandardOutputFile(m_logFile, QIODevice::Append);
    m_process->start(m_program, m_arguments);
    return m_process->waitForStarted(10000);
}

bool ServiceProcess::waitHealthy(const QString &url, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        if (m_process && m_process->state() == QProcess::NotRunning)
            return false;
        if (http("GET", url, {}, {}, 1000).status == 200)
            return true;
        QThread::msleep(50);
    }
    return false;
}

void ServiceProcess::terminate()
{
    if (m_process)
        m_process->terminate();
}

void ServiceProcess::kill()
{
    if (m_process)
        ::kill(static_cast<pid_t>(m_process->processId()), SIGKILL);
}

bool ServiceProcess::waitFinished(int timeoutMs)
{
    return !m_process || m_process->waitForFinished(timeoutMs);
}

qint64 ServiceProcess::pid() const
{
    return m_process ? m_process->processId() : 0;
}

int ServiceProcess::exitCode() const
{
    return m_process ? m_process->exitCode() : -1;
}

QProcess::ExitStatus ServiceProcess::exitStatus() const
{
    return m_process ? m_process->exitStatus() : QProcess::CrashExit;
}

QByteArray ServiceProcess::output() const
{
    QFile file(m_logFile);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace tf::test
