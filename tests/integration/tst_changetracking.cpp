// Cursor kind change_tracking (SQL Server Change Tracking) run by the real engine and the real
// ODBC connector over psqlODBC against the test PostgreSQL, source and target. No SQL Server
// runs here, so the one seam is odbc::ChangeTrackingQueries: PgChangeLog answers its three
// statements from a change log that triggers keep on the source table (one row per change,
// a version each, CHANGETABLE's "last change per key" read from it), with a clean-up the test
// moves by hand. The versions' checks, the rows' conversion, the batches, the executor, the
// delete policies and the state and version written with the data are the product's own code.
// The T-SQL itself is checked word for word in tst_sqlserverdialect.
#include "core/errors.h"
#include "db/connection.h"
#include "db/controldatabase.h"
#include "db/databaseurl.h"
#include "db/repositories/systemrepository.h"
#include "sync/connectors/odbcchangetracking.h"
#include "sync/connectors/odbcconnector.h"
#include "sync/connectors/odbcsession.h"
#include "sync/connectors/postgresconnector.h"
#include "sync/connectors/sqliteconnector.h"
#include "sync/definition/pairstore.h"
#include "sync/definition/syncpairdefinition.h"
#include "sync/engine/pairspec.h"
#include "sync/engine/quarantinestore.h"
#include "sync/engine/syncrunner.h"
#include "pgchangelog.h"
#include "testsupport.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QtTest>

using namespace tf::sync;
using namespace Qt::StringLiterals;
using tf::test::PgChangeLog;

namespace {

const QString kPsqlOdbc = u"/usr/lib/x86_64-linux-gnu/odbc/psqlodbcw.so"_s;

} // namespace

class TestChangeTracking final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void versionsAreCheckedInOrder();
    void definitionNeedsASqlServerSource();
    void plainOdbcSourceRefuses();
    void firstRunStoresTheVersionReadBeforeTheLoad();
    void changesFollowTheDeletePolicy_data();
    void changesFollowTheDeletePolicy();
    void cleanedUpLogResyncs();
    void cleanUpDuringTheReadResyncs();
    void failedWriteKeepsTheVersion();
    void otherTargetsLookUpDeletedKeys_data();
    void otherTargetsLookUpDeletedKeys();

private:
    void exec(const QString &sql);
    QStringList rows(const QString &sql);
    SystemSettings settings() const;
    // A source table `src_<name>` with the change log's trigger, and its target `dst_<name>`.
    void createTables(const QString &name, const QString &targetCheck = {});
    PairSpec spec(const QString &name, const QString &deleteAction = u"propagate"_s);
    RunResult run(const PairSpec &pair);
    qint64 storedVersion(const PairSpec &pair);
    qint64 logVersion();

    QTemporaryDir m_dir;
    QString m_pgUrl;
    std::unique_ptr<tf::db::Database> m_pg;
    std::unique_ptr<tf::db::ControlDatabase> m_control;
    std::unique_ptr<QuarantineStore> m_quarantine;
    std::unique_ptr<OdbcConnector> m_source;
    std::unique_ptr<OdbcConnector> m_target;
    PgChangeLog *m_log = nullptr; // owned by m_source
};

