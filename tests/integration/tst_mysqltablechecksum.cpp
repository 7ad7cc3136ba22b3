// A MariaDB source's table checksum in hash mode by blocks (TableChecksums, mysqlchecksum.cpp;
// BlockStates::SourceChecksum, postgressourcechecksum.cpp), against a real MariaDB the test starts
// and the test PostgreSQL as target. A hash run whose block sums all equal the state records
// CHECKSUM TABLE, read in the same snapshot, with the state's block totals; a later run skips the
// block scan only when both are unchanged. Checked: the premise (the checksum and the block sums
// of an open snapshot ignore a later commit), the skip itself (its log line, no row read or
// written), and every way the skip must not happen or must stay exact: a change after the record,
// a change reverted, state changed by something else, an unmapped column changed, the mapping
// changed, a lost snapshot, another storage engine.
#include "db/connection.h"
#include "db/controldatabase.h"
#include "mariadbserver.h"
#include "mysqltopostgres.h"
#include "sync/connectors/mysqlconnector.h"
#include "sync/connectors/mysqlsession.h"
#include "sync/connectors/postgresconnector.h"
#include "sync/engine/quarantinestore.h"
#include "sync/engine/syncrunner.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QLoggingCategory>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

using namespace tf::sync;
using namespace Qt::StringLiterals;

namespace {

const QString kDatabase = u"tck"_s;
const QString kDst = u"mtc dst"_s;
constexpr qint64 kRows = 5000;
const QStringList kColumns { u"id"_s, u"name"_s, u"amount"_s, u"score"_s, u"note"_s };

QString q(const QString &name)
{
    return QLatin1Char('"') + QString(name).replace(QLatin1Char('"'), QLatin1String("\"\"")) + QLatin1Char('"');
}

// Messages of the sync.hash category that say a run skipped its block scan.
QStringList g_skips;
QtMessageHandler g_previous = nullptr;

void catchSkips(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (message.contains(QLatin1String("nothing to compare")))
        g_skips << message;
    g_previous(type, context, message);
}

} // namespace

class TestMysqlTableChecksum final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void init() { g_skips.clear(); }

    void snapshotIgnoresLaterCommits();
    void unchangedTableAndStateSkipTheScan();
    void changeAfterTheRecordIsFound();
    void changeRevertedIsStillExact();
    void stateChangedElsewhereIsNotTrusted();
    void unmappedColumnAndMappingChanges();
    void lostSnapshotIsNotTrusted();
    void otherEnginesHaveNoChecksum();
    void fullRunRecordsItsReadsChecksum();
    void fullRunWithQuarantinedRowsRecordsNothing();
    void fullRunsChecksumIsItsSnapshots();

private:
    void my(const QString &statement) { QVERIFY2(m_server.exec(kDatabase, statement), qPrintable(m_server.error())); }
    void pg(const QString &statement) { m_admin->execDirect(statement, "test setup"); }
    PairSpec makePair(const QString &name, const QString &engine = u"InnoDB"_s);
    PairSpec pairFor(const QString &name, const QStringList &columns);
    RunResult run(const PairSpec &spec, bool full = false);
    QString recorded(const PairSpec &spec);
    qint64 differences(const QString &name);
    ReadRequest request(const QString &name);

    tf::test::MariaDbServer m_server;
    QString m_url;
    QTemporaryDir m_dir;
    std::unique_ptr<tf::db::Database> m_admin;
    std::unique_ptr<MysqlConnector> m_source;
    std::unique_ptr<PostgresConnector> m_target;
    std::unique_ptr<tf::db::ControlDatabase> m_control;
    std::unique_ptr<QuarantineStore> m_quarantine;
};

void TestMysqlTableChecksum::initTestCase()
{
    m_url = tf::test::createScratchPostgresDatabase(u"tfmtc"_s);
    TF_REQUIRE_POSTGRES(m_url);
    TF_START_MARIADB(m_server);
    QVERIFY2(m_server.createDatabase(kDatabase), qPrintable(m_server.error()));
    QVERIFY(m_dir.isValid());
    QLoggingCategory::setFilterRules(u"sync.hash.info=true"_s);
    g_previous = qInstallMessageHandler(catchSkips);
    m_admin = std::make_unique<tf::db::Database>(tf::db::DatabaseUrl::parse(m_url));
    pg(u"CREATE SCHEMA %1"_s.arg(q(kDst)));
    m_source = tf::test::mysqlSource(m_server.port(), kDatabase);
    m_target = tf::test::postgresTarget(m_url, kDst);
    m_control = tf::db::ControlDatabase::open(m_dir.filePath(u"control.db"_s));
    m_quarantine = std::make_unique<QuarantineStore>(m_control->database());
}

