// Hash mode by blocks with a MariaDB source (issue 18) against a real MariaDB the test starts and
// the test PostgreSQL as target: the MariaDB server sums its row hashes (60 bits of the MD5 of
// the canonical text) per block of 100 integer keys in one scan, the PostgreSQL sync state sums
// the stored hashes the same way (postgresblockstate.h), and only blocks that differ are hashed
// row by row and read. Checked through the run's statistics (read = rows of the expanded blocks)
// and a value-by-value comparison of both tables: no change reads no row, one changed row among
// 20,000 is found exactly, deletes and inserts at block boundaries, a block emptied, negative
// keys; --full stores the same hashes (hashRow() in C++ equals the server's); composite and text
// keys, which have no blocks, still find exactly their changes; state of the format before (MD5
// hex) is rewritten, never trusted.
#include "db/connection.h"
#include "db/controldatabase.h"
#include "mariadbserver.h"
#include "mysqltopostgres.h"
#include "sync/connectors/mysqlconnector.h"
#include "sync/connectors/postgresconnector.h"
#include "sync/engine/quarantinestore.h"
#include "sync/engine/syncrunner.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

using namespace tf::sync;
using namespace Qt::StringLiterals;

namespace {

const QString kDatabase = u"blk"_s;
const QString kDst = u"mbh dst"_s;
constexpr qint64 kWidth = 100; // HashExecutor::Options::blockWidth's default
constexpr qint64 kRows = 20000; // keys -250 .. 19749

QString q(const QString &name)
{
    return QLatin1Char('"') + QString(name).replace(QLatin1Char('"'), QLatin1String("\"\"")) + QLatin1Char('"');
}

} // namespace

class TestMysqlBlockHash final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void noChangeRunReadsNoRows();
    void oneChangedRowIsFoundExactly();
    void insertsAndDeletesAtBlockBoundaries();
    void fullThenHashIsANoChangeRun();
    void compositeAndTextKeysFindExactlyTheirChanges();
    void stateOfTheFormatBeforeIsRewritten();

private:
    void my(const QString &statement) { QVERIFY2(m_server.exec(kDatabase, statement), qPrintable(m_server.error())); }
    void pg(const QString &statement) { m_admin->execDirect(statement, "test setup"); }
    // MariaDB table `name` (ids -250 .. kRows - 251) with its empty PostgreSQL target, and a pair.
    PairSpec makePair(const QString &name);
    // A pair over tables made by the caller: every column mapped to itself.
    PairSpec pairFor(const QString &name, const QStringList &key, const QStringList &columns);
    RunResult run(const PairSpec &spec, bool full = false);
    // Rows present on one side only or with another value in some column; both sides' values
    // as text, compared in C++.
    qint64 differences(const QString &name, const QString &key = u"id"_s);

    tf::test::MariaDbServer m_server;
    QString m_url;
    QTemporaryDir m_dir;
    std::unique_ptr<tf::db::Database> m_admin;
    std::unique_ptr<MysqlConnector> m_source;
    std::unique_ptr<PostgresConnector> m_target;
    std::unique_ptr<tf::db::ControlDatabase> m_control;
    std::unique_ptr<QuarantineStore> m_quarantine;
};

void TestMysqlBlockHash::initTestCase()
{
    m_url = tf::test::createScratchPostgresDatabase(u"tfmbh"_s);
    TF_REQUIRE_POSTGRES(m_url);
    TF_START_MARIADB(m_server);
    QVERIFY2(m_server.createDatabase(kDatabase), qPrintable(m_server.error()));
    QVERIFY(m_dir.isValid());
    m_admin = std::make_unique<tf::db::Database>(tf::db::DatabaseUrl::parse(m_url));
    pg(u"CREATE SCHEMA %1"_s.arg(q(kDst)));
    m_source = tf::test::mysqlSource(m_server.port(), kDatabase);
    m_target = tf::test::postgresTarget(m_url, kDst);
    m_control = tf::db::ControlDatabase::open(m_dir.filePath(u"control.db"_s));
    m_quarantine = std::make_unique<QuarantineStore>(m_control->database());
}

void TestMysqlBlockHash::cleanupTestCase()
{
    m_quarantine.reset();
    m_control.reset();
    m_target.reset();
    m_source.reset();
    m_admin.reset();
}

