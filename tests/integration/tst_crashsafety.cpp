// The crash-safety invariant (DESIGN.md section 4): after a crash at any point, the next run
// converges to target == transform(source), nothing lost, nothing duplicated, no delete
// missed. Each scenario SIGKILLs a real `tfctl sync run` at 22 points spread over a large
// run while the source keeps changing, runs once more to completion, and compares the
// tortured target row for row with an oracle: a fresh target synced once, without kills,
// from the same final source. The source changes are also checked key by key on their own.
#include "core/errors.h"
#include "crashharness.h"
#include "crashledger.h"
#include "crashmysql.h"
#include "db/connection.h"
#include "db/sqlscript.h"
#include "mariadbserver.h"
#include "testsupport.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

#include <cmath>

using namespace tf;
using namespace tf::test::crash;

namespace {

const char kParcelSource[] = R"sql(
CREATE TABLE parcel (id bigint PRIMARY KEY, code text, owner text, amount numeric(12,2),
    ratio float8, born date, seen timestamptz, active boolean, uid uuid, note text))sql";

// Varied values: NULLs, quotes, tabs, newlines, backslashes, non-ASCII text (COPY must carry
// them); every id 7 mod 1000 has a negative amount and is rejected by validation.
const char kParcelRows[] = R"sql(
INSERT INTO parcel
SELECT i, '  p-' || lpad(i::text, 6, '0') || ' ',
       CASE WHEN i % 11 = 0 THEN NULL
            WHEN i % 5 = 0 THEN ' Owner ' || (i % 977) || E' \u00e9l\u00e8ve "q"\t\\x'
            ELSE 'Owner ' || (i % 977) END,
       CASE WHEN i % 1000 = 7 THEN -1 - (i % 100) ELSE round((i * 37 % 100000) / 100.0, 2) END,
       CASE WHEN i % 9 = 0 THEN NULL ELSE (i % 1000) / 7.0 END,
       date '1900-01-01' + (i * 13 % 45000),
       timestamptz '2020-01-01 00:00:00+00' + i * interval '1 minute 3.5 seconds',
       i % 3 <> 0, md5(i::text)::uuid,
       CASE WHEN i % 13 = 0 THEN E'multi\nline \\ back' WHEN i % 17 = 0 THEN '' ELSE NULL END
FROM generate_series(1, 20000) i)sql";

const char kParcelTarget[] = R"sql(
CREATE TABLE parcel_copy (parcel_id bigint PRIMARY KEY, code text NOT NULL, owner text,
    amount numeric(14,2), ratio float8, born date, seen timestamptz, active boolean, uid uuid,
    note text))sql";

const char kParcelPair[] = R"json({
  "name": "set by the test", "source_system": 1, "target_system": 1, "mode": "hash",
  "invalid_rows": "quarantine", "delete_policy": {"action": "propagate"},
  "entities": [{
    "name": "parcel",
    "source": {"entity": "parcel", "key": ["id"]},
    "target": {"entity": "parcel_copy", "key": ["parcel_id"]},
    "mapping": {"fields": [
      {"target": "parcel_id", "source": "id"},
      {"target": "code", "source": "code", "transform": ["trim", "upper"]},
      {"target": "owner", "source": "owner", "transform": ["trim", {"fn": "default", "args": ["(unknown)"]}]},
      {"target": "amount", "source": "amount", "transform": ["to_decimal", {"fn": "round", "args": [1]}]},
      {"target": "ratio", "source": "ratio"},
      {"target": "born", "source": "born"},
      {"target": "seen", "source": "seen"},
      {"target": "active", "source": "active"},
      {"target": "uid", "source": "uid"},
      {"target": "note", "source": "note"}
    ]},
    "validation": [{"field": "amount", "rule": "min_value", "value": 0}],
    "depends_on": []
  }]
})json";

bool applySqlFile(const QString &url, const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1").arg(path);
        return false;
    }
    try {
        db::Database database(db::DatabaseUrl::parse(url));
        for (const QString &statement : db::splitSqlStatements(QString::fromUtf8(file.readAll())))
            database.execDirect(statement, "creating a schema");
        database.closeThreadConnection();
    } catch (const Error &e) {
        *error = e.message();
        return false;
    }
    return true;
}