void TestMysqlTableChecksum::cleanupTestCase()
{
    qInstallMessageHandler(g_previous);
    m_quarantine.reset();
    m_control.reset();
    m_target.reset();
    m_source.reset();
    m_admin.reset();
}

PairSpec TestMysqlTableChecksum::makePair(const QString &name, const QString &engine)
{
    // `extra` is never mapped.
    my(u"CREATE TABLE `%1` (id BIGINT PRIMARY KEY, name VARCHAR(60), amount DECIMAL(12,2), score DOUBLE, note TEXT, "
       "extra INT) ENGINE=%2"_s.arg(name, engine));
    my(u"INSERT INTO `%1` SELECT seq, IF(seq % 7 = 0, NULL, CONCAT('row ', seq)), seq * 1.25, seq / 3, "
       "IF(seq % 5 = 0, 'a,b:c', NULL), seq FROM seq_1_to_%2"_s.arg(name).arg(kRows));
    pg(u"CREATE TABLE %1.%2 (id bigint PRIMARY KEY, name text, amount numeric(12,2), score double precision, "
       "note text)"_s.arg(q(kDst), q(name)));
    return pairFor(name, kColumns.mid(0, 4)); // note is mapped only by unmappedColumnAndMappingChanges
}

PairSpec TestMysqlTableChecksum::pairFor(const QString &name, const QStringList &columns)
{
    return tf::test::hashPair(u"mytck-"_s + name, name, { u"id"_s }, columns);
}

RunResult TestMysqlTableChecksum::run(const PairSpec &spec, bool full)
{
    SyncRunner runner(spec, *m_source, *m_target, *m_quarantine);
    RunOptions options;
    options.forceFull = full;
    return runner.run(options);
}

QString TestMysqlTableChecksum::recorded(const PairSpec &spec)
{
    QSqlQuery query = m_admin->prepare(u"SELECT checksum FROM %1.tf_sync_source_checksum WHERE pair_id = ?"_s.arg(q(kDst)));
    query.addBindValue(spec.pairId);
    m_admin->exec(query, "test query");
    return query.next() ? query.value(0).toString() : QString();
}

qint64 TestMysqlTableChecksum::differences(const QString &name)
{
    QHash<QString, QString> source;
    QSqlDatabase db = QSqlDatabase::database(u"tf-test-mariadb-%1-%2"_s.arg(m_server.port()).arg(kDatabase), true);
    QSqlQuery my(db);
    if (!my.exec(u"SELECT CAST(CONCAT(id, '|', IFNULL(name, '~'), '|', IFNULL(amount, '~'), '|', "
                 "IFNULL(CAST(score AS CHAR), '~')) AS CHAR) FROM `%1`"_s.arg(name)))
        qWarning() << my.lastError().text();
    while (my.next())
        source.insert(my.value(0).toString().section(QLatin1Char('|'), 0, 0), my.value(0).toString());
    QSqlQuery target = m_admin->prepare(u"SELECT id || '|' || coalesce(name, '~') || '|' || coalesce(amount::text, '~')"
                                        " || '|' || coalesce(score::text, '~') FROM %1.%2"_s.arg(q(kDst), q(name)));
    m_admin->exec(target, "test query");
    qint64 count = 0;
    while (target.next()) {
        const QString text = target.value(0).toString();
        const QString id = text.section(QLatin1Char('|'), 0, 0);
        if (source.take(id) != text)
            ++count;
    }
    return count + source.size();
}

ReadRequest TestMysqlTableChecksum::request(const QString &name)
{
    ReadRequest request;
    request.entity = name;
    request.keyColumns = { u"id"_s };
    request.columns = kColumns.mid(0, 4);
    request.batchSize = 1000;
    return request;
}

