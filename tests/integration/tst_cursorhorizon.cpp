// Cursor mode's safe horizon (issue 11) against a real PostgreSQL: a transaction held open
// across a run must not be skipped once it commits, and concurrent writers during repeated
// runs leave a target exactly equal to the source. updated_at is set by a trigger to now(),
// the transaction's start, as assessment systems commonly do.
#include "db/connection.h"
#include "db/controldatabase.h"
#include "sync/connectors/postgresconnector.h"
#include "sync/engine/quarantinestore.h"
#include "sync/engine/syncrunner.h"
#include "pgsyncworld.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QThread>
#include <QUrl>
#include <QtTest>

#include <atomic>

using namespace tf::sync;
using namespace Qt::StringLiterals;

namespace {

const QString kSrc = u"horizon src"_s;
const QString kDst = u"horizon dst"_s;

QString describe(const RunResult &result)
{
    return QString::fromUtf8(QJsonDocument(result.toJson()).toJson(QJsonDocument::Compact));
}

// A plain QPSQL connection of its own, like another client program of the source database.
class Client final
{
public:
    Client(const QString &url, const QString &name)
        : m_name(name)
    {
        const QUrl parsed(url);
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QPSQL"_s, m_name);
        db.setHostName(parsed.host());
        db.setPort(parsed.port(5432));
        db.setUserName(parsed.userName());
        db.setPassword(parsed.password());
        db.setDatabaseName(parsed.path().mid(1));
        m_ok = db.open();
    }
    ~Client()
    {
        {
            QSqlDatabase db = QSqlDatabase::database(m_name, false);
            db.close();
        }
        QSqlDatabase::removeDatabase(m_name);
    }
    bool ok() const { return m_ok; }
    bool exec(const QString &sql, const QVariantList &binds = {})
    {
        QSqlQuery query(QSqlDatabase::database(m_name, false));
        if (binds.isEmpty()) // BEGIN and COMMIT cannot be prepared
            return query.exec(sql) || fail(query);
        if (!query.prepare(sql))
            return fail(query);
        for (const QVariant &bind : binds)
            query.addBindValue(bind);
        return query.exec() || fail(query);
    }
    QString error() const { return m_error; }

private:
    bool fail(const QSqlQuery &query)
    {
        m_error = query.lastError().text();
        return false;
    }

    QString m_name;
    QString m_error;
    bool m_ok = false;
};

} // namespace

class TestCursorHorizon final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void transactionOpenAcrossARunIsPickedUpAfterItCommits();
    void concurrentWritersDuringRepeatedRunsLeaveAnExactTarget();

private:
    void sql(const QString &statement) { m_world.admin->execDirect(statement, "test setup"); }
    void createTables(const QString &name);
    PairSpec pair(const QString &name) const;
    RunResult run(const PairSpec &spec);
    qint64 differences(const QString &name);

    QString m_url;
    tf::test::PgSyncWorld m_world;
};

void TestCursorHorizon::initTestCase()
{
    m_url = tf::test::createScratchPostgresDatabase(u"tfhor"_s);
    TF_REQUIRE_POSTGRES(m_url);
    QVERIFY(m_world.open(m_url, kSrc, kDst));
    sql(u"CREATE FUNCTION \"%1\".touch() RETURNS trigger LANGUAGE plpgsql AS"
        " $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$"_s.arg(kSrc));
}

void TestCursorHorizon::cleanupTestCase()
{
    m_world.close();
}

void TestCursorHorizon::createTables(const QString &name)
{
    const QString columns = u"(id int8 PRIMARY KEY, val int8 NOT NULL, writer text,"
                            " updated_at timestamptz NOT NULL DEFAULT now())"_s;
    sql(u"CREATE TABLE \"%1\".\"%2\" %3"_s.arg(kSrc, name, columns));
    sql(u"CREATE TRIGGER touch BEFORE INSERT OR UPDATE ON \"%1\".\"%2\""
        " FOR EACH ROW EXECUTE FUNCTION \"%1\".touch()"_s.arg(kSrc, name));
    sql(u"CREATE TABLE \"%1\".\"%2\" %3"_s.arg(kDst, name, columns));
}

PairSpec TestCursorHorizon::pair(const QString &name) const
{
    EntitySpec entity;
    entity.name = name;
    entity.sourceEntity = name;
    entity.sourceKey = { u"id"_s };
    entity.targetEntity = name;
    entity.targetKey = { u"id"_s };
    QJsonArray fields;
    for (const QString &column : { u"id"_s, u"val"_s, u"writer"_s, u"updated_at"_s })
        fields.append(QJsonObject { { u"target"_s, column }, { u"source"_s, column } });
    entity.mapping = QJsonObject { { u"fields"_s, fields } };
    entity.mode = ChangeMode::Cursor;
    entity.cursorColumn = u"updated_at"_s;
    PairSpec spec;
    spec.pairId = name;
    spec.sourceSystem = name + u"-source"_s;
    spec.targetSystem = name + u"-target"_s;
    spec.batchSize = 50;
    spec.entities = { entity };
    return spec;
}

