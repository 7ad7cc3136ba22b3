#include "cdccluster.h"
#include "core/errors.h"
#include "db/connection.h"
#include "db/databaseurl.h"
#include "sync/cdc/pgreplicationconnection.h"
#include "sync/cdc/pgreplicationstream.h"
#include "sync/cdc/pgsourcecatalog.h"
#include "sync/cdc/slotsafety.h"
#include "testsupport.h"

#include <QSignalSpy>
#include <QSqlQuery>
#include <QtTest>
#include <memory>

using namespace tf;
using namespace tf::sync::cdc;

using test::Recorder;
using test::scalar;

class TestPgReplication : public QObject
{
    Q_OBJECT

    std::unique_ptr<test::TemporaryPostgres> m_cluster;
    std::unique_ptr<db::Database> m_source;
    db::DatabaseUrl m_url;

    std::unique_ptr<PgReplicationConnection> connectReplication()
    {
        return std::make_unique<PgReplicationConnection>(m_url);
    }

private Q_SLOTS:
    void initTestCase()
    {
        TF_START_LOGICAL_CLUSTER(m_cluster);
        m_url = db::DatabaseUrl::parse(m_cluster->url());
        m_source = std::make_unique<db::Database>(m_url);
        m_source->execDirect(
            QStringLiteral("CREATE TABLE parcel (id bigint PRIMARY KEY, name text, "
                           "notes text)"),
            "setup");
        m_source->execDirect(QStringLiteral("CREATE TABLE ignored (id int PRIMARY KEY)"), "setup");
        m_source->execDirect(
            QStringLiteral("INSERT INTO parcel VALUES (1, 'before the slot', NULL)"), "setup");
    }

    void cleanupTestCase()
    {
        m_source.reset();
        m_cluster.reset();
    }

    void identifySystem()
    {
        auto connection = connectReplication();
        const SystemIdentity identity = connection->identifySystem();
        QCOMPARE(identity.systemId,
                 scalar(*m_source,
                        QStringLiteral("SELECT system_identifier::text FROM pg_control_system()")));
        QCOMPARE(identity.timeline, 1);
        QCOMPARE(identity.database, QStringLiteral("postgres"));
        QVERIFY(identity.walPosition > 0);
    }

    void badConnectionIsUnavailable()
    {
        db::DatabaseUrl wrong = m_url;
        wrong.port = int(test::freePort());
        try {
            PgReplicationConnection connection(wrong);
            QFAIL("connected to a closed port");
        } catch (const Error &error) {
            QCOMPARE(error.kind(), Error::Kind::Unavailable);
            QVERIFY2(error.message().contains(QStringLiteral("replication connection")),
                     qPrintable(error.message()));
        }
    }

    void namesAreChecked()
    {
        QVERIFY(PgReplicationConnection::isValidSlotName(QStringLiteral("tf_pair_12")));
        QVERIFY(!PgReplicationConnection::isValidSlotName(QStringLiteral("tf pair")));
        QVERIFY(!PgReplicationConnection::isValidSlotName(QStringLiteral("Tf_pair")));
        QVERIFY(
            !PgReplicationConnection::isValidSlotName(QStringLiteral("x'; DROP TABLE parcel; --")));
        QVERIFY(!PgReplicationConnection::isValidSlotName(QString(64, QLatin1Char('a'))));
        auto connection = connectReplication();
        QVERIFY_THROWS_EXCEPTION(Error, connection->createSlot(QStringLiteral("bad name")));
    }

