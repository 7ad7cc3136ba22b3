#pragma once

// What the cdc integration tests share: a private cluster set up for logical replication,
// a handler that records what a replication stream hands over, and a one-value query.

#include "db/connection.h"
#include "db/databaseurl.h"
#include "sync/cdc/pgreplicationstream.h"
#include "temporarypostgres.h"
#include "testsupport.h"

#include <QSqlQuery>
#include <QTest>
#include <QVariant>

namespace tf::test {

using namespace tf::sync::cdc;

// Starts `cluster` (TemporaryPostgres) with wal_level=logical, a 2 s wal_sender_timeout (the
// server asks for keepalive answers every second), and server defaults a value's text must not
// depend on (another time zone, date style and float digits). False with cluster.error().
inline bool startLogicalCluster(TemporaryPostgres &cluster)
{
    if (!cluster.start())
        return false;
    {
        db::Database admin(db::DatabaseUrl::parse(cluster.url()));
        for (const char *setting :
             { "wal_level = 'logical'", "wal_sender_timeout = '2s'", "timezone = 'America/Chicago'",
               "datestyle = 'SQL, DMY'", "extra_float_digits = 0" })
            admin.execDirect(QStringLiteral("ALTER SYSTEM SET ") + QLatin1String(setting), "setup");
        admin.closeThreadConnection();
    }
    return cluster.restart();
}

// In initTestCase: a missing PostgreSQL installation skips (fails under TF_REQUIRE_PG=1);
// otherwise `cluster` (a std::unique_ptr<TemporaryPostgres>) is made and started for logical
// replication.
#define TF_START_LOGICAL_CLUSTER(cluster)                                                        \
    do {                                                                                         \
        if (tf::test::TemporaryPostgres::binDir().isEmpty()) {                                   \
            if (tf::test::postgresRequired())                                                    \
                QFAIL("TF_REQUIRE_PG=1 but PostgreSQL is not installed in /usr/lib/postgresql"); \
            QSKIP("PostgreSQL is not installed: this test starts its own cluster");              \
        }                                                                                        \
        cluster = std::make_unique<tf::test::TemporaryPostgres>();                               \
        QVERIFY2(tf::test::startLogicalCluster(*cluster), qPrintable(cluster->error()));         \
    } while (false)

// The query that counts `slot` while its walsender streams it (START_REPLICATION under way:
// walsender state catchup or streaming). "active" alone is no such sign: a slot is active while
// CREATE_REPLICATION_SLOT makes it, inactive during the snapshot copy, then active again, so a
// QTRY wait on it could stop at the first moment and fail on QTest's re-check in the gap (the
// tst_cdcexecmatrix flake of sessions 12-13: "30350 ms would have been sufficient", one second in).
inline QString streamingSlotQuery(const QString &slot)
{
    return QStringLiteral("SELECT count(*) FROM pg_replication_slots s JOIN pg_stat_replication r "
                          "ON r.pid = s.active_pid WHERE s.slot_name = '%1' "
                          "AND r.state IN ('catchup', 'streaming')")
        .arg(slot);
}

// Collects what the stream hands over; can be told to confirm keepalives when idle.
class Recorder : public PgReplicationHandler
{
public:
    void onMessage(const PgOutputMessage &message, Lsn walStart) override
    {
        messages.append(message);
        starts.append(walStart);
        if (std::holds_alternative<CommitMessage>(message))
            ++commits;
    }
    void onKeepalive(Lsn walEnd) override
    {
        ++keepalives;
        lastKeepalive = walEnd;
    }

    template<typename T> QList<T> all() const
    {
        QList<T> found;
        for (const PgOutputMessage &message : messages) {
            if (std::holds_alternative<T>(message))
                found.append(std::get<T>(message));
        }
        return found;
    }

    QList<PgOutputMessage> messages;
    QList<Lsn> starts;
    int commits = 0;
    int keepalives = 0;
    Lsn lastKeepalive = 0;
};

inline QString scalar(const db::Database &database, const QString &sql)
{
    QSqlQuery query = database.prepare(sql);
    database.exec(query, "test query");
    return query.next() ? query.value(0).toString() : QString();
}

} // namespace tf::test