void TestMysqlTableChecksum::snapshotIgnoresLaterCommits()
{
    const QString name = u"snap"_s;
    makePair(name);
    const ReadRequest read = request(name);
    const std::optional<TableChecksum> before = m_source->openChecksumSnapshot(read);
    QVERIFY(before);
    QVERIFY(!before->checksum.isEmpty());
    QVERIFY(m_source->closeChecksumSnapshot());
    const std::optional<QHash<qint64, RangeSum>> sumsBefore = m_source->blockSums(read, 100);
    QVERIFY(sumsBefore);

    const std::optional<TableChecksum> opened = m_source->openChecksumSnapshot(read);
    QVERIFY(opened);
    QCOMPARE(*opened, *before);
    my(u"UPDATE `%1` SET score = score + 1 WHERE id = 4242"_s.arg(name)); // another connection, committed
    const std::optional<QHash<qint64, RangeSum>> inSnapshot = m_source->blockSums(read, 100);
    QVERIFY(m_source->closeChecksumSnapshot());
    QVERIFY(inSnapshot);
    QCOMPARE(*inSnapshot, *sumsBefore); // the block sums read in the snapshot: the rows before

    const std::optional<TableChecksum> after = m_source->openChecksumSnapshot(read);
    QVERIFY(after);
    QVERIFY(m_source->closeChecksumSnapshot());
    QVERIFY(after->checksum != before->checksum);
    QCOMPARE(after->fingerprint, before->fingerprint);
    QVERIFY(m_source->blockSums(read, 100)->value(42) != sumsBefore->value(42));
    QVERIFY(!m_source->closeChecksumSnapshot()); // none open
}

void TestMysqlTableChecksum::unchangedTableAndStateSkipTheScan()
{
    const QString name = u"steady"_s;
    const PairSpec spec = makePair(name);
    TF_VERIFY_RUN_COMPLETED(run(spec)); // no state yet: staged, no blocks, nothing recorded
    QVERIFY(recorded(spec).isEmpty());
    const RunResult second = run(spec); // blocks all equal: recorded
    TF_VERIFY_RUN_COMPLETED(second);
    QCOMPARE(second.totals.unchanged, kRows);
    QVERIFY(g_skips.isEmpty());
    QVERIFY(!recorded(spec).isEmpty());
    const RunResult third = run(spec);
    TF_VERIFY_RUN_COMPLETED(third);
    QCOMPARE(g_skips.size(), 1);
    QVERIFY2(g_skips.constFirst().contains(name), qPrintable(g_skips.constFirst()));
    QCOMPARE(third.totals.read, 0);
    QCOMPARE(third.totals.writes(), 0);
    QCOMPARE(third.totals.unchanged, kRows);
    QCOMPARE(differences(name), 0);
}

void TestMysqlTableChecksum::changeAfterTheRecordIsFound()
{
    const QString name = u"changed"_s;
    const PairSpec spec = makePair(name);
    TF_VERIFY_RUN_COMPLETED(run(spec));
    TF_VERIFY_RUN_COMPLETED(run(spec));
    const QString first = recorded(spec);
    QVERIFY(!first.isEmpty());
    // A double's last bit, a decimal cent and a row gone: each changes the checksum.
    my(u"UPDATE `%1` SET score = score + score * 2.3e-16 WHERE id = 900"_s.arg(name));
    my(u"UPDATE `%1` SET amount = amount + 0.01 WHERE id = 17"_s.arg(name));
    my(u"DELETE FROM `%1` WHERE id = 4999"_s.arg(name));
    const RunResult changed = run(spec);
    TF_VERIFY_RUN_COMPLETED(changed);
    QVERIFY(g_skips.isEmpty());
    QCOMPARE(changed.totals.updated, 2);
    QCOMPARE(changed.totals.deleted, 1);
    QCOMPARE(differences(name), 0);
    QCOMPARE(recorded(spec), first); // blocks differed: nothing recorded by that run
    TF_VERIFY_RUN_COMPLETED(run(spec)); // blocks equal again: recorded
    QVERIFY(g_skips.isEmpty());
    QVERIFY(recorded(spec) != first);
    const RunResult steady = run(spec);
    TF_VERIFY_RUN_COMPLETED(steady);
    QCOMPARE(g_skips.size(), 1);
    QCOMPARE(steady.totals.writes(), 0);
}

void TestMysqlTableChecksum::changeRevertedIsStillExact()
{
    const QString name = u"reverted"_s;
    const PairSpec spec = makePair(name);
    TF_VERIFY_RUN_COMPLETED(run(spec));
    TF_VERIFY_RUN_COMPLETED(run(spec));
    my(u"UPDATE `%1` SET name = 'changed' WHERE id = 10"_s.arg(name));
    my(u"UPDATE `%1` SET name = 'row 10' WHERE id = 10"_s.arg(name));
    const RunResult result = run(spec);
    TF_VERIFY_RUN_COMPLETED(result);
    QCOMPARE(g_skips.size(), 1); // the table is as it was recorded, and so is the state
    QCOMPARE(result.totals.writes(), 0);
    QCOMPARE(differences(name), 0);
}

