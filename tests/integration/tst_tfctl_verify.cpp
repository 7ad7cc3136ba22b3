// tfctl verify (issue 11) as an administrator runs it, on the demo (PACS -> CAMA, SQLite):
// exit 3 and the exact rows after changes behind the engine's back, --json that parses,
// --repair (audited with the OS user) then exit 0, and exit 2 with one line for an unknown
// pair, an unknown entity, or a run holding the pair.
#include "db/controldatabase.h"
#include "db/repositories/operationrepository.h"
#include "testsupport.h"
#include "toolrun.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

#include <pwd.h>
#include <unistd.h>

using namespace tf;

namespace {

test::ToolRun tfctl(const QStringList &arguments)
{
    test::ToolOptions options;
    options.timeoutMs = 120000;
    return test::runTool(QStringLiteral("tfctl"), arguments, options);
}

QString osUser()
{
    const passwd *entry = ::getpwuid(::geteuid());
    return entry ? QString::fromLocal8Bit(entry->pw_name) : QString();
}

} // namespace

class TestTfctlVerify final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QStringList m_where;

    void cama(const QString &statement)
    {
        db::Database cama(db::DatabaseUrl::parse(QStringLiteral("sqlite://") + m_dir.filePath(QStringLiteral("demo/cama.db"))));
        cama.execDirect(statement, "changing the target behind the engine");
        cama.closeThreadConnection();
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_where = { QStringLiteral("--data-dir"), m_dir.path() };
        QCOMPARE(test::initPlatform(m_where).exitCode, 0);
        const test::ToolRun installed = tfctl(QStringList { QStringLiteral("demo"), QStringLiteral("install"),
                                                            QStringLiteral("--parcels"), QStringLiteral("200") } + m_where);
        QVERIFY2(installed.exitCode == 0, qPrintable(installed.describe()));
        const test::ToolRun run = tfctl(QStringList { QStringLiteral("sync"), QStringLiteral("run"), QStringLiteral("1") } + m_where);
        QVERIFY2(run.exitCode == 0, qPrintable(run.describe()));
    }

    void inStepIsExitZero()
    {
        const test::ToolRun verify = tfctl(QStringList { QStringLiteral("verify"), QStringLiteral("1") } + m_where);
        QVERIFY2(verify.exitCode == 0, qPrintable(verify.describe()));
        QVERIFY2(verify.out.contains("verify: no differences"), qPrintable(verify.describe()));
        QVERIFY2(verify.out.contains("(merge)"), qPrintable(verify.describe()));
    }

    void driftIsReportedThenRepaired()
    {
        cama(QStringLiteral("UPDATE cama_property SET city = 'Elsewhere' WHERE source_id = (SELECT min(source_id) FROM cama_property)"));
        cama(QStringLiteral("DELETE FROM cama_property WHERE source_id = (SELECT max(source_id) FROM cama_property)"));
        cama(QStringLiteral("INSERT INTO cama_property (source_id, parcel_number) VALUES ('00000000-0000-0000-0000-000000000001', 'X')"));

        const test::ToolRun found = tfctl(QStringList { QStringLiteral("verify"), QStringLiteral("1"), QStringLiteral("--json") } + m_where);
        QVERIFY2(found.exitCode == 3, qPrintable(found.describe()));
        const QJsonObject report = found.json().value(QStringLiteral("verify")).toObject(); // stdout is only JSON
        QCOMPARE(report.value(QStringLiteral("missing")).toInteger(), 1);
        QCOMPARE(report.value(QStringLiteral("extra")).toInteger(), 1);
        QCOMPARE(report.value(QStringLiteral("different")).toInteger(), 1);
        const QJsonObject entity = report.value(QStringLiteral("entities")).toArray().at(0).toObject();
        QCOMPARE(entity.value(QStringLiteral("extra_keys")).toArray().at(0).toString(),
                 QStringLiteral("00000000-0000-0000-0000-000000000001"));
        QCOMPARE(entity.value(QStringLiteral("different_keys")).toArray().at(0).toObject().value(QStringLiteral("columns")).toArray(),
                 QJsonArray { QStringLiteral("city") });
        QVERIFY(found.json().value(QStringLiteral("operation_id")).toInteger() > 0);

        const test::ToolRun human = tfctl(QStringList { QStringLiteral("verify"), QStringLiteral("1") } + m_where);
        QCOMPARE(human.exitCode, 3);
        QVERIFY2(human.out.contains("1 missing, 1 extra, 1 different") && human.out.contains("different: ")
                     && human.out.contains("(city)") && human.out.contains("--repair"),
                 qPrintable(human.describe()));

        const test::ToolRun repaired = tfctl(QStringList { QStringLiteral("verify"), QStringLiteral("1"), QStringLiteral("--repair") } + m_where);
        QVERIFY2(repaired.exitCode == 0, qPrintable(repaired.describe()));
        QVERIFY2(repaired.out.contains("repair: 3 difference(s) written; verified again: 0 left"), qPrintable(repaired.describe()));
        QVERIFY2(repaired.out.contains("(city)"), qPrintable(repaired.describe())); // named before it was overwritten
        QCOMPARE(tfctl(QStringList { QStringLiteral("verify"), QStringLiteral("1") } + m_where).exitCode, 0);

        // The repair is in the audit trail, by the operating-system user.
        auto control = db::ControlDatabase::open(QStringLiteral("sqlite://") + m_dir.filePath(QStringLiteral("terrafusion.db")), false);
        QSqlQuery query(control->database().connection());
        QVERIFY(query.exec(QStringLiteral("SELECT username FROM audit_entries WHERE event_type = 'sync_pair.repaired'")));
        QVERIFY(query.next());
        QVERIFY2(query.value(0).toString().startsWith(QStringLiteral("tfctl:") + osUser() + QLatin1Char('@')),
                 qPrintable(query.value(0).toString()));
    }

    void badInputIsExitTwo()
    {
        const test::ToolRun pair = tfctl(QStringList { QStringLiteral("verify"), QStringLiteral("no-such-pair") } + m_where);
        QCOMPARE(pair.exitCode, 2);
        QVERIFY2(pair.err.contains("no-such-pair"), qPrintable(pair.describe()));
        const test::ToolRun entity = tfctl(QStringList { QStringLiteral("verify"), QStringLiteral("1"), QStringLiteral("--entity"), QStringLiteral("nope") } + m_where);
        QCOMPARE(entity.exitCode, 2);
        QVERIFY2(entity.err.contains("'nope' is not in sync pair"), qPrintable(entity.describe()));
        QCOMPARE(tfctl(QStringList { QStringLiteral("verify") } + m_where).exitCode, 2);

        // A run holding the pair (its lease is alive): exit 2 saying so.
        auto control = db::ControlDatabase::open(QStringLiteral("sqlite://") + m_dir.filePath(QStringLiteral("terrafusion.db")), false);
        db::OperationRepository operations(control->database());
        const qint64 running = operations.start(1, QStringLiteral("hash"), false, QStringLiteral("cli"),
                                                QStringLiteral("another-host-1"));
        const test::ToolRun busy = tfctl(QStringList { QStringLiteral("verify"), QStringLiteral("1") } + m_where);
        operations.finish(running, QStringLiteral("completed"), {}, {});
        QCOMPARE(busy.exitCode, 2);
        QVERIFY2(busy.err.contains("running operation"), qPrintable(busy.describe()));
    }
};

QTEST_GUILESS_MAIN(TestTfctlVerify)
#include "tst_tfctl_verify.moc"
