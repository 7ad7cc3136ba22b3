// tfctl tune as the operator runs it: a real load test against a running tf-syncd (numbers
// printed, no errors), bad endpoints and options exit 2, optimize-db prints measured
// before/after on SQLite and PostgreSQL, optimize-sync stores the batch size its dry-run
// trials measured best, optimize-api writes its connection limit into the config file.
#include "db/controldatabase.h"
#include "testsupport.h"
#include "toolrun.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace tf;

namespace {

using Run = test::ToolRun;

Run tfctl(const QStringList &arguments, int timeoutMs = 60000)
{
    test::ToolOptions options;
    options.closeStdin = false; // stdin stays an open pipe
    options.timeoutMs = timeoutMs;
    return test::runTool(QStringLiteral("tfctl"), arguments, options);
}

QString describe(const Run &run)
{
    return QStringLiteral("exit %1\n--- stdout ---\n%2\n--- stderr ---\n%3")
        .arg(run.exitCode)
        .arg(QString::fromUtf8(run.out.right(4000)), QString::fromUtf8(run.err.right(3000)));
}

QStringList args(std::initializer_list<const char *> list)
{
    QStringList result;
    for (const char *item : list)
        result << QString::fromLatin1(item);
    return result;
}

} // namespace

class TestTune final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void loadTestPrintsTheNumbers();
    void loadTestJson();
    void unreachableEndpointCountsErrors();
    void badArgumentsExit2_data();
    void badArgumentsExit2();
    void optimizeDbPrintsBeforeAndAfter_data();
    void optimizeDbPrintsBeforeAndAfter();
    void optimizeSyncStoresTheMeasuredBest();
    void optimizeApiWritesTheConfigFile();

private:
    QString live() const { return QStringLiteral("http://127.0.0.1:%1/health/live").arg(m_port); }

    QTemporaryDir m_dir;
    quint16 m_port = 0;
    std::unique_ptr<test::ServiceProcess> m_syncd;
};

void TestTune::initTestCase()
{
    m_port = test::freePort();
    m_syncd = std::make_unique<test::ServiceProcess>(
        test::binary(QStringLiteral("tf-syncd")),
        QStringList { QStringLiteral("--port"), QString::number(m_port),
                      QStringLiteral("--data-dir"), m_dir.path() });
    QVERIFY(m_syncd->start());
    QVERIFY2(m_syncd->waitHealthy(live()), m_syncd->output().constData());
}

void TestTune::cleanupTestCase()
{
    if (m_syncd) {
        m_syncd->terminate();
        m_syncd->waitFinished();
    }
}

void TestTune::loadTestPrintsTheNumbers()
{
    const Run run
        = tfctl({ QStringLiteral("tune"), QStringLiteral("test"), QStringLiteral("--endpoint"),
                  live(), QStringLiteral("--concurrency"), QStringLiteral("4"),
                  QStringLiteral("--duration"), QStringLiteral("1.5") });
    QVERIFY2(run.exitCode == 0, qPrintable(describe(run)));
    const QString out = QString::fromUtf8(run.out);
    const auto rps = QRegularExpression(QStringLiteral(R"(requests/s: ([\d.]+))")).match(out);
    QVERIFY2(rps.hasMatch(), qPrintable(out));
    QVERIFY(rps.captured(1).toDouble() > 10);
    const auto latency
        = QRegularExpression(
              QStringLiteral(R"(latency ms: p50 ([\d.]+)  p95 ([\d.]+)  p99 ([\d.]+))"))
              .match(out);
    QVERIFY2(latency.hasMatch(), qPrintable(out));
    QVERIFY(latency.captured(1).toDouble() > 0);
    QVERIFY(latency.captured(1).toDouble() <= latency.captured(2).toDouble());
    QVERIFY(latency.captured(2).toDouble() <= latency.captured(3).toDouble());
    QVERIFY2(out.contains(QStringLiteral("\nerrors: 0")), qPrintable(out));
    QVERIFY2(out.contains(QStringLiteral("(concurrency 4)")), qPrintable(out));
    // A progress line each second: "[  1.0s] 14987 requests, 0 errors".
    QVERIFY2(QRegularExpression(QStringLiteral(R"(\n\[\s+\d+\.\ds\] \d+ requests, 0 errors\n)")).match(out).hasMatch(),
             qPrintable(out));
}

void TestTune::loadTestJson()
{
    const Run run
        = tfctl({ QStringLiteral("tune"), QStringLiteral("test"), QStringLiteral("--endpoint"),
                  live(), QStringLiteral("--concurrency"), QStringLiteral("2"),
                  QStringLiteral("--duration"), QStringLiteral("0.5"), QStringLiteral("--json") });
    QVERIFY2(run.exitCode == 0, qPrintable(describe(run)));
    const QJsonObject result = QJsonDocument::fromJson(run.out).object();
    const qint64 requests = result.value(QStringLiteral("requests")).toInteger();
    QVERIFY(requests > 0);
    QCOMPARE(result.value(QStringLiteral("errors")).toInteger(), qint64(0));
    QCOMPARE(result.value(QStringLiteral("statuses"))
                 .toObject()
                 .value(QStringLiteral("200"))
                 .toInteger(),
             requests);
    QVERIFY(result.value(QStringLiteral("p99_ms")).toDouble()
            >= result.value(QStringLiteral("p50_ms")).toDouble());
}