void TestChangeTracking::initTestCase()
{
    const bool require = qEnvironmentVariableIntValue("TF_REQUIRE_ODBC") == 1;
    if (!QSqlDatabase::isDriverAvailable(u"QODBC"_s) || !QFileInfo::exists(kPsqlOdbc)) {
        if (require)
            QFAIL("TF_REQUIRE_ODBC=1 but QODBC (libqt6sql6-odbc) or psqlODBC (odbc-postgresql) is missing");
        QSKIP("QODBC or psqlODBC is not installed");
    }
    m_pgUrl = tf::test::createScratchPostgresDatabase(u"tfct"_s);
    TF_REQUIRE_POSTGRES(m_pgUrl);
    m_pg = std::make_unique<tf::db::Database>(tf::db::DatabaseUrl::parse(m_pgUrl));
    QVERIFY(m_dir.isValid());
    m_control = tf::db::ControlDatabase::open(m_dir.filePath(u"control.db"_s));
    m_quarantine = std::make_unique<QuarantineStore>(m_control->database());
    exec(u"CREATE TABLE ct_log (version bigserial PRIMARY KEY, tbl text NOT NULL, op char(1) NOT NULL, id integer NOT NULL)"_s);
    exec(u"CREATE FUNCTION ct_track() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
         "IF TG_OP = 'DELETE' THEN INSERT INTO ct_log (tbl, op, id) VALUES (TG_TABLE_NAME, 'D', OLD.id); RETURN OLD; END IF; "
         "INSERT INTO ct_log (tbl, op, id) VALUES (TG_TABLE_NAME, left(TG_OP, 1), NEW.id); RETURN NEW; END $$"_s);
    m_source = std::make_unique<OdbcConnector>(settings());
    auto log = std::make_unique<PgChangeLog>(settings());
    m_log = log.get();
    m_source->setChangeTrackingQueries(std::move(log));
    m_target = std::make_unique<OdbcConnector>(settings());
}

void TestChangeTracking::cleanupTestCase()
{
    m_source.reset();
    m_target.reset();
    m_quarantine.reset();
    m_control.reset();
    m_pg.reset();
}

void TestChangeTracking::exec(const QString &sql)
{
    m_pg->execDirect(sql, "test setup");
}

QStringList TestChangeTracking::rows(const QString &sql)
{
    QSqlQuery query = m_pg->prepare(sql);
    m_pg->exec(query, "test check");
    QStringList result;
    while (query.next()) {
        QStringList values;
        for (int i = 0; i < query.record().count(); ++i)
            values << (query.isNull(i) ? u"NULL"_s : query.value(i).toString());
        result << values.join(u" | "_s);
    }
    return result;
}

SystemSettings TestChangeTracking::settings() const
{
    const tf::db::DatabaseUrl url = tf::db::DatabaseUrl::parse(m_pgUrl);
    const QString connection = u"Driver=%1;Server=%2;Port=%3;Database=%4;UseDeclareFetch=1;Fetch=1000"_s.arg(kPsqlOdbc, url.host)
                                   .arg(url.port > 0 ? url.port : 5432)
                                   .arg(url.database);
    return SystemSettings { u"odbc"_s, { { u"connection_string"_s, connection } },
                            { { u"user"_s, url.user }, { u"password"_s, url.password } } };
}

void TestChangeTracking::createTables(const QString &name, const QString &targetCheck)
{
    exec(u"CREATE TABLE src_%1 (id integer PRIMARY KEY, name text NOT NULL, value numeric(14,4))"_s.arg(name));
    exec(u"CREATE TRIGGER track AFTER INSERT OR UPDATE OR DELETE ON src_%1 FOR EACH ROW EXECUTE FUNCTION ct_track()"_s.arg(name));
    exec(u"CREATE TABLE dst_%1 (id integer PRIMARY KEY, name text%2, value numeric(14,4), is_deleted boolean NOT NULL DEFAULT false)"_s
             .arg(name, targetCheck));
}

PairSpec TestChangeTracking::spec(const QString &name, const QString &deleteAction)
{
    QJsonArray fields;
    for (const QString &column : { u"id"_s, u"name"_s, u"value"_s })
        fields.append(QJsonObject { { u"target"_s, column }, { u"source"_s, column } });
    QJsonObject deletes { { u"action"_s, deleteAction } };
    if (deleteAction == u"soft_delete"_s)
        deletes.insert(u"column"_s, u"is_deleted"_s);
    const QJsonObject json {
        { u"name"_s, name },
        { u"source_system_id"_s, 1 },
        { u"target_system_id"_s, 2 },
        { u"mode"_s, u"cursor"_s },
        { u"cursor"_s, QJsonObject { { u"kind"_s, u"change_tracking"_s } } },
        { u"batch_size"_s, 2 }, // several batches
        { u"delete_policy"_s, deletes },
        { u"entities"_s, QJsonArray { QJsonObject {
                             { u"name"_s, u"parcel"_s },
                             { u"source"_s, QJsonObject { { u"entity"_s, QString(u"src_"_s + name) }, { u"key"_s, QJsonArray { u"id"_s } } } },
                             { u"target"_s, QJsonObject { { u"entity"_s, QString(u"dst_"_s + name) }, { u"key"_s, QJsonArray { u"id"_s } } } },
                             { u"mapping"_s, QJsonObject { { u"fields"_s, fields } } } } } },
    };
    PairSpec pair = pairSpecFrom(SyncPairDefinition::parse(json), u"ct-"_s + name);
    pair.sourceSystem = pair.pairId + u"-source"_s; // a breaker per test
    pair.targetSystem = pair.pairId + u"-target"_s;
    return pair;
}