void TestMysqlTableChecksum::stateChangedElsewhereIsNotTrusted()
{
    const QString name = u"elsewhere"_s;
    const PairSpec spec = makePair(name);
    TF_VERIFY_RUN_COMPLETED(run(spec));
    TF_VERIFY_RUN_COMPLETED(run(spec));
    QVERIFY(!recorded(spec).isEmpty());
    // The state of one row forgotten and the row gone from the target (as after a restore of an
    // older target): the table's checksum is unchanged, the state's totals are not.
    pg(u"DELETE FROM %1.tf_sync_state WHERE pair_id = '%2' AND source_key = '321'"_s.arg(q(kDst), spec.pairId));
    pg(u"DELETE FROM %1.%2 WHERE id = 321"_s.arg(q(kDst), q(name)));
    const RunResult result = run(spec);
    TF_VERIFY_RUN_COMPLETED(result);
    QVERIFY(g_skips.isEmpty());
    QCOMPARE(result.totals.inserted, 1);
    QCOMPARE(differences(name), 0);
}

void TestMysqlTableChecksum::unmappedColumnAndMappingChanges()
{
    const QString name = u"mapping"_s;
    const PairSpec spec = makePair(name);
    TF_VERIFY_RUN_COMPLETED(run(spec));
    TF_VERIFY_RUN_COMPLETED(run(spec));
    const QString first = recorded(spec);
    my(u"UPDATE `%1` SET extra = extra + 1 WHERE id = 5"_s.arg(name)); // not mapped
    const RunResult unmapped = run(spec);
    TF_VERIFY_RUN_COMPLETED(unmapped);
    QVERIFY(g_skips.isEmpty()); // the checksum moved: blocks compared, all equal
    QCOMPARE(unmapped.totals.writes(), 0);
    QVERIFY(recorded(spec) != first);
    // `note` mapped from now on: the row hashes cover another column, so the recorded checksum
    // says nothing about them (without the fingerprint this run would skip and never copy note).
    const PairSpec withNote = pairFor(name, kColumns);
    const RunResult mapped = run(withNote);
    TF_VERIFY_RUN_COMPLETED(mapped);
    QVERIFY(g_skips.isEmpty());
    QCOMPARE(mapped.totals.updated, kRows); // every row's hash covers one more column
    QSqlQuery notes = m_admin->prepare(u"SELECT count(*) FROM %1.%2 WHERE note = 'a,b:c'"_s.arg(q(kDst), q(name)));
    m_admin->exec(notes, "test query");
    QVERIFY(notes.next());
    QCOMPARE(notes.value(0).toLongLong(), kRows / 5);
}

void TestMysqlTableChecksum::lostSnapshotIsNotTrusted()
{
    const QString name = u"lost"_s;
    makePair(name);
    const ReadRequest read = request(name);
    QVERIFY(m_source->openChecksumSnapshot(read));
    const qint64 id = m_source->session().connectionId(mysql::Session::Role::Read);
    QVERIFY(id > 0);
    my(u"KILL %1"_s.arg(id));
    QVERIFY(!m_source->closeChecksumSnapshot());
    // The connector goes on with a new connection.
    QVERIFY(m_source->openChecksumSnapshot(read));
    QVERIFY(m_source->session().connectionId(mysql::Session::Role::Read) != id);
    QVERIFY(m_source->closeChecksumSnapshot());
}

void TestMysqlTableChecksum::otherEnginesHaveNoChecksum()
{
    const QString name = u"aria"_s;
    const PairSpec spec = makePair(name, u"Aria"_s);
    QVERIFY(!m_source->openChecksumSnapshot(request(name)));
    QVERIFY(!m_source->closeChecksumSnapshot());
    TF_VERIFY_RUN_COMPLETED(run(spec));
    TF_VERIFY_RUN_COMPLETED(run(spec));
    QVERIFY(recorded(spec).isEmpty());
    my(u"UPDATE `%1` SET name = 'aria' WHERE id = 77"_s.arg(name));
    const RunResult result = run(spec);
    TF_VERIFY_RUN_COMPLETED(result);
    QVERIFY(g_skips.isEmpty());
    QCOMPARE(result.totals.updated, 1);
    QCOMPARE(differences(name), 0);
}

