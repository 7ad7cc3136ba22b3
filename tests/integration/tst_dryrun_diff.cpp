// A dry run's updates carry, per changed field, the target's current value (before) and the
// value the run would write (after), exactly, between two real PostgreSQL databases; fields
// that do not change are not listed, inserts and deletes carry no before/after, and nothing is
// written.
#include "db/connection.h"
#include "db/controldatabase.h"
#include "sync/connectors/controldbstatestore.h"
#include "sync/connectors/postgresconnector.h"
#include "sync/engine/quarantinestore.h"
#include "sync/engine/syncrunner.h"
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

const QString kSrc = u"dry src"_s;
const QString kDst = u"dry dst"_s;
const QString kTable = u"items"_s;

QString describe(const RunResult &result)
{
    return QString::fromUtf8(QJsonDocument(result.toJson()).toJson(QJsonDocument::Compact));
}

} // namespace

class TestDryRunDiff final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void updatesShowExactBeforeAndAfterOfChangedFields();

private:
    void sql(const QString &statement) { m_world.admin->execDirect(statement, "test setup"); }
    QString targetText(const QString &column, int id);
    RunResult run(bool dryRun);

    QString m_url;
    tf::test::PgSyncWorld m_world;
    std::unique_ptr<ControlDbStateStore> m_controlState;
};

void TestDryRunDiff::initTestCase()
{
    m_url = tf::test::createScratchPostgresDatabase(u"tfdry"_s);
    TF_REQUIRE_POSTGRES(m_url);
    QVERIFY(m_world.open(m_url, kSrc, kDst));
    for (const QString &schema : { kSrc, kDst }) {
        sql(u"CREATE TABLE \"%1\".%2 (id int8 PRIMARY KEY, val numeric(20,6), note text, qty int4,"
            " seen timestamptz)"_s.arg(schema, kTable));
    }
    sql(u"INSERT INTO \"%1\".%2 VALUES"
        " (1, 12.345678, 'first', 7, '2020-01-01 00:00:00.000001+00'),"
        " (2, 0.1, 'second', 8, '2021-06-30 12:00:00+00'),"
        " (3, 3, 'third', 9, NULL),"
        " (4, 4, 'fourth', 10, NULL)"_s.arg(kSrc, kTable));
    m_controlState = std::make_unique<ControlDbStateStore>(m_world.control->database());
}

void TestDryRunDiff::cleanupTestCase()
{
    m_controlState.reset();
    m_world.close();
}

QString TestDryRunDiff::targetText(const QString &column, int id)
{
    QSqlQuery query = m_world.admin->prepare(
        u"SELECT %1::text FROM \"%2\".%3 WHERE id = ?"_s.arg(column, kDst, kTable));
    query.addBindValue(id);
    m_world.admin->exec(query, "reading the target");
    return query.next() ? query.value(0).toString() : u"<no row>"_s;
}

RunResult TestDryRunDiff::run(bool dryRun)
{
    EntitySpec entity;
    entity.name = kTable;
    entity.sourceEntity = kTable;
    entity.sourceKey = { u"id"_s };
    entity.targetEntity = kTable;
    entity.targetKey = { u"id"_s };
    QJsonArray fields;
    for (const QString &column : { u"id"_s, u"val"_s, u"note"_s, u"qty"_s, u"seen"_s })
        fields.append(QJsonObject { { u"target"_s, column }, { u"source"_s, column } });
    entity.mapping = QJsonObject { { u"fields"_s, fields } };
    entity.mode = ChangeMode::Hash;
    entity.deleteAction = DeleteAction::Propagate;
    PairSpec spec;
    spec.pairId = u"dry"_s;
    spec.sourceSystem = u"dry-source"_s;
    spec.targetSystem = u"dry-target"_s;
    spec.batchSize = 2; // the before values are read per batch: several batches
    spec.entities = { entity };
    SyncRunner runner(spec, *m_world.src, *m_world.dst, *m_world.quarantine, DetachedStateStore::of(*m_controlState));
    RunOptions options;
    options.dryRun = dryRun;
    return runner.run(options);
}