bool execAll(const QString &url, const QStringList &statements, QString *error)
{
    try {
        db::Database database(db::DatabaseUrl::parse(url));
        for (const QString &statement : statements)
            database.execDirect(statement, "preparing a scenario");
        database.closeThreadConnection();
    } catch (const Error &e) {
        *error = e.message();
        return false;
    }
    return true;
}

QJsonObject readJson(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(file.readAll()).object() : QJsonObject();
}

QJsonObject system(const QString &name, const QString &url)
{
    const bool postgres = url.startsWith(QLatin1String("postgres"));
    const QJsonObject settings = postgres ? QJsonObject { { QStringLiteral("url"), url } }
                                          : QJsonObject { { QStringLiteral("path"), url.mid(int(qstrlen("sqlite://"))) } };
    return { { QStringLiteral("name"), name }, { QStringLiteral("kind"), postgres ? QStringLiteral("postgres") : QStringLiteral("sqlite") },
             { QStringLiteral("settings"), settings } };
}

QJsonObject pairFor(QJsonObject pair, const QString &name, qint64 source, qint64 target, int batchSize)
{
    pair.insert(QStringLiteral("name"), name);
    pair.insert(QStringLiteral("source_system"), source);
    pair.insert(QStringLiteral("target_system"), target);
    pair.insert(QStringLiteral("batch_size"), batchSize);
    pair.remove(QStringLiteral("schedule"));
    return pair;
}

QString sourceDir()
{
    return qEnvironmentVariable("TF_SOURCE_DIR", QStringLiteral(TF_TEST_SOURCE_DIR));
}

} // namespace

class TestCrashSafety final : public QObject
{
    Q_OBJECT

private:
    // Clean runs of `pairs` in order; the last one's run.
    ToolRun runClean(const Tfctl &tfctl, const QList<qint64> &pairs)
    {
        ToolRun run;
        for (const qint64 pair : pairs) {
            run = tfctl.sync(pair);
            if (run.exitCode != 0 || run.totals().size() != 6)
                QTest::qFail(qPrintable(QStringLiteral("clean run of pair %1 failed: %2").arg(pair).arg(run.describe())),
                             __FILE__, __LINE__);
        }
        return run;
    }

    // The kill loop, then a run to completion and a run that must find nothing to do.
    void tortureThenConverge(const Tfctl &tfctl, const KillPlan &plan, int finalRuns, const QString &title)
    {
        qInfo().noquote() << title << seedDescription(plan.seed) << "- clean initial load" << plan.fullRunMs
                          << "ms, first batch after" << plan.firstProgressMs << "ms";
        KillLoop loop;
        QString error;
        const bool ok = loop.run(tfctl, plan, &error);
        loop.printTable(QStringLiteral("%1: %2 SIGKILLs in %3 runs").arg(title).arg(loop.kills()).arg(loop.points().size()));
        QVERIFY2(ok, qPrintable(error));
        QVERIFY(loop.kills() >= 20);

        for (int i = 0; i < finalRuns; ++i) {
            const ToolRun final = tfctl.sync(plan.pairId);
            qInfo().noquote() << "  run to completion:" << final.summary();
            QVERIFY2(final.exitCode == 0 && final.totals().size() == 6, qPrintable(final.describe()));
        }
        const ToolRun again = tfctl.sync(plan.pairId);
        qInfo().noquote() << "  and once more:    " << again.summary();
        QVERIFY2(again.exitCode == 0, qPrintable(again.describe()));
        const QList<qint64> t = again.totals();
        QVERIFY2(t.size() == 6 && t.at(1) + t.at(2) + t.at(3) == 0,
                 qPrintable(QStringLiteral("a converged pair has nothing left to write: %1").arg(again.summary())));

        // Killed runs cannot mark their operation finished; none may look running forever.
        QCOMPARE(runningOperations(tfctl.dataDir(), plan.pairId, &error), 0);
    }

    static void reportLedger(const Ledger &ledger)
    {
        qInfo().noquote() << QStringLiteral("  source changes: %1 rows updated, %2 deleted, %3 inserted (%4 rows invalid, "
                                            "quarantined): the target holds exactly what the source says")
                                 .arg(ledger.updated.size()).arg(ledger.deleted.size()).arg(ledger.inserted.size())
                                 .arg(ledger.invalid.size());
    }

