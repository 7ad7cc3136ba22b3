// The TLS profile of both services (issue 19 item 0), checked from outside with
// `openssl s_client` against real tf-gateway and tf-syncd processes with an RSA certificate:
// by default Mozilla's "intermediate" profile, so static-RSA and CBC/SHA-1 suites are refused on
// TLS 1.2, forward-secret AEAD suites and TLS 1.3 accepted, TLS 1.0 and 1.1 refused; a site's
// own [tls] ciphers and [tls] min_version are honoured; a bad value stops the start (exit 2,
// one line naming the key).
#include "gatewayauthfixture.h"
#include "toolrun.h"

#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTest>

using namespace tf;

namespace {

struct Handshake
{
    bool ok = false;
    QByteArray output;
};

// One handshake with `openssl s_client` (stdin closed, so it ends right after).
Handshake handshake(quint16 port, const QStringList &options)
{
    QProcess client;
    client.setProcessChannelMode(QProcess::MergedChannels);
    client.start(QStandardPaths::findExecutable(QStringLiteral("openssl")),
                 QStringList { QStringLiteral("s_client"), QStringLiteral("-connect"),
                               QStringLiteral("127.0.0.1:%1").arg(port) }
                     + options);
    client.closeWriteChannel();
    if (!client.waitForFinished(20000)) {
        client.kill();
        client.waitForFinished();
        return { false, "s_client did not finish" };
    }
    return { client.exitStatus() == QProcess::NormalExit && client.exitCode() == 0, client.readAll() };
}

QStringList words(const char *text)
{
    return QString::fromLatin1(text).split(QLatin1Char(' '), Qt::SkipEmptyParts);
}

} // namespace

