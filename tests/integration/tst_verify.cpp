// Verify and repair (issue 11): rows changed behind the engine's back, in the target and in
// the source, are reported exactly (counts and keys), by the checksum bisection between two
// PostgreSQL databases and by the streaming merge; --repair makes a second verify report
// zero, leaves the target equal to the source by PostgreSQL's own comparison, and keeps the
// sync state in step (the next hash run writes nothing).
#include "db/connection.h"
#include "db/controldatabase.h"
#include "sync/connectors/controldbstatestore.h"
#include "sync/connectors/postgresconnector.h"
#include "sync/connectors/sqliteconnector.h"
#include "sync/engine/quarantinestore.h"
#include "sync/engine/syncrunner.h"
#include "sync/verify/verifyrunner.h"
#include "pgsyncworld.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

using namespace tf::sync;
using namespace Qt::StringLiterals;

namespace {

const QString kSrc = u"verify src"_s;
const QString kDst = u"verify dst"_s;
constexpr int kRows = 20000; // several levels of bisection (RangeBisector::kLeafRows is 4096)

QString describe(const RunResult &result)
{
    return QString::fromUtf8(QJsonDocument(result.toJson()).toJson(QJsonDocument::Compact));
}

QStringList strings(const QJsonValue &array)
{
    QStringList list;
    for (const QJsonValue &value : array.toArray())
        list << (value.isObject() ? value.toObject().value(u"key"_s).toString() : value.toString());
    list.sort();
    return list;
}

QStringList sorted(QStringList list)
{
    list.sort();
    return list;
}

} // namespace

class TestVerify final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void identicalTablesCostOneChecksumPerSide();
    void checksumReportsExactlyTheRowsChangedBehindTheEngine();
    void mergeReportsExactlyTheRowsChangedBehindTheEngine();
    void textKeysBisectByteWise();
    void changesNativeHashesWouldMissAreFound();
    void sqliteTargetIsComparedByMerge();
    void invalidSourceRowsAreNoDifference();
    void missingTargetTableIsReported();
    void unknownEntityIsRejected();

private:
    void sql(const QString &statement) { m_world.admin->execDirect(statement, "test setup"); }
    void createTables(const QString &name, const QString &keyType = u"int8"_s);
    void fill(const QString &name, int rows);
    PairSpec pair(const QString &name, bool transform = false) const;
    RunResult sync(const PairSpec &spec, TargetConnector &target, bool full = false);
    RunResult verify(const PairSpec &spec, TargetConnector &target, SourceConnector &reader, bool repair,
                     const QString &entity = {});
    qint64 differences(const QString &name);
    // The changes of the "done when": updated, deleted and inserted directly in the
    // target and in the source. Returns the keys verify must report, per kind.
    struct Expected
    {
        QStringList missing, extra, different;
    };
    Expected changeBehindTheEngine(const QString &name);
    void checkReport(const RunResult &result, const Expected &expected, const QString &method);

    QString m_url;
    tf::test::PgSyncWorld m_world;
    std::unique_ptr<ControlDbStateStore> m_controlState;
};

void TestVerify::initTestCase()
{
    m_url = tf::test::createScratchPostgresDatabase(u"tfver"_s);
    TF_REQUIRE_POSTGRES(m_url);
    QVERIFY(m_world.open(m_url, kSrc, kDst));
    m_controlState = std::make_unique<ControlDbStateStore>(m_world.control->database());
}

void TestVerify::cleanupTestCase()
{
    m_controlState.reset();
    m_world.close();
}

void TestVerify::createTables(const QString &name, const QString &keyType)
{
    for (const QString &schema : { kSrc, kDst }) {
        sql(u"CREATE TABLE \"%1\".\"%2\" (id %3 PRIMARY KEY, val numeric(12,2), note text,"
            " seen timestamptz)"_s.arg(schema, name, keyType));
    }
}

void TestVerify::fill(const QString &name, int rows)
{
    sql(u"INSERT INTO \"%1\".\"%2\" SELECT g, g * 1.25, 'row ' || g,"
        " TIMESTAMPTZ '2020-01-01 00:00:00.000001+00' + g * INTERVAL '1 second'"
        " FROM generate_series(1, %3) AS g"_s.arg(kSrc, name).arg(rows));
}