void TestDryRunDiff::updatesShowExactBeforeAndAfterOfChangedFields()
{
    const RunResult first = run(false);
    QVERIFY2(first.status == RunStatus::Completed, qPrintable(describe(first)));
    QCOMPARE(first.totals.inserted, 4);

    // Row 1: a decimal with all its digits and a microsecond timestamp change; row 2: the note
    // becomes NULL and qty changes; row 3 is untouched; row 4 goes; row 5 is new.
    sql(u"UPDATE \"%1\".%2 SET val = 98765432109876.000001, seen = '2020-01-01 00:00:00.000002+00'"
        " WHERE id = 1"_s.arg(kSrc, kTable));
    sql(u"UPDATE \"%1\".%2 SET note = NULL, qty = -2147483648 WHERE id = 2"_s.arg(kSrc, kTable));
    sql(u"DELETE FROM \"%1\".%2 WHERE id = 4"_s.arg(kSrc, kTable));
    sql(u"INSERT INTO \"%1\".%2 VALUES (5, 5.5, 'fifth', 11, NULL)"_s.arg(kSrc, kTable));

    const RunResult dry = run(true);
    QVERIFY2(dry.status == RunStatus::Completed, qPrintable(describe(dry)));
    QHash<QString, PlannedChange> byKey;
    for (const PlannedChange &change : dry.changes)
        byKey.insert(change.key, change);
    QCOMPARE(byKey.size(), 4);

    const PlannedChange one = byKey.value(u"1"_s);
    QCOMPARE(one.kind, u"update"_s);
    QVERIFY(one.beforeAfter.has_value());
    QCOMPARE(one.beforeAfter->first,
             (QJsonObject { { u"val"_s, u"12.345678"_s },
                            { u"seen"_s, one.beforeAfter->first.value(u"seen"_s) } }));
    QCOMPARE(one.beforeAfter->first.keys(), (QStringList { u"seen"_s, u"val"_s }));
    QCOMPARE(one.beforeAfter->second.value(u"val"_s).toString(), u"98765432109876.000001"_s);
    QVERIFY2(one.beforeAfter->first.value(u"seen"_s).toString().contains(u"00:00:00.000001"_s),
             qPrintable(one.beforeAfter->first.value(u"seen"_s).toString()));
    QVERIFY2(one.beforeAfter->second.value(u"seen"_s).toString().contains(u"00:00:00.000002"_s),
             qPrintable(one.beforeAfter->second.value(u"seen"_s).toString()));
    // "after" is formatted as the row the change set lists.
    QCOMPARE(one.beforeAfter->second.value(u"val"_s), one.row.value(u"val"_s));
    QCOMPARE(one.beforeAfter->second.value(u"seen"_s), one.row.value(u"seen"_s));

    const PlannedChange two = byKey.value(u"2"_s);
    QCOMPARE(two.kind, u"update"_s);
    QVERIFY(two.beforeAfter.has_value());
    QCOMPARE(two.beforeAfter->first, (QJsonObject { { u"note"_s, u"second"_s }, { u"qty"_s, 8 } }));
    QCOMPARE(two.beforeAfter->second,
             (QJsonObject { { u"note"_s, QJsonValue::Null }, { u"qty"_s, -2147483648LL } }));

    QCOMPARE(byKey.value(u"4"_s).kind, u"delete"_s);
    QVERIFY(!byKey.value(u"4"_s).beforeAfter.has_value());
    QCOMPARE(byKey.value(u"5"_s).kind, u"insert"_s);
    QVERIFY(!byKey.value(u"5"_s).beforeAfter.has_value());

    // In the API's JSON: the two new fields next to the row, only for updates.
    const QJsonObject json = one.toJson();
    QCOMPARE(json.value(u"before"_s).toObject(), one.beforeAfter->first);
    QCOMPARE(json.value(u"after"_s).toObject(), one.beforeAfter->second);
    QVERIFY(!byKey.value(u"5"_s).toJson().contains(u"before"_s));

    // Nothing was written.
    QCOMPARE(targetText(u"val"_s, 1), u"12.345678"_s);
    QCOMPARE(targetText(u"note"_s, 2), u"second"_s);
    QCOMPARE(targetText(u"id"_s, 4), u"4"_s);
    QCOMPARE(targetText(u"id"_s, 5), u"<no row>"_s);
}

QTEST_GUILESS_MAIN(TestDryRunDiff)
#include "tst_dryrun_diff.moc"
