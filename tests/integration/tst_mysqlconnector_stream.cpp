// The streamed read (one SELECT on libmariadb, mysqlstream.h) against the keyset-paged read
// through QMYSQL: the same values and hashes, one snapshot, and a read the server kills
// mid-stream fails instead of ending short.
#include "tst_mysqlconnector.h"

#include "core/errors.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlError>
#include <QThread>

#include <atomic>

namespace {

// Empty when `a` and `b` are the same to the engine: both NULL, both unreadable with the same
// text and reason, or the same type with the same canonical bytes.
QString difference(const QVariant &a, const QVariant &b, ValueType type)
{
    const UnreadableValue *ua = unreadableOf(a);
    const UnreadableValue *ub = unreadableOf(b);
    if (ua || ub) {
        if (ua && ub && ua->text == ub->text && ua->reason == ub->reason)
            return {};
        return u"unreadable: '%1' / '%2'"_s.arg(ua ? ua->text + u": "_s + ua->reason : a.toString(),
                                                ub ? ub->text + u": "_s + ub->reason : b.toString());
    }
    const bool aNull = a.isNull() || !a.isValid();
    const bool bNull = b.isNull() || !b.isValid();
    if (aNull || bNull)
        return aNull == bNull ? QString() : u"NULL against '%1'"_s.arg(aNull ? b.toString() : a.toString());
    if (a.metaType() != b.metaType())
        return u"%1 against %2"_s.arg(QString::fromLatin1(a.metaType().name()), QString::fromLatin1(b.metaType().name()));
    const QByteArray ca = canonicalValue(a, type);
    const QByteArray cb = canonicalValue(b, type);
    return ca == cb ? QString() : u"'%1' against '%2'"_s.arg(QString::fromUtf8(ca), QString::fromUtf8(cb));
}

struct ReadRows
{
    QList<Row> rows;
    SchemaPtr schema;
    QList<QByteArray> hashes; // RowBatch::hashes (ReadRequest::withSourceHashes)
};

ReadRows readRows(MysqlConnector &connector, const ReadRequest &request)
{
    ReadRows read;
    connector.readAll(request, [&](const RowBatch &batch) {
        read.schema = batch.schema;
        read.rows << batch.rows;
        read.hashes << batch.hashes;
        return true;
    });
    return read;
}

QList<std::pair<QString, QByteArray>> keyHashes(MysqlConnector &connector, const ReadRequest &request)
{
    QList<std::pair<QString, QByteArray>> hashes;
    connector.readKeyHashes(request, [&](const QList<KeyHash> &batch) {
        for (const KeyHash &entry : batch) {
            QStringList key;
            for (const QVariant &value : entry.key)
                key << value.toString();
            hashes.append({ key.join(u'|'), entry.hash });
        }
        return true;
    });
    return hashes;
}

// Kills, from a connection of its own on a thread of its own, every query whose text is LIKE
// `pattern`, until destroyed: a server that ends the read mid-stream, on every attempt.
class QueryKiller final
{
public:
    QueryKiller(quint16 port, const QString &database, const QString &pattern)
    {
        m_thread.reset(QThread::create([this, port, database, pattern] {
            const QString name = u"tf-test-killer"_s;
            {
                QSqlDatabase db = QSqlDatabase::addDatabase(u"QMYSQL"_s, name);
                db.setHostName(u"127.0.0.1"_s);
                db.setPort(port);
                db.setUserName(u"root"_s);
                db.setDatabaseName(database);
                if (db.open()) {
                    while (!m_stop) {
                        QSqlQuery find(db);
                        find.prepare(u"SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE ? AND ID <> CONNECTION_ID()"_s);
                        find.addBindValue(pattern);
                        QList<qint64> ids;
                        if (find.exec()) {
                            while (find.next())
                                ids << find.value(0).toLongLong();
                        }
                        for (qint64 id : ids) {
                            QSqlQuery kill(db);
                            if (kill.exec(u"KILL %1"_s.arg(id)))
                                ++m_kills;
                        }
                        QThread::msleep(ids.isEmpty() ? 5 : 50);
                    }
                }
                db.close();
            }
            QSqlDatabase::removeDatabase(name);
        }));
        m_thread->start();
    }
    ~QueryKiller()
    {
        m_stop = true;
        m_thread->wait();
    }
    int kills() const { return m_kills; }

private:
    std::unique_ptr<QThread> m_thread;
    std::atomic<bool> m_stop { false };
    std::atomic<int> m_kills { 0 };
};

} // namespace