PairSpec TestVerify::pair(const QString &name, bool transform) const
{
    EntitySpec entity;
    entity.name = name;
    entity.sourceEntity = name;
    entity.sourceKey = { u"id"_s };
    entity.targetEntity = name;
    entity.targetKey = { u"id"_s };
    QJsonArray fields;
    for (const QString &column : { u"id"_s, u"val"_s, u"note"_s, u"seen"_s }) {
        QJsonObject field { { u"target"_s, column }, { u"source"_s, column } };
        if (transform && column == u"note"_s)
            field.insert(u"transform"_s, QJsonArray { u"upper"_s });
        fields.append(field);
    }
    entity.mapping = QJsonObject { { u"fields"_s, fields } };
    entity.mode = ChangeMode::Hash;
    PairSpec spec;
    spec.pairId = name;
    spec.sourceSystem = name + u"-source"_s;
    spec.targetSystem = name + u"-target"_s;
    spec.batchSize = 1000;
    spec.entities = { entity };
    return spec;
}

RunResult TestVerify::sync(const PairSpec &spec, TargetConnector &target, bool full)
{
    SyncRunner runner(spec, *m_world.src, target, *m_world.quarantine, DetachedStateStore::of(*m_controlState));
    RunOptions options;
    options.forceFull = full;
    return runner.run(options);
}

RunResult TestVerify::verify(const PairSpec &spec, TargetConnector &target, SourceConnector &reader,
                             bool repair, const QString &entity)
{
    VerifyRunner runner(spec, *m_world.src, target, reader, *m_world.quarantine, DetachedStateStore::of(*m_controlState));
    VerifyOptions options;
    options.repair = repair;
    options.entity = entity;
    return runner.run(options);
}

qint64 TestVerify::differences(const QString &name)
{
    // PostgreSQL's own comparison, not our row model: rows of either side with no equal row
    // on the other.
    QSqlQuery query = m_world.admin->prepare(
        u"SELECT (SELECT count(*) FROM (SELECT * FROM \"%1\".\"%3\" EXCEPT SELECT * FROM \"%2\".\"%3\") a)"
        " + (SELECT count(*) FROM (SELECT * FROM \"%2\".\"%3\" EXCEPT SELECT * FROM \"%1\".\"%3\") b)"_s
            .arg(kSrc, kDst, name));
    m_world.admin->exec(query, "comparing");
    return query.next() ? query.value(0).toLongLong() : -1;
}

TestVerify::Expected TestVerify::changeBehindTheEngine(const QString &name)
{
    const auto at = [&](const QString &schema) { return u"\"%1\".\"%2\""_s.arg(schema, name); };
    // In the target: 3 updated (one to NULL), 2 deleted, 1 inserted.
    sql(u"UPDATE %1 SET val = val + 0.01 WHERE id IN (17, 9000)"_s.arg(at(kDst)));
    sql(u"UPDATE %1 SET note = NULL WHERE id = 19999"_s.arg(at(kDst)));
    sql(u"DELETE FROM %1 WHERE id IN (1, 12345)"_s.arg(at(kDst)));
    sql(u"INSERT INTO %1 VALUES (900001, 1, 'stray', NULL)"_s.arg(at(kDst)));
    // In the source: 2 updated (microseconds only, and a value), 1 deleted, 2 inserted.
    sql(u"UPDATE %1 SET seen = seen + INTERVAL '1 microsecond' WHERE id = 4242"_s.arg(at(kSrc)));
    sql(u"UPDATE %1 SET val = 0 WHERE id = 15000"_s.arg(at(kSrc)));
    sql(u"DELETE FROM %1 WHERE id = 777"_s.arg(at(kSrc)));
    sql(u"INSERT INTO %1 VALUES (800001, 2, 'new', NULL), (800002, 3, 'new', NULL)"_s.arg(at(kSrc)));
    return { sorted({ u"1"_s, u"12345"_s, u"800001"_s, u"800002"_s }),
             sorted({ u"900001"_s, u"777"_s }),
             sorted({ u"17"_s, u"9000"_s, u"19999"_s, u"4242"_s, u"15000"_s }) };
}