RunResult TestChangeTracking::run(const PairSpec &pair)
{
    SyncRunner runner(pair, *m_source, *m_target, *m_quarantine, DetachedStateStore {});
    return runner.run(RunOptions {});
}

qint64 TestChangeTracking::storedVersion(const PairSpec &pair)
{
    const auto checkpoint = m_target->stateStore().checkpoint(pair.pairId, u"parcel"_s);
    return checkpoint ? checkpoint->cursor.toLongLong() : -1;
}

qint64 TestChangeTracking::logVersion()
{
    const QStringList v = rows(u"SELECT COALESCE(MAX(version), 0) FROM ct_log"_s);
    return v.value(0).toLongLong();
}

// `run` is evaluated once (QVERIFY2 evaluates its description even when the check passes).
#define VERIFY_RUN(run, expected)                                                                                          \
    do {                                                                                                                   \
        const RunResult verifiedRun = (run);                                                                               \
        QVERIFY2(verifiedRun.status == (expected),                                                                         \
                 QJsonDocument(verifiedRun.toJson()).toJson(QJsonDocument::Compact).constData());                          \
    } while (false)

// The current version is read before the table's oldest valid one (so nothing committed in
// between is missed); missing Change Tracking is named; the stored version decides the resync.
void TestChangeTracking::versionsAreCheckedInOrder()
{
    m_log->takeCalls();
    m_log->minValid = 40;
    const ChangeLogStart first = m_source->startChangeLog(u"ct_log"_s, std::nullopt);
    QVERIFY(first.resync);
    QVERIFY(first.reason.isEmpty());
    QCOMPARE(m_log->takeCalls(), (QStringList { u"current"_s, u"min_valid ct_log"_s }));
    const ChangeLogStart behind = m_source->startChangeLog(u"ct_log"_s, 12);
    QVERIFY(behind.resync);
    QCOMPARE(behind.reason, u"SQL Server table 'ct_log': stored Change Tracking version 12 is below "
                            "CHANGE_TRACKING_MIN_VALID_VERSION() 40; changes were cleaned up, running a full resync"_s);
    QVERIFY(!m_source->startChangeLog(u"ct_log"_s, 40).resync);
    m_log->minValid = 0;

    const auto refusal = [&] {
        try {
            m_source->startChangeLog(u"ct_log"_s, 1);
            return QString();
        } catch (const tf::Error &error) {
            return error.message();
        }
    };
    m_log->tableEnabled = false;
    QCOMPARE(refusal(), u"'ct_log': Change Tracking is not enabled on this table (ALTER TABLE ... ENABLE CHANGE_TRACKING; "
                        "docs/connectors/sqlserver.md)"_s);
    m_log->databaseEnabled = false;
    QCOMPARE(refusal(), u"'ct_log': Change Tracking is not enabled on its database (ALTER DATABASE ... SET CHANGE_TRACKING = ON; "
                        "docs/connectors/sqlserver.md)"_s);
    m_log->databaseEnabled = m_log->tableEnabled = true;
}

