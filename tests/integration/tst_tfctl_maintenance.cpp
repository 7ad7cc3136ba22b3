// tfctl maintenance as the operator runs it: run (weekly, monthly, quarterly) on a real data
// directory, next for given "now" values, history; bad arguments exit 2 with one usage line.
#include "db/controldatabase.h"
#include "testsupport.h"
#include "toolrun.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
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
        .arg(QString::fromUtf8(run.out.right(3000)), QString::fromUtf8(run.err.right(3000)));
}

QStringList args(std::initializer_list<const char *> list)
{
    QStringList result;
    for (const char *item : list)
        result << QString::fromLatin1(item);
    return result;
}

} // namespace

class TestTfctlMaintenance final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void runEachTypeAndListThem();
    void nextFromGivenNow_data();
    void nextFromGivenNow();
    void badArgumentsExit2_data();
    void badArgumentsExit2();
};

void TestTfctlMaintenance::runEachTypeAndListThem()
{
    QTemporaryDir dir;
    QCOMPARE(test::initPlatform({ QStringLiteral("--data-dir"), dir.path() }).exitCode, 0);
    const QStringList data { QStringLiteral("--data-dir"), dir.path() };
    QDir().mkpath(dir.filePath(QStringLiteral("logs")));
    const QString oldLog
        = dir.filePath(QStringLiteral("logs/tf-syncd-%1.log")
                           .arg(QDate::currentDate().addDays(-20).toString(Qt::ISODate)));
    QFile log(oldLog);
    QVERIFY(log.open(QIODevice::WriteOnly));
    log.close();

    int id = 0;
    for (const QString &type :
         { QStringLiteral("weekly"), QStringLiteral("monthly"), QStringLiteral("quarterly") }) {
        ++id;
        const Run run = tfctl(QStringList { QStringLiteral("maintenance"), QStringLiteral("run"),
                                            QStringLiteral("--type"), type }
                              + data);
        QVERIFY2(run.exitCode == 0, qPrintable(describe(run)));
        QVERIFY2(
            run.out.contains(QStringLiteral("%1 maintenance: run %2").arg(type).arg(id).toUtf8()),
            qPrintable(describe(run)));
        QVERIFY2(run.out.contains(
                     QStringLiteral("%1 maintenance run %2 completed").arg(type).arg(id).toUtf8()),
                 qPrintable(describe(run)));
        QVERIFY2(run.out.contains("%  "), qPrintable(describe(run))); // progress lines
        const QByteArray reportLine = run.out.mid(run.out.lastIndexOf("report: ") + 8).trimmed();
        QVERIFY2(QFile::exists(QString::fromUtf8(reportLine)), reportLine.constData());
    }
    QVERIFY(!QFile::exists(oldLog));

    const Run history = tfctl(QStringList { QStringLiteral("maintenance"),
                                            QStringLiteral("history"), QStringLiteral("--json") }
                              + data);
    QVERIFY2(history.exitCode == 0, qPrintable(describe(history)));
    const QJsonArray runs
        = QJsonDocument::fromJson(history.out).object().value(QStringLiteral("runs")).toArray();
    QCOMPARE(runs.size(), 3);
    QCOMPARE(runs.at(0).toObject().value(QStringLiteral("type")).toString(),
             QStringLiteral("quarterly"));
    QCOMPARE(runs.at(2).toObject().value(QStringLiteral("type")).toString(),
             QStringLiteral("weekly"));
    for (const QJsonValue &value : runs) {
        QCOMPARE(value.toObject().value(QStringLiteral("status")).toString(),
                 QStringLiteral("completed"));
        QVERIFY(value.toObject()
                    .value(QStringLiteral("triggered_by"))
                    .toString()
                    .startsWith(QLatin1String("tfctl:")));
    }
    const Run filtered
        = tfctl(QStringList { QStringLiteral("maintenance"), QStringLiteral("history"),
                              QStringLiteral("--type"), QStringLiteral("monthly") }
                + data);
    QVERIFY2(filtered.exitCode == 0, qPrintable(describe(filtered)));
    QVERIFY(filtered.out.contains("monthly"));
    QVERIFY(!filtered.out.contains("weekly "));
}