void TestVerify::checkReport(const RunResult &result, const Expected &expected, const QString &method)
{
    QVERIFY2(result.status == RunStatus::Completed, qPrintable(describe(result)));
    const QJsonObject entity = result.verify.value(u"entities"_s).toArray().at(0).toObject();
    QCOMPARE(entity.value(u"method"_s).toString(), method);
    QCOMPARE(strings(entity.value(u"missing_keys"_s)), expected.missing);
    QCOMPARE(strings(entity.value(u"extra_keys"_s)), expected.extra);
    QCOMPARE(strings(entity.value(u"different_keys"_s)), expected.different);
    QCOMPARE(entity.value(u"missing"_s).toInteger(), expected.missing.size());
    QCOMPARE(entity.value(u"extra"_s).toInteger(), expected.extra.size());
    QCOMPARE(entity.value(u"different"_s).toInteger(), expected.different.size());
    QCOMPARE(result.verify.value(u"differences"_s).toInteger(),
             expected.missing.size() + expected.extra.size() + expected.different.size());
}

void TestVerify::identicalTablesCostOneChecksumPerSide()
{
    const QString name = u"identical"_s;
    createTables(name);
    fill(name, kRows);
    const PairSpec spec = pair(name);
    const RunResult first = sync(spec, *m_world.dst);
    QVERIFY2(first.status == RunStatus::Completed, qPrintable(describe(first)));
    const RunResult result = verify(spec, *m_world.dst, *m_world.dst, false);
    QVERIFY2(result.status == RunStatus::Completed, qPrintable(describe(result)));
    const QJsonObject entity = result.verify.value(u"entities"_s).toArray().at(0).toObject();
    QCOMPARE(entity.value(u"method"_s).toString(), u"checksum"_s);
    QCOMPARE(entity.value(u"source_rows"_s).toInteger(), kRows);
    QCOMPARE(entity.value(u"target_rows"_s).toInteger(), kRows);
    QCOMPARE(entity.value(u"matching"_s).toInteger(), kRows);
    QCOMPARE(entity.value(u"rows_fetched"_s).toInteger(), 0); // no row left either server
    QCOMPARE(result.verify.value(u"differences"_s).toInteger(), 0);
}

void TestVerify::checksumReportsExactlyTheRowsChangedBehindTheEngine()
{
    const QString name = u"checksum"_s;
    createTables(name);
    fill(name, kRows);
    const PairSpec spec = pair(name);
    QCOMPARE(sync(spec, *m_world.dst, true).status, RunStatus::Completed);
    const Expected expected = changeBehindTheEngine(name);

    const RunResult found = verify(spec, *m_world.dst, *m_world.dst, false);
    checkReport(found, expected, u"checksum"_s);
    const QJsonObject entity = found.verify.value(u"entities"_s).toArray().at(0).toObject();
    // Only the differing ranges' rows crossed the network.
    QVERIFY2(entity.value(u"rows_fetched"_s).toInteger() < kRows / 2, qPrintable(describe(found)));
    // The columns that differ are named.
    for (const QJsonValue &value : entity.value(u"different_keys"_s).toArray()) {
        const QJsonObject different = value.toObject();
        const QString key = different.value(u"key"_s).toString();
        const QStringList columns = different.value(u"columns"_s).toVariant().toStringList();
        const QStringList want = key == u"19999"_s ? QStringList { u"note"_s }
            : key == u"4242"_s                     ? QStringList { u"seen"_s }
                                                   : QStringList { u"val"_s };
        QCOMPARE(columns, want);
    }
    QCOMPARE(differences(name), 16); // 4 missing + 2 extra + 5 different, counted once per side

    const RunResult repaired = verify(spec, *m_world.dst, *m_world.dst, true);
    checkReport(repaired, expected, u"checksum"_s);
    QCOMPARE(repaired.verify.value(u"repaired"_s).toBool(), true);
    QCOMPARE(repaired.verify.value(u"differences_after_repair"_s).toInteger(), 0);
    QCOMPARE(repaired.totals.inserted, 4);
    QCOMPARE(repaired.totals.updated, 5);
    QCOMPARE(repaired.totals.deleted, 2);
    QCOMPARE(differences(name), 0);
    QCOMPARE(verify(spec, *m_world.dst, *m_world.dst, false).verify.value(u"differences"_s).toInteger(), 0);

    // The state moved with the repair: the next hash run finds the target in step, except the
    // source row deleted behind its back, whose state it still holds (the row is gone already).
    const RunResult next = sync(spec, *m_world.dst);
    QVERIFY2(next.status == RunStatus::Completed, qPrintable(describe(next)));
    QCOMPARE(next.totals.inserted, 0);
    QCOMPARE(next.totals.updated, 0);
    QCOMPARE(differences(name), 0);
}