    // The exported snapshot holds exactly the rows committed before the consistent point,
    // the stream exactly those committed after it: no gap, no duplicate.
    void snapshotThenStream()
    {
        PgSourceCatalog catalog(*m_source);
        catalog.ensurePublication(QStringLiteral("tf_test_pub"), QStringLiteral("public"),
                                  { QStringLiteral("parcel") });
        // A second call with the same tables changes nothing and does not fail.
        catalog.ensurePublication(QStringLiteral("tf_test_pub"), QStringLiteral("public"),
                                  { QStringLiteral("parcel") });

        auto connection = connectReplication();
        const CreatedSlot slot = connection->createSlot(QStringLiteral("tf_test_slot"));
        QCOMPARE(slot.name, QStringLiteral("tf_test_slot"));
        QVERIFY(slot.consistentPoint > 0);
        QVERIFY(!slot.snapshotName.isEmpty());

        // A row committed after the slot was made, while the snapshot is still exported.
        m_source->execDirect(
            QStringLiteral("INSERT INTO parcel VALUES (2, 'after the slot', NULL)"), "insert");
        m_source->execDirect(QStringLiteral("INSERT INTO ignored VALUES (1)"), "insert");

        {
            db::Database reader(m_url);
            reader.execDirect(QStringLiteral("BEGIN ISOLATION LEVEL REPEATABLE READ"), "begin");
            // A snapshot name is hex digits and dashes, made by the server.
            QVERIFY(QRegularExpression(QStringLiteral("^[0-9A-F-]+$"))
                        .match(slot.snapshotName)
                        .hasMatch());
            reader.execDirect(
                QStringLiteral("SET TRANSACTION SNAPSHOT '%1'").arg(slot.snapshotName), "snapshot");
            QCOMPARE(
                scalar(reader,
                       QStringLiteral("SELECT string_agg(id::text, ',' ORDER BY id) FROM parcel")),
                QStringLiteral("1"));
            reader.execDirect(QStringLiteral("COMMIT"), "commit");
            reader.closeThreadConnection();
        }

        connection->startReplication(slot.name, slot.consistentPoint,
                                     { QStringLiteral("tf_test_pub") });
        Recorder recorder;
        PgReplicationStream stream(std::move(connection), recorder, slot.consistentPoint, 60000);
        QSignalSpy failed(&stream, &PgReplicationStream::failed);
        QTRY_COMPARE_WITH_TIMEOUT(recorder.commits, 1, 10000);
        const QList<InsertMessage> inserts = recorder.all<InsertMessage>();
        QCOMPARE(inserts.size(), 1); // row 2 only: row 1 is in the snapshot, `ignored` unpublished
        QCOMPARE(inserts[0].newTuple[0].text, QByteArray("2"));
        QCOMPARE(inserts[0].newTuple[1].text, QByteArray("after the slot"));
        QCOMPARE(recorder.all<RelationMessage>().size(), 1);
        QCOMPARE(recorder.all<RelationMessage>()[0].name, QStringLiteral("parcel"));

        // A multi-statement transaction arrives whole, in order, framed by Begin and Commit.
        m_source->execDirect(QStringLiteral("BEGIN"), "begin");
        m_source->execDirect(QStringLiteral("UPDATE parcel SET name = 'renamed' WHERE id = 2"),
                             "update");
        m_source->execDirect(QStringLiteral("DELETE FROM parcel WHERE id = 1"), "delete");
        m_source->execDirect(QStringLiteral("COMMIT"), "commit");
        QTRY_COMPARE_WITH_TIMEOUT(recorder.commits, 2, 10000);
        const qsizetype n = recorder.messages.size();
        QVERIFY(std::holds_alternative<BeginMessage>(recorder.messages[n - 4]));
        QCOMPARE(std::get<UpdateMessage>(recorder.messages[n - 3]).newTuple[1].text,
                 QByteArray("renamed"));
        QCOMPARE(std::get<DeleteMessage>(recorder.messages[n - 2]).oldTuple[0].text,
                 QByteArray("1"));
        const CommitMessage commit = std::get<CommitMessage>(recorder.messages[n - 1]);
        QVERIFY(stream.receivedLsn() >= commit.commitLsn);

        // Nothing is flushed before the consumer says so; then exactly that goes to the slot.
        QCOMPARE(stream.flushedLsn(), slot.consistentPoint);
        stream.sendStatus();
        QTRY_COMPARE_WITH_TIMEOUT(catalog.slot(slot.name)->confirmedFlushLsn, slot.consistentPoint,
                                  5000);
        stream.confirmFlushed(commit.endLsn);
        stream.confirmFlushed(slot.consistentPoint); // never moves backwards
        QCOMPARE(stream.flushedLsn(), commit.endLsn);
        stream.sendStatus();
        QTRY_COMPARE_WITH_TIMEOUT(catalog.slot(slot.name)->confirmedFlushLsn, commit.endLsn, 5000);
        QVERIFY(catalog.slot(slot.name)->active);
        QCOMPARE(catalog.slot(slot.name)->plugin, QStringLiteral("pgoutput"));
        QCOMPARE(failed.count(), 0);

        // With status updates only every minute, the stream lives past wal_sender_timeout
        // (2 s) only because it answers the server's keepalive requests at once.
        const int keepalivesBefore = recorder.keepalives;
        QTest::qWait(5000);
        QCOMPARE(failed.count(), 0);
        QVERIFY2(recorder.keepalives >= keepalivesBefore + 2,
                 qPrintable(QString::number(recorder.keepalives)));
        QVERIFY(stream.isRunning());
        QVERIFY(stream.feedbackAgeMs() >= 0 && stream.feedbackAgeMs() < 2000);

        // The server going away stops the stream with the reason.
        m_source->execDirect(
            QStringLiteral("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots "
                           "WHERE slot_name = 'tf_test_slot'"),
            "terminate");
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 10000);
        QVERIFY(!stream.isRunning());
        QVERIFY(!failed.first().first().toString().isEmpty());

