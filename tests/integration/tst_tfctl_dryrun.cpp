// A dry run checks the target as the real run would (issue 12, section 6): against real
// SQLite and PostgreSQL targets, a missing table, a missing column, a type that cannot fit and
// a missing key constraint are each reported, all of them, in the human and the JSON output;
// once the target is fixed the same dry run passes and the real run writes.
#include "testsupport.h"
#include "toolrun.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

#include <functional>
#include <memory>

using namespace tf;

namespace {

using Run = test::ToolRun;

Run tfctl(const QStringList &arguments, const QByteArray &stdinData = {})
{
    test::ToolOptions options;
    options.stdinData = stdinData;
    return test::runTool(QStringLiteral("tfctl"), arguments, options);
}

// Runs statements on an SQLite file (created when missing).
void sqlite(const QString &path, const QStringList &statements)
{
    const QString name = QStringLiteral("dryrun-") + path;
    {
        QSqlDatabase database = QSqlDatabase::contains(name) ? QSqlDatabase::database(name)
                                                             : QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        database.setDatabaseName(path);
        QVERIFY(database.open());
        QSqlQuery query(database);
        for (const QString &statement : statements)
            QVERIFY2(query.exec(statement), qPrintable(statement + QStringLiteral(": ") + query.lastError().text()));
        database.close();
    }
    QSqlDatabase::removeDatabase(name);
}

void postgres(const QString &url, const QStringList &statements)
{
    const QUrl parsed(url);
    const QString name = QStringLiteral("dryrun-pg-") + url;
    {
        QSqlDatabase database = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
        database.setHostName(parsed.host());
        database.setPort(parsed.port(5432));
        database.setUserName(parsed.userName());
        database.setPassword(parsed.password());
        database.setDatabaseName(parsed.path().mid(1));
        QVERIFY2(database.open(), qPrintable(database.lastError().text()));
        QSqlQuery query(database);
        for (const QString &statement : statements)
            QVERIFY2(query.exec(statement), qPrintable(statement + QStringLiteral(": ") + query.lastError().text()));
        database.close();
    }
    QSqlDatabase::removeDatabase(name);
}

QByteArray pairJson(const QString &targetTable)
{
    return QStringLiteral(R"({"name": "parcels", "source_system": 1, "target_system": 2, "mode": "hash",
 "entities": [{"name": "parcel",
   "source": {"entity": "parcels", "key": ["id"]},
   "target": {"entity": "%1", "key": ["source_id"]},
   "mapping": {"fields": [
      {"target": "source_id", "source": "id"},
      {"target": "parcel_number", "source": "parcel"},
      {"target": "assessed_on", "source": "assessed_on"},
      {"target": "city", "source": "city"}]}}]})")
        .arg(targetTable)
        .toUtf8();
}

QSet<QString> kinds(const QJsonObject &result)
{
    QSet<QString> found;
    for (const QJsonValue &problem : result.value(QStringLiteral("target_problems")).toArray())
        found.insert(problem.toObject().value(QStringLiteral("kind")).toString() + QLatin1Char(':')
                     + problem.toObject().value(QStringLiteral("column")).toString());
    return found;
}

} // namespace

class TestTfctlDryRun final : public QObject
{
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> m_dir;
    QStringList m_where;

    // A platform whose system 1 is an SQLite source with three parcels and system 2 the
    // target given; pair 1 maps the parcels into `table`.
    void platform(const QByteArray &targetSystem)
    {
        QVERIFY(m_dir->isValid());
        m_where = { QStringLiteral("--data-dir"), m_dir->path() };
        QCOMPARE(test::initPlatform(m_where).exitCode, 0);
        const QString source = m_dir->filePath(QStringLiteral("pacs.db"));
        sqlite(source, { QStringLiteral("CREATE TABLE parcels (id INTEGER PRIMARY KEY, parcel TEXT, assessed_on DATE, city TEXT)"),
                         QStringLiteral("INSERT INTO parcels VALUES (1, 'P-1', '2024-01-02', 'Yakima'), (2, 'P-2', '2024-02-03', 'Selah'), "
                                        "(3, 'P-3', '2024-03-04', 'Naches')") });
        const QByteArray sourceSystem = QStringLiteral(R"({"name": "PACS", "kind": "sqlite", "settings": {"path": "%1"}})")
                                            .arg(source)
                                            .toUtf8();
        Run added = tfctl(QStringList { QStringLiteral("system"), QStringLiteral("add"), QStringLiteral("-") } + m_where, sourceSystem);
        QVERIFY2(added.exitCode == 0, qPrintable(added.describe()));
        added = tfctl(QStringList { QStringLiteral("system"), QStringLiteral("add"), QStringLiteral("-") } + m_where, targetSystem);
        QVERIFY2(added.exitCode == 0, qPrintable(added.describe()));
        added = tfctl(QStringList { QStringLiteral("pair"), QStringLiteral("add"), QStringLiteral("-") } + m_where,
                      pairJson(QStringLiteral("cama_parcel")));
        QVERIFY2(added.exitCode == 0, qPrintable(added.describe()));
    }

    Run dryRun(bool json)
    {
        QStringList arguments { QStringLiteral("sync"), QStringLiteral("run"), QStringLiteral("parcels"), QStringLiteral("--dry-run") };
        if (json)
            arguments << QStringLiteral("--json");
        return tfctl(arguments + m_where);
    }

