// The PACS to CAMA demo end to end through the real tfctl: install, run the four pairs,
// exactly the broken rows quarantined, a second run writes nothing; on SQLite and with the
// CAMA target in PostgreSQL.
#include "db/controldatabase.h"
#include "testsupport.h"
#include "toolrun.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHostInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <pwd.h>
#include <unistd.h>

using namespace tf;

namespace {

using Run = test::ToolRun;

QString osUser()
{
    const passwd *entry = ::getpwuid(::geteuid());
    return entry ? QString::fromLocal8Bit(entry->pw_name) : QString();
}

// The data directory's SQLite control database, on this thread's connection.
QSqlDatabase control(const QString &dataDir)
{
    const QString name = QStringLiteral("control-") + dataDir;
    QSqlDatabase database = QSqlDatabase::contains(name) ? QSqlDatabase::database(name)
                                                         : QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
    database.setDatabaseName(dataDir + QStringLiteral("/terrafusion.db"));
    database.open();
    return database;
}

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
        QCOMPARE(test::initPlatform({ QStringLiteral("--data-dir"), dir.path() }).exitCode, 0);
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
        QCOMPARE(test::initPlatform({ QStringLiteral("--data-dir"), dir.path() }).exitCode, 0);
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
        QCOMPARE(test::initPlatform({ QStringLiteral("--data-dir"), dir.path() }).exitCode, 0);
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

        // A system added twice under one name is a conflict in plain words, not an SQL error.
        QFile definition(dir.filePath(QStringLiteral("system.json")));
        QVERIFY(definition.open(QIODevice::WriteOnly));
        definition.write(QJsonDocument(QJsonObject {
            { QStringLiteral("name"), QStringLiteral("extra (sqlite)") }, { QStringLiteral("kind"), QStringLiteral("sqlite") },
            { QStringLiteral("settings"), QJsonObject { { QStringLiteral("path"), dir.filePath(QStringLiteral("extra.db")) } } } }).toJson());
        definition.close();
        const QStringList addSystem = QStringList { QStringLiteral("system"), QStringLiteral("add"), definition.fileName() } + where;
        const Run added = tfctl(addSystem);
        QVERIFY2(added.exitCode == 0, qPrintable(describe(added)));
        const Run twice = tfctl(addSystem);
        QCOMPARE(twice.exitCode, 2);
        QVERIFY2(twice.err.contains("a system named \"extra (sqlite)\" already exists"), twice.err.constData());
        QCOMPARE(twice.err.count('\n'), 1);