        // Restarting from the flushed position sends nothing already confirmed.
        QTRY_VERIFY_WITH_TIMEOUT(!catalog.slot(slot.name)->active, 10000);
        auto again = connectReplication();
        again->startReplication(slot.name, commit.endLsn, { QStringLiteral("tf_test_pub") });
        Recorder second;
        PgReplicationStream resumed(std::move(again), second, commit.endLsn, 60000);
        m_source->execDirect(
            QStringLiteral("INSERT INTO parcel VALUES (3, 'after the restart', NULL)"), "insert");
        QTRY_COMPARE_WITH_TIMEOUT(second.commits, 1, 10000);
        QCOMPARE(second.all<InsertMessage>().size(), 1);
        QCOMPARE(second.all<InsertMessage>()[0].newTuple[0].text, QByteArray("3"));
        QVERIFY(second.all<UpdateMessage>().isEmpty());
        resumed.stop();
        QVERIFY(!resumed.isRunning());

        // Dropping waits for the walsender to let go; dropping again is not an error.
        auto dropper = connectReplication();
        dropper->dropSlot(slot.name);
        QVERIFY(!catalog.slot(slot.name));
        dropper->dropSlot(slot.name);
        catalog.dropPublication(QStringLiteral("tf_test_pub"));
        catalog.dropPublication(QStringLiteral("tf_test_pub"));
        QCOMPARE(scalar(*m_source, QStringLiteral("SELECT count(*) FROM pg_publication")),
                 QStringLiteral("0"));
    }

    // Values arrive as ISO dates, UTC times and exact floats whatever the server's defaults.
    void valueTextIgnoresServerDefaults()
    {
        m_source->execDirect(QStringLiteral("CREATE TABLE typed (id int PRIMARY KEY, d date, "
                                            "ts timestamp, tz timestamptz, f float8, i interval)"),
                             "setup");
        PgSourceCatalog catalog(*m_source);
        catalog.ensurePublication(QStringLiteral("tf_typed_pub"), QStringLiteral("public"),
                                  { QStringLiteral("typed") });
        auto connection = connectReplication();
        const CreatedSlot slot = connection->createSlot(QStringLiteral("tf_typed"));
        m_source->execDirect(
            QStringLiteral("INSERT INTO typed VALUES (1, '2024-03-05', "
                           "'2024-03-05 06:07:08.123456', "
                           "'2024-03-05 06:07:08.5+02', 0.1::float8 + 0.2::float8, "
                           "'1 day 02:03:04')"),
            "insert");
        connection->startReplication(slot.name, slot.consistentPoint,
                                     { QStringLiteral("tf_typed_pub") });
        Recorder recorder;
        PgReplicationStream stream(std::move(connection), recorder, slot.consistentPoint, 60000);
        QTRY_COMPARE_WITH_TIMEOUT(recorder.commits, 1, 10000);
        const Tuple row = recorder.all<InsertMessage>().value(0).newTuple;
        QCOMPARE(row.size(), 6);
        QCOMPARE(row[1].text, QByteArray("2024-03-05"));
        QCOMPARE(row[2].text, QByteArray("2024-03-05 06:07:08.123456"));
        QCOMPARE(row[3].text, QByteArray("2024-03-05 04:07:08.5+00"));
        QCOMPARE(row[4].text, QByteArray("0.30000000000000004")); // "0.3" with 0 digits
        QCOMPARE(row[5].text, QByteArray("1 day 02:03:04"));
        stream.stop();
        connectReplication()->dropSlot(slot.name);
        catalog.dropPublication(QStringLiteral("tf_typed_pub"));
    }

    // A pair whose tables see no writes, on a cluster where another database writes a lot:
    // confirming the keepalive positions (after storing them, in the executor) keeps the WAL
    // the slot holds back bounded, instead of growing without end (Debezium's DBZ-892).
    void idleSlotDoesNotHoldWal()
    {
        m_source->execDirect(QStringLiteral("CREATE DATABASE busy"), "setup");
        db::DatabaseUrl busyUrl = m_url;
        busyUrl.database = QStringLiteral("busy");
        db::Database busy(busyUrl);
        busy.execDirect(QStringLiteral("CREATE TABLE churn (id int, pad text)"), "setup");
        PgSourceCatalog catalog(*m_source);
        catalog.ensurePublication(QStringLiteral("tf_idle_pub"), QStringLiteral("public"),
                                  { QStringLiteral("parcel") });
        auto connection = connectReplication();
        const CreatedSlot slot = connection->createSlot(QStringLiteral("tf_idle"));
        connection->startReplication(slot.name, slot.consistentPoint,
                                     { QStringLiteral("tf_idle_pub") });

        // Confirms every keepalive position: nothing of ours is in flight.
        class IdleConfirmer final : public Recorder
        {
        public:
            void onKeepalive(Lsn walEnd) override
            {
                Recorder::onKeepalive(walEnd);
                if (stream)
                    stream->confirmFlushed(walEnd);
            }
            PgReplicationStream *stream = nullptr;
        } confirmer;
        PgReplicationStream stream(std::move(connection), confirmer, slot.consistentPoint, 500);
        confirmer.stream = &stream;
        QSignalSpy failed(&stream, &PgReplicationStream::failed);

        // About 12 MB of WAL in the other database (small: the disk is shared).
        constexpr qint64 kBound = 1024 * 1024;
        for (int round = 0; round < 4; ++round) {
            busy.execDirect(QStringLiteral("INSERT INTO churn SELECT i, repeat('x', 200) FROM "
                                           "generate_series(1, 10000) i"),
                            "churn");
            QTest::qWait(200);
        }
        const qint64 written
            = qint64(catalog.slot(slot.name)->currentWalLsn - slot.consistentPoint);
        QVERIFY2(written > 2 * kBound, qPrintable(QString::number(written)));
        QTRY_VERIFY2_WITH_TIMEOUT(catalog.slot(slot.name)->lagBytes < kBound,
                                  qPrintable(QString::number(catalog.slot(slot.name)->lagBytes)),
                                  20000);
        // A checkpoint logs the running transactions, from which the slot's restart point
        // moves on.
        m_source->execDirect(QStringLiteral("CHECKPOINT"), "checkpoint");
        QTRY_VERIFY2_WITH_TIMEOUT(
            catalog.slot(slot.name)->retainedBytes < kBound,
            qPrintable(QString::number(catalog.slot(slot.name)->retainedBytes)), 30000);
        QVERIFY(confirmer.all<InsertMessage>().isEmpty());
        QCOMPARE(failed.count(), 0);
        stream.stop();
        connectReplication()->dropSlot(slot.name);
        catalog.dropPublication(QStringLiteral("tf_idle_pub"));
        busy.closeThreadConnection();
    }

    void slotsAreListedByPrefix()
    {
        auto connection = connectReplication();
        connection->createSlot(QStringLiteral("tf_listed_a"));
        auto other = connectReplication();
        other->createSlot(QStringLiteral("someone_else"));
        PgSourceCatalog catalog(*m_source);
        QCOMPARE(catalog.slotNames(QStringLiteral("tf_listed")),
                 QStringList { QStringLiteral("tf_listed_a") });
        QVERIFY(catalog.slotNames(QStringLiteral("some")).contains(QStringLiteral("someone_else")));
        QVERIFY(!catalog.slotNames(QStringLiteral("tf_")).contains(QStringLiteral("someone_else")));
        // Making a slot that exists again is a conflict.
        try {
            other->createSlot(QStringLiteral("tf_listed_a"));
            QFAIL("created a slot twice");
        } catch (const Error &error) {
            QCOMPARE(error.kind(), Error::Kind::Conflict);
        }
        connection.reset(); // the slots stay after their connection closes
        other.reset();
        auto dropper = connectReplication();
        dropper->dropSlot(QStringLiteral("tf_listed_a"));
        dropper->dropSlot(QStringLiteral("someone_else"));
        QVERIFY(catalog.slotNames(QStringLiteral("tf_listed")).isEmpty());
        QVERIFY(catalog.slotNames(QStringLiteral("some")).isEmpty());
    }
    // Someone advancing or dropping the slot behind the pair's back is caught before it
    // streams on: each loses changes the pair never applied.
    void slotTamperingIsDetected()
    {
        PgSourceCatalog catalog(*m_source);
        auto connection = connectReplication();
        const SystemIdentity server = connection->identifySystem();
        const CreatedSlot slot = connection->createSlot(QStringLiteral("tf_tampered"));
        const StoredPosition stored { slot.name, server.systemId, server.timeline,
                                      slot.consistentPoint };
        connection.reset();
        QVERIFY(checkSlot(stored, catalog.slot(slot.name), server).ok());
        QCOMPARE(catalog.slot(slot.name)->walStatus, QStringLiteral("reserved"));

        m_source->execDirect(QStringLiteral("INSERT INTO parcel VALUES (100, 'skipped', NULL)"),
                             "insert");
        m_source->execDirect(
            QStringLiteral(
                "SELECT pg_replication_slot_advance('tf_tampered', pg_current_wal_lsn())"),
            "advance");
        const SlotVerdict advanced = checkSlot(stored, catalog.slot(slot.name), server);
        QCOMPARE(advanced.problem, SlotProblem::AdvancedPastUs);
        QVERIFY2(advanced.message.contains(formatLsn(slot.consistentPoint)),
                 qPrintable(advanced.message));

        // The server's answer is what the check compares against: another timeline stops it.
        SystemIdentity failedOver = server;
        failedOver.timeline = server.timeline + 1;
        QCOMPARE(checkSlot(stored, catalog.slot(slot.name), failedOver).problem,
                 SlotProblem::TimelineChanged);

        connectReplication()->dropSlot(slot.name);
        QCOMPARE(checkSlot(stored, catalog.slot(slot.name), server).problem,
                 SlotProblem::SlotMissing);
    }
};

QTEST_GUILESS_MAIN(TestPgReplication)
#include "tst_pgreplication.moc"
