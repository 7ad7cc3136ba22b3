// tf-gateway over TLS with a certificate made by `openssl` here: a verified HTTPS round trip,
// HSTS, the request limits and the idle timeout still enforced on the decrypted stream, plain
// HTTP refused, and bad certificate settings as start-up errors (exit code 2 naming the file).
#include "gatewayauthfixture.h"

#include <QProcess>
#include <QSslSocket>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QTest>

using namespace tf;

class TestGatewayTls final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_certs;
    QString m_certificate;
    QString m_key;
    QByteArray m_certificatePem;
    test::AuthGateway m_gateway;

    static bool run(const QString &program, const QStringList &arguments,
                    QByteArray *output = nullptr)
    {
        QProcess process;
        process.setProcessChannelMode(QProcess::MergedChannels);
        process.start(program, arguments);
        const bool ok = process.waitForFinished(30000)
            && process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0;
        if (output)
            *output = process.readAll();
        return ok;
    }

    QByteArray startFailure(const QHash<QString, QString> &env)
    {
        QTemporaryDir dir;
        QProcessEnvironment environment = test::ServiceProcess::cleanEnvironment();
        for (auto it = env.cbegin(); it != env.cend(); ++it)
            environment.insert(it.key(), it.value());
        QProcess process;
        process.setProcessEnvironment(environment);
        process.setProcessChannelMode(QProcess::MergedChannels);
        process.start(test::binary(QStringLiteral("tf-gateway")),
                      { QStringLiteral("--port"), QString::number(test::freePort()),
                        QStringLiteral("--data-dir"), dir.path(),
                        QStringLiteral("--no-supervise-sync") });
        if (!process.waitForFinished(15000))
            return "still running";
        return QByteArray::number(process.exitCode()) + ' ' + process.readAll();
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString openssl = QStandardPaths::findExecutable(QStringLiteral("openssl"));
        if (openssl.isEmpty())
            QFAIL("openssl is needed to make the test certificate");
        m_certificate = m_certs.filePath(QStringLiteral("gateway.crt"));
        m_key = m_certs.filePath(QStringLiteral("gateway.key"));
        QByteArray output;
        QVERIFY2(run(openssl,
                     { QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                       QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
                       QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes"),
                       QStringLiteral("-keyout"), m_key, QStringLiteral("-out"), m_certificate,
                       QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"),
                       QStringLiteral("/CN=127.0.0.1"), QStringLiteral("-addext"),
                       QStringLiteral("subjectAltName=IP:127.0.0.1") },
                     &output),
                 output.constData());
        QFile pem(m_certificate);
        QVERIFY(pem.open(QIODevice::ReadOnly));
        m_certificatePem = pem.readAll();

        m_gateway.useTls(m_certificatePem);
        QVERIFY(m_gateway.start(
            { { QStringLiteral("TF_TLS__CERTIFICATE"), m_certificate },
              { QStringLiteral("TF_TLS__PRIVATE_KEY"), m_key },
              { QStringLiteral("TF_HTTP__MAX_BODY_BYTES"), QStringLiteral("65536") },
              { QStringLiteral("TF_HTTP__IDLE_TIMEOUT_MS"), QStringLiteral("700") } }));
    }

    void verifiedRoundTripWithHsts()
    {
        const auto health = m_gateway.call("GET", QStringLiteral("/health"));
        QCOMPARE(health.status, 200);
        QCOMPARE(health.headers.value("strict-transport-security"), QByteArray("max-age=31536000"));
        QCOMPARE(health.headers.value("x-frame-options"), QByteArray("DENY"));

        const QByteArray admin = m_gateway.loginAdmin();
        QVERIFY(!admin.isEmpty());
        const auto me = m_gateway.call("GET", QStringLiteral("/api/auth/me"), {}, admin);
        QCOMPARE(me.status, 200);
        QCOMPARE(me.json().value(QStringLiteral("username")).toString(), QStringLiteral("admin"));
        QVERIFY(m_gateway.logFiles().contains("https://"));
    }

    void plainHttpGetsNoAnswer()
    {
        const QByteArray answer
            = test::rawExchange(m_gateway.port(), "GET /health HTTP/1.1\r\nHost: x\r\n\r\n", 3000);
        QVERIFY2(!answer.contains("HTTP/1.1 200"), answer.constData());
        QCOMPARE(m_gateway.call("GET", QStringLiteral("/health")).status, 200); // still serving
    }

    void limitsHoldUnderTls()
    {
        const QByteArray big(50 * 1024 * 1024, 'x'); // 50 MB, as at the plain port
        const auto tooLarge
            = m_gateway.request("POST", m_gateway.base() + QStringLiteral("/api/auth/login"), big);
        QVERIFY2(tooLarge.status == 413,
                 qPrintable(QString::number(tooLarge.status) + QLatin1Char(' ') + tooLarge.error));
        QCOMPARE(tooLarge.json()
                     .value(QStringLiteral("code"))
                     .toString(),
                 QStringLiteral("payload_too_large"));
        QCOMPARE(tooLarge.headers.value("strict-transport-security"),
                 QByteArray("max-age=31536000"));
        const auto headers = m_gateway.request("GET", m_gateway.base() + QStringLiteral("/health"),
                                               {}, { { "X-Padding", QByteArray(64 * 1024, 'h') } });
        QCOMPARE(headers.status, 431);
        QCOMPARE(m_gateway.call("GET", QStringLiteral("/health")).status, 200);
    }

    void idleConnectionsAreClosed()
    {
        // After the handshake, and before it (a client that connects and says nothing).
        QSslSocket tls;
        QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
        configuration.setCaCertificates(QSslCertificate::fromData(m_certificatePem, QSsl::Pem));
        tls.setSslConfiguration(configuration);
        tls.connectToHostEncrypted(QStringLiteral("127.0.0.1"), m_gateway.port());
        QVERIFY2(tls.waitForEncrypted(5000), qPrintable(tls.errorString()));
        QTcpSocket silent;
        silent.connectToHost(QHostAddress::LocalHost, m_gateway.port());
        QVERIFY(silent.waitForConnected(5000));
        QElapsedTimer timer;
        timer.start();
        QTRY_COMPARE_WITH_TIMEOUT(tls.state(), QAbstractSocket::UnconnectedState, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(silent.state(), QAbstractSocket::UnconnectedState, 5000);
        QVERIFY2(timer.elapsed() < 4000, qPrintable(QString::number(timer.elapsed())));
        QCOMPARE(m_gateway.call("GET", QStringLiteral("/health")).status, 200);
    }

    void badTlsSettingsStopTheStart()
    {
        const QString missing = m_certs.filePath(QStringLiteral("nope.crt"));
        QByteArray result = startFailure({ { QStringLiteral("TF_TLS__CERTIFICATE"), missing },
                                           { QStringLiteral("TF_TLS__PRIVATE_KEY"), m_key } });
        QVERIFY2(result.startsWith("2 ") && result.contains(missing.toUtf8()), result.constData());

        result = startFailure({ { QStringLiteral("TF_TLS__CERTIFICATE"), m_certificate },
                                { QStringLiteral("TF_TLS__PRIVATE_KEY"), m_certificate } });
        QVERIFY2(result.startsWith("2 ") && result.contains(m_certificate.toUtf8()),
                 result.constData());

        result = startFailure({ { QStringLiteral("TF_TLS__CERTIFICATE"), m_certificate } });
        QVERIFY2(result.startsWith("2 ") && result.contains("tls/private_key"), result.constData());
    }
};

QTEST_GUILESS_MAIN(TestGatewayTls)
#include "tst_gatewaytls.moc"
