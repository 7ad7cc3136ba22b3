#pragma once

#include <QByteArray>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QProcess>
#include <QSslCertificate>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>

namespace tf::test {

// URL of the throwaway PostgreSQL server started by scripts/test.sh (TF_TEST_PG_URL), or empty.
QString postgresAdminUrl();
// True when TF_REQUIRE_PG=1: tests must fail rather than skip without PostgreSQL.
bool postgresRequired();
// Creates a new empty database on the throwaway server and returns its URL. Empty when no
// server is configured.
QString createScratchPostgresDatabase(const QString &prefix = QStringLiteral("tft"));

// Skips (or fails, when PostgreSQL is required) when no server is configured.
#define TF_REQUIRE_POSTGRES(url)                                                            \
    do {                                                                                    \
        if ((url).isEmpty()) {                                                              \
            if (tf::test::postgresRequired())                                               \
                QFAIL("TF_REQUIRE_PG=1 but TF_TEST_PG_URL is not set");                     \
            QSKIP("no PostgreSQL: run the tests through scripts/test.sh");                  \
        }                                                                                   \
    } while (false)

// Fails the test with the run's error unless a SyncRunner::run() result completed.
#define TF_VERIFY_RUN_COMPLETED(expression)                                                 \
    do {                                                                                    \
        const auto checkedRun_ = (expression);                                              \
        QVERIFY2(checkedRun_.status == tf::sync::RunStatus::Completed, qPrintable(checkedRun_.error)); \
    } while (false)

// A TCP port that was free a moment ago on 127.0.0.1, below the kernel's ephemeral range where
// it can (freeServerPort), and never the same twice in one process.
quint16 freePort();
// The same, below the kernel's ephemeral range (a port inside it may be any connection's local
// end), for servers the tests start; 0 when none is found. Never `except`.
quint16 freeServerPort(quint16 except = 0);
// An installed system program (/usr/sbin, /usr/bin, /usr/local/...), or "" when missing.
QString systemTool(const QString &name);

// Directory holding the built programs (TF_BIN_DIR, set by ctest).
QString binDir();
QString binary(const QString &name);

struct HttpResult
{
    int status = 0;             // 0 when no answer arrived
    QByteArray body;
    QHash<QByteArray, QByteArray> headers; // lower-case names
    QString error;              // transport error, if any
    qint64 elapsedMs = 0;

    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
};

// One synchronous HTTP request over loopback, with a timeout.
HttpResult http(const QByteArray &method, const QString &url, const QByteArray &body = {},
                const QList<QPair<QByteArray, QByteArray>> &headers = {}, int timeoutMs = 10000);
// The same over https, trusting only the given certificate authorities.
HttpResult https(const QList<QSslCertificate> &trustedCas, const QByteArray &method, const QString &url,
                 const QByteArray &body = {}, const QList<QPair<QByteArray, QByteArray>> &headers = {},
                 int timeoutMs = 10000);

// Logs in to a running tf-gateway as the bootstrap admin (the password tf-gateway wrote once to
// <dataDir>/initial-admin-password) and returns the value for an Authorization header
// ("Bearer ..."). Waits up to 10 s for the file; returns an empty value when it never appears.
// The first time, it changes that password (the gateway refuses everything else until then)
// and signs in with the new one afterwards.
QByteArray gatewayAdminAuthorization(const QString &baseUrl, const QString &dataDir);
// {"Authorization", value} as a header list, or an empty list for an empty value.
QList<QPair<QByteArray, QByteArray>> authorizationHeaders(const QByteArray &value);

// The service token of this test process: random, made once, given to every program started
// with ServiceProcess::cleanEnvironment() as TF_SERVICE_TOKEN (tf-syncd refuses every route
// but its health probes without it; tf-gateway sends it to tf-syncd).
QByteArray serviceToken();
// {"Authorization", "Bearer <serviceToken()>"} followed by extra: the headers of a direct
// call to tf-syncd.
QList<QPair<QByteArray, QByteArray>> serviceHeaders(const QList<QPair<QByteArray, QByteArray>> &extra = {});

// Writes raw bytes on a TCP connection and reads until the peer closes or timeoutMs passes.
QByteArray rawExchange(quint16 port, const QByteArray &request, int timeoutMs = 5000);

// A program of ours started as a real child process; killed (SIGKILL) if still running when
// destroyed. Output goes to a file so a failing test can print it.
class ServiceProcess
{
public:
    ServiceProcess(QString program, QStringList arguments,
                   QProcessEnvironment environment = cleanEnvironment());
    ~ServiceProcess();

    bool start();
    // Polls url until it answers 200 or timeoutMs passes.
    bool waitHealthy(const QString &url, int timeoutMs = 15000);
    void terminate();            // SIGTERM
    void kill();                 // SIGKILL
    bool waitFinished(int timeoutMs = 10000);
    qint64 pid() const;
    int exitCode() const;
    QProcess::ExitStatus exitStatus() const;
    QByteArray output() const;   // everything written to stdout and stderr so far
    QProcess &process() { return *m_process; }

    // The test's environment without DATABASE_URL, PG* and TF_* variables, plus
    // TF_SERVICE_TOKEN=serviceToken() and TF_AUTH__PBKDF2_ITERATIONS=1000 (fast logins).
    static QProcessEnvironment cleanEnvironment();

private:
    QString m_program;
    QStringList m_arguments;
    QProcessEnvironment m_environment;
    std::unique_ptr<QProcess> m_process;
    QString m_logFile;
    QTemporaryDir m_logDir;
};

} // namespace tf::test