void TestMysqlTableChecksum::fullRunRecordsItsReadsChecksum()
{
    const QString name = u"full"_s;
    const PairSpec spec = makePair(name);
    const RunResult first = run(spec, true); // a first load: each batch's state with it
    TF_VERIFY_RUN_COMPLETED(first);
    QCOMPARE(first.totals.inserted, kRows);
    const QString loaded = recorded(spec);
    QVERIFY(!loaded.isEmpty());
    const RunResult hash = run(spec);
    TF_VERIFY_RUN_COMPLETED(hash);
    QCOMPARE(g_skips.size(), 1);
    QCOMPARE(hash.totals.writes(), 0);
    QCOMPARE(differences(name), 0);
    // A full run over existing state (staged state, then the diff): recorded anew.
    my(u"UPDATE `%1` SET name = 'again' WHERE id = 3"_s.arg(name));
    const RunResult again = run(spec, true);
    TF_VERIFY_RUN_COMPLETED(again);
    QVERIFY(recorded(spec) != loaded);
    QCOMPARE(differences(name), 0);
    // A row deleted before a full run: the diff finds it, so that run records nothing.
    const QString beforeDelete = recorded(spec);
    my(u"DELETE FROM `%1` WHERE id = 4"_s.arg(name));
    const RunResult withDelete = run(spec, true);
    TF_VERIFY_RUN_COMPLETED(withDelete);
    QCOMPARE(withDelete.totals.deleted, 1);
    QCOMPARE(recorded(spec), beforeDelete);
    g_skips.clear();
    TF_VERIFY_RUN_COMPLETED(run(spec)); // scans, finds every block equal, records
    QVERIFY(g_skips.isEmpty());
    QVERIFY(recorded(spec) != beforeDelete);
    QCOMPARE(differences(name), 0);
}

void TestMysqlTableChecksum::fullRunWithQuarantinedRowsRecordsNothing()
{
    const QString name = u"quarantine"_s;
    makePair(name);
    // The target's name holds 8 characters: a longer one is quarantined, not cut.
    pg(u"ALTER TABLE %1.%2 ALTER COLUMN name TYPE varchar(8)"_s.arg(q(kDst), q(name)));
    my(u"UPDATE `%1` SET name = 'longer than eight' WHERE id = 99"_s.arg(name));
    const PairSpec spec = pairFor(name, kColumns.mid(0, 4));
    const RunResult full = run(spec, true);
    QCOMPARE(full.status, RunStatus::CompletedWithErrors);
    QCOMPARE(full.totals.quarantined, 1);
    QCOMPARE(full.totals.inserted, kRows - 1);
    QVERIFY(recorded(spec).isEmpty());
    const RunResult hash = run(spec);
    QCOMPARE(hash.status, RunStatus::CompletedWithErrors);
    QVERIFY(g_skips.isEmpty()); // the row without state makes its block differ
    QCOMPARE(hash.totals.quarantined, 1);
    QVERIFY(recorded(spec).isEmpty());
}

void TestMysqlTableChecksum::fullRunsChecksumIsItsSnapshots()
{
    // CHECKSUM TABLE runs after the full read's rows, in the same snapshot: a row committed by
    // another connection while the read streams is neither in the rows nor in the checksum
    // recorded, so the next hash run does not skip and finds it. (Outside the snapshot the
    // checksum would already hold the new row and the hash run would skip it for good.)
    const QString name = u"during"_s;
    const PairSpec spec = makePair(name);
    SyncRunner runner(spec, *m_source, *m_target, *m_quarantine);
    RunOptions options;
    options.forceFull = true;
    bool written = false;
    options.progress = [&](const RunProgress &) {
        if (written)
            return;
        written = true; // after the first of 5 batches: the reader is at most 3 batches ahead
        my(u"UPDATE `%1` SET name = 'during the read' WHERE id = %2"_s.arg(name).arg(kRows - 1));
    };
    const RunResult full = runner.run(options);
    TF_VERIFY_RUN_COMPLETED(full);
    QVERIFY(written);
    QCOMPARE(full.totals.inserted, kRows);
    QCOMPARE(differences(name), 1); // the snapshot's value was written
    QVERIFY(!recorded(spec).isEmpty());
    g_skips.clear();
    const RunResult hash = run(spec);
    TF_VERIFY_RUN_COMPLETED(hash);
    QVERIFY(g_skips.isEmpty());
    QCOMPARE(hash.totals.updated, 1);
    QCOMPARE(differences(name), 0);
}

QTEST_GUILESS_MAIN(TestMysqlTableChecksum)
#include "tst_mysqltablechecksum.moc"