// The definition: kind change_tracking takes no column; only a sqlserver source has it (422,
// naming the field where it is set).
void TestChangeTracking::definitionNeedsASqlServerSource()
{
    QJsonObject json = QJsonDocument::fromJson(R"({"name": "ct", "source_system_id": 1, "target_system_id": 2, "mode": "cursor",
        "cursor": {"kind": "change_tracking"},
        "entities": [{"name": "parcel", "source": {"entity": "Parcel", "key": ["id"]}, "target": {"entity": "parcel", "key": ["id"]},
                      "mapping": {"fields": [{"target": "id", "source": "id"}]}}]})").object();
    const SyncPairDefinition parsed = SyncPairDefinition::parse(json);
    QCOMPARE(parsed.cursor->kind, CursorSettings::Kind::ChangeTracking);
    QCOMPARE(parsed.toJson().value(u"cursor"_s).toObject(), (QJsonObject { { u"kind"_s, u"change_tracking"_s } }));
    QVERIFY(pairSpecFrom(parsed, u"1"_s).entities.first().changeTracking);

    const auto errors = [](const QJsonObject &body, const std::function<void(const QJsonObject &)> &submit) {
        try {
            submit(body);
            return QJsonArray();
        } catch (const tf::Error &error) {
            if (error.kind() != tf::Error::Kind::Validation)
                return QJsonArray { error.message() };
            return error.details().value(u"errors"_s).toArray();
        }
    };
    const auto parse = [](const QJsonObject &body) { SyncPairDefinition::parse(body); };
    QJsonObject withColumn = json;
    withColumn.insert(u"cursor"_s, QJsonObject { { u"kind"_s, u"change_tracking"_s }, { u"column"_s, u"changed"_s } });
    QCOMPARE(errors(withColumn, parse),
             (QJsonArray { QJsonObject { { u"field"_s, u"cursor.column"_s }, { u"message"_s, u"must be absent when kind is change_tracking"_s } } }));
    QJsonObject badKind = json;
    badKind.insert(u"cursor"_s, QJsonObject { { u"kind"_s, u"triggers"_s } });
    QStringList badKindFields;
    for (const QJsonValue &entry : errors(badKind, parse))
        badKindFields << entry.toObject().value(u"field"_s).toString();
    QVERIFY2(badKindFields.contains(u"cursor.kind"_s), qPrintable(badKindFields.join(u", "_s)));

    tf::db::SystemRepository systems(m_control->database());
    tf::db::SystemRecord postgres;
    postgres.name = u"cama"_s;
    postgres.kind = u"postgres"_s;
    postgres.settings = QJsonObject { { u"url"_s, m_pgUrl } };
    const qint64 pgId = systems.insert(postgres);
    tf::db::SystemRecord sqlserver;
    sqlserver.name = u"pacs"_s;
    sqlserver.kind = u"sqlserver"_s;
    sqlserver.settings = QJsonObject { { u"host"_s, u"pacs.example"_s }, { u"database"_s, u"pacs"_s } };
    const qint64 sqlId = systems.insert(sqlserver);
    PairStore store(m_control->database());
    const auto create = [&](const QJsonObject &body) { store.create(body); };
    json.insert(u"source_system_id"_s, pgId);
    json.insert(u"target_system_id"_s, pgId);
    QCOMPARE(errors(json, create),
             (QJsonArray { QJsonObject { { u"field"_s, u"cursor.kind"_s },
                                         { u"message"_s, u"change_tracking needs a sqlserver source; system %1 is of kind postgres"_s.arg(pgId) } } }));
    QJsonObject perEntity = json;
    perEntity.remove(u"cursor"_s);
    perEntity.insert(u"mode"_s, u"hash"_s);
    QJsonArray entities = perEntity.value(u"entities"_s).toArray();
    QJsonObject entity = entities.first().toObject();
    entity.insert(u"mode"_s, u"cursor"_s);
    entity.insert(u"cursor"_s, QJsonObject { { u"kind"_s, u"change_tracking"_s } });
    entities[0] = entity;
    perEntity.insert(u"entities"_s, entities);
    QCOMPARE(errors(perEntity, create).first().toObject().value(u"field"_s).toString(), u"entities[0].cursor.kind"_s);
    json.insert(u"source_system_id"_s, sqlId);
    QCOMPARE(errors(json, create), QJsonArray());
}

