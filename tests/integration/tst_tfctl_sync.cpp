// The PACS to CAMA demo end to end through the real tfctl: install, run the four pairs,
// exactly the broken rows quarantined, a second run writes nothing; on SQLite and with the
// CAMA target in PostgreSQL.
#include "db/controldatabase.h"
#include "testsupport.h"
#include "toolrun.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QRegularExpression>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace tf;

namespace {

using Run = test::ToolRun;

Run tfctl(const QStringList &arguments, int timeoutMs = 120000)
{
    test::ToolOptions options;
    options.closeStdin = false; // stdin stays an open pipe
    options.timeoutMs = timeoutMs;
    return test::runTool(QStringLiteral("tfctl"), arguments, options);
}

QString describe(const Run &run)
{
    return QStringLiteral("exit %1\n--- stdout ---\n%2\n--- stderr ---\n%3")
        .arg(run.exitCode).arg(QString::fromUtf8(run.out.right(3000)), QString::fromUtf8(run.err.right(3000)));
}

// "completed_with_errors in 1.1s: read 12000  +11996 ~0 -0 =0  quarantined 4"
QList<qint64> totals(const QByteArray &out)
{
    static const QRegularExpression re(QStringLiteral(
        R"re(\n(completed\S*) in [\d.]+s: read (\d+)  \+(\d+) ~(\d+) -(\d+) =(\d+)  quarantined (\d+))re"));
    const auto match = re.match(QString::fromUtf8(out));
    QList<qint64> numbers;
    if (!match.hasMatch())
        return numbers;
    for (int i = 2; i <= 7; ++i)
        numbers << match.captured(i).toLongLong();
    return numbers;
}

} // namespace

class TestTfctlSync final : public QObject
{
    Q_OBJECT

private:
    void demo(const QString &camaUrl)
    {
        QTemporaryDir dir;
        QStringList install { QStringLiteral("demo"), QStringLiteral("install"), QStringLiteral("--parcels"), QStringLiteral("600"),
                              QStringLiteral("--data-dir"), dir.path() };
        if (!camaUrl.isEmpty())
            install << QStringLiteral("--cama-url") << camaUrl;
        const Run installed = tfctl(install);
        QVERIFY2(installed.exitCode == 0, qPrintable(describe(installed)));
        QVERIFY(installed.out.contains("added sync pair 4"));

        QFile summaryFile(dir.filePath(QStringLiteral("demo/demo-summary.json")));
        QVERIFY(summaryFile.open(QIODevice::ReadOnly));
        const QJsonObject summary = QJsonDocument::fromJson(summaryFile.readAll()).object();
        const QJsonArray broken = summary.value(QStringLiteral("broken_rows")).toArray();
        QVERIFY(broken.size() >= 4);
        QHash<QString, int> brokenPerTable;
        for (const QJsonValue &row : broken)
            ++brokenPerTable[row.toObject().value(QStringLiteral("table")).toString()];
        const QJsonObject counts = summary.value(QStringLiteral("row_counts")).toObject();

        const QList<QPair<QString, QString>> pairs { { QStringLiteral("1"), QStringLiteral("Property") },
                                                     { QStringLiteral("2"), QStringLiteral("Owner") },
                                                     { QStringLiteral("3"), QStringLiteral("PropertyValue") },
                                                     { QStringLiteral("4"), QStringLiteral("Structure") } };
        for (const auto &pair : pairs) {
            const Run first = tfctl({ QStringLiteral("sync"), QStringLiteral("run"), pair.first, QStringLiteral("--data-dir"), dir.path() });
            QVERIFY2(first.exitCode == 0, qPrintable(describe(first)));
            const QList<qint64> t = totals(first.out);
            QVERIFY2(t.size() == 6, qPrintable(describe(first)));
            const qint64 rows = counts.value(pair.second).toInteger();
            QCOMPARE(t.at(0), rows);                                   // read
            QCOMPARE(t.at(5), qint64(brokenPerTable.value(pair.second))); // quarantined
            QCOMPARE(t.at(1), rows - brokenPerTable.value(pair.second)); // inserted
            QVERIFY(first.out.contains("[")); // progress lines

            // Nothing changed: the second run writes nothing and re-finds the same broken rows.
            const Run second = tfctl({ QStringLiteral("sync"), QStringLiteral("run"), pair.first, QStringLiteral("--data-dir"), dir.path() });
            QVERIFY2(second.exitCode == 0, qPrintable(describe(second)));
            const QList<qint64> again = totals(second.out);
            QCOMPARE(again.value(1) + again.value(2) + again.value(3), qint64(0));
            QCOMPARE(again.value(4), rows - brokenPerTable.value(pair.second));
        }

        // Exactly the broken rows are in quarantine, once each.
        auto control = db::ControlDatabase::open(QStringLiteral("sqlite://") + dir.filePath(QStringLiteral("terrafusion.db")), false);
        QSqlQuery query(control->database().connection());
        QVERIFY(query.exec(QStringLiteral("SELECT COUNT(*), COUNT(DISTINCT pair_id || ':' || source_key) FROM quarantine WHERE status = 'open'")));
        QVERIFY(query.next());
        QCOMPARE(query.value(0).toInt(), broken.size());
        QCOMPARE(query.value(1).toInt(), broken.size());
        QVERIFY(query.exec(QStringLiteral("SELECT status, statistics FROM sync_operations ORDER BY id")));
        int operations = 0;
        while (query.next()) {
            ++operations;
            QCOMPARE(query.value(0).toString(), QStringLiteral("completed_with_errors"));
        }
        QCOMPARE(operations, 8);
    }

private Q_SLOTS:
    void demoOnSqlite() { demo(QString()); }

