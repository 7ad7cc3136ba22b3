// The command-line contract of the built programs (tf-syncd, tf-gateway, tfctl): --help and
// --version exit 0; every usage or configuration error exits 2 with exactly one line,
// "<program>: <what is wrong>", on stderr, nothing else on either channel, and no secret in it.
#include "testsupport.h"
#include "toolrun.h"
#include "tfversion.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <memory>

namespace {

QStringList strings(std::initializer_list<const char *> items)
{
    QStringList list;
    for (const char *item : items)
        list << QString::fromUtf8(item);
    return list;
}

struct Run : tf::test::ToolRun
{
    bool finished = false;

    QString describe() const
    {
        return QStringLiteral("exit %1, %2 ms\n--- stdout ---\n%3\n--- stderr ---\n%4")
            .arg(exitCode)
            .arg(elapsedMs)
            .arg(QString::fromUtf8(out), QString::fromUtf8(err));
    }
};

// Runs a program to completion with stdout and stderr kept apart.
Run runProgram(const QString &program, const QStringList &arguments, const QProcessEnvironment &environment,
               int timeoutMs = 15000)
{
    tf::test::ToolOptions options;
    options.environment = environment;
    options.stdinNullDevice = true;
    options.timeoutMs = timeoutMs;
    options.killWaitMs = 5000;
    Run run;
    static_cast<tf::test::ToolRun &>(run) = tf::test::runTool(program, arguments, options);
    run.finished = run.started && !run.timedOut;
    return run;
}

} // namespace

class TestCli final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();

    void helpAndVersion_data();
    void helpAndVersion();
    void usageErrors_data();
    void usageErrors();

private:
    QProcessEnvironment environment(const QStringList &extra) const;

    std::unique_ptr<QTemporaryDir> m_dataDir;
    QTemporaryDir m_configHome; // empty: no user terrafusion.ini is picked up
};

void TestCli::initTestCase()
{
    QVERIFY(m_configHome.isValid());
    for (const char *name : { "tf-syncd", "tf-gateway", "tfctl" }) {
        const QString path = tf::test::binary(QString::fromLatin1(name));
        QVERIFY2(QFileInfo(path).isExecutable(), qPrintable(path + QStringLiteral(" is not built")));
    }
}

void TestCli::init()
{
    m_dataDir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dataDir->isValid());
}

QProcessEnvironment TestCli::environment(const QStringList &extra) const
{
    QProcessEnvironment environment = tf::test::ServiceProcess::cleanEnvironment();
    environment.insert(QStringLiteral("XDG_CONFIG_HOME"), m_configHome.path());
    environment.remove(QStringLiteral("QT_LOGGING_RULES"));
    for (const QString &variable : extra) {
        const int eq = variable.indexOf(QLatin1Char('='));
        environment.insert(variable.left(eq), variable.mid(eq + 1));
    }
    return environment;
}

void TestCli::helpAndVersion_data()
{
    QTest::addColumn<QString>("program");
    QTest::addColumn<QString>("option");
    QTest::addColumn<QString>("mention"); // what stdout must contain

    const QString version = QStringLiteral(TF_VERSION_STRING);
    for (const char *name : { "tf-syncd", "tf-gateway", "tfctl" }) {
        const QString program = QString::fromLatin1(name);
        QTest::addRow("%s --version", name) << program << "--version" << program + QLatin1Char(' ') + version;
        QTest::addRow("%s --help", name) << program << "--help"
                                         << (program == QLatin1String("tfctl") ? QStringLiteral("--version")
                                                                                : QStringLiteral("--port"));
    }
    QTest::newRow("tf-gateway --help lists --sync-url") << "tf-gateway" << "--help" << "--sync-url";
    // The services' help shows each default.
    QTest::newRow("tf-gateway --help default port") << "tf-gateway" << "--help" << "default 5000";
    QTest::newRow("tf-syncd --help default port") << "tf-syncd" << "--help" << "default 8080";
    QTest::newRow("tf-syncd --help default bind") << "tf-syncd" << "--help" << "default 127.0.0.1";
    QTest::newRow("tf-gateway --help default database") << "tf-gateway" << "--help" << "default DATABASE_URL";
}