// A plain ODBC source has no Change Tracking: a run says so instead of reading anything.
void TestChangeTracking::plainOdbcSourceRefuses()
{
    createTables(u"plain"_s);
    exec(u"INSERT INTO src_plain VALUES (1, 'one', 1)"_s);
    OdbcConnector plain(settings());
    SyncRunner runner(spec(u"plain"_s), plain, *m_target, *m_quarantine, DetachedStateStore {});
    const RunResult result = runner.run(RunOptions {});
    VERIFY_RUN(result, RunStatus::Failed);
    QVERIFY2(result.error.contains(u"'src_plain': cursor kind change_tracking needs a sqlserver system"_s), qPrintable(result.error));
    QCOMPARE(rows(u"SELECT count(*) FROM dst_plain"_s), QStringList { u"0"_s });
}

// No stored version: a full load, then the version read BEFORE it. A row changed during the
// load is read again by the next run (version after the stored one): nothing lost or doubled.
void TestChangeTracking::firstRunStoresTheVersionReadBeforeTheLoad()
{
    createTables(u"first"_s);
    exec(u"INSERT INTO src_first SELECT g, 'row ' || g, g * 1.5 FROM generate_series(1, 5) AS g"_s);
    const PairSpec pair = spec(u"first"_s);
    const qint64 before = logVersion();
    m_log->afterCurrentVersion = [&] {
        exec(u"INSERT INTO src_first VALUES (6, 'during the load', 6)"_s);
        exec(u"UPDATE src_first SET name = 'updated during the load' WHERE id = 2"_s);
    };
    m_log->takeCalls();
    const RunResult first = run(pair);
    VERIFY_RUN(first, RunStatus::Completed);
    QCOMPARE(m_log->takeCalls(), (QStringList { u"current"_s, u"min_valid src_first"_s })); // no changes read
    QCOMPARE(storedVersion(pair), before);
    QVERIFY(logVersion() > before);
    const QString compare = u"SELECT id, name, value::text FROM %1 ORDER BY id"_s;
    QCOMPARE(rows(compare.arg(u"dst_first"_s)), rows(compare.arg(u"src_first"_s)));

    const RunResult second = run(pair);
    VERIFY_RUN(second, RunStatus::Completed);
    QCOMPARE(m_log->takeCalls(), (QStringList { u"current"_s, u"min_valid src_first"_s, u"changes src_first %1"_s.arg(before),
                                                u"current"_s, u"min_valid src_first"_s }));
    QCOMPARE(second.totals.read, 2); // ids 2 and 6, read again, written idempotently
    QCOMPARE(storedVersion(pair), logVersion());
    QCOMPARE(rows(compare.arg(u"dst_first"_s)), rows(compare.arg(u"src_first"_s)));
    QCOMPARE(rows(u"SELECT count(*) FROM dst_first"_s), QStringList { u"6"_s });

    // Nothing changed: nothing read, nothing written, the version stays.
    const qint64 stored = storedVersion(pair);
    const RunResult third = run(pair);
    VERIFY_RUN(third, RunStatus::Completed);
    QCOMPARE(third.totals.read, 0);
    QCOMPARE(third.totals.writes(), 0);
    QCOMPARE(storedVersion(pair), stored);
}

void TestChangeTracking::changesFollowTheDeletePolicy_data()
{
    QTest::addColumn<QString>("action");
    QTest::addColumn<QStringList>("expected"); // dst after the changes: id | name | value | is_deleted
    const QStringList kept { u"1 | one | 1.0000 | false"_s, u"2 | two changed | 2.5000 | false"_s, u"3 | three | 3.0000 | %1"_s,
                             u"4 | four | 4.0000 | %1"_s, u"5 | five | 5.0000 | false"_s, u"7 | seven | 7.0000 | false"_s };
    QStringList propagate = kept;
    propagate.removeAt(3);
    propagate.removeAt(2);
    QTest::newRow("propagate") << u"propagate"_s << propagate;
    QStringList soft;
    for (const QString &row : kept)
        soft << QString(row).replace(u"%1"_s, u"true"_s);
    QTest::newRow("soft_delete") << u"soft_delete"_s << soft;
    QStringList ignore;
    for (const QString &row : kept)
        ignore << QString(row).replace(u"%1"_s, u"false"_s);
    QTest::newRow("ignore") << u"ignore"_s << ignore;
}