    // Every problem of a target that has no key constraint, an integer column for a date and
    // no `city` column, in both outputs; then with the target fixed, a clean dry run.
    void checkProblemsThenFix(const std::function<void(const QStringList &)> &exec, const QStringList &fix)
    {
        const Run human = dryRun(false);
        QVERIFY2(human.exitCode == 1, qPrintable(human.describe()));
        QVERIFY2(human.out.contains("the target is not ready, the real run would fail: 3 problem(s)"), qPrintable(human.describe()));
        QVERIFY2(human.out.contains("no primary key or unique constraint on (source_id)"), qPrintable(human.describe()));
        QVERIFY2(human.out.contains("has no column 'city'"), qPrintable(human.describe()));
        QVERIFY2(human.out.contains("column 'assessed_on' of 'cama_parcel' holds integer, but the mapping gives it date"),
                 qPrintable(human.describe()));

        const Run json = dryRun(true);
        QCOMPARE(json.exitCode, 1);
        const QJsonObject result = json.json();
        QCOMPARE(result.value(QStringLiteral("status")).toString(), QStringLiteral("failed"));
        QCOMPARE(kinds(result), (QSet<QString> { QStringLiteral("missing_key_constraint:"), QStringLiteral("missing_column:city"),
                                                 QStringLiteral("type_mismatch:assessed_on") }));

        exec(fix);
        const Run clean = dryRun(false);
        QVERIFY2(clean.exitCode == 0, qPrintable(clean.describe()));
        QVERIFY2(clean.out.contains("planned changes: 3"), qPrintable(clean.describe()));
        QVERIFY(!clean.out.contains("not ready"));
        const Run real = tfctl(QStringList { QStringLiteral("sync"), QStringLiteral("run"), QStringLiteral("parcels") } + m_where);
        QVERIFY2(real.exitCode == 0, qPrintable(real.describe()));
        QVERIFY2(real.out.contains("+3"), qPrintable(real.describe()));
    }

private Q_SLOTS:
    void init() { m_dir = std::make_unique<QTemporaryDir>(); }

    void missingTableOnSqlite()
    {
        const QString target = m_dir->filePath(QStringLiteral("cama.db"));
        sqlite(target, { QStringLiteral("CREATE TABLE unrelated (x INTEGER)") });
        platform(QStringLiteral(R"({"name": "CAMA", "kind": "sqlite", "settings": {"path": "%1"}})").arg(target).toUtf8());
        const Run run = dryRun(true);
        QVERIFY2(run.exitCode == 1, qPrintable(run.describe()));
        QCOMPARE(kinds(run.json()), QSet<QString> { QStringLiteral("missing_table:") });
        QVERIFY(run.json().value(QStringLiteral("error")).toString().contains(QStringLiteral("target table 'cama_parcel' does not exist")));
    }

    void targetWithoutKeyOnSqlite()
    {
        const QString target = m_dir->filePath(QStringLiteral("cama.db"));
        sqlite(target, { QStringLiteral("CREATE TABLE cama_parcel (source_id INTEGER, parcel_number TEXT, assessed_on INTEGER)") });
        platform(QStringLiteral(R"({"name": "CAMA", "kind": "sqlite", "settings": {"path": "%1"}})").arg(target).toUtf8());
        checkProblemsThenFix([&](const QStringList &statements) { sqlite(target, statements); },
                             { QStringLiteral("DROP TABLE cama_parcel"),
                               QStringLiteral("CREATE TABLE cama_parcel (source_id INTEGER, parcel_number TEXT, assessed_on DATE, city TEXT)"),
                               QStringLiteral("CREATE UNIQUE INDEX cama_parcel_source ON cama_parcel (source_id)") });
    }

    void targetWithoutKeyOnPostgres()
    {
        const QString url = test::createScratchPostgresDatabase(QStringLiteral("dryrun"));
        TF_REQUIRE_POSTGRES(url);
        postgres(url, { QStringLiteral("CREATE TABLE cama_parcel (source_id bigint, parcel_number text, assessed_on integer)") });
        const QUrl parsed(url);
        QUrl withoutPassword = parsed;
        withoutPassword.setPassword(QString());
        const QString credentials = parsed.password().isEmpty()
            ? QString()
            : QStringLiteral(R"(, "credentials": {"password": "%1"})").arg(parsed.password());
        const QByteArray system = QStringLiteral(R"({"name": "CAMA", "kind": "postgres", "settings": {"url": "%1"}%2})")
                                      .arg(withoutPassword.toString(), credentials)
                                      .toUtf8();
        platform(system);
        checkProblemsThenFix([&](const QStringList &statements) { postgres(url, statements); },
                             { QStringLiteral("ALTER TABLE cama_parcel DROP COLUMN assessed_on"),
                               QStringLiteral("ALTER TABLE cama_parcel ADD COLUMN assessed_on date, ADD COLUMN city text"),
                               QStringLiteral("CREATE UNIQUE INDEX cama_parcel_source ON cama_parcel (source_id)") });
    }
};

QTEST_GUILESS_MAIN(TestTfctlDryRun)
#include "tst_tfctl_dryrun.moc"