    void compareWithOracle(const QString &torturedUrl, const QString &oracleUrl, const QString &table,
                           const QString &key, const QStringList &excluded, TableSnapshot *tortured)
    {
        *tortured = snapshot(torturedUrl, table, key, excluded);
        const TableSnapshot oracle = snapshot(oracleUrl, table, key, excluded);
        QVERIFY2(tortured->error.isEmpty() && oracle.error.isEmpty(), qPrintable(tortured->error + oracle.error));
        QVERIFY(!oracle.rows.isEmpty());
        const QStringList duplicates = duplicateKeys(*tortured, key);
        QVERIFY2(duplicates.isEmpty(), qPrintable(QStringLiteral("duplicate keys: ") + duplicates.mid(0, 10).join(u' ')));
        const QString differences = compareSnapshots(*tortured, oracle);
        QVERIFY2(differences.isEmpty(), qPrintable(QStringLiteral("%1 differs from the oracle:\n%2").arg(table, differences)));
        qInfo().noquote() << QStringLiteral("  %1: %2 rows x %3 columns equal to the oracle's")
                                 .arg(table).arg(tortured->rows.size()).arg(tortured->columns.size());
    }

    // The parcels' PostgreSQL oracle: a fresh pair from the same source into `oracleUrl`, run
    // clean; the tortured parcel_copy equals it row for row and holds what the ledger says.
    void oracleAgreesWithTortured(const Tfctl &tfctl, const QJsonObject &definition, qint64 source,
                                  const QString &oracleUrl, const QString &torturedUrl, const Ledger &ledger)
    {
        QString error;
        const qint64 oracle = tfctl.addSystem(system(QStringLiteral("parcels (oracle)"), oracleUrl), &error);
        const qint64 oraclePair = tfctl.addPair(pairFor(definition, QStringLiteral("parcels (oracle)"), source, oracle, 500), &error);
        QVERIFY2(oraclePair > 0, qPrintable(error));
        runClean(tfctl, { oraclePair });
        QVERIFY(!QTest::currentTestFailed());

        TableSnapshot tortured;
        compareWithOracle(torturedUrl, oracleUrl, QStringLiteral("parcel_copy"), QStringLiteral("parcel_id"), {}, &tortured);
        if (QTest::currentTestFailed())
            return;
        const QString problems = checkLedger(tortured, ledger, [](qint64 id) { return QString::number(id); }, QStringLiteral("amount"));
        QVERIFY2(problems.isEmpty(), qPrintable(problems));
        reportLedger(ledger);
    }

