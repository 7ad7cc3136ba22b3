// tfctl system show|edit|remove|test and pair show|edit|remove|enable|disable|test through the
// real tfctl on a real platform: secrets never printed, a system in use refused naming the
// pair, bad input exit 2, every change audited like the API (event, real OS user, chain intact).
#include "testsupport.h"
#include "toolrun.h"

#include <QFile>
#include <QHostInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <pwd.h>
#include <unistd.h>

using namespace tf;

namespace {

using Run = test::ToolRun;

const QByteArray kPassword = "s3cret-Catalog-pw";
// Nothing listens on port 1. (moc reads "//" inside a raw string as a comment: keep URLs out of them.)
const QByteArray kOldUrl = "postgresql://cama@127.0.0.1:1/cama";

QByteArray withUrl(QByteArray json)
{
    return json.replace("OLDURL", kOldUrl);
}

void sqlite(const QString &path, const QStringList &statements)
{
    const QString name = QStringLiteral("catalog-") + path;
    {
        QSqlDatabase database = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        database.setDatabaseName(path);
        QVERIFY(database.open());
        QSqlQuery query(database);
        for (const QString &statement : statements)
            QVERIFY2(query.exec(statement), qPrintable(statement + QStringLiteral(": ") + query.lastError().text()));
    }
    QSqlDatabase::removeDatabase(name);
}

} // namespace

