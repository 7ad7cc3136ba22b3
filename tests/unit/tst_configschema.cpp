// The INI schema: every key of terrafusion.example.ini is known, a misspelled key or section
// is refused with the file, the line and a suggestion, and Config::load applies the check.
#include "core/config.h"
#include "core/configschema.h"
#include "core/errors.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace tf;

class TestConfigSchema final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    QString write(const QByteArray &text)
    {
        static int n = 0;
        const QString path = m_dir.filePath(QStringLiteral("c%1.ini").arg(++n));
        QFile file(path);
        if (file.open(QIODevice::WriteOnly))
            file.write(text);
        return path;
    }

private Q_SLOTS:
    void exampleKeysAreKnown()
    {
        const QSet<QString> &keys = configschema::knownKeys();
        for (const char *key : { "server/port", "sync/workers", "auth/pbkdf2_iterations", "tls/certificate",
                                 "database/url", "maintenance/backup_keep", "alerts/webhook_url" })
            QVERIFY2(keys.contains(QLatin1String(key)), key);
        QVERIFY(!keys.contains(QStringLiteral("sync/workrs")));
        // The shipped example passes (the packaged INI is started with in packaging/test-install.sh).
        const QString example = qEnvironmentVariable("TF_SOURCE_DIR") + QStringLiteral("/resources/config/terrafusion.example.ini");
        QVERIFY(QFile::exists(example));
        configschema::checkFile(example);
    }

    void unknownKeysAreRefused_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("expected");
        QTest::newRow("typo") << QByteArray("[sync]\nworkers = 2\n; fine\nworkrs = 3\n")
                              << QStringLiteral("line 4: unknown key [sync] workrs (did you mean workers?)");
        QTest::newRow("wrong section") << QByteArray("[syncd]\nworkers = 2\n")
                                       << QStringLiteral("line 2: unknown key [syncd] workers (did you mean [sync] workers?)");
        QTest::newRow("no section") << QByteArray("workers = 2\n") << QStringLiteral("line 1: unknown key outside any [section] workers");
        QTest::newRow("unknown, no suggestion") << QByteArray("[http]\nturbo_mode = on\n")
                                                << QStringLiteral("line 2: unknown key [http] turbo_mode (every key");
    }

    void unknownKeysAreRefused()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, expected);
        const QString path = write(text);
        try {
            Config::Inputs inputs;
            inputs.configFile = path;
            inputs.environment = QProcessEnvironment();
            Config::load(inputs);
            QFAIL("an unknown key was accepted");
        } catch (const Error &error) {
            QCOMPARE(error.kind(), Error::Kind::Validation);
            QVERIFY2(error.message().contains(path), qPrintable(error.message()));
            QVERIFY2(error.message().contains(expected), qPrintable(error.message()));
        }
    }

    void knownKeysLoad()
    {
        Config::Inputs inputs;
        inputs.configFile = write("; comment\n[sync]\nworkers = 4 ; inline\n[http]\nmax_body_bytes = 2048\n");
        inputs.environment = QProcessEnvironment();
        const Config config = Config::load(inputs);
        QCOMPARE(config.integer(QStringLiteral("sync/workers"), 0, 64), 4);
    }
};

QTEST_GUILESS_MAIN(TestConfigSchema)
#include "tst_configschema.moc"