    // The PACS demo's values from SQLite into SQLite, batches of 200. `cursor`: the value
    // pair in cursor mode on LastModified, reconciling keys every second run.
    void demoValues(int parcels, bool cursor)
    {
        QTemporaryDir dir;
        const Tfctl tfctl(dir.path());
        const ToolRun installed = tfctl.run({ QStringLiteral("demo"), QStringLiteral("install"), QStringLiteral("--parcels"), QString::number(parcels) });
        QVERIFY2(installed.exitCode == 0, qPrintable(installed.describe()));
        const QString pacsUrl = QStringLiteral("sqlite://") + dir.filePath(QStringLiteral("demo/pacs.db"));
        const QString torturedUrl = QStringLiteral("sqlite://") + dir.filePath(QStringLiteral("demo/cama.db"));
        const QString measureUrl = QStringLiteral("sqlite://") + dir.filePath(QStringLiteral("measure.db"));
        const QString oracleUrl = QStringLiteral("sqlite://") + dir.filePath(QStringLiteral("oracle.db"));
        const QString schema = sourceDir() + QStringLiteral("/resources/demo/cama_sqlite.sql");
        const QJsonObject propertyPair = readJson(sourceDir() + QStringLiteral("/resources/demo/pairs/property.json"));
        QJsonObject valuePair = readJson(sourceDir() + QStringLiteral("/resources/demo/pairs/value.json"));
        QVERIFY(!propertyPair.isEmpty() && !valuePair.isEmpty());
        if (cursor) {
            valuePair.insert(QStringLiteral("mode"), QStringLiteral("cursor"));
            valuePair.insert(QStringLiteral("cursor"), QJsonObject { { QStringLiteral("column"), QStringLiteral("LastModified") },
                                                                     { QStringLiteral("reconcile_every"), 2 } });
        }

        // The demo registered PACS as system 1 and CAMA as system 2.
        QString error;
        const auto addPairs = [&](qint64 target, const QString &suffix, qint64 *property, qint64 *value) {
            *property = tfctl.addPair(pairFor(propertyPair, QStringLiteral("crash properties ") + suffix, 1, target, 200), &error);
            *value = tfctl.addPair(pairFor(valuePair, QStringLiteral("crash values ") + suffix, 1, target, 200), &error);
        };
        qint64 property = 0, value = 0, measureProperty = 0, measureValue = 0;
        addPairs(2, QStringLiteral("(tortured)"), &property, &value);
        QVERIFY2(applySqlFile(measureUrl, schema, &error), qPrintable(error));
        const qint64 measureSystem = tfctl.addSystem(system(QStringLiteral("CAMA (measure)"), measureUrl), &error);
        addPairs(measureSystem, QStringLiteral("(measure)"), &measureProperty, &measureValue);
        QVERIFY2(value > 0 && measureValue > 0, qPrintable(error));

        runClean(tfctl, { property, measureProperty });
        const ToolRun measured = runClean(tfctl, { measureValue });
        QVERIFY(!QTest::currentTestFailed());

        Ledger ledger;
        QSet<qint64> broken;
        const QJsonObject summary = readJson(dir.filePath(QStringLiteral("demo/demo-summary.json")));
        for (const QJsonValue &row : summary.value(QStringLiteral("broken_rows")).toArray()) {
            if (row[QStringLiteral("table")].toString() == QLatin1String("PropertyValue"))
                broken.insert(row[QStringLiteral("key")].toString().toLongLong());
        }
        const SourceSql sql {
            pacsUrl, QStringLiteral("SELECT ValueID FROM PropertyValue"),
            QStringLiteral("UPDATE PropertyValue SET AssessedValue = ?, LastModified = ? WHERE ValueID = ?"),
            QStringLiteral("DELETE FROM PropertyValue WHERE ValueID = ?"),
            QStringLiteral("INSERT INTO PropertyValue (ValueID, AssessedValue, LastModified, PropertyID, TaxYear, MarketValue, "
                           "LandValue, ImprovementValue) SELECT ?, ?, ?, PropertyID, 2031, 250000, 50000, 200000 "
                           "FROM PropertyValue WHERE ValueID = ?"),
        };
        loadLedger(sql, broken, &ledger);

        KillPlan plan;
        plan.pairId = value;
        plan.seed = seedFor(cursor ? "sqlite-values-cursor" : "sqlite-values");
        plan.fullRunMs = measured.elapsedMs;
        plan.firstProgressMs = measured.firstProgressMs;
        plan.mutate = mutation(sql, &ledger, 800, 15, 15);
        // Cursor mode finds deletes when it reconciles: two runs make sure one of them does.
        tortureThenConverge(tfctl, plan, cursor ? 2 : 1,
                            QStringLiteral("SQLite -> SQLite, %1 PACS values (%2 mode, batches of 200)")
                                .arg(ledger.live.size()).arg(cursor ? QStringLiteral("cursor") : QStringLiteral("hash")));
        if (QTest::currentTestFailed())
            return;

        // The oracle: a fresh CAMA synced once from the final source.
        QVERIFY2(applySqlFile(oracleUrl, schema, &error), qPrintable(error));
        const qint64 oracleSystem = tfctl.addSystem(system(QStringLiteral("CAMA (oracle)"), oracleUrl), &error);
        qint64 oracleProperty = 0, oracleValue = 0;
        addPairs(oracleSystem, QStringLiteral("(oracle)"), &oracleProperty, &oracleValue);
        QVERIFY2(oracleValue > 0, qPrintable(error));
        runClean(tfctl, { oracleProperty, oracleValue });
        QVERIFY(!QTest::currentTestFailed());

        TableSnapshot tortured;
        compareWithOracle(torturedUrl, oracleUrl, QStringLiteral("cama_value"), QStringLiteral("source_id"), { QStringLiteral("id") }, &tortured);
        if (QTest::currentTestFailed())
            return;
        // uuid_from("value") of the ValueID, as the mapping derives it.
        const QUuid valueNamespace = QUuid::createUuidV5(QUuid(QStringLiteral("6f1c2a3e-5b7d-4c8e-9a0f-7e3d2b1c4a59")), QStringLiteral("value"));
        const auto targetKey = [&](qint64 id) {
            return QUuid::createUuidV5(valueNamespace, QByteArray::number(id)).toString(QUuid::WithoutBraces);
        };
        const QString problems = checkLedger(tortured, ledger, targetKey, QStringLiteral("assessed_value"));
        QVERIFY2(problems.isEmpty(), qPrintable(problems));
        reportLedger(ledger);
        if (cursor)
            cursorSeesLaterChanges(tfctl, value, plan.mutate, torturedUrl, targetKey, &ledger);
    }