// Inserts and updates are upserted, deletes (keys from the log) follow the delete policy; a
// row inserted and deleted between two runs, never written, has nothing to delete.
void TestChangeTracking::changesFollowTheDeletePolicy()
{
    QFETCH(QString, action);
    QFETCH(QStringList, expected);
    const QString name = u"policy_"_s + action;
    createTables(name);
    exec(u"INSERT INTO src_%1 VALUES (1, 'one', 1), (2, 'two', 2), (3, 'three', 3), (4, 'four', 4)"_s.arg(name));
    const PairSpec pair = spec(name, action);
    VERIFY_RUN(run(pair), RunStatus::Completed);
    QCOMPARE(rows(u"SELECT count(*) FROM dst_%1"_s.arg(name)), QStringList { u"4"_s });

    exec(u"UPDATE src_%1 SET name = 'two changed', value = 2.5 WHERE id = 2"_s.arg(name));
    exec(u"DELETE FROM src_%1 WHERE id IN (3, 4)"_s.arg(name));
    exec(u"INSERT INTO src_%1 VALUES (5, 'five', 5), (6, 'six', 6), (7, 'seven', 7)"_s.arg(name));
    exec(u"DELETE FROM src_%1 WHERE id = 6"_s.arg(name));
    const RunResult changes = run(pair);
    VERIFY_RUN(changes, RunStatus::Completed);
    QCOMPARE(changes.totals.read, 6); // 2, 3, 4, 5, 6, 7: in three batches of two
    QCOMPARE(changes.totals.inserted, 2);
    QCOMPARE(changes.totals.updated, 1);
    QCOMPARE(changes.totals.deleted, action == u"ignore"_s ? 0 : 2);
    QCOMPARE(rows(u"SELECT id, name, value::text, is_deleted FROM dst_%1 ORDER BY id"_s.arg(name)), expected);
    QCOMPARE(storedVersion(pair), logVersion());
    // The state no longer knows the deleted keys: the next run has nothing to do.
    QCOMPARE(m_target->stateStore().count(pair.pairId, u"parcel"_s), 4);
    const RunResult again = run(pair);
    VERIFY_RUN(again, RunStatus::Completed);
    QCOMPARE(again.totals.writes(), 0);
}

// The stored version fell below the oldest valid one: the log line, then a full load whose
// state diff finds the deletes the cleaned-up log no longer names; no row lost or doubled.
void TestChangeTracking::cleanedUpLogResyncs()
{
    createTables(u"resync"_s);
    exec(u"INSERT INTO src_resync SELECT g, 'row ' || g, g FROM generate_series(1, 6) AS g"_s);
    const PairSpec pair = spec(u"resync"_s);
    VERIFY_RUN(run(pair), RunStatus::Completed);
    const qint64 stored = storedVersion(pair);

    exec(u"DELETE FROM src_resync WHERE id IN (2, 5)"_s);
    exec(u"UPDATE src_resync SET name = 'changed' WHERE id = 3"_s);
    exec(u"INSERT INTO src_resync VALUES (7, 'seven', 7)"_s);
    m_log->minValid = logVersion() - 1; // the clean-up took all but the last change
    const qint64 current = logVersion();
    QTest::ignoreMessage(QtWarningMsg, qPrintable(u"SQL Server table 'src_resync': stored Change Tracking version %1 is below "
                                                   "CHANGE_TRACKING_MIN_VALID_VERSION() %2; changes were cleaned up, running a full resync"_s
                                                       .arg(stored)
                                                       .arg(m_log->minValid)));
    m_log->takeCalls();
    const RunResult resync = run(pair);
    m_log->minValid = 0;
    VERIFY_RUN(resync, RunStatus::Completed);
    QVERIFY(!m_log->takeCalls().join(u' ').contains(u"changes"_s)); // nothing read from the log
    QCOMPARE(resync.totals.deleted, 2);
    QCOMPARE(storedVersion(pair), current);
    const QString compare = u"SELECT id, name, value::text FROM %1 ORDER BY id"_s;
    QCOMPARE(rows(compare.arg(u"dst_resync"_s)), rows(compare.arg(u"src_resync"_s)));
    QCOMPARE(rows(compare.arg(u"dst_resync"_s)).size(), 5);
}