void TestVerify::mergeReportsExactlyTheRowsChangedBehindTheEngine()
{
    const QString name = u"merged"_s;
    createTables(name);
    fill(name, kRows);
    // The mapping computes a column, so only the engine can tell what the target should hold.
    const PairSpec spec = pair(name, true);
    QCOMPARE(sync(spec, *m_world.dst, true).status, RunStatus::Completed);
    const Expected expected = changeBehindTheEngine(name);
    checkReport(verify(spec, *m_world.dst, *m_world.dst, false), expected, u"merge"_s);
    const RunResult repaired = verify(spec, *m_world.dst, *m_world.dst, true);
    checkReport(repaired, expected, u"merge"_s);
    QCOMPARE(repaired.verify.value(u"differences_after_repair"_s).toInteger(), 0);
    QCOMPARE(verify(spec, *m_world.dst, *m_world.dst, false).verify.value(u"differences"_s).toInteger(), 0);
}

void TestVerify::textKeysBisectByteWise()
{
    const QString name = u"text keys"_s;
    createTables(name, u"text"_s);
    // Upper and lower case, accents and digits: orders differ between collations, and the
    // ranges both sides checksum must still hold the same rows.
    sql(u"INSERT INTO \"%1\".\"%2\" SELECT k, g, 'n', NULL FROM (SELECT g, (ARRAY['a','B','é','Z','0'])[1 + g %% 5]"
        " || g AS k FROM generate_series(1, 12000) AS g) s"_s.arg(kSrc, name).replace(u"%%"_s, u"%"_s));
    const PairSpec spec = pair(name);
    QCOMPARE(sync(spec, *m_world.dst, true).status, RunStatus::Completed);
    sql(u"UPDATE \"%1\".\"%2\" SET val = -1 WHERE id IN ('B1', 'é2', 'a5000')"_s.arg(kDst, name));
    sql(u"DELETE FROM \"%1\".\"%2\" WHERE id = 'Z3'"_s.arg(kDst, name));
    const RunResult result = verify(spec, *m_world.dst, *m_world.dst, false);
    checkReport(result, { { u"Z3"_s }, {}, sorted({ u"B1"_s, u"é2"_s, u"a5000"_s }) }, u"checksum"_s);
}

void TestVerify::changesNativeHashesWouldMissAreFound()
{
    // PostgreSQL's own hashes leave out numeric's sign and fold int8's high half into its low
    // half; the checksums must still see these changes.
    const QString name = u"hash traps"_s;
    for (const QString &schema : { kSrc, kDst })
        sql(u"CREATE TABLE \"%1\".\"%2\" (id int8 PRIMARY KEY, n numeric, i int8, f float8, ts timestamp)"_s.arg(schema, name));
    sql(u"INSERT INTO \"%1\".\"%2\" SELECT g, 1.00, 4294967291, 0, TIMESTAMP '2020-01-01' FROM generate_series(1, 9000) AS g"_s
            .arg(kSrc, name));
    EntitySpec entity;
    entity.name = name;
    entity.sourceEntity = name;
    entity.sourceKey = { u"id"_s };
    entity.targetEntity = name;
    entity.targetKey = { u"id"_s };
    QJsonArray fields;
    for (const QString &column : { u"id"_s, u"n"_s, u"i"_s, u"f"_s, u"ts"_s })
        fields.append(QJsonObject { { u"target"_s, column }, { u"source"_s, column } });
    entity.mapping = QJsonObject { { u"fields"_s, fields } };
    PairSpec spec = pair(name);
    spec.entities = { entity };
    QCOMPARE(sync(spec, *m_world.dst, true).status, RunStatus::Completed);
    const auto at = u"\"%1\".\"%2\""_s.arg(kDst, name);
    sql(u"UPDATE %1 SET n = -1.00 WHERE id = 10"_s.arg(at));
    sql(u"UPDATE %1 SET i = -5 WHERE id = 20"_s.arg(at));
    sql(u"UPDATE %1 SET f = '-0' WHERE id = 30"_s.arg(at));
    sql(u"UPDATE %1 SET n = 1.0 WHERE id = 40"_s.arg(at)); // equal by value: no difference
    checkReport(verify(spec, *m_world.dst, *m_world.dst, false), { {}, {}, sorted({ u"10"_s, u"20"_s, u"30"_s }) }, u"checksum"_s);
}