    // Two more rounds of changes, one run each: with reconcile_every 2 one of the two runs is
    // not a reconciliation, so its cursor read alone must bring every change.
    void cursorSeesLaterChanges(const Tfctl &tfctl, qint64 pair, const Mutation &mutate, const QString &targetUrl,
                                const std::function<QString(qint64)> &targetKey, Ledger *ledger)
    {
        QRandomGenerator random(7);
        for (int round = 1; round <= 2; ++round) {
            mutate(round * 4 + 1, random); // not a multiple of 4: no invalid row
            const ToolRun run = tfctl.sync(pair);
            QVERIFY2(run.exitCode == 0, qPrintable(run.describe()));
            const TableSnapshot target = snapshot(targetUrl, QStringLiteral("cama_value"), QStringLiteral("source_id"), { QStringLiteral("id") });
            const QString problems = checkLedger(target, *ledger, targetKey, QStringLiteral("assessed_value"), false);
            QVERIFY2(problems.isEmpty(), qPrintable(QStringLiteral("cursor run %1 after 800 updates and 15 inserts (%2) "
                                                                   "missed changes:\n%3").arg(round).arg(run.summary(), problems)));
        }
    }

    // 20,000 parcels from PostgreSQL into PostgreSQL, batches of 500, hash or cursor mode.
    void parcelsPostgres(bool cursor)
    {
        const QString sourceUrl = test::createScratchPostgresDatabase(QStringLiteral("crash_source"));
        TF_REQUIRE_POSTGRES(sourceUrl);
        const QString torturedUrl = test::createScratchPostgresDatabase(QStringLiteral("crash_target"));
        const QString measureUrl = test::createScratchPostgresDatabase(QStringLiteral("crash_measure"));
        QString error;
        QVERIFY2(execAll(sourceUrl, { QString::fromLatin1(kParcelSource), QString::fromLatin1(kParcelRows) }, &error), qPrintable(error));
        for (const QString &url : { torturedUrl, measureUrl })
            QVERIFY2(execAll(url, { QString::fromLatin1(kParcelTarget) }, &error), qPrintable(error));

        QTemporaryDir dir;
        const Tfctl tfctl(dir.path());
        const qint64 source = tfctl.addSystem(system(QStringLiteral("parcels (source)"), sourceUrl), &error);
        const qint64 target = tfctl.addSystem(system(QStringLiteral("parcels (tortured)"), torturedUrl), &error);
        const qint64 measure = tfctl.addSystem(system(QStringLiteral("parcels (measure)"), measureUrl), &error);
        QJsonObject definition = QJsonDocument::fromJson(kParcelPair).object();
        QVERIFY(!definition.isEmpty());
        if (cursor) {
            definition.insert(QStringLiteral("mode"), QStringLiteral("cursor"));
            definition.insert(QStringLiteral("cursor"), QJsonObject { { QStringLiteral("column"), QStringLiteral("seen") },
                                                                      { QStringLiteral("reconcile_every"), 2 } });
        }
        const qint64 pair = tfctl.addPair(pairFor(definition, QStringLiteral("parcels (tortured)"), source, target, 500), &error);
        const qint64 measurePair = tfctl.addPair(pairFor(definition, QStringLiteral("parcels (measure)"), source, measure, 500), &error);
        QVERIFY2(pair > 0 && measurePair > 0, qPrintable(error));
        const ToolRun measured = runClean(tfctl, { measurePair });
        QVERIFY(!QTest::currentTestFailed());
        QCOMPARE(measured.totals().value(5), qint64(20)); // the rows with a negative amount

        const SourceSql sql {
            sourceUrl, QStringLiteral("SELECT id FROM parcel"),
            QStringLiteral("UPDATE parcel SET amount = ?, seen = CAST(? AS timestamptz), owner = upper(owner) WHERE id = ?"),
            QStringLiteral("DELETE FROM parcel WHERE id = ?"),
            QStringLiteral("INSERT INTO parcel (id, amount, seen, code, owner, ratio, born, active, uid, note) "
                           "SELECT ?, ?, CAST(? AS timestamptz), code || '-new', owner, ratio, born, NOT active, uid, "
                           "'inserted' FROM parcel WHERE id = ?"),
        };
        QSet<qint64> negative;
        for (qint64 id = 7; id <= 20000; id += 1000)
            negative.insert(id);
        Ledger ledger;
        loadLedger(sql, negative, &ledger);

        KillPlan plan;
        plan.pairId = pair;
        plan.seed = seedFor(cursor ? "postgres-parcels-cursor" : "postgres-parcels");
        plan.fullRunMs = measured.elapsedMs;
        plan.firstProgressMs = measured.firstProgressMs;
        plan.mutate = mutation(sql, &ledger, 1500, 20, 20);
        // Cursor mode finds deletes when it reconciles: two runs make sure one of them does.
        tortureThenConverge(tfctl, plan, cursor ? 2 : 1,
                            QStringLiteral("PostgreSQL -> PostgreSQL, parcels (%1 mode, batches of 500)")
                                .arg(cursor ? QStringLiteral("cursor") : QStringLiteral("hash")));
        if (QTest::currentTestFailed())
            return;

        const QString oracleUrl = test::createScratchPostgresDatabase(QStringLiteral("crash_oracle"));
        QVERIFY2(execAll(oracleUrl, { QString::fromLatin1(kParcelTarget) }, &error), qPrintable(error));
        oracleAgreesWithTortured(tfctl, definition, source, oracleUrl, torturedUrl, ledger);
    }

private Q_SLOTS:
    // ~20,700 rows in hash mode.
    void demoValuesSqliteToSqlite()
    {
        const int parcels = qEnvironmentVariableIntValue("TF_CRASH_PARCELS");
        demoValues(parcels > 0 ? parcels : 4000, false);
    }