// Every value class of the type matrix, zero dates (quarantined, mapped to NULL, mapped to a
// date), TIME, INET6, UUID, geometry, BIT(64), trailing spaces, emoji, NULL against empty and a
// table without a key: the streamed read gives what the paged read gives, value by value, the
// same row hashes and the same server hashes; the hashes both reads give with the rows
// (withSourceHashes; the streamed one built from the fields' bytes) are hashRow()'s.
void TestMysqlConnector::streamedReadEqualsPagedRead()
{
    my(u"CREATE TABLE stream_matrix %1"_s.arg(kMatrixColumns));
    my(u"INSERT INTO stream_matrix VALUES %1"_s.arg(kMatrixRows));
    my(u"CREATE TABLE stream_extra (id INT PRIMARY KEY, d DATE, dt DATETIME(3), t TIME(6), ip INET6, g POINT NULL, "
       "pad VARCHAR(20), ch CHAR(10), bits BIT(64), flag TINYINT(1), uu UUID, f FLOAT, j JSON)"_s);
    my(u"SET SESSION sql_mode = ''"_s);
    my(u"INSERT INTO stream_extra VALUES (1, '0000-00-00', '2024-00-10 01:02:03.5', '-838:59:59', '::1', "
       "ST_GeomFromText('POINT(1 2)'), 'trailing  ', 'ch  ', b'1111111111111111111111111111111111111111111111111111111111111111', "
       "1, '123e4567-e89b-12d3-a456-426614174000', 0.1, '{\"a\": 1.50}'), "
       "(2, '2024-02-29', '0000-00-00 00:00:00', '25:00:00.000001', NULL, NULL, '', '', b'0', 0, NULL, -1e-45, '[]'), "
       "(3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL), "
       "(4, '9999-12-31', '1000-01-01 00:00:00.001', '00:00:00', 'fe80::1', ST_GeomFromText('POINT(-1.5 1e-7)'), "
       "' 😀 é\\t', '😀', b'1', 127, '00000000-0000-0000-0000-000000000000', 3.4028234e38, NULL)"_s);
    my(u"SET SESSION sql_mode = DEFAULT"_s);
    my(u"CREATE TABLE stream_nokey (a INT, b VARCHAR(10))"_s);
    my(u"INSERT INTO stream_nokey VALUES (2, 'x'), (1, NULL), (2, 'x'), (NULL, '')"_s);

    const QList<QJsonObject> zeroDates { {}, { { u"zero_date"_s, u"null"_s } }, { { u"zero_date"_s, u"1970-01-01"_s } } };
    for (const QJsonObject &extra : zeroDates) {
        MysqlConnector streamed(settings(extra));
        MysqlConnector paged(settings(extra));
        paged.setStreamedReads(false);
        for (const QString &table : { u"stream_matrix"_s, u"stream_extra"_s, u"stream_nokey"_s }) {
            const QString where = u"%1 (zero_date %2)"_s.arg(table, extra.value(u"zero_date"_s).toString(u"unset"_s));
            ReadRequest request;
            request.entity = table;
            request.batchSize = 2; // several pages and batches
            request.withSourceHashes = true;
            const ReadRows a = readRows(streamed, request);
            const ReadRows b = readRows(paged, request);
            QVERIFY2(!a.rows.isEmpty(), qPrintable(where));
            QCOMPARE(a.rows.size(), b.rows.size());
            QCOMPARE(a.hashes.size(), a.rows.size());
            QCOMPARE(b.hashes.size(), b.rows.size());
            QCOMPARE(*a.schema, *b.schema);
            int unreadable = 0;
            for (int r = 0; r < a.rows.size(); ++r) {
                QCOMPARE(a.rows.at(r).size(), b.rows.at(r).size());
                for (int c = 0; c < a.rows.at(r).size(); ++c) {
                    const QString diff = difference(a.rows.at(r).at(c), b.rows.at(r).at(c), a.schema->at(c).type);
                    QVERIFY2(diff.isEmpty(), qPrintable(u"%1 row %2 column %3: %4"_s.arg(where).arg(r).arg(a.schema->at(c).name, diff)));
                    if (unreadableOf(a.rows.at(r).at(c)))
                        ++unreadable;
                }
                QCOMPARE(streamed.hashRow(a.rows.at(r), *a.schema), paged.hashRow(b.rows.at(r), *b.schema));
                QCOMPARE(a.hashes.at(r), streamed.hashRow(a.rows.at(r), *a.schema));
                QCOMPARE(b.hashes.at(r), paged.hashRow(b.rows.at(r), *b.schema));
            }
            if (table == u"stream_extra"_s) // the zero dates are there: quarantined only when unmapped
                QCOMPARE(unreadable > 0, extra.isEmpty());
            if (table != u"stream_nokey"_s) {
                const auto streamedHashes = keyHashes(streamed, request);
                QCOMPARE(streamedHashes.size(), a.rows.size());
                QCOMPARE(streamedHashes, keyHashes(paged, request));
                for (int r = 0; r < a.rows.size(); ++r)
                    QCOMPARE(a.hashes.at(r), streamedHashes.at(r).second);
            }
        }
        // A read since no checkpoint streams too, in cursor order.
        ReadRequest since;
        since.entity = u"stream_matrix"_s;
        since.batchSize = 3;
        since.withSourceHashes = true;
        QList<Row> sinceA;
        QList<Row> sinceB;
        QList<QByteArray> sinceHashes;
        streamed.readSince(since, u"updated_at"_s, std::nullopt, [&](const RowBatch &batch) {
            sinceA << batch.rows;
            sinceHashes << batch.hashes;
            return true;
        });
        paged.readSince(since, u"updated_at"_s, std::nullopt, [&](const RowBatch &batch) {
            sinceB << batch.rows;
            return true;
        });
        QCOMPARE(sinceA.size(), sinceB.size());
        const Schema &schema = m_connector->describe(u"stream_matrix"_s).schema;
        QCOMPARE(sinceHashes.size(), sinceA.size());
        for (int r = 0; r < sinceA.size(); ++r) {
            QCOMPARE(streamed.hashRow(sinceA.at(r), schema), paged.hashRow(sinceB.at(r), schema));
            QCOMPARE(sinceHashes.at(r), streamed.hashRow(sinceA.at(r), schema));
        }
    }
}