void TestVerify::sqliteTargetIsComparedByMerge()
{
    const QString name = u"to sqlite"_s;
    sql(u"CREATE TABLE \"%1\".\"%2\" (id int8 PRIMARY KEY, val numeric(12,2), note text, seen timestamptz)"_s
            .arg(kSrc, name));
    fill(name, 3000);
    const QString path = m_world.dir.filePath(u"target.db"_s);
    {
        SqliteConnector setup(SystemSettings { u"sqlite"_s, { { u"path"_s, path } }, {} });
    }
    tf::db::Database lite(tf::db::DatabaseUrl::parse(u"sqlite:"_s + path));
    lite.execDirect(u"CREATE TABLE \"to sqlite\" (id INTEGER PRIMARY KEY, val NUMERIC, note TEXT, seen TIMESTAMPTZ)"_s,
                    "test setup");
    SqliteConnector target(SystemSettings { u"sqlite"_s, { { u"path"_s, path } }, {} });
    const PairSpec spec = pair(name);
    const RunResult first = sync(spec, target, true);
    QVERIFY2(first.status == RunStatus::Completed, qPrintable(describe(first)));
    lite.execDirect(u"UPDATE \"to sqlite\" SET note = 'changed' WHERE id = 10"_s, "change");
    lite.execDirect(u"DELETE FROM \"to sqlite\" WHERE id = 20"_s, "change");
    lite.execDirect(u"INSERT INTO \"to sqlite\" VALUES (5000, 1, 'x', NULL)"_s, "change");
    const RunResult found = verify(spec, target, target, false);
    checkReport(found, { { u"20"_s }, { u"5000"_s }, { u"10"_s } }, u"merge"_s);
    const RunResult repaired = verify(spec, target, target, true);
    QCOMPARE(repaired.verify.value(u"differences_after_repair"_s).toInteger(), 0);
    QCOMPARE(verify(spec, target, target, false).verify.value(u"differences"_s).toInteger(), 0);
}

void TestVerify::invalidSourceRowsAreNoDifference()
{
    const QString name = u"invalid"_s;
    createTables(name);
    fill(name, 100);
    PairSpec spec = pair(name);
    spec.entities[0].validation = QJsonArray { QJsonObject {
        { u"field"_s, u"val"_s }, { u"rule"_s, u"max_value"_s }, { u"value"_s, 100 } } };
    const RunResult first = sync(spec, *m_world.dst, true);
    QCOMPARE(first.totals.quarantined, 20); // val = 1.25 * id > 100 for id 81..100
    const RunResult result = verify(spec, *m_world.dst, *m_world.dst, false);
    QVERIFY2(result.status == RunStatus::Completed, qPrintable(describe(result)));
    const QJsonObject entity = result.verify.value(u"entities"_s).toArray().at(0).toObject();
    QCOMPARE(entity.value(u"invalid"_s).toInteger(), 20);
    QCOMPARE(result.verify.value(u"differences"_s).toInteger(), 0);
}

void TestVerify::missingTargetTableIsReported()
{
    const QString name = u"no target"_s;
    sql(u"CREATE TABLE \"%1\".\"%2\" (id int8 PRIMARY KEY, val numeric(12,2), note text, seen timestamptz)"_s
            .arg(kSrc, name));
    const RunResult result = verify(pair(name), *m_world.dst, *m_world.dst, false);
    QCOMPARE(result.status, RunStatus::Failed);
    QVERIFY2(result.error.contains(name) && result.error.contains(kDst), qPrintable(result.error));
}

void TestVerify::unknownEntityIsRejected()
{
    const RunResult result = verify(pair(u"identical"_s), *m_world.dst, *m_world.dst, false, u"nope"_s);
    QCOMPARE(result.status, RunStatus::Failed);
    QCOMPARE(result.errorCode, tf::Error::codeFor(tf::Error::Kind::Validation));
    QVERIFY2(result.error.contains(u"'nope' is not in sync pair"_s), qPrintable(result.error));
}

QTEST_GUILESS_MAIN(TestVerify)
#include "tst_verify.moc"