void TestTune::unreachableEndpointCountsErrors()
{
    const quint16 closed = test::freePort();
    const Run run = tfctl(
        { QStringLiteral("tune"), QStringLiteral("test"), QStringLiteral("--endpoint"),
          QStringLiteral("http://127.0.0.1:%1/health").arg(closed), QStringLiteral("--duration"),
          QStringLiteral("0.4"), QStringLiteral("--concurrency"), QStringLiteral("1") });
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.out.contains("connection refused") || run.out.contains("Connection refused"),
             qPrintable(describe(run)));
    QVERIFY(!run.out.contains("\nerrors: 0"));
}

void TestTune::badArgumentsExit2_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("expected");
    QTest::newRow("no endpoint") << args({ "tune", "test" })
                                 << QStringLiteral("--endpoint URL is required");
    QTest::newRow("not a url") << args({ "tune", "test", "--endpoint", "notaurl" })
                               << QStringLiteral("is not an http:// or https:// URL");
    QTest::newRow("ftp") << args({ "tune", "test", "--endpoint", "ftp://127.0.0.1/x" })
                         << QStringLiteral("is not an http:// or https:// URL");
    QTest::newRow("no host") << args({ "tune", "test", "--endpoint", "http://" })
                             << QStringLiteral("is not an http:// or https:// URL");
    QTest::newRow("zero concurrency")
        << args({ "tune", "test", "--endpoint", "http://127.0.0.1:1/", "--concurrency", "0" })
        << QStringLiteral("--concurrency must be a number from 1 to 1000");
    QTest::newRow("word concurrency")
        << args({ "tune", "test", "--endpoint", "http://127.0.0.1:1/", "--concurrency", "many" })
        << QStringLiteral("--concurrency must be a number");
    QTest::newRow("fractional concurrency")
        << args({ "tune", "test", "--endpoint", "http://127.0.0.1:1/", "--concurrency", "2.5" })
        << QStringLiteral("whole number");
    QTest::newRow("negative duration")
        << args({ "tune", "test", "--endpoint", "http://127.0.0.1:1/", "--duration", "-1" })
        << QStringLiteral("--duration must be a number");
    QTest::newRow("unknown command") << args({ "tune", "optimize-everything" })
                                     << QStringLiteral("unknown command 'optimize-everything'");
    QTest::newRow("bad batch sizes") << args({ "tune", "optimize-sync", "--batch-sizes", "100,x" })
                                     << QStringLiteral("--batch-sizes takes numbers");
}

void TestTune::badArgumentsExit2()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    QCOMPARE(test::initPlatform({ QStringLiteral("--data-dir"), dir.path() }).exitCode, 0);
    const Run run = tfctl(arguments + QStringList { QStringLiteral("--data-dir"), dir.path() });
    QCOMPARE(run.exitCode, 2);
    const QList<QByteArray> lines = run.err.trimmed().split('\n');
    QCOMPARE(lines.size(), 1);
    QVERIFY2(lines.first().startsWith("tfctl tune"), run.err.constData());
    QVERIFY2(run.err.contains(expected.toUtf8()), run.err.constData());
}

void TestTune::optimizeDbPrintsBeforeAndAfter_data()
{
    QTest::addColumn<QString>("backend");
    QTest::newRow("sqlite") << QStringLiteral("sqlite");
    QTest::newRow("postgres") << QStringLiteral("postgres");
}

void TestTune::optimizeDbPrintsBeforeAndAfter()
{
    QFETCH(QString, backend);
    QTemporaryDir dir;
    QStringList arguments { QStringLiteral("tune"), QStringLiteral("optimize-db"),
                            QStringLiteral("--data-dir"), dir.path() };
    if (backend == QLatin1String("postgres")) {
        const QString url = test::createScratchPostgresDatabase(QStringLiteral("tftune"));
        TF_REQUIRE_POSTGRES(url);
        arguments << QStringLiteral("--database") << url;
    }
    QCOMPARE(test::initPlatform(arguments.mid(2)).exitCode, 0);
    const Run run = tfctl(arguments);
    QVERIFY2(run.exitCode == 0, qPrintable(describe(run)));
    const QString out = QString::fromUtf8(run.out);
    QVERIFY2(
        QRegularExpression(QStringLiteral(R"(measure\s+before\s+after)")).match(out).hasMatch(),
        qPrintable(out));
    QVERIFY2(QRegularExpression(QStringLiteral(R"(database size\s+[\d.]+ \S+\s+[\d.]+ \S+)"))
                 .match(out)
                 .hasMatch(),
             qPrintable(out));
    QVERIFY2(QRegularExpression(QStringLiteral(R"(recent operations \(ms\)\s+[\d.]+\s+[\d.]+)"))
                 .match(out)
                 .hasMatch(),
             qPrintable(out));
    if (backend == QLatin1String("postgres")) {
        QVERIFY2(QRegularExpression(QStringLiteral(R"(actions: VACUUM \(ANALYZE\) on \d+ tables)"))
                     .match(out)
                     .hasMatch(),
                 qPrintable(out));
    } else {
        QVERIFY2(out.contains(QStringLiteral("actions: ANALYZE; PRAGMA optimize; VACUUM")),
                 qPrintable(out));
        QVERIFY2(out.contains(QStringLiteral("integrity: ok")), qPrintable(out));
    }
}