        // Every change above is in the audit trail, by the operating-system account that ran
        // tfctl (not $USER), and the chain is intact.
        QSqlQuery audit(control(dir.path()));
        QVERIFY(audit.exec(QStringLiteral("SELECT event_type, username FROM audit_entries ORDER BY id")));
        QStringList events;
        const QString expectedActor = QStringLiteral("tfctl:%1@%2").arg(osUser(), QHostInfo::localHostName());
        while (audit.next()) {
            events << audit.value(0).toString();
            QCOMPARE(audit.value(1).toString(), expectedActor);
        }
        for (const char *expected : { "platform.initialized", "sync_pair.created", "sync_operation.started", "quarantine.edited",
                                      "quarantine.replayed", "quarantine.discarded", "system.created" }) {
            QVERIFY2(events.contains(QLatin1String(expected)), qPrintable(QLatin1String(expected) + QStringLiteral(" missing from ") + events.join(QLatin1Char(','))));
        }
        QCOMPARE(events.count(QStringLiteral("sync_pair.created")), 4);
        QCOMPARE(events.count(QStringLiteral("sync_operation.started")), 2);
        QCOMPARE(events.count(QStringLiteral("quarantine.replayed")), 2);
        QCOMPARE(events.count(QStringLiteral("system.created")), 1);
        test::ToolOptions spoofed;
        spoofed.environment.insert(QStringLiteral("USER"), QStringLiteral("somebody-else"));
        spoofed.environment.insert(QStringLiteral("LOGNAME"), QStringLiteral("somebody-else"));
        const Run verify = test::runTool(QStringLiteral("tfctl"), QStringList { QStringLiteral("audit"), QStringLiteral("verify") } + where, spoofed);
        QVERIFY2(verify.exitCode == 0, qPrintable(describe(verify)));
        QVERIFY(audit.exec(QStringLiteral("SELECT username FROM audit_entries WHERE username LIKE '%somebody-else%'")));
        QVERIFY(!audit.next());
    }

    // --json: stdout holds one JSON document and nothing else (progress goes to stderr).
    void jsonOutputParses()
    {
        QTemporaryDir dir;
        const QStringList where { QStringLiteral("--data-dir"), dir.path() };
        QCOMPARE(test::initPlatform(where).exitCode, 0);
        QVERIFY(tfctl(QStringList { QStringLiteral("demo"), QStringLiteral("install"), QStringLiteral("--parcels"), QStringLiteral("100") } + where).exitCode == 0);
        const QList<QStringList> commands {
            { QStringLiteral("sync"), QStringLiteral("run"), QStringLiteral("1"), QStringLiteral("--json") },
            { QStringLiteral("sync"), QStringLiteral("run"), QStringLiteral("2"), QStringLiteral("--dry-run"), QStringLiteral("--json") },
            { QStringLiteral("quarantine"), QStringLiteral("list"), QStringLiteral("1"), QStringLiteral("--json") },
            { QStringLiteral("list"), QStringLiteral("--json") },
            { QStringLiteral("audit"), QStringLiteral("verify"), QStringLiteral("--json") },
            { QStringLiteral("maintenance"), QStringLiteral("next"), QStringLiteral("--json") },
            { QStringLiteral("maintenance"), QStringLiteral("history"), QStringLiteral("--json") },
            { QStringLiteral("tune"), QStringLiteral("optimize-db"), QStringLiteral("--json") },
            { QStringLiteral("user"), QStringLiteral("list"), QStringLiteral("--json") },
            { QStringLiteral("sync"), QStringLiteral("history"), QStringLiteral("1"), QStringLiteral("--json") },
            { QStringLiteral("fix-corruption"), QStringLiteral("sync_pairs"), QStringLiteral("--dry-run"), QStringLiteral("--json") },
        };
        for (const QStringList &command : commands) {
            const Run run = tfctl(command + where);
            QJsonParseError error;
            const QJsonDocument document = QJsonDocument::fromJson(run.out, &error);
            QVERIFY2(error.error == QJsonParseError::NoError && !document.isNull(),
                     qPrintable(command.join(u' ') + QStringLiteral(": ") + error.errorString() + QStringLiteral("\n") + describe(run)));
        }
        const Run history = tfctl(QStringList { QStringLiteral("sync"), QStringLiteral("history"), QStringLiteral("1"), QStringLiteral("--json") } + where);
        QCOMPARE(QJsonDocument::fromJson(history.out).array().size(), 1); // the run above
        const Run listed = tfctl(QStringList { QStringLiteral("sync"), QStringLiteral("list") } + where);
        QVERIFY2(listed.out.contains("completed") && listed.out.contains("never"), qPrintable(describe(listed)));
        // The progress of a JSON run went to stderr, with real counts.
        const Run run = tfctl(QStringList { QStringLiteral("sync"), QStringLiteral("run"), QStringLiteral("3"), QStringLiteral("--json") } + where);
        QVERIFY2(run.err.contains("operation ") && run.err.contains("%"), qPrintable(describe(run)));
    }

    // tfctl config check: a misspelled key exits 2 naming the file line; the example passes.
    void configCheck()
    {
        QTemporaryDir dir;
        QFile bad(dir.filePath(QStringLiteral("bad.ini")));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("[sync]\nworkers = 2\nworkrs = 3\n");
        bad.close();
        const Run refused = tfctl({ QStringLiteral("config"), QStringLiteral("check"), bad.fileName() });
        QCOMPARE(refused.exitCode, 2);
        QCOMPARE(refused.err.count('\n'), 1);
        QVERIFY2(refused.err.contains("line 3: unknown key [sync] workrs (did you mean workers?)"), refused.err.constData());
        const QString example = qEnvironmentVariable("TF_SOURCE_DIR") + QStringLiteral("/resources/config/terrafusion.example.ini");
        const Run fine = tfctl({ QStringLiteral("config"), QStringLiteral("check"), example });
        QVERIFY2(fine.exitCode == 0, qPrintable(describe(fine)));
        QVERIFY(fine.out.contains("every key known"));
        // Every other command refuses the same file before touching anything.
        const Run list = tfctl({ QStringLiteral("sync"), QStringLiteral("list"), QStringLiteral("--config"), bad.fileName(),
                                 QStringLiteral("--data-dir"), dir.path() });
        QCOMPARE(list.exitCode, 2);
        QVERIFY2(list.err.contains("workrs"), list.err.constData());
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

    // tfctl never creates a platform by accident: pointed at an empty folder every command
    // exits 2 naming it, and the folder stays empty. Each says which database it would use.
    void emptyFolderStaysEmpty_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::newRow("sync list") << QStringList { QStringLiteral("sync"), QStringLiteral("list") };
        QTest::newRow("sync run") << QStringList { QStringLiteral("sync"), QStringLiteral("run"), QStringLiteral("1") };
        QTest::newRow("pair list") << QStringList { QStringLiteral("pair"), QStringLiteral("list") };
        QTest::newRow("system list") << QStringList { QStringLiteral("system"), QStringLiteral("list") };
        QTest::newRow("demo install") << QStringList { QStringLiteral("demo"), QStringLiteral("install") };
        QTest::newRow("backup") << QStringList { QStringLiteral("backup") };
        QTest::newRow("quarantine list") << QStringList { QStringLiteral("quarantine"), QStringLiteral("list"), QStringLiteral("1") };
        QTest::newRow("audit verify") << QStringList { QStringLiteral("audit"), QStringLiteral("verify") };
        QTest::newRow("maintenance history") << QStringList { QStringLiteral("maintenance"), QStringLiteral("history") };
        QTest::newRow("tune optimize-db") << QStringList { QStringLiteral("tune"), QStringLiteral("optimize-db") };
    }

    void emptyFolderStaysEmpty()
    {
        QFETCH(QStringList, arguments);
        QTemporaryDir dir;
        const QString folder = dir.filePath(QStringLiteral("empty"));
        QVERIFY(QDir().mkpath(folder));
        const Run run = tfctl(arguments + QStringList { QStringLiteral("--data-dir"), folder });
        QVERIFY2(run.exitCode == 2, qPrintable(describe(run)));
        QCOMPARE(run.err.count('\n'), 1);
        QVERIFY2(run.err.contains(QByteArray("no TerraFusion platform in ").append(folder.toUtf8())), run.err.constData());
        QVERIFY2(run.err.contains("tfctl init"), run.err.constData());
        QVERIFY2(run.location.contains(folder.toUtf8()) && run.location.contains("from the command line"),
                 run.location.constData());
        QCOMPARE(QDir(folder).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden), QStringList());
    }

    // init makes the database and the key, once; --if-missing makes a second call a no-op.
    void initCreatesOnce()
    {
        QTemporaryDir dir;
        const QString folder = dir.filePath(QStringLiteral("new"));
        const QStringList where { QStringLiteral("--data-dir"), folder };
        const Run first = tfctl(QStringList { QStringLiteral("init") } + where);
        QVERIFY2(first.exitCode == 0, qPrintable(describe(first)));
        QVERIFY(QFile::exists(folder + QStringLiteral("/terrafusion.db")));
        QVERIFY(QFile::exists(folder + QStringLiteral("/secret.key")));
        QCOMPARE(QFileInfo(folder + QStringLiteral("/secret.key")).permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther),
                 QFileDevice::Permissions());
        QFile key(folder + QStringLiteral("/secret.key"));
        QVERIFY(key.open(QIODevice::ReadOnly));
        const QByteArray keyBytes = key.readAll();
        const Run again = tfctl(QStringList { QStringLiteral("init") } + where);
        QCOMPARE(again.exitCode, 2);
        QVERIFY2(again.err.contains("a platform exists already"), again.err.constData());
        QCOMPARE(tfctl(QStringList { QStringLiteral("init"), QStringLiteral("--if-missing") } + where).exitCode, 0);
        key.seek(0);
        QCOMPARE(key.readAll(), keyBytes);
        const Run list = tfctl(QStringList { QStringLiteral("sync"), QStringLiteral("list") } + where);
        QVERIFY2(list.exitCode == 0, qPrintable(describe(list)));
    }

    void badUsageExitsTwo()
    {
        QFETCH(QStringList, arguments);
        QTemporaryDir dir;
        QCOMPARE(test::initPlatform({ QStringLiteral("--data-dir"), dir.path() }).exitCode, 0);
        const Run run = tfctl(arguments + QStringList { QStringLiteral("--data-dir"), dir.path() });
        QVERIFY2(run.exitCode == 2, qPrintable(describe(run)));
        QCOMPARE(run.err.count('\n'), 1);
    }
};

QTEST_GUILESS_MAIN(TestTfctlSync)
#include "tst_tfctl_sync.moc"