// Another connection deletes rows the read has not reached yet, inserts past its end and
// updates a row ahead of it, all while the read runs: the read sees the table as it was when
// it began, both streamed and paged. The table is far larger than the socket's buffers, so the
// rows at the end are still on the server when the changes commit.
void TestMysqlConnector::streamedReadHoldsOneSnapshot()
{
    my(u"CREATE TABLE snap_t (id INT PRIMARY KEY, v VARCHAR(200))"_s);
    my(u"INSERT INTO snap_t SELECT seq, REPEAT('v', 200) FROM seq_1_to_100000"_s);
    for (const bool streamedReads : { true, false }) {
        MysqlConnector connector(settings());
        connector.setStreamedReads(streamedReads);
        ReadRequest request;
        request.entity = u"snap_t"_s;
        request.batchSize = 1000;
        qint64 count = 0;
        qint64 last = 0;
        bool ordered = true;
        QString changed;
        bool first = true;
        connector.readAll(request, [&](const RowBatch &batch) {
            if (first) {
                first = false;
                my(u"DELETE FROM snap_t WHERE id > 50000"_s);
                my(u"INSERT INTO snap_t VALUES (200001, 'new'), (200002, 'new')"_s);
                my(u"UPDATE snap_t SET v = 'changed' WHERE id = 40000"_s);
            }
            for (const Row &row : batch.rows) {
                const qint64 id = row.at(0).toLongLong();
                ordered = ordered && id == last + 1;
                last = id;
                if (row.at(1).toString() != QString(200, u'v'))
                    changed = row.at(1).toString();
                ++count;
            }
            return true;
        });
        QVERIFY2(ordered, streamedReads ? "streamed" : "paged");
        QCOMPARE(count, 100000);
        QCOMPARE(last, 100000);
        QCOMPARE(changed, QString());
        QCOMPARE(readRows(connector, request).rows.size(), 50002); // the next read sees the changes
        my(u"DELETE FROM snap_t"_s);
        my(u"INSERT INTO snap_t SELECT seq, REPEAT('v', 200) FROM seq_1_to_100000"_s);
    }
}