class TestTfctlCatalog final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QStringList m_where;

    Run tfctl(const QStringList &arguments, const QByteArray &stdinData = QByteArray())
    {
        test::ToolOptions options;
        options.stdinData = stdinData;
        return test::runTool(QStringLiteral("tfctl"), arguments + m_where, options);
    }

    QStringList auditEvents()
    {
        const QString name = QStringLiteral("catalog-audit");
        QStringList events;
        {
            QSqlDatabase database = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
            database.setDatabaseName(m_dir.filePath(QStringLiteral("terrafusion.db")));
            database.open();
            QSqlQuery query(database);
            query.exec(QStringLiteral("SELECT event_type, username FROM audit_entries ORDER BY id"));
            const passwd *entry = ::getpwuid(::geteuid());
            const QString actor = QStringLiteral("tfctl:%1@%2").arg(QString::fromLocal8Bit(entry->pw_name), QHostInfo::localHostName());
            while (query.next()) {
                if (query.value(1).toString() != actor)
                    events << QStringLiteral("wrong actor ") + query.value(1).toString();
                events << query.value(0).toString();
            }
        }
        QSqlDatabase::removeDatabase(name);
        return events;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_where = { QStringLiteral("--data-dir"), m_dir.path() };
        QCOMPARE(test::initPlatform(m_where).exitCode, 0);
        sqlite(m_dir.filePath(QStringLiteral("pacs.db")),
               { QStringLiteral("CREATE TABLE parcels (id INTEGER PRIMARY KEY, parcel TEXT)"),
                 QStringLiteral("INSERT INTO parcels VALUES (1, 'P-1'), (2, 'P-2')") });
        sqlite(m_dir.filePath(QStringLiteral("cama.db")),
               { QStringLiteral("CREATE TABLE cama_parcel (source_id INTEGER PRIMARY KEY, parcel_number TEXT)") });
    }

    void systemsAddShowTest()
    {
        for (const QString &name : { QStringLiteral("pacs"), QStringLiteral("cama") }) {
            const Run added = tfctl({ QStringLiteral("system"), QStringLiteral("add"), QStringLiteral("-") },
                                    QStringLiteral(R"({"name": "%1", "kind": "sqlite", "settings": {"path": "%2"}})")
                                        .arg(name.toUpper(), m_dir.filePath(name + QStringLiteral(".db")))
                                        .toUtf8());
            QVERIFY2(added.exitCode == 0, qPrintable(added.describe()));
        }
        // A PostgreSQL system with a password, on a port where nothing listens.
        const Run secret = tfctl({ QStringLiteral("system"), QStringLiteral("add"), QStringLiteral("-") },
                                 withUrl(R"({"name": "Old CAMA", "kind": "postgres", "settings": {"url": "OLDURL"},
                                     "credentials": {"password": "PASSWORD"}})")
                                     .replace("PASSWORD", kPassword));
        QVERIFY2(secret.exitCode == 0, qPrintable(secret.describe()));

        const Run shown = tfctl({ QStringLiteral("system"), QStringLiteral("show"), QStringLiteral("Old CAMA") });
        QVERIFY2(shown.exitCode == 0, qPrintable(shown.describe()));
        QVERIFY(shown.out.contains("credentials  stored, encrypted (never shown)"));
        QVERIFY(!shown.out.contains(kPassword) && !shown.err.contains(kPassword));
        const Run json = tfctl({ QStringLiteral("system"), QStringLiteral("show"), QStringLiteral("3"), QStringLiteral("--json") });
        QCOMPARE(json.exitCode, 0);
        QCOMPARE(json.json().value(QStringLiteral("has_credentials")).toBool(), true);
        QVERIFY(!json.out.contains(kPassword));

        const Run ok = tfctl({ QStringLiteral("system"), QStringLiteral("test"), QStringLiteral("PACS") });
        QVERIFY2(ok.exitCode == 0, qPrintable(ok.describe()));
        QVERIFY2(ok.out.contains("OK, 1 entities"), qPrintable(ok.describe()));
        const Run down = tfctl({ QStringLiteral("system"), QStringLiteral("test"), QStringLiteral("Old CAMA") });
        QVERIFY2(down.exitCode == 1, qPrintable(down.describe()));
        QVERIFY(down.out.contains("FAILED: "));
        QVERIFY(!down.out.contains(kPassword) && !down.err.contains(kPassword));
    }

    void systemEdit()
    {
        QFile file(m_dir.filePath(QStringLiteral("old.json")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(withUrl(R"({"name": "Old CAMA", "kind": "postgres", "description": "retired",
                      "settings": {"url": "OLDURL"}})"));
        file.close();
        const Run edited = tfctl({ QStringLiteral("system"), QStringLiteral("edit"), QStringLiteral("Old CAMA"), file.fileName() });
        QVERIFY2(edited.exitCode == 0, qPrintable(edited.describe()));
        QVERIFY(edited.out.contains("(credentials kept)"));
        const Run shown = tfctl({ QStringLiteral("system"), QStringLiteral("show"), QStringLiteral("Old CAMA"), QStringLiteral("--json") });
        QCOMPARE(shown.json().value(QStringLiteral("description")).toString(), QStringLiteral("retired"));
        QCOMPARE(shown.json().value(QStringLiteral("has_credentials")).toBool(), true);

        // Validated like add: exit 2, the problem named.
        const Run bad = tfctl({ QStringLiteral("system"), QStringLiteral("edit"), QStringLiteral("Old CAMA"), QStringLiteral("-") },
                              R"({"name": "Old CAMA", "kind": "oracle", "settings": {}})");
        QVERIFY2(bad.exitCode == 2, qPrintable(bad.describe()));
        QVERIFY2(bad.err.contains("kind"), qPrintable(bad.describe()));
        const Run taken = tfctl({ QStringLiteral("system"), QStringLiteral("edit"), QStringLiteral("Old CAMA"), QStringLiteral("-") },
                                withUrl(R"({"name": "PACS", "kind": "postgres", "settings": {"url": "OLDURL"}})"));
        QVERIFY2(taken.exitCode == 2, qPrintable(taken.describe()));
        QVERIFY2(taken.err.contains("a system named \"PACS\" already exists (id 1)"), qPrintable(taken.describe()));
    }

    void pairLifecycle()
    {
        const QByteArray definition = R"({"name": "parcels", "source_system": 1, "target_system": 2, "schedule": "0 2 * * *",
 "entities": [{"name": "parcel", "source": {"entity": "parcels", "key": ["id"]},
   "target": {"entity": "cama_parcel", "key": ["source_id"]},
   "mapping": {"fields": [{"target": "source_id", "source": "id"}, {"target": "parcel_number", "source": "parcel"}]}}]})";
        Run run = tfctl({ QStringLiteral("pair"), QStringLiteral("add"), QStringLiteral("-") }, definition);
        QVERIFY2(run.exitCode == 0, qPrintable(run.describe()));

        run = tfctl({ QStringLiteral("pair"), QStringLiteral("show"), QStringLiteral("parcels") });
        QVERIFY2(run.exitCode == 0, qPrintable(run.describe()));
        QVERIFY(run.out.contains("schedule     0 2 * * *"));
        QVERIFY2(!run.out.contains("next run     -"), "a scheduled pair added by tfctl has its next run");
        QVERIFY(run.out.contains("source       system 1 \"PACS\", parcels"));
        run = tfctl({ QStringLiteral("pair"), QStringLiteral("show"), QStringLiteral("1"), QStringLiteral("--json") });
        QCOMPARE(run.json().value(QStringLiteral("name")).toString(), QStringLiteral("parcels"));

        run = tfctl({ QStringLiteral("pair"), QStringLiteral("test"), QStringLiteral("parcels") });
        QVERIFY2(run.exitCode == 0, qPrintable(run.describe()));
        QVERIFY2(run.out.contains("entity parcel: parcels -> cama_parcel: OK"), qPrintable(run.describe()));

        // The source system is in use: refused, naming the pair.
        run = tfctl({ QStringLiteral("system"), QStringLiteral("remove"), QStringLiteral("PACS") });
        QVERIFY2(run.exitCode == 2, qPrintable(run.describe()));
        QVERIFY2(run.err.contains("is used by sync pair 1 'parcels'"), qPrintable(run.describe()));

        run = tfctl({ QStringLiteral("pair"), QStringLiteral("disable"), QStringLiteral("parcels") });
        QVERIFY2(run.exitCode == 0 && run.out.contains("disabled"), qPrintable(run.describe()));
        run = tfctl({ QStringLiteral("pair"), QStringLiteral("disable"), QStringLiteral("parcels") });
        QVERIFY2(run.out.contains("was already disabled"), qPrintable(run.describe()));
        run = tfctl({ QStringLiteral("pair"), QStringLiteral("enable"), QStringLiteral("1") });
        QCOMPARE(run.exitCode, 0);

        QByteArray renamed = definition;
        renamed.replace("\"parcels\", \"source_system\"", "\"parcels (nightly)\", \"source_system\"");
        run = tfctl({ QStringLiteral("pair"), QStringLiteral("edit"), QStringLiteral("parcels"), QStringLiteral("-") }, renamed);
        QVERIFY2(run.exitCode == 0, qPrintable(run.describe()));
        QByteArray missingSystem = definition;
        missingSystem.replace("\"target_system\": 2", "\"target_system\": 99");
        run = tfctl({ QStringLiteral("pair"), QStringLiteral("edit"), QStringLiteral("1"), QStringLiteral("-") }, missingSystem);
        QVERIFY2(run.exitCode == 2, qPrintable(run.describe()));
        QVERIFY2(run.err.contains("target_system: system 99 does not exist"), qPrintable(run.describe()));

        run = tfctl({ QStringLiteral("pair"), QStringLiteral("remove"), QStringLiteral("parcels (nightly)") });
        QVERIFY2(run.exitCode == 0, qPrintable(run.describe()));
        run = tfctl({ QStringLiteral("system"), QStringLiteral("remove"), QStringLiteral("PACS") });
        QVERIFY2(run.exitCode == 0, qPrintable(run.describe()));
    }

    void badInput()
    {
        Run run = tfctl({ QStringLiteral("system"), QStringLiteral("show") });
        QCOMPARE(run.exitCode, 2);
        QCOMPARE(run.err.trimmed().count('\n'), 0);
        run = tfctl({ QStringLiteral("pair"), QStringLiteral("remove"), QStringLiteral("no-such-pair") });
        QCOMPARE(run.exitCode, 2);
        QVERIFY(run.err.contains("no sync pair with id or name 'no-such-pair'"));
        run = tfctl({ QStringLiteral("system"), QStringLiteral("frobnicate"), QStringLiteral("1") });
        QCOMPARE(run.exitCode, 2);
        QVERIFY(run.err.contains("unknown command 'frobnicate'"));
    }

    void everyChangeAudited()
    {
        // Only the catalog's events (init records its own first).
        const QStringList events = auditEvents().filter(QRegularExpression(QStringLiteral("^(system|sync_pair)\\.|actor")));
        QCOMPARE(events,
                 (QStringList { QStringLiteral("system.created"), QStringLiteral("system.created"), QStringLiteral("system.created"),
                                QStringLiteral("system.updated"), QStringLiteral("sync_pair.created"),
                                QStringLiteral("sync_pair.disabled"), QStringLiteral("sync_pair.enabled"),
                                QStringLiteral("sync_pair.updated"), QStringLiteral("sync_pair.deleted"),
                                QStringLiteral("system.deleted") }));
        const Run verified = tfctl({ QStringLiteral("audit"), QStringLiteral("verify") });
        QVERIFY2(verified.exitCode == 0, qPrintable(verified.describe()));
    }
};

QTEST_GUILESS_MAIN(TestTfctlCatalog)
#include "tst_tfctl_catalog.moc"