    void demoIntoPostgres()
    {
        const QString url = test::createScratchPostgresDatabase(QStringLiteral("cama"));
        TF_REQUIRE_POSTGRES(url);
        demo(url);
    }

    void dryRunWritesNothing()
    {
        QTemporaryDir dir;
        QVERIFY(tfctl({ QStringLiteral("demo"), QStringLiteral("install"), QStringLiteral("--parcels"), QStringLiteral("100"),
                        QStringLiteral("--data-dir"), dir.path() }).exitCode == 0);
        const Run dry = tfctl({ QStringLiteral("sync"), QStringLiteral("run"), QStringLiteral("1"), QStringLiteral("--dry-run"),
                                QStringLiteral("--data-dir"), dir.path() });
        QVERIFY2(dry.exitCode == 0, qPrintable(describe(dry)));
        QVERIFY(dry.out.contains("dry run"));
        QVERIFY(dry.out.contains("planned changes: 100"));
        auto target = db::ControlDatabase::open(QStringLiteral("sqlite://") + dir.filePath(QStringLiteral("demo/cama.db")), false);
        QSqlQuery query(target->database().connection());
        QVERIFY(query.exec(QStringLiteral("SELECT COUNT(*) FROM cama_property")));
        QVERIFY(query.next());
        QCOMPARE(query.value(0).toInt(), 0);
        const Run again = tfctl({ QStringLiteral("demo"), QStringLiteral("install"), QStringLiteral("--if-missing"),
                                  QStringLiteral("--data-dir"), dir.path() });
        QCOMPARE(again.exitCode, 0);
        QVERIFY(again.out.contains("already installed"));
    }