PairSpec TestMysqlBlockHash::makePair(const QString &name)
{
    my(u"CREATE TABLE `%1` (id BIGINT PRIMARY KEY, name VARCHAR(60), amount DECIMAL(12,2), at DATETIME(6), "
       "score DOUBLE, note TEXT)"_s.arg(name));
    // seq_0_to_N: MariaDB's SEQUENCE engine.
    my(u"INSERT INTO `%1` SELECT CAST(seq AS SIGNED) - 250, IF(seq % 7 = 0, NULL, CONCAT('row ', seq)), (CAST(seq AS SIGNED) - 250) * 1.25, "
       "'2024-01-01 00:00:00.000001' + INTERVAL seq SECOND, seq / 3, IF(seq % 5 = 0, 'a,b:c', NULL) "
       "FROM seq_0_to_%2"_s.arg(name).arg(kRows - 1));
    pg(u"CREATE TABLE %1.%2 (id bigint PRIMARY KEY, name text, amount numeric(12,2), at timestamp, "
       "score double precision, note text)"_s.arg(q(kDst), q(name)));
    return pairFor(name, { u"id"_s }, { u"id"_s, u"name"_s, u"amount"_s, u"at"_s, u"score"_s, u"note"_s });
}

PairSpec TestMysqlBlockHash::pairFor(const QString &name, const QStringList &key, const QStringList &columns)
{
    return tf::test::hashPair(u"myblocks-"_s + name, name, key, columns);
}

RunResult TestMysqlBlockHash::run(const PairSpec &spec, bool full)
{
    SyncRunner runner(spec, *m_source, *m_target, *m_quarantine);
    RunOptions options;
    options.forceFull = full;
    return runner.run(options);
}

qint64 TestMysqlBlockHash::differences(const QString &name, const QString &key)
{
    // Every column's text on both sides: numbers as the servers print them (DECIMAL(12,2) and
    // numeric(12,2) alike, doubles in their shortest exact digits), timestamps to the microsecond.
    QHash<QString, QString> source;
    QSqlDatabase db = QSqlDatabase::database(u"tf-test-mariadb-%1-%2"_s.arg(m_server.port()).arg(kDatabase), true);
    QSqlQuery my(db);
    const QString rest = u"IFNULL(name, '~'), '|', IFNULL(amount, '~'), '|', IFNULL(DATE_FORMAT(at, '%Y-%m-%d %H:%i:%s.%f'), '~'), "
                         "'|', IFNULL(CAST(score AS CHAR), '~'), '|', IFNULL(note, '~')"_s;
    const bool plain = key == u"id"_s;
    const QString myText = plain ? u"CONCAT(id, '|', "_s + rest + u")"_s : u"CONCAT(region, '/', id, '|', name)"_s;
    if (!my.exec(u"SELECT CAST(%1 AS CHAR) FROM `%2`"_s.arg(myText, name)))
        qWarning() << my.lastError().text();
    while (my.next()) {
        const QString text = my.value(0).toString();
        source.insert(text.section(QLatin1Char('|'), 0, 0), text);
    }
    const QString pgRest = u"coalesce(name, '~') || '|' || coalesce(amount::text, '~') || '|' || "
                           "coalesce(to_char(at, 'YYYY-MM-DD HH24:MI:SS.US'), '~') || '|' || "
                           "coalesce(score::text, '~') || '|' || coalesce(note, '~')"_s;
    const QString pgText = plain ? u"id || '|' || "_s + pgRest : u"region || '/' || id || '|' || name"_s;
    QSqlQuery target = m_admin->prepare(u"SELECT %1 FROM %2.%3"_s.arg(pgText, q(kDst), q(name)));
    m_admin->exec(target, "test query");
    qint64 count = 0;
    while (target.next()) {
        const QString text = target.value(0).toString();
        const QString id = text.section(QLatin1Char('|'), 0, 0);
        const auto found = source.constFind(id);
        if (found == source.cend() || found.value() != text) {
            if (count < 5)
                qWarning() << "differs:" << text << "source:" << (found == source.cend() ? u"(none)"_s : found.value());
            ++count;
        }
        source.remove(id);
    }
    return count + source.size();
}