// The clean-up ran while the changes were read (asked again after the read): the version does
// not advance on a read that may have missed changes; the entity is resynced instead.
void TestChangeTracking::cleanUpDuringTheReadResyncs()
{
    createTables(u"during"_s);
    exec(u"INSERT INTO src_during SELECT g, 'row ' || g, g FROM generate_series(1, 4) AS g"_s);
    const PairSpec pair = spec(u"during"_s);
    VERIFY_RUN(run(pair), RunStatus::Completed);
    const qint64 stored = storedVersion(pair);
    exec(u"UPDATE src_during SET name = 'changed' WHERE id = 1"_s);
    exec(u"DELETE FROM src_during WHERE id = 4"_s);
    const qint64 current = logVersion();
    // The first version check passes; the clean-up happens before the second.
    int checks = 0;
    std::function<void()> cleanUpAfterFirst;
    cleanUpAfterFirst = [&] {
        if (++checks == 1) {
            m_log->afterCurrentVersion = cleanUpAfterFirst;
            return;
        }
        m_log->minValid = current;
    };
    m_log->afterCurrentVersion = cleanUpAfterFirst;
    QTest::ignoreMessage(QtWarningMsg, qPrintable(u"SQL Server table 'src_during': stored Change Tracking version %1 is below "
                                                   "CHANGE_TRACKING_MIN_VALID_VERSION() %2; changes were cleaned up, running a full resync"_s
                                                       .arg(stored)
                                                       .arg(current)));
    const RunResult result = run(pair);
    m_log->minValid = 0;
    VERIFY_RUN(result, RunStatus::Completed);
    QCOMPARE(checks, 2);
    QCOMPARE(storedVersion(pair), current);
    const QString compare = u"SELECT id, name, value::text FROM %1 ORDER BY id"_s;
    QCOMPARE(rows(compare.arg(u"dst_during"_s)), rows(compare.arg(u"src_during"_s)));
}

// A write the target refuses fails the run and leaves the version where it was: the next run
// reads the same changes again and, once the target accepts them, converges.
void TestChangeTracking::failedWriteKeepsTheVersion()
{
    createTables(u"refused"_s, u" CHECK (name <> 'refused')"_s);
    exec(u"INSERT INTO src_refused SELECT g, 'row ' || g, g FROM generate_series(1, 3) AS g"_s);
    const PairSpec pair = spec(u"refused"_s);
    VERIFY_RUN(run(pair), RunStatus::Completed);
    const qint64 stored = storedVersion(pair);

    exec(u"DELETE FROM src_refused WHERE id = 1"_s);
    exec(u"INSERT INTO src_refused VALUES (4, 'four', 4), (5, 'five', 5)"_s);
    exec(u"UPDATE src_refused SET name = 'refused' WHERE id = 3"_s); // the last batch's
    const RunResult failed = run(pair);
    VERIFY_RUN(failed, RunStatus::Failed);
    QCOMPARE(storedVersion(pair), stored);

    exec(u"ALTER TABLE dst_refused DROP CONSTRAINT dst_refused_name_check"_s);
    const RunResult retried = run(pair);
    VERIFY_RUN(retried, RunStatus::Completed);
    QCOMPARE(storedVersion(pair), logVersion());
    const QString compare = u"SELECT id, name, value::text FROM %1 ORDER BY id"_s;
    QCOMPARE(rows(compare.arg(u"dst_refused"_s)), rows(compare.arg(u"src_refused"_s)));
    QCOMPARE(rows(u"SELECT id FROM dst_refused ORDER BY id"_s), (QStringList { u"2"_s, u"3"_s, u"4"_s, u"5"_s }));
}