void TestCli::helpAndVersion()
{
    QFETCH(QString, program);
    QFETCH(QString, option);
    QFETCH(QString, mention);

    const Run run = runProgram(tf::test::binary(program), { option }, environment({}));
    QVERIFY2(run.finished, qPrintable(run.describe()));
    QCOMPARE(run.exitStatus, QProcess::NormalExit);
    QVERIFY2(run.exitCode == 0, qPrintable(run.describe()));
    QVERIFY2(QString::fromUtf8(run.out).contains(mention), qPrintable(run.describe()));
    QVERIFY2(run.err.isEmpty(), qPrintable(run.describe()));
    if (option == QLatin1String("--version"))
        QCOMPARE(QString::fromUtf8(run.out), mention + QLatin1Char('\n'));
}

void TestCli::usageErrors_data()
{
    QTest::addColumn<QString>("program");
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QStringList>("variables");  // NAME=value added to the clean environment
    QTest::addColumn<QStringList>("mentions");   // the error line must contain each of these

    const QStringList none;
    for (const char *name : { "tf-syncd", "tf-gateway" }) {
        const QString program = QString::fromLatin1(name);
        QTest::addRow("%s unknown flag", name) << program << strings({ "--bogus" }) << none << strings({ "bogus" });
        QTest::addRow("%s port not a number", name) << program << strings({ "--port", "abc" }) << none
                                                    << strings({ "server/port", "abc" });
        QTest::addRow("%s port out of range", name) << program << strings({ "--port", "70000" }) << none
                                                    << strings({ "server/port", "70000" });
        QTest::addRow("%s port without value", name) << program << strings({ "--port" }) << none
                                                     << strings({ "port" });
        QTest::addRow("%s port empty", name) << program << strings({ "--port", "" }) << none
                                             << strings({ "port" });
        QTest::addRow("%s port twice", name) << program << strings({ "--port", "1", "--port", "2" }) << none
                                             << strings({ "port" });
        QTest::addRow("%s bind not an address", name) << program << strings({ "--bind", "notanip" }) << none
                                                      << strings({ "server/bind", "notanip" });
        QTest::addRow("%s missing config file", name) << program << strings({ "--config", "/nonexistent.ini" })
                                                      << none << strings({ "/nonexistent.ini" });
        QTest::addRow("%s missing TF_CONFIG file", name) << program << none
                                                         << strings({ "TF_CONFIG=/nonexistent-tf.ini" })
                                                         << strings({ "/nonexistent-tf.ini" });
        QTest::addRow("%s bad limit in environment", name)
            << program << none << strings({ "TF_HTTP__MAX_BODY_BYTES=abc" })
            << strings({ "http/max_body_bytes", "abc", "TF_HTTP__MAX_BODY_BYTES" });
        QTest::addRow("%s limit out of range in environment", name)
            << program << none << strings({ "TF_HTTP__MAX_URL_BYTES=0" })
            << strings({ "http/max_url_bytes", "TF_HTTP__MAX_URL_BYTES" });
        QTest::addRow("%s DATABASE_URL with unknown scheme", name)
            << program << none << strings({ "DATABASE_URL=mysql://u:secretpw@h/db" }) << strings({ "mysql" });
        QTest::addRow("%s DATABASE_URL with bad port", name)
            << program << none << strings({ "DATABASE_URL=postgresql://u:secretpw@h:notaport/db" })
            << strings({ "notaport" });
        QTest::addRow("%s bad PGPORT", name)
            << program << none << strings({ "PGHOST=h", "PGUSER=u", "PGPASSWORD=secretpw", "PGPORT=notaport" })
            << strings({ "PGPORT", "notaport" });
        QTest::addRow("%s --database with bad port", name)
            << program << strings({ "--database", "postgresql://u:secretpw@h:notaport/db" }) << none
            << strings({ "notaport" });
    }

    const QString gateway = QStringLiteral("tf-gateway");
    QTest::newRow("tf-gateway sync-url with supervise-sync")
        << gateway << strings({ "--sync-url", "http://127.0.0.1:1", "--supervise-sync" }) << none
        << strings({ "--sync-url", "--supervise-sync" });
    QTest::newRow("tf-gateway supervise and no-supervise")
        << gateway << strings({ "--supervise-sync", "--no-supervise-sync" }) << none
        << strings({ "--supervise-sync", "--no-supervise-sync" });
    QTest::newRow("tf-gateway sync-url not a url")
        << gateway << strings({ "--sync-url", "notaurl" }) << none << strings({ "notaurl" });
    QTest::newRow("tf-gateway sync-url wrong scheme")
        << gateway << strings({ "--sync-url", "ftp://127.0.0.1:1" }) << none << strings({ "ftp://127.0.0.1:1" });
    QTest::newRow("tf-gateway sync-port out of range")
        << gateway << strings({ "--sync-port", "0" }) << none << strings({ "gateway/sync_port" });

    const QString tfctl = QStringLiteral("tfctl");
    QTest::newRow("tfctl without command") << tfctl << none << none << strings({ "command" });
    QTest::newRow("tfctl unknown command") << tfctl << strings({ "nonsense" }) << none << strings({ "nonsense" });
    QTest::newRow("tfctl unknown flag") << tfctl << strings({ "--bogus" }) << none << strings({ "bogus" });
}