void TestMysqlBlockHash::noChangeRunReadsNoRows()
{
    const PairSpec spec = makePair(u"nochange"_s);
    const RunResult first = run(spec); // no state yet: every key staged, every row inserted
    TF_VERIFY_RUN_COMPLETED(first);
    QCOMPARE(first.totals.inserted, kRows);
    QCOMPARE(differences(u"nochange"_s), 0);
    const RunResult second = run(spec);
    TF_VERIFY_RUN_COMPLETED(second);
    QCOMPARE(second.totals.read, 0);
    QCOMPARE(second.totals.writes(), 0);
    QCOMPARE(second.totals.unchanged, kRows);
    QCOMPARE(second.maxRowsHeld, 0);
}

void TestMysqlBlockHash::oneChangedRowIsFoundExactly()
{
    const QString name = u"one"_s;
    const PairSpec spec = makePair(name);
    TF_VERIFY_RUN_COMPLETED(run(spec));
    my(u"UPDATE `%1` SET at = at + INTERVAL 1 MICROSECOND WHERE id = 12345"_s.arg(name)); // block 123
    const RunResult result = run(spec);
    TF_VERIFY_RUN_COMPLETED(result);
    QCOMPARE(result.totals.updated, 1);
    QCOMPARE(result.totals.inserted + result.totals.deleted, 0);
    QCOMPARE(result.totals.read, kWidth); // the rows of its block, no more
    QCOMPARE(result.totals.unchanged, kRows - 1);
    QCOMPARE(differences(name), 0);
    // Changes that text comparisons could miss: a decimal cent, '' for NULL, a double's last bit.
    my(u"UPDATE `%1` SET amount = amount + 0.01 WHERE id = -101"_s.arg(name)); // block -2
    my(u"UPDATE `%1` SET note = '' WHERE id = 4001"_s.arg(name)); // NULL before; block 40
    my(u"UPDATE `%1` SET score = score + score * 2.3e-16 WHERE id = 9000"_s.arg(name)); // block 90
    const RunResult three = run(spec);
    TF_VERIFY_RUN_COMPLETED(three);
    QCOMPARE(three.totals.updated, 3);
    QCOMPARE(three.totals.read, 3 * kWidth);
    QCOMPARE(differences(name), 0);
    const RunResult again = run(spec);
    TF_VERIFY_RUN_COMPLETED(again);
    QCOMPARE(again.totals.read, 0);
    QCOMPARE(again.totals.writes(), 0);
}

void TestMysqlBlockHash::insertsAndDeletesAtBlockBoundaries()
{
    const QString name = u"edges"_s;
    const PairSpec spec = makePair(name);
    TF_VERIFY_RUN_COMPLETED(run(spec));
    // -101: the last key of block -2; 0: the first of block 0; 19750: a new key in the last
    // block (19700..19749 held); 19800 and -9223372036854775808: blocks the state never had;
    // 5000..5099: block 50 emptied, known from the state's sums only.
    my(u"DELETE FROM `%1` WHERE id IN (-101, 0) OR (id >= 5000 AND id < 5100)"_s.arg(name));
    my(u"INSERT INTO `%1` (id, name) VALUES (19750, 'after the last'), (19800, 'a new block'), "
       "(-9223372036854775808, 'the least key')"_s.arg(name));
    const RunResult result = run(spec);
    TF_VERIFY_RUN_COMPLETED(result);
    QCOMPARE(result.totals.deleted, 2 + kWidth);
    QCOMPARE(result.totals.inserted, 3);
    QCOMPARE(result.totals.updated, 0);
    // The source rows of the blocks that differ: -2 and 0 lost one each, 197 holds 51, the
    // two new blocks one each, block 50 none.
    QCOMPARE(result.totals.read, (kWidth - 1) * 2 + 51 + 1 + 1);
    QCOMPARE(differences(name), 0);
    const RunResult again = run(spec);
    TF_VERIFY_RUN_COMPLETED(again);
    QCOMPARE(again.totals.read, 0);
    QCOMPARE(again.totals.unchanged, kRows - 2 - kWidth + 3);
}

void TestMysqlBlockHash::fullThenHashIsANoChangeRun()
{
    // A --full run stores hashRow() of each row as the engine read it: it must equal the
    // server's hash of the same row, or every block would differ on the next run.
    const QString name = u"full first"_s;
    const PairSpec spec = makePair(name);
    const RunResult full = run(spec, true);
    TF_VERIFY_RUN_COMPLETED(full);
    QCOMPARE(full.totals.read, kRows);
    const RunResult hash = run(spec);
    TF_VERIFY_RUN_COMPLETED(hash);
    QCOMPARE(hash.totals.read, 0);
    QCOMPARE(hash.totals.writes(), 0);
    QCOMPARE(hash.totals.unchanged, kRows);
    QCOMPARE(differences(name), 0);
}