void TestTune::optimizeSyncStoresTheMeasuredBest()
{
    QTemporaryDir dir;
    QCOMPARE(test::initPlatform({ QStringLiteral("--data-dir"), dir.path() }).exitCode, 0);
    const QStringList data { QStringLiteral("--data-dir"), dir.path() };
    const Run install = tfctl(QStringList { QStringLiteral("demo"), QStringLiteral("install"),
                                            QStringLiteral("--parcels"), QStringLiteral("200") }
                              + data);
    QVERIFY2(install.exitCode == 0, qPrintable(describe(install)));
    const Run run = tfctl(QStringList { QStringLiteral("tune"), QStringLiteral("optimize-sync"),
                                        QStringLiteral("--batch-sizes"), QStringLiteral("25,400"),
                                        QStringLiteral("--trial-seconds"), QStringLiteral("20") }
                          + data);
    QVERIFY2(run.exitCode == 0, qPrintable(describe(run)));
    const QString out = QString::fromUtf8(run.out);
    // One "batch size: before B, after A" line per pair, after trials at 25, 400 and the current
    // size.
    static const QRegularExpression summary(QStringLiteral(
        R"(sync pair (\d+) "[^"]+": batch size now (\d+)(?:.|\n)*?batch size: before (\d+), after (\d+))"));
    auto it = summary.globalMatch(out);
    auto control = db::ControlDatabase::open(
        QStringLiteral("sqlite://") + dir.filePath(QStringLiteral("terrafusion.db")), false);
    int pairs = 0;
    while (it.hasNext()) {
        const auto match = it.next();
        ++pairs;
        QCOMPARE(match.captured(2), match.captured(3));
        QSqlQuery query = control->database().prepare(
            QStringLiteral("SELECT definition FROM sync_pairs WHERE id = ?"));
        query.addBindValue(match.captured(1).toLongLong());
        control->database().exec(query, "reading");
        QVERIFY(query.next());
        const QJsonObject definition
            = QJsonDocument::fromJson(query.value(0).toString().toUtf8()).object();
        QCOMPARE(definition.value(QStringLiteral("batch_size")).toInt(5000),
                 match.captured(4).toInt());
        query.finish();
    }
    QCOMPARE(pairs, 4);
    QCOMPARE(out.count(QStringLiteral("rows/s")), 4 * 3);
}

void TestTune::optimizeApiWritesTheConfigFile()
{
    QTemporaryDir dir;
    QCOMPARE(test::initPlatform({ QStringLiteral("--data-dir"), dir.path() }).exitCode, 0);
    const QString ini = dir.filePath(QStringLiteral("terrafusion.ini"));
    QFile file(ini);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("; kept\n[http]\nmax_connections_per_address = 64       ; further connections get "
               "503\nmax_body_bytes = 1048576\n\n"
               "[sync]\nworkers = 2\n");
    file.close();
    const Run run = tfctl({ QStringLiteral("tune"), QStringLiteral("optimize-api"),
                            QStringLiteral("--endpoint"), live(), QStringLiteral("--duration"),
                            QStringLiteral("0.3"), QStringLiteral("--config"), ini,
                            QStringLiteral("--data-dir"), dir.path() });
    QVERIFY2(run.exitCode == 0, qPrintable(describe(run)));
    const QString out = QString::fromUtf8(run.out);
    const auto setting
        = QRegularExpression(
              QStringLiteral(R"(http/max_connections_per_address: before 64 \(\S+\), after (\d+))"))
              .match(out);
    QVERIFY2(setting.hasMatch(), qPrintable(out));
    QCOMPARE(out.count(QStringLiteral("  concurrency ")), 4);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QString written = QString::fromUtf8(file.readAll());
    QVERIFY2(written.contains(
                 QStringLiteral("max_connections_per_address = %1").arg(setting.captured(1))),
             qPrintable(written));
    QVERIFY(written.contains(QStringLiteral("; further connections get 503")));
    QVERIFY(written.startsWith(QStringLiteral("; kept\n[http]\n")));
    QVERIFY(written.contains(QStringLiteral("max_body_bytes = 1048576\n\n[sync]\nworkers = 2\n")));
}

QTEST_GUILESS_MAIN(TestTune)
#include "tst_tune.moc"