// The server kills the streaming connection after the first batch: the read throws a transient
// error naming the read (the engine retries it) and is never taken as complete.
void TestMysqlConnector::killedStreamFailsTheRead()
{
    my(u"CREATE TABLE kill_t (id INT PRIMARY KEY, v VARCHAR(200))"_s);
    my(u"INSERT INTO kill_t SELECT seq, REPEAT('k', 200) FROM seq_1_to_200000"_s);
    ReadRequest request;
    request.entity = u"kill_t"_s;
    request.batchSize = 1000;
    qint64 rows = 0;
    bool killed = false;
    try {
        m_connector->readAll(request, [&](const RowBatch &batch) {
            if (!killed) {
                const QVariant id = myValue(u"SELECT ID FROM information_schema.PROCESSLIST "
                                            "WHERE INFO LIKE '%FROM \"kill_t\" ORDER BY%' AND ID <> CONNECTION_ID()"_s);
                [&] { QVERIFY2(id.toLongLong() > 0, qPrintable(id.toString())); }();
                my(u"KILL %1"_s.arg(id.toLongLong()));
                killed = true;
            }
            rows += batch.rows.size();
            return true;
        });
        QFAIL(qPrintable(u"a killed read ended as if complete after %1 rows"_s.arg(rows)));
    } catch (const tf::Error &error) {
        QVERIFY(killed);
        QCOMPARE(error.kind(), tf::Error::Kind::Unavailable);
        QVERIFY2(error.message().contains(u"reading rows"_s), qPrintable(error.message()));
        QVERIFY2(rows < 200000, qPrintable(QString::number(rows)));
    }
    // The connector reads again afterwards.
    QCOMPARE(readRows(*m_connector, request).rows.size(), 200000);
}

// A full run MariaDB -> MariaDB whose read the server kills on every attempt fails with the
// error, and deletes nothing: a short read taken as complete would delete every target row
// it did not reach.
void TestMysqlConnector::killedStreamFailsTheRunAndDeletesNothing()
{
    my(u"CREATE TABLE kill_src (id INT PRIMARY KEY, v VARCHAR(200))"_s);
    my(u"CREATE TABLE kill_dst (id INT PRIMARY KEY, v VARCHAR(200))"_s);
    my(u"INSERT INTO kill_src SELECT seq, REPEAT('s', 200) FROM seq_1_to_100000"_s);
    EntitySpec entity;
    entity.name = u"rows"_s;
    entity.sourceEntity = u"kill_src"_s;
    entity.sourceKey = { u"id"_s };
    entity.targetEntity = u"kill_dst"_s;
    entity.targetKey = entity.sourceKey;
    entity.mapping = QJsonObject { { u"fields"_s, QJsonArray { QJsonObject { { u"target"_s, u"id"_s }, { u"source"_s, u"id"_s } },
                                                              QJsonObject { { u"target"_s, u"v"_s }, { u"source"_s, u"v"_s } } } } };
    entity.mode = ChangeMode::Full;
    PairSpec spec;
    spec.pairId = u"killed"_s;
    spec.sourceSystem = u"killed-source"_s;
    spec.targetSystem = u"killed-target"_s;
    spec.batchSize = 2000;
    spec.entities = { entity };
    MysqlConnector source(settings());
    MysqlConnector target(settings());
    const RunResult first = run(source, target, spec);
    QVERIFY2(first.status == RunStatus::Completed, qPrintable(first.error));
    QCOMPARE(myValue(u"SELECT COUNT(*) FROM kill_dst"_s).toLongLong(), 100000);

    RunResult killed;
    int kills = 0;
    {
        QueryKiller killer(m_server.port(), m_database, u"%FROM \"kill_src\" ORDER BY%"_s);
        killed = run(source, target, spec);
        kills = killer.kills();
    }
    QVERIFY2(killed.status == RunStatus::Failed, qPrintable(QString::fromUtf8(QJsonDocument(killed.toJson()).toJson())));
    QVERIFY2(kills > 0, "the read was never killed");
    QVERIFY2(killed.error.contains(u"reading rows"_s), qPrintable(killed.error));
    QCOMPARE(killed.totals.deleted, 0);
    QCOMPARE(myValue(u"SELECT COUNT(*) FROM kill_dst"_s).toLongLong(), 100000);
    // Once the server lets it finish, the next run completes with nothing to delete.
    const RunResult after = run(source, target, spec);
    QVERIFY2(after.status == RunStatus::Completed, qPrintable(after.error));
    QCOMPARE(after.totals.deleted, 0);
    QCOMPARE(myValue(u"SELECT COUNT(*) FROM kill_dst"_s).toLongLong(), 100000);
}
