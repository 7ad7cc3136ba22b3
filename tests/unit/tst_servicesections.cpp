// Each service's own [gateway] / [syncd] port and bind; [server] still read (deprecated);
// flags win; tf-syncd stays on loopback unless [syncd] allow_remote = true and TLS is set
// (tst_syncdtls starts it with a real certificate).
#include "common/servicecontext.h"
#include "core/cli.h"
#include "core/errors.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace tf;

class TestServiceSections final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    ServiceContext resolve(const QString &program, const QByteArray &ini, const QStringList &flags = {})
    {
        const QString path = m_dir.filePath(QStringLiteral("t.ini"));
        QFile file(path);
        if (file.open(QIODevice::WriteOnly | QIODevice::Truncate))
            file.write(ini);
        file.close();
        CommandLine commandLine(program, QStringLiteral("test"));
        commandLine.addServiceOptions();
        commandLine.process(QStringList { program, QStringLiteral("--config"), path, QStringLiteral("--data-dir"), m_dir.path() } + flags);
        return ServiceContext::resolve(program, commandLine,
                                       { { QStringLiteral("server/port"),
                                           program == QLatin1String("tf-gateway") ? QStringLiteral("5000") : QStringLiteral("8080") } });
    }

private Q_SLOTS:
    void initTestCase()
    {
        qunsetenv("TF_SERVER__PORT");
        qunsetenv("TF_SERVER__BIND");
    }

    void eachServiceHasItsOwnPort()
    {
        const QByteArray ini = "[gateway]\nport = 6001\n[syncd]\nport = 6002\n";
        QCOMPARE(resolve(QStringLiteral("tf-gateway"), ini).port, quint16(6001));
        QCOMPARE(resolve(QStringLiteral("tf-syncd"), ini).port, quint16(6002));
        QCOMPARE(resolve(QStringLiteral("tf-gateway"), "").port, quint16(5000));
        QCOMPARE(resolve(QStringLiteral("tf-syncd"), "").port, quint16(8080));
    }

    void serverSectionStillReadAndFlagsWin()
    {
        QCOMPARE(resolve(QStringLiteral("tf-syncd"), "[server]\nport = 7000\n").port, quint16(7000));
        QCOMPARE(resolve(QStringLiteral("tf-gateway"), "[server]\nport = 7000\n[gateway]\nport = 7001\n").port, quint16(7001));
        QCOMPARE(resolve(QStringLiteral("tf-gateway"), "[gateway]\nport = 7001\n", { QStringLiteral("--port"), QStringLiteral("7002") }).port,
                 quint16(7002));
    }

    void syncdStaysOnLoopback()
    {
        try {
            resolve(QStringLiteral("tf-syncd"), "[syncd]\nbind = 0.0.0.0\n");
            QFAIL("tf-syncd accepted a non-loopback bind without allow_remote");
        } catch (const Error &error) {
            QCOMPARE(error.kind(), Error::Kind::Validation);
            QVERIFY2(error.message().contains(QStringLiteral("allow_remote")), qPrintable(error.message()));
        }
        // allow_remote alone is not enough: the service token would cross the network in clear.
        try {
            resolve(QStringLiteral("tf-syncd"), "[syncd]\nbind = 0.0.0.0\nallow_remote = true\n");
            QFAIL("tf-syncd accepted a non-loopback bind without TLS");
        } catch (const Error &error) {
            QCOMPARE(error.kind(), Error::Kind::Validation);
            QVERIFY2(error.message().contains(QStringLiteral("tls_certificate")), qPrintable(error.message()));
        }
        // The gateway's own bind does not move tf-syncd.
        QVERIFY(resolve(QStringLiteral("tf-syncd"), "[gateway]\nbind = 0.0.0.0\n").bindAddress.isLoopback());
    }
};

QTEST_GUILESS_MAIN(TestServiceSections)
#include "tst_servicesections.moc"