void TestTfctlMaintenance::nextFromGivenNow_data()
{
    QTest::addColumn<QString>("now");
    QTest::addColumn<QString>("weekly");
    QTest::addColumn<QString>("monthly");
    QTest::addColumn<QString>("quarterly");
    QTest::newRow("saturday") << QStringLiteral("2025-03-08T12:00:00Z")
                              << QStringLiteral("2025-03-09T01:00:00Z")
                              << QStringLiteral("2025-04-01T02:00:00Z")
                              << QStringLiteral("2025-04-15T03:00:00Z");
    QTest::newRow("sunday at 01:00")
        << QStringLiteral("2025-03-09T01:00:00Z") << QStringLiteral("2025-03-16T01:00:00Z")
        << QStringLiteral("2025-04-01T02:00:00Z") << QStringLiteral("2025-04-15T03:00:00Z");
    QTest::newRow("1st at 01:59") << QStringLiteral("2025-06-01T01:59:00Z")
                                  << QStringLiteral("2025-06-08T01:00:00Z")
                                  << QStringLiteral("2025-06-01T02:00:00Z")
                                  << QStringLiteral("2025-07-15T03:00:00Z");
    QTest::newRow("15th of october after")
        << QStringLiteral("2025-10-15T03:00:00Z") << QStringLiteral("2025-10-19T01:00:00Z")
        << QStringLiteral("2025-11-01T02:00:00Z") << QStringLiteral("2026-01-15T03:00:00Z");
    QTest::newRow("offset kept") << QStringLiteral("2025-07-14T23:30:00+02:00")
                                 << QStringLiteral("2025-07-20T01:00:00+02:00")
                                 << QStringLiteral("2025-08-01T02:00:00+02:00")
                                 << QStringLiteral("2025-07-15T03:00:00+02:00");
}

void TestTfctlMaintenance::nextFromGivenNow()
{
    QFETCH(QString, now);
    QFETCH(QString, weekly);
    QFETCH(QString, monthly);
    QFETCH(QString, quarterly);
    const Run run = tfctl({ QStringLiteral("maintenance"), QStringLiteral("next"),
                            QStringLiteral("--now"), now, QStringLiteral("--json") });
    QVERIFY2(run.exitCode == 0, qPrintable(describe(run)));
    const QJsonArray windows
        = QJsonDocument::fromJson(run.out).object().value(QStringLiteral("windows")).toArray();
    QCOMPARE(windows.size(), 3);
    QCOMPARE(windows.at(0).toObject().value(QStringLiteral("next_run")).toString(), weekly);
    QCOMPARE(windows.at(1).toObject().value(QStringLiteral("next_run")).toString(), monthly);
    QCOMPARE(windows.at(2).toObject().value(QStringLiteral("next_run")).toString(), quarterly);

    const Run text = tfctl(
        { QStringLiteral("maintenance"), QStringLiteral("next"), QStringLiteral("--now"), now });
    QVERIFY2(text.exitCode == 0, qPrintable(describe(text)));
    QVERIFY(text.out.contains(weekly.toUtf8()));
    QVERIFY(text.out.contains("Sundays at 01:00"));
}

void TestTfctlMaintenance::badArgumentsExit2_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("expected");
    QTest::newRow("no command") << args({ "maintenance" })
                                << QStringLiteral("a command is required");
    QTest::newRow("unknown command")
        << args({ "maintenance", "frobnicate" }) << QStringLiteral("unknown command 'frobnicate'");
    QTest::newRow("run without type")
        << args({ "maintenance", "run" }) << QStringLiteral("--type is required");
    QTest::newRow("bad type") << args({ "maintenance", "run", "--type", "daily" })
                              << QStringLiteral("weekly, monthly, quarterly");
    QTest::newRow("extra argument") << args({ "maintenance", "run", "--type", "weekly", "now" })
                                    << QStringLiteral("unexpected argument 'now'");
    QTest::newRow("bad now") << args({ "maintenance", "next", "--now", "tomorrow" })
                             << QStringLiteral("not an ISO-8601 time");
    QTest::newRow("unknown option")
        << args({ "maintenance", "run", "--kind", "weekly" }) << QStringLiteral("kind");
    QTest::newRow("bad limit") << args({ "maintenance", "history", "--limit", "0" })
                               << QStringLiteral("--limit must be 1 to 1000");
}

void TestTfctlMaintenance::badArgumentsExit2()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    QCOMPARE(test::initPlatform({ QStringLiteral("--data-dir"), dir.path() }).exitCode, 0);
    const Run run = tfctl(arguments + QStringList { QStringLiteral("--data-dir"), dir.path() });
    QCOMPARE(run.exitCode, 2);
    const QList<QByteArray> lines = run.err.trimmed().split('\n');
    QCOMPARE(lines.size(), 1);
    QVERIFY2(lines.first().startsWith("tfctl maintenance"), run.err.constData());
    QVERIFY2(run.err.contains(expected.toUtf8()), run.err.constData());
    QVERIFY(run.out.isEmpty());
    // Nothing was started.
    QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("reports"))));
}

QTEST_GUILESS_MAIN(TestTfctlMaintenance)
#include "tst_tfctl_maintenance.moc"