void TestMysqlBlockHash::compositeAndTextKeysFindExactlyTheirChanges()
{
    // No blocks without a single integer key: every (key, hash) is staged and compared.
    my(u"CREATE TABLE composite (region VARCHAR(10) NOT NULL, id INT NOT NULL, name VARCHAR(40), "
       "PRIMARY KEY (region, id))"_s);
    my(u"INSERT INTO composite SELECT ELT(1 + seq % 3, 'north', 'south', 'east'), seq, CONCAT('n', seq) "
       "FROM seq_1_to_3000"_s);
    pg(u"CREATE TABLE %1.composite (region text, id integer, name text, PRIMARY KEY (region, id))"_s.arg(q(kDst)));
    const PairSpec composite = pairFor(u"composite"_s, { u"region"_s, u"id"_s }, { u"region"_s, u"id"_s, u"name"_s });
    TF_VERIFY_RUN_COMPLETED(run(composite));
    my(u"UPDATE composite SET name = 'changed' WHERE region = 'north' AND id = 300"_s);
    my(u"DELETE FROM composite WHERE region = 'south' AND id = 1"_s);
    my(u"INSERT INTO composite VALUES ('west', 1, 'new')"_s);
    const RunResult byRows = run(composite);
    TF_VERIFY_RUN_COMPLETED(byRows);
    QCOMPARE(byRows.totals.updated, 1);
    QCOMPARE(byRows.totals.deleted, 1);
    QCOMPARE(byRows.totals.inserted, 1);
    QCOMPARE(byRows.totals.unchanged, 3000 - 2);
    QCOMPARE(differences(u"composite"_s, u"region"_s), 0);

    my(u"CREATE TABLE texts (id VARCHAR(20) PRIMARY KEY, name VARCHAR(60), amount DECIMAL(12,2), at DATETIME(6), "
       "score DOUBLE, note TEXT)"_s);
    my(u"INSERT INTO texts SELECT CONCAT('k', seq), CONCAT('row ', seq), seq, NULL, NULL, NULL FROM seq_1_to_2000"_s);
    pg(u"CREATE TABLE %1.texts (id text PRIMARY KEY, name text, amount numeric(12,2), at timestamp, "
       "score double precision, note text)"_s.arg(q(kDst)));
    const PairSpec texts = pairFor(u"texts"_s, { u"id"_s }, { u"id"_s, u"name"_s, u"amount"_s, u"at"_s, u"score"_s, u"note"_s });
    TF_VERIFY_RUN_COMPLETED(run(texts));
    my(u"UPDATE texts SET amount = amount + 0.01 WHERE id = 'k1500'"_s);
    my(u"DELETE FROM texts WHERE id = 'k2'"_s);
    const RunResult textRun = run(texts);
    TF_VERIFY_RUN_COMPLETED(textRun);
    QCOMPARE(textRun.totals.updated, 1);
    QCOMPARE(textRun.totals.deleted, 1);
    QCOMPARE(textRun.totals.inserted, 0);
    QCOMPARE(differences(u"texts"_s), 0);
}

void TestMysqlBlockHash::stateOfTheFormatBeforeIsRewritten()
{
    // State written by the version before (the row hash as 32 hex digits of MD5): no block
    // holding such a hash equals a source block, so its rows are compared, rewritten once, and
    // the next run reads nothing.
    const QString name = u"older"_s;
    const PairSpec spec = makePair(name);
    TF_VERIFY_RUN_COMPLETED(run(spec));
    pg(u"UPDATE %1.tf_sync_state SET hash = md5(hash) WHERE pair_id = '%2' AND source_key IN ('7', '8', '777')"_s.arg(
        q(kDst), spec.pairId));
    const RunResult result = run(spec);
    TF_VERIFY_RUN_COMPLETED(result);
    QCOMPARE(result.totals.read, 2 * kWidth); // blocks 0 and 7
    QCOMPARE(result.totals.inserted + result.totals.deleted, 0);
    QCOMPARE(differences(name), 0);
    const RunResult again = run(spec);
    TF_VERIFY_RUN_COMPLETED(again);
    QCOMPARE(again.totals.read, 0);
    QCOMPARE(again.totals.writes(), 0);
}

QTEST_GUILESS_MAIN(TestMysqlBlockHash)
#include "tst_mysqlblockhash.moc"