RunResult TestCursorHorizon::run(const PairSpec &spec)
{
    SyncRunner runner(spec, *m_world.src, *m_world.dst, *m_world.quarantine);
    return runner.run();
}

qint64 TestCursorHorizon::differences(const QString &name)
{
    // PostgreSQL compares: rows of either side with no identical row on the other.
    QSqlQuery query = m_world.admin->prepare(
        u"SELECT (SELECT count(*) FROM (SELECT * FROM \"%1\".\"%3\" EXCEPT SELECT * FROM \"%2\".\"%3\") a)"
        " + (SELECT count(*) FROM (SELECT * FROM \"%2\".\"%3\" EXCEPT SELECT * FROM \"%1\".\"%3\") b)"_s
            .arg(kSrc, kDst, name));
    m_world.admin->exec(query, "comparing");
    return query.next() ? query.value(0).toLongLong() : -1;
}

void TestCursorHorizon::transactionOpenAcrossARunIsPickedUpAfterItCommits()
{
    const QString name = u"held open"_s;
    createTables(name);
    const PairSpec spec = pair(name);
    sql(u"INSERT INTO \"%1\".\"%2\" (id, val) VALUES (1, 1)"_s.arg(kSrc, name));

    // The late writer starts first: its row gets updated_at = its transaction's start...
    Client late(m_url, u"late-writer"_s);
    QVERIFY(late.ok());
    QVERIFY2(late.exec(u"BEGIN"_s), qPrintable(late.error()));
    QVERIFY2(late.exec(u"INSERT INTO \"%1\".\"%2\" (id, val, writer) VALUES (2, 2, 'late')"_s.arg(kSrc, name)),
             qPrintable(late.error()));
    // ...while rows stamped later commit before the run.
    QTest::qWait(20);
    sql(u"INSERT INTO \"%1\".\"%2\" (id, val) VALUES (3, 3), (4, 4)"_s.arg(kSrc, name));

    const RunResult during = run(spec);
    QVERIFY2(during.status == RunStatus::Completed, qPrintable(describe(during)));
    QCOMPARE(during.totals.inserted, 3); // 1, 3 and 4: the open transaction's row is invisible
    QVERIFY2(late.exec(u"COMMIT"_s), qPrintable(late.error()));

    const RunResult after = run(spec);
    QVERIFY2(after.status == RunStatus::Completed, qPrintable(describe(after)));
    QCOMPARE(after.totals.inserted, 1); // row 2, below what the first run read
    QCOMPARE(differences(name), 0);
}

void TestCursorHorizon::concurrentWritersDuringRepeatedRunsLeaveAnExactTarget()
{
    const QString name = u"two writers"_s;
    createTables(name);
    const PairSpec spec = pair(name);
    std::atomic_bool stop { false };
    std::atomic_int failures { 0 };
    const auto writer = [&](int which) {
        Client client(m_url, u"writer-%1"_s.arg(which));
        if (!client.ok()) {
            ++failures;
            return;
        }
        QRandomGenerator random(quint32(which) * 7919u);
        for (int i = 0; i < 150 && !stop; ++i) {
            // Each writer owns every second id; it inserts new rows and updates old ones,
            // sometimes holding its transaction open across a whole run.
            const qint64 id = qint64(random.bounded(i + 1)) * 2 + which;
            bool ok = client.exec(u"BEGIN"_s)
                && client.exec(u"INSERT INTO \"%1\".\"%2\" AS t (id, val, writer) VALUES (?, 0, ?)"
                               " ON CONFLICT (id) DO UPDATE SET val = t.val + 1"_s
                                   .arg(kSrc, name),
                               { id, u"w%1"_s.arg(which) });
            QThread::msleep(random.bounded(10) == 0 ? 60 : random.bounded(4));
            ok = ok && client.exec(u"COMMIT"_s);
            if (!ok) {
                ++failures;
                client.exec(u"ROLLBACK"_s);
            }
        }
    };
    std::unique_ptr<QThread> first(QThread::create(writer, 0));
    std::unique_ptr<QThread> second(QThread::create(writer, 1));
    first->start();
    second->start();
    int runs = 0;
    while (!first->isFinished() || !second->isFinished()) {
        const RunResult result = run(spec);
        QVERIFY2(result.status == RunStatus::Completed, qPrintable(describe(result)));
        ++runs;
        if (QTest::currentTestFailed())
            break;
    }
    stop = true;
    first->wait();
    second->wait();
    QCOMPARE(failures.load(), 0);
    QVERIFY2(runs >= 3, qPrintable(u"only %1 runs overlapped the writers"_s.arg(runs)));
    const RunResult last = run(spec);
    QVERIFY2(last.status == RunStatus::Completed, qPrintable(describe(last)));
    QCOMPARE(differences(name), 0);
}

QTEST_GUILESS_MAIN(TestCursorHorizon)
#include "tst_cursorhorizon.moc"