    // ~10,000 rows in cursor mode: the checkpoint must never run ahead of the data.
    void demoValuesCursorMode() { demoValues(2000, true); }

    // 20,000 rows of varied types from PostgreSQL into PostgreSQL (COPY + ON CONFLICT).
    void parcelsPostgresToPostgres() { parcelsPostgres(false); }
    // The same in cursor mode on `seen`, reconciling keys every second run: the first run is a
    // first load (a full one, then a checkpoint), and kills land in it as in the cursor runs.
    void parcelsPostgresToPostgresCursorMode() { parcelsPostgres(true); }
    // The same 20,000 parcels from PostgreSQL into MariaDB (multi-row ON DUPLICATE KEY UPDATE,
    // DELETE ... JOIN, state in the same InnoDB transaction), killed at 22 points.
    void parcelsPostgresToMariaDb()
    {
        const QString sourceUrl = test::createScratchPostgresDatabase(QStringLiteral("crash_source"));
        TF_REQUIRE_POSTGRES(sourceUrl);
        test::MariaDbServer server;
        TF_START_MARIADB(server);
        QString error;
        QVERIFY2(execAll(sourceUrl, { QString::fromLatin1(kParcelSource), QString::fromLatin1(kParcelRows) }, &error), qPrintable(error));
        for (const QString &database : { QStringLiteral("tortured"), QStringLiteral("measure"), QStringLiteral("oracle") }) {
            QVERIFY2(server.createDatabase(database) && server.exec(database, QString::fromLatin1(kParcelMysqlTarget)),
                     qPrintable(server.error()));
        }

        QTemporaryDir dir;
        const Tfctl tfctl(dir.path());
        const qint64 source = tfctl.addSystem(system(QStringLiteral("parcels (source)"), sourceUrl), &error);
        const qint64 target = tfctl.addSystem(mysqlSystem(QStringLiteral("parcels (tortured)"), server.port(), QStringLiteral("tortured")), &error);
        const qint64 measure = tfctl.addSystem(mysqlSystem(QStringLiteral("parcels (measure)"), server.port(), QStringLiteral("measure")), &error);
        QVERIFY2(source > 0 && target > 0 && measure > 0, qPrintable(error));
        const QJsonObject definition = QJsonDocument::fromJson(kParcelPair).object();
        const qint64 pair = tfctl.addPair(pairFor(definition, QStringLiteral("parcels (tortured)"), source, target, 500), &error);
        const qint64 measurePair = tfctl.addPair(pairFor(definition, QStringLiteral("parcels (measure)"), source, measure, 500), &error);
        QVERIFY2(pair > 0 && measurePair > 0, qPrintable(error));
        const ToolRun measured = runClean(tfctl, { measurePair });
        QVERIFY(!QTest::currentTestFailed());
        QCOMPARE(measured.totals().value(5), qint64(20)); // the rows with a negative amount

        const SourceSql sql {
            sourceUrl, QStringLiteral("SELECT id FROM parcel"),
            QStringLiteral("UPDATE parcel SET amount = ?, seen = CAST(? AS timestamptz), owner = upper(owner) WHERE id = ?"),
            QStringLiteral("DELETE FROM parcel WHERE id = ?"),
            QStringLiteral("INSERT INTO parcel (id, amount, seen, code, owner, ratio, born, active, uid, note) "
                           "SELECT ?, ?, CAST(? AS timestamptz), code || '-new', owner, ratio, born, NOT active, uid, "
                           "'inserted' FROM parcel WHERE id = ?"),
        };
        QSet<qint64> negative;
        for (qint64 id = 7; id <= 20000; id += 1000)
            negative.insert(id);
        Ledger ledger;
        loadLedger(sql, negative, &ledger);

        KillPlan plan;
        plan.pairId = pair;
        plan.seed = seedFor("mariadb-parcels");
        plan.fullRunMs = measured.elapsedMs;
        plan.firstProgressMs = measured.firstProgressMs;
        plan.mutate = mutation(sql, &ledger, 1500, 20, 20);
        tortureThenConverge(tfctl, plan, 1, QStringLiteral("PostgreSQL -> MariaDB, parcels (hash mode, batches of 500)"));
        if (QTest::currentTestFailed())
            return;

        const qint64 oracle = tfctl.addSystem(mysqlSystem(QStringLiteral("parcels (oracle)"), server.port(), QStringLiteral("oracle")), &error);
        const qint64 oraclePair = tfctl.addPair(pairFor(definition, QStringLiteral("parcels (oracle)"), source, oracle, 500), &error);
        QVERIFY2(oraclePair > 0, qPrintable(error));
        runClean(tfctl, { oraclePair });
        QVERIFY(!QTest::currentTestFailed());

        const TableSnapshot tortured = mysqlSnapshot(server.port(), QStringLiteral("tortured"), QStringLiteral("parcel_copy"), QStringLiteral("parcel_id"));
        const TableSnapshot oracleRows = mysqlSnapshot(server.port(), QStringLiteral("oracle"), QStringLiteral("parcel_copy"), QStringLiteral("parcel_id"));
        QVERIFY2(tortured.error.isEmpty() && oracleRows.error.isEmpty(), qPrintable(tortured.error + oracleRows.error));
        QVERIFY(!oracleRows.rows.isEmpty());
        const QStringList duplicates = duplicateKeys(tortured, QStringLiteral("parcel_id"));
        QVERIFY2(duplicates.isEmpty(), qPrintable(QStringLiteral("duplicate keys: ") + duplicates.mid(0, 10).join(u' ')));
        const QString differences = compareSnapshots(tortured, oracleRows);
        QVERIFY2(differences.isEmpty(), qPrintable(QStringLiteral("parcel_copy differs from the oracle:\n%1").arg(differences)));
        qInfo().noquote() << QStringLiteral("  parcel_copy: %1 rows x %2 columns equal to the oracle's")
                                 .arg(tortured.rows.size()).arg(tortured.columns.size());
        const QString problems = checkLedger(tortured, ledger, [](qint64 id) { return QString::number(id); }, QStringLiteral("amount"));
        QVERIFY2(problems.isEmpty(), qPrintable(problems));
        reportLedger(ledger);
    }