void TestChangeTracking::otherTargetsLookUpDeletedKeys_data()
{
    QTest::addColumn<QString>("kind");
    QTest::newRow("postgres") << u"postgres"_s;
    QTest::newRow("sqlite") << u"sqlite"_s;
}

// Deletes need the target keys the sync state holds (StateStore::stateOf): the same run into
// PostgreSQL's own connector (its state tables) and into SQLite (the control-database store
// the SQLite connector keeps in its file), as a county's CAMA or the validation script use.
void TestChangeTracking::otherTargetsLookUpDeletedKeys()
{
    QFETCH(QString, kind);
    const QString name = u"into_"_s + kind;
    createTables(name);
    exec(u"INSERT INTO src_%1 SELECT g, 'row ' || g, g * 1.25 FROM generate_series(1, 5) AS g"_s.arg(name));
    std::unique_ptr<TargetConnector> target;
    const QString path = m_dir.filePath(name + u".db"_s);
    const QString connectionName = u"ct-"_s + name;
    QStringList expectedIds { u"1"_s, u"3"_s, u"5"_s, u"6"_s };
    QStringList actualIds;
    if (kind == u"postgres"_s) {
        target = std::make_unique<PostgresConnector>(SystemSettings { u"postgres"_s, { { u"url"_s, m_pgUrl } }, {} });
    } else {
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, connectionName);
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QSqlQuery query(db);
            QVERIFY(query.exec(u"CREATE TABLE dst_%1 (id INTEGER PRIMARY KEY, name TEXT, value TEXT, is_deleted BOOLEAN NOT NULL DEFAULT 0)"_s
                                   .arg(name)));
        }
        target = std::make_unique<SqliteConnector>(SystemSettings { u"sqlite"_s, { { u"path"_s, path } }, {} });
    }
    const PairSpec pair = spec(name);
    const auto runInto = [&] {
        SyncRunner runner(pair, *m_source, *target, *m_quarantine, DetachedStateStore {});
        return runner.run(RunOptions {});
    };
    VERIFY_RUN(runInto(), RunStatus::Completed);
    exec(u"DELETE FROM src_%1 WHERE id IN (2, 4)"_s.arg(name));
    exec(u"UPDATE src_%1 SET name = 'changed' WHERE id = 3"_s.arg(name));
    exec(u"INSERT INTO src_%1 VALUES (6, 'six', 6)"_s.arg(name));
    const RunResult changes = runInto();
    VERIFY_RUN(changes, RunStatus::Completed);
    QCOMPARE(changes.totals.read, 4);
    QCOMPARE(changes.totals.deleted, 2);
    const auto checkpoint = target->stateStore().checkpoint(pair.pairId, u"parcel"_s);
    QVERIFY(checkpoint);
    QCOMPARE(checkpoint->cursor.toLongLong(), logVersion());
    QCOMPARE(target->stateStore().count(pair.pairId, u"parcel"_s), 4);
    if (kind == u"postgres"_s) {
        const QString compare = u"SELECT id, name, value::text FROM %1 ORDER BY id"_s;
        QCOMPARE(rows(compare.arg(u"dst_"_s + name)), rows(compare.arg(u"src_"_s + name)));
    } else {
        target.reset();
        QSqlDatabase db = QSqlDatabase::database(connectionName);
        QSqlQuery query(db);
        QVERIFY(query.exec(u"SELECT id, name FROM dst_%1 ORDER BY id"_s.arg(name)));
        QStringList names;
        while (query.next()) {
            actualIds << query.value(0).toString();
            names << query.value(1).toString();
        }
        QCOMPARE(actualIds, expectedIds);
        QCOMPARE(names, (QStringList { u"row 1"_s, u"changed"_s, u"row 5"_s, u"six"_s }));
    }
}

QTEST_GUILESS_MAIN(TestChangeTracking)
#include "tst_changetracking.moc"
