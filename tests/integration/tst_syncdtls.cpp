// tf-syncd with TLS (issue 12, "tf-syncd refuses a non-loopback bind unless allow_remote and
// TLS are set"): a real tf-syncd process with a certificate made by `openssl` here answers
// https (verified against that certificate) and not plain http; a tf-gateway reaching it with
// sync_url = https://... and sync_ca_certificate proxies sync routes to it; start-up refuses
// a remote bind without TLS, half a TLS setting, and TLS on a supervised tf-syncd (exit 2).
#include "testsupport.h"
#include "toolrun.h"

#include <QFile>
#include <QProcess>
#include <QSslCertificate>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

using namespace tf;

class TestSyncdTls final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_certificate;
    QString m_key;
    QList<QSslCertificate> m_trusted;

    test::ToolRun startFails(const QString &program, const QStringList &arguments, const QHash<QString, QString> &env)
    {
        test::ToolOptions options;
        for (auto it = env.cbegin(); it != env.cend(); ++it)
            options.environment.insert(it.key(), it.value());
        options.timeoutMs = 15000;
        return test::runTool(program, arguments, options);
    }

    bool waitHttps(const QString &url, int timeoutMs)
    {
        QElapsedTimer clock;
        clock.start();
        while (clock.elapsed() < timeoutMs) {
            if (test::https(m_trusted, "GET", url, {}, {}, 2000).status == 200)
                return true;
            QTest::qWait(100);
        }
        return false;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const QString openssl = QStandardPaths::findExecutable(QStringLiteral("openssl"));
        QVERIFY2(!openssl.isEmpty(), "openssl is needed to make the test certificate");
        m_certificate = m_dir.filePath(QStringLiteral("syncd.crt"));
        m_key = m_dir.filePath(QStringLiteral("syncd.key"));
        QProcess process;
        process.setProcessChannelMode(QProcess::MergedChannels);
        process.start(openssl, { QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("ec"),
                                 QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes"),
                                 QStringLiteral("-keyout"), m_key, QStringLiteral("-out"), m_certificate,
                                 QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"), QStringLiteral("/CN=127.0.0.1"),
                                 QStringLiteral("-addext"), QStringLiteral("subjectAltName=IP:127.0.0.1") });
        QVERIFY(process.waitForFinished(30000));
        QVERIFY2(process.exitCode() == 0, process.readAll().constData());
        QFile pem(m_certificate);
        QVERIFY(pem.open(QIODevice::ReadOnly));
        m_trusted = QSslCertificate::fromData(pem.readAll(), QSsl::Pem);
        QVERIFY(!m_trusted.isEmpty());
    }

    void remoteBindNeedsTls()
    {
        const QString data = m_dir.filePath(QStringLiteral("refused"));
        const test::ToolRun noTls = startFails(QStringLiteral("tf-syncd"),
                                               { QStringLiteral("--bind"), QStringLiteral("0.0.0.0"), QStringLiteral("--port"),
                                                 QString::number(test::freePort()), QStringLiteral("--data-dir"), data },
                                               { { QStringLiteral("TF_SYNCD__ALLOW_REMOTE"), QStringLiteral("true") } });
        QCOMPARE(noTls.exitCode, 2);
        QVERIFY2(noTls.err.contains("tls_certificate"), qPrintable(noTls.describe()));
        const test::ToolRun half = startFails(QStringLiteral("tf-syncd"),
                                              { QStringLiteral("--port"), QString::number(test::freePort()),
                                                QStringLiteral("--data-dir"), data },
                                              { { QStringLiteral("TF_SYNCD__TLS_CERTIFICATE"), m_certificate } });
        QCOMPARE(half.exitCode, 2);
        QVERIFY2(half.err.contains("must be set together"), qPrintable(half.describe()));
        // A supervised tf-syncd listens on loopback: TLS there is a mistake said at start-up.
        const test::ToolRun supervised = startFails(QStringLiteral("tf-gateway"),
                                                    { QStringLiteral("--port"), QString::number(test::freePort()),
                                                      QStringLiteral("--data-dir"), data },
                                                    { { QStringLiteral("TF_SYNCD__TLS_CERTIFICATE"), m_certificate },
                                                      { QStringLiteral("TF_SYNCD__TLS_PRIVATE_KEY"), m_key } });
        QCOMPARE(supervised.exitCode, 2);
        QVERIFY2(supervised.err.contains("sync_url"), qPrintable(supervised.describe()));
    }

    void httpsSyncdBehindAGateway()
    {
        const QString data = m_dir.filePath(QStringLiteral("platform"));
        QCOMPARE(test::initPlatform({ QStringLiteral("--data-dir"), data }).exitCode, 0);
        const quint16 syncPort = test::freePort();
        QProcessEnvironment syncEnv = test::ServiceProcess::cleanEnvironment();
        syncEnv.insert(QStringLiteral("TF_SYNCD__TLS_CERTIFICATE"), m_certificate);
        syncEnv.insert(QStringLiteral("TF_SYNCD__TLS_PRIVATE_KEY"), m_key);
        syncEnv.insert(QStringLiteral("TF_SYNCD__ALLOW_REMOTE"), QStringLiteral("true"));
        // Every address (loopback included): what a tf-syncd on its own host does.
        test::ServiceProcess syncd(test::binary(QStringLiteral("tf-syncd")),
                                   { QStringLiteral("--bind"), QStringLiteral("0.0.0.0"), QStringLiteral("--port"),
                                     QString::number(syncPort), QStringLiteral("--data-dir"), data },
                                   syncEnv);
        QVERIFY(syncd.start());
        const QString syncBase = QStringLiteral("https://127.0.0.1:%1").arg(syncPort);
        QVERIFY2(waitHttps(syncBase + QStringLiteral("/health/live"), 20000), syncd.output().constData());
        QVERIFY2(syncd.output().contains("https://0.0.0.0:"), syncd.output().constData());
        // Plain http gets no answer; an untrusting client fails the handshake.
        const QByteArray plain = test::rawExchange(syncPort, "GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n", 3000);
        QVERIFY2(!plain.contains("HTTP/1.1 200"), plain.constData());
        QVERIFY(test::https({}, "GET", syncBase + QStringLiteral("/health/live"), {}, {}, 3000).status != 200);
        // The service token still guards the sync routes.
        QCOMPARE(test::https(m_trusted, "GET", syncBase + QStringLiteral("/sync-pairs")).status, 401);
        QCOMPARE(test::https(m_trusted, "GET", syncBase + QStringLiteral("/sync-pairs"), {}, test::serviceHeaders()).status, 200);

        // A gateway reaching it over https, trusting its certificate.
        const quint16 port = test::freePort();
        QProcessEnvironment env = test::ServiceProcess::cleanEnvironment();
        env.insert(QStringLiteral("TF_GATEWAY__SYNC_URL"), syncBase);
        env.insert(QStringLiteral("TF_GATEWAY__SYNC_CA_CERTIFICATE"), m_certificate);
        test::ServiceProcess gateway(test::binary(QStringLiteral("tf-gateway")),
                                     { QStringLiteral("--port"), QString::number(port), QStringLiteral("--data-dir"), data }, env);
        QVERIFY(gateway.start());
        const QString base = QStringLiteral("http://127.0.0.1:%1").arg(port);
        QVERIFY2(gateway.waitHealthy(base + QStringLiteral("/health/ready"), 20000), gateway.output().constData());
        const QByteArray admin = test::gatewayAdminAuthorization(base, data);
        QVERIFY(!admin.isEmpty());
        const test::HttpResult pairs = test::http("GET", base + QStringLiteral("/api/sync-pairs"), {},
                                                  test::authorizationHeaders(admin), 10000);
        QVERIFY2(pairs.status == 200, pairs.body.constData());
    }
};

QTEST_GUILESS_MAIN(TestSyncdTls)
#include "tst_syncdtls.moc"