void TestCli::usageErrors()
{
    QFETCH(QString, program);
    QFETCH(QStringList, arguments);
    QFETCH(QStringList, variables);
    QFETCH(QStringList, mentions);

    // The services get a private data directory and a free port, so that a program that wrongly
    // starts cannot touch real data or collide with running services; the case's own arguments
    // come last so that a trailing "--port" really has no value.
    QStringList fullArguments;
    if (program != QLatin1String("tfctl")) {
        fullArguments << QStringLiteral("--data-dir") << m_dataDir->path();
        if (!arguments.contains(QLatin1String("--port")))
            fullArguments << QStringLiteral("--port") << QString::number(tf::test::freePort());
        const bool aboutSync = std::any_of(arguments.cbegin(), arguments.cend(), [](const QString &a) {
            return a.contains(QLatin1String("sync"));
        });
        if (program == QLatin1String("tf-gateway") && !aboutSync) {
            fullArguments << QStringLiteral("--no-supervise-sync") << QStringLiteral("--sync-port")
                          << QString::number(tf::test::freePort());
        }
    }
    fullArguments << arguments;

    const Run run = runProgram(tf::test::binary(program), fullArguments, environment(variables));
    const QByteArray context = (fullArguments.join(QLatin1Char(' ')) + QLatin1Char('\n') + run.describe()).toUtf8();

    QVERIFY2(run.finished, context.constData());
    QVERIFY2(run.elapsedMs < 5000, context.constData());
    QCOMPARE(run.exitStatus, QProcess::NormalExit);
    QVERIFY2(run.exitCode == 2, context.constData());
    QVERIFY2(run.out.isEmpty(), context.constData());

    // Exactly one line: no Qt warnings, no log lines, no stack of messages.
    QVERIFY2(run.err.endsWith('\n'), context.constData());
    QVERIFY2(run.err.count('\n') == 1, context.constData());
    const QString line = QString::fromUtf8(run.err).trimmed();
    QVERIFY2(line.startsWith(program + QStringLiteral(": ")), context.constData());
    QVERIFY2(line.size() > program.size() + 2, context.constData());
    for (const QString &mention : mentions)
        QVERIFY2(line.contains(mention), qPrintable(QStringLiteral("'%1' missing\n").arg(mention) + QString::fromUtf8(context)));
    QVERIFY2(!line.contains(QLatin1String("secretpw")), context.constData());
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