    // 20,000 parcels from MariaDB into PostgreSQL (keyset pages, block hashes computed by
    // MariaDB, COPY into the target), the MariaDB source changing between 22 SIGKILLs of tfctl.
    void parcelsMariaDbToPostgres()
    {
        const QString torturedUrl = test::createScratchPostgresDatabase(QStringLiteral("crash_target"));
        TF_REQUIRE_POSTGRES(torturedUrl);
        const QString measureUrl = test::createScratchPostgresDatabase(QStringLiteral("crash_measure"));
        const QString oracleUrl = test::createScratchPostgresDatabase(QStringLiteral("crash_oracle"));
        test::MariaDbServer server;
        TF_START_MARIADB(server);
        QString error;
        QVERIFY2(server.createDatabase(QStringLiteral("pacs")) && server.exec(QStringLiteral("pacs"), QString::fromLatin1(kParcelMysqlSource))
                     && server.exec(QStringLiteral("pacs"), QStringLiteral("SET SESSION max_recursive_iterations = 20000"))
                     && server.exec(QStringLiteral("pacs"), QString::fromUtf8(kParcelMysqlRows)),
                 qPrintable(server.error()));
        for (const QString &url : { torturedUrl, measureUrl, oracleUrl })
            QVERIFY2(execAll(url, { QString::fromLatin1(kParcelTargetOfMysql) }, &error), qPrintable(error));

        QTemporaryDir dir;
        const Tfctl tfctl(dir.path());
        const qint64 source = tfctl.addSystem(mysqlSystem(QStringLiteral("parcels (MariaDB source)"), server.port(), QStringLiteral("pacs")), &error);
        const qint64 target = tfctl.addSystem(system(QStringLiteral("parcels (tortured)"), torturedUrl), &error);
        const qint64 measure = tfctl.addSystem(system(QStringLiteral("parcels (measure)"), measureUrl), &error);
        QVERIFY2(source > 0 && target > 0 && measure > 0, qPrintable(error));
        // TINYINT(1) is an integer in MariaDB: the pair makes it a boolean.
        const QByteArray pairText = QByteArray(kParcelPair).replace(R"({"target": "active", "source": "active"})",
                                                                     R"({"target": "active", "source": "active", "transform": ["to_bool"]})");
        const QJsonObject definition = QJsonDocument::fromJson(pairText).object();
        QVERIFY(pairText.contains("to_bool") && !definition.isEmpty());
        const qint64 pair = tfctl.addPair(pairFor(definition, QStringLiteral("parcels (tortured)"), source, target, 500), &error);
        const qint64 measurePair = tfctl.addPair(pairFor(definition, QStringLiteral("parcels (measure)"), source, measure, 500), &error);
        QVERIFY2(pair > 0 && measurePair > 0, qPrintable(error));
        const ToolRun measured = runClean(tfctl, { measurePair });
        QVERIFY(!QTest::currentTestFailed());
        QCOMPARE(measured.totals().value(5), qint64(20)); // the rows with a negative amount

        const SourceSql sql {
            QString(), QStringLiteral("SELECT id FROM parcel"),
            QStringLiteral("UPDATE parcel SET amount = ?, seen = ?, owner = UPPER(owner) WHERE id = ?"),
            QStringLiteral("DELETE FROM parcel WHERE id = ?"),
            QStringLiteral("INSERT INTO parcel (id, amount, seen, code, owner, ratio, born, active, uid, note) "
                           "SELECT ?, ?, ?, CONCAT(code, '-new'), owner, ratio, born, NOT active, uid, 'inserted' "
                           "FROM parcel WHERE id = ?"),
            server.rootConnection(QStringLiteral("pacs")),
        };
        QSet<qint64> negative;
        for (qint64 id = 7; id <= 20000; id += 1000)
            negative.insert(id);
        Ledger ledger;
        loadLedger(sql, negative, &ledger);
        QCOMPARE(ledger.live.size(), 20000);

        KillPlan plan;
        plan.pairId = pair;
        plan.seed = seedFor("mariadb-source-parcels");
        plan.fullRunMs = measured.elapsedMs;
        plan.firstProgressMs = measured.firstProgressMs;
        plan.mutate = mutation(sql, &ledger, 1500, 20, 20);
        tortureThenConverge(tfctl, plan, 1, QStringLiteral("MariaDB -> PostgreSQL, parcels (hash mode, batches of 500)"));
        if (QTest::currentTestFailed())
            return;

        oracleAgreesWithTortured(tfctl, definition, source, oracleUrl, torturedUrl, ledger);
    }
};

QTEST_GUILESS_MAIN(TestCrashSafety)
#include "tst_crashsafety.moc"