class TestTlsProfile final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_certificate;
    QString m_key;
    QByteArray m_pem;
    test::AuthGateway m_gateway; // the default profile

    bool startGateway(test::AuthGateway &gateway, QHash<QString, QString> env = {})
    {
        env.insert(QStringLiteral("TF_TLS__CERTIFICATE"), m_certificate);
        env.insert(QStringLiteral("TF_TLS__PRIVATE_KEY"), m_key);
        gateway.useTls(m_pem);
        return gateway.start(env);
    }

    // A refusal by the server: the client sent its hello and got an alert or the connection
    // closed, with no cipher agreed (not a client that could not even offer it, which would
    // prove nothing).
    static void verifyRefused(const Handshake &result)
    {
        QVERIFY2(!result.ok, result.output.constData());
        static const QRegularExpression offered(QStringLiteral("handshake has read \\d+ bytes and written [1-9]\\d* bytes"));
        QVERIFY2(result.output.contains("alert") || offered.match(QString::fromLatin1(result.output)).hasMatch(),
                 result.output.constData());
        QVERIFY2(result.output.contains("Cipher is (NONE)") || !result.output.contains("Cipher is "), result.output.constData());
        QVERIFY2(!result.output.contains("no cipher match") && !result.output.contains("no protocols available"),
                 result.output.constData());
    }

    static void verifyAccepted(const Handshake &result, const QByteArray &protocol, const QByteArray &cipher)
    {
        QVERIFY2(result.ok, result.output.constData());
        QVERIFY2(result.output.contains(QByteArray("Protocol version: " + protocol)), result.output.constData());
        QVERIFY2(result.output.contains(QByteArray("Ciphersuite: " + cipher)), result.output.constData());
    }

    QByteArray startFailure(const QString &program, const QHash<QString, QString> &env)
    {
        const QString data = m_dir.filePath(QStringLiteral("refused-") + program);
        QHash<QString, QString> all = env;
        if (program == QLatin1String("tf-gateway")) {
            all.insert(QStringLiteral("TF_TLS__CERTIFICATE"), m_certificate);
            all.insert(QStringLiteral("TF_TLS__PRIVATE_KEY"), m_key);
        } else {
            all.insert(QStringLiteral("TF_SYNCD__TLS_CERTIFICATE"), m_certificate);
            all.insert(QStringLiteral("TF_SYNCD__TLS_PRIVATE_KEY"), m_key);
        }
        test::ToolOptions options;
        for (auto it = all.cbegin(); it != all.cend(); ++it)
            options.environment.insert(it.key(), it.value());
        options.timeoutMs = 15000;
        QStringList arguments { QStringLiteral("--port"), QString::number(test::freePort()), QStringLiteral("--data-dir"), data };
        if (program == QLatin1String("tf-gateway"))
            arguments << QStringLiteral("--no-supervise-sync");
        const test::ToolRun run = test::runTool(program, arguments, options);
        return QByteArray::number(run.exitCode) + ' ' + QByteArray(run.out + run.err).trimmed();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(!QStandardPaths::findExecutable(QStringLiteral("openssl")).isEmpty(), "openssl is needed");
        m_certificate = m_dir.filePath(QStringLiteral("server.crt"));
        m_key = m_dir.filePath(QStringLiteral("server.key"));
        QProcess openssl;
        openssl.setProcessChannelMode(QProcess::MergedChannels);
        // RSA: static-RSA and ECDHE-RSA suites are only possible at all with an RSA key.
        openssl.start(QStandardPaths::findExecutable(QStringLiteral("openssl")),
                      { QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("rsa:2048"),
                        QStringLiteral("-nodes"), QStringLiteral("-keyout"), m_key, QStringLiteral("-out"), m_certificate,
                        QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"), QStringLiteral("/CN=127.0.0.1"),
                        QStringLiteral("-addext"), QStringLiteral("subjectAltName=IP:127.0.0.1") });
        QVERIFY(openssl.waitForFinished(60000));
        QVERIFY2(openssl.exitCode() == 0, openssl.readAll().constData());
        QFile pem(m_certificate);
        QVERIFY(pem.open(QIODevice::ReadOnly));
        m_pem = pem.readAll();
        QVERIFY(startGateway(m_gateway));
    }

    void defaultIsTheIntermediateProfile_data()
    {
        QTest::addColumn<QStringList>("options");
        QTest::addColumn<QByteArray>("protocol"); // empty: refused
        QTest::addColumn<QByteArray>("cipher");
        // The findings: no forward secrecy, and CBC with SHA-1.
        QTest::newRow("AES128-SHA") << words("-tls1_2 -cipher AES128-SHA") << QByteArray() << QByteArray();
        QTest::newRow("AES256-SHA256") << words("-tls1_2 -cipher AES256-SHA256") << QByteArray() << QByteArray();
        QTest::newRow("ECDHE-RSA-AES128-SHA") << words("-tls1_2 -cipher ECDHE-RSA-AES128-SHA") << QByteArray() << QByteArray();
        QTest::newRow("ECDHE-RSA-AES256-SHA384") << words("-tls1_2 -cipher ECDHE-RSA-AES256-SHA384") << QByteArray() << QByteArray();
        QTest::newRow("TLS 1.0") << words("-tls1 -cipher DEFAULT@SECLEVEL=0") << QByteArray() << QByteArray();
        QTest::newRow("TLS 1.1") << words("-tls1_1 -cipher DEFAULT@SECLEVEL=0") << QByteArray() << QByteArray();
        for (const char *cipher : { "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-RSA-CHACHA20-POLY1305",
                                    "DHE-RSA-AES128-GCM-SHA256" }) {
            QTest::newRow(cipher) << (words("-brief -tls1_2 -cipher") << QString::fromLatin1(cipher)) << QByteArray("TLSv1.2")
                                  << QByteArray(cipher);
        }
        QTest::newRow("TLS 1.3") << words("-brief -tls1_3") << QByteArray("TLSv1.3") << QByteArray("TLS_AES_256_GCM_SHA384");
        QTest::newRow("TLS 1.3 ChaCha20") << words("-brief -tls1_3 -ciphersuites TLS_CHACHA20_POLY1305_SHA256")
                                          << QByteArray("TLSv1.3") << QByteArray("TLS_CHACHA20_POLY1305_SHA256");
    }

    void defaultIsTheIntermediateProfile()
    {
        QFETCH(QStringList, options);
        QFETCH(QByteArray, protocol);
        QFETCH(QByteArray, cipher);
        const Handshake result = handshake(m_gateway.port(), options);
        if (protocol.isEmpty())
            verifyRefused(result);
        else
            verifyAccepted(result, protocol, cipher);
    }

    void siteSettingsAreHonoured()
    {
        // A site that needs an old client's suite opts in by name; the rest of the list is theirs.
        test::AuthGateway custom;
        QVERIFY(startGateway(custom, { { QStringLiteral("TF_TLS__CIPHERS"), QStringLiteral("ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-SHA") } }));
        verifyAccepted(handshake(custom.port(), words("-brief -tls1_2 -cipher ECDHE-RSA-AES128-SHA")), "TLSv1.2", "ECDHE-RSA-AES128-SHA");
        verifyAccepted(handshake(custom.port(), words("-brief -tls1_2 -cipher ECDHE-RSA-AES256-GCM-SHA384")), "TLSv1.2",
                       "ECDHE-RSA-AES256-GCM-SHA384");
        verifyRefused(handshake(custom.port(), words("-tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256")));

        test::AuthGateway onlyTls13;
        QVERIFY(startGateway(onlyTls13, { { QStringLiteral("TF_TLS__MIN_VERSION"), QStringLiteral("1.3") } }));
        verifyRefused(handshake(onlyTls13.port(), words("-tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256")));
        verifyAccepted(handshake(onlyTls13.port(), words("-brief -tls1_3")), "TLSv1.3", "TLS_AES_256_GCM_SHA384");
    }

    void syncdHasTheSameProfile()
    {
        const QString data = m_dir.filePath(QStringLiteral("syncd"));
        QCOMPARE(test::initPlatform({ QStringLiteral("--data-dir"), data }).exitCode, 0);
        const quint16 port = test::freePort();
        QProcessEnvironment env = test::ServiceProcess::cleanEnvironment();
        env.insert(QStringLiteral("TF_SYNCD__TLS_CERTIFICATE"), m_certificate);
        env.insert(QStringLiteral("TF_SYNCD__TLS_PRIVATE_KEY"), m_key);
        test::ServiceProcess syncd(test::binary(QStringLiteral("tf-syncd")),
                                   { QStringLiteral("--port"), QString::number(port), QStringLiteral("--data-dir"), data }, env);
        QVERIFY(syncd.start());
        QTRY_VERIFY_WITH_TIMEOUT(syncd.output().contains("https://"), 20000);
        verifyRefused(handshake(port, words("-tls1_2 -cipher AES128-SHA")));
        verifyRefused(handshake(port, words("-tls1_2 -cipher ECDHE-RSA-AES128-SHA")));
        verifyRefused(handshake(port, words("-tls1_1 -cipher DEFAULT@SECLEVEL=0")));
        verifyAccepted(handshake(port, words("-brief -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256")), "TLSv1.2",
                       "ECDHE-RSA-AES128-GCM-SHA256");
        verifyAccepted(handshake(port, words("-brief -tls1_3")), "TLSv1.3", "TLS_AES_256_GCM_SHA384");
    }

    void badValuesStopTheStart_data()
    {
        QTest::addColumn<QString>("program");
        QTest::addColumn<QString>("variable");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QByteArray>("key");
        for (const char *program : { "tf-gateway", "tf-syncd" }) {
            QTest::addRow("%s unknown cipher", program) << program << "TF_TLS__CIPHERS" << "ECDHE-RSA-AES128-GCM-SHA256:NOT-A-CIPHER"
                                                       << QByteArray("tls/ciphers");
            QTest::addRow("%s TLS 1.3 suite", program) << program << "TF_TLS__CIPHERS" << "TLS_AES_128_GCM_SHA256"
                                                      << QByteArray("tls/ciphers");
            QTest::addRow("%s only separators", program) << program << "TF_TLS__CIPHERS" << ":::" << QByteArray("tls/ciphers");
            QTest::addRow("%s TLS 1.1", program) << program << "TF_TLS__MIN_VERSION" << "1.1" << QByteArray("tls/min_version");
        }
    }

    void badValuesStopTheStart()
    {
        QFETCH(QString, program);
        QFETCH(QString, variable);
        QFETCH(QString, value);
        QFETCH(QByteArray, key);
        const QByteArray result = startFailure(program, { { variable, value } });
        QVERIFY2(result.startsWith("2 "), result.constData());
        QVERIFY2(!result.contains('\n'), result.constData()); // one line
        QVERIFY2(result.contains(key), result.constData());
        if (value != QLatin1String(":::"))
            QVERIFY2(result.contains(value.section(QLatin1Char(':'), -1).toUtf8()), result.constData());
    }
};

QTEST_GUILESS_MAIN(TestTlsProfile)
#include "tst_tlsprofile.moc"