    void quarantineEditReplayDiscard()
    {
        QTemporaryDir dir;
        const QStringList where { QStringLiteral("--data-dir"), dir.path() };
        QVERIFY(tfctl(QStringList { QStringLiteral("demo"), QStringLiteral("install"), QStringLiteral("--parcels"), QStringLiteral("200") } + where).exitCode == 0);
        const Run first = tfctl(QStringList { QStringLiteral("sync"), QStringLiteral("run"), QStringLiteral("1") } + where);
        QVERIFY2(first.exitCode == 0, qPrintable(describe(first)));
        const qint64 quarantined = totals(first.out).value(5);
        QVERIFY(quarantined >= 2);

        const Run listed = tfctl(QStringList { QStringLiteral("quarantine"), QStringLiteral("list"), QStringLiteral("1"), QStringLiteral("--json") } + where);
        QVERIFY2(listed.exitCode == 0, qPrintable(describe(listed)));
        const QJsonArray entries = QJsonDocument::fromJson(listed.out).array();
        QCOMPARE(entries.size(), int(quarantined));
        // The zip code breakage is fixable by an edit; find it.
        QJsonObject zip;
        QJsonObject other;
        for (const QJsonValue &value : entries) {
            const QJsonObject entry = value.toObject();
            if (entry.value(QStringLiteral("field")).toString() == QLatin1String("zip_code"))
                zip = entry;
            else if (other.isEmpty())
                other = entry;
        }
        QVERIFY2(!zip.isEmpty(), listed.out.constData());
        const QString zipId = QString::number(zip.value(QStringLiteral("id")).toInteger());
        const QString otherId = QString::number(other.value(QStringLiteral("id")).toInteger());

        // A replay without an edit stays open; after the edit it lands.
        const Run unfixed = tfctl(QStringList { QStringLiteral("quarantine"), QStringLiteral("replay"), zipId } + where);
        QCOMPARE(unfixed.exitCode, 1);
        QVERIFY(unfixed.out.contains("still invalid"));
        QCOMPARE(tfctl(QStringList { QStringLiteral("quarantine"), QStringLiteral("edit"), zipId, QStringLiteral("zip_code=99301") } + where).exitCode, 0);
        const Run fixed = tfctl(QStringList { QStringLiteral("quarantine"), QStringLiteral("replay"), zipId } + where);
        QVERIFY2(fixed.exitCode == 0, qPrintable(describe(fixed)));
        QVERIFY(fixed.out.contains("1 of 1 replayed"));
        QCOMPARE(tfctl(QStringList { QStringLiteral("quarantine"), QStringLiteral("discard"), otherId } + where).exitCode, 0);

        // The replayed row is in the target with the edited value and counts as synced.
        auto target = db::ControlDatabase::open(QStringLiteral("sqlite://") + dir.filePath(QStringLiteral("demo/cama.db")), false);
        QSqlQuery query(target->database().connection());
        QVERIFY(query.exec(QStringLiteral("SELECT COUNT(*) FROM cama_property WHERE zip_code = '99301'")));
        QVERIFY(query.next());
        QVERIFY(query.value(0).toInt() >= 1);
        const Run again = tfctl(QStringList { QStringLiteral("sync"), QStringLiteral("run"), QStringLiteral("1") } + where);
        const QList<qint64> t = totals(again.out);
        QCOMPARE(t.value(1) + t.value(2) + t.value(3), qint64(0)); // nothing rewritten
        const Run open = tfctl(QStringList { QStringLiteral("quarantine"), QStringLiteral("list"), QStringLiteral("1"), QStringLiteral("--json") } + where);
        QCOMPARE(QJsonDocument::fromJson(open.out).array().size(), int(quarantined) - 2);
        const Run bad = tfctl(QStringList { QStringLiteral("quarantine"), QStringLiteral("edit"), otherId, QStringLiteral("no_such_field=1") } + where);
        QCOMPARE(bad.exitCode, 2);
    }

    void badUsageExitsTwo_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::newRow("no sync command") << QStringList { QStringLiteral("sync") };
        QTest::newRow("unknown sync command") << QStringList { QStringLiteral("sync"), QStringLiteral("jump") };
        QTest::newRow("run without pair") << QStringList { QStringLiteral("sync"), QStringLiteral("run") };
        QTest::newRow("unknown pair") << QStringList { QStringLiteral("sync"), QStringLiteral("run"), QStringLiteral("no-such-pair") };
        QTest::newRow("bad parcels") << QStringList { QStringLiteral("demo"), QStringLiteral("install"), QStringLiteral("--parcels"), QStringLiteral("many") };
        QTest::newRow("cama url not postgres") << QStringList { QStringLiteral("demo"), QStringLiteral("install"), QStringLiteral("--cama-url"), QStringLiteral("mysql://x/y") };
    }

    void badUsageExitsTwo()
    {
        QFETCH(QStringList, arguments);
        QTemporaryDir dir;
        const Run run = tfctl(arguments + QStringList { QStringLiteral("--data-dir"), dir.path() });
        QVERIFY2(run.exitCode == 2, qPrintable(describe(run)));
        QCOMPARE(run.err.count('\n'), 1);
    }
};

QTEST_GUILESS_MAIN(TestTfctlSync)
#include "tst_tfctl_sync.moc"
