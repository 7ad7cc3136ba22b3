// The change feed behind /api/changes and the downsampled metric series behind
// /api/metrics/history, over real SQLite and PostgreSQL: feed rows come from triggers on the
// real control tables.
#include "audit_fixture.h"
#include "db/repositories/changefeedrepository.h"
#include "db/repositories/metricsrepository.h"

using namespace tf;
using namespace tf::db;

namespace {

// Waits up to 30 s for the feed's version to be settled, reading it once per try. (QTRY_VERIFY
// reads its condition again after the loop: a writer of another test on the same cluster that
// comes and goes in between failed the check while the version had been settled.)
bool settledWithin30s(ChangeFeedRepository &feed)
{
    QDeadlineTimer deadline(30000);
    for (;;) {
        if (feed.version().settled)
            return true;
        if (deadline.hasExpired())
            return false;
        QTest::qWait(50);
    }
}

QStringList describe(const ChangeSet &set)
{
    QStringList lines;
    for (const ResourceChange &change : set.changes)
        lines << change.resourceType + QLatin1Char(' ') + change.resourceId + QLatin1Char(' ') + change.action;
    return lines;
}

} // namespace

class TestChangeFeed final : public QObject
{
    Q_OBJECT

private slots:
    void init()
    {
        QFETCH(QString, backend);
        const QString url = m_fixture.openUrl(backend);
        TF_REQUIRE_POSTGRES(url);
        m_fixture.open();
    }
    void cleanup() { m_fixture.close(); }

    void feedFollowsTableChanges_data() { test::AuditDatabaseFixture::backends(); }
    void feedFollowsTableChanges();
    void noisyUpdatesAreNotChanges_data() { test::AuditDatabaseFixture::backends(); }
    void noisyUpdatesAreNotChanges();
    void fullWhenTooManyPrunedOrFromElsewhere_data() { test::AuditDatabaseFixture::backends(); }
    void fullWhenTooManyPrunedOrFromElsewhere();
    void uncommittedIdHoldsTheCursor_data();
    void uncommittedIdHoldsTheCursor();
    void versionMovesWithEveryCommit_data() { test::AuditDatabaseFixture::backends(); }
    void versionMovesWithEveryCommit();
    void metricsDownsample_data() { test::AuditDatabaseFixture::backends(); }
    void metricsDownsample();

private:
    qint64 insert(const QString &sql)
    {
        QSqlQuery query = m_fixture.database().prepare(sql + QStringLiteral(" RETURNING id"));
        m_fixture.database().exec(query, "test insert");
        return query.next() ? query.value(0).toLongLong() : -1;
    }

    test::AuditDatabaseFixture m_fixture;
};

void TestChangeFeed::feedFollowsTableChanges()
{
    ChangeFeedRepository feed(m_fixture.database());
    const ChangeSet start = feed.current();
    QVERIFY(start.full);
    QVERIFY(start.toJson().contains(QStringLiteral("cursor")));
    QVERIFY(!start.toJson().contains(QStringLiteral("changes")));

    const qint64 pacs = insert(QStringLiteral("INSERT INTO systems (name, kind) VALUES ('pacs', 'sqlserver')"));
    const qint64 cama = insert(QStringLiteral("INSERT INTO systems (name, kind) VALUES ('cama', 'postgres')"));
    const qint64 scratch = insert(QStringLiteral("INSERT INTO systems (name, kind) VALUES ('scratch', 'csv')"));
    m_fixture.exec(QStringLiteral("UPDATE systems SET description = 'legacy PACS' WHERE id = %1").arg(pacs));
    m_fixture.exec(QStringLiteral("DELETE FROM systems WHERE id = %1").arg(scratch));
    const qint64 pair = insert(QStringLiteral("INSERT INTO sync_pairs (name, source_system_id, source_entity, "
                                              "target_system_id, target_entity) VALUES ('parcels', %1, 'Property', %2, "
                                              "'cama_property')").arg(pacs).arg(cama));
    const qint64 operation = insert(QStringLiteral("INSERT INTO sync_operations (pair_id) VALUES (%1)").arg(pair));
    const qint64 alert = insert(QStringLiteral("INSERT INTO alerts (rule, severity, message) VALUES ('cpu', 'warning', 'hot')"));
    const qint64 entry = insert(QStringLiteral("INSERT INTO quarantine (pair_id, entity, source_key) VALUES ('%1', 'Property', 'k1')").arg(pair));
    const qint64 backup = insert(QStringLiteral("INSERT INTO backups (file_name) VALUES ('b1.dump')"));
    const qint64 run = insert(QStringLiteral("INSERT INTO maintenance_runs (kind) VALUES ('weekly')"));
    const qint64 user = insert(QStringLiteral("INSERT INTO users (username, password_hash, role) VALUES ('bob', 'x', 'viewer')"));
    const qint64 token = insert(QStringLiteral("INSERT INTO api_tokens (name, token_hash, role) VALUES ('ci', 'h', 'viewer')"));
    const qint64 audit = m_fixture.append("user.created", "info", "admin", "created bob").id;

    const ChangeSet set = feed.since(start.cursor);
    QVERIFY(!set.full);
    QCOMPARE(describe(set), (QStringList {
        QStringLiteral("system %1 created").arg(cama),
        QStringLiteral("system %1 updated").arg(pacs),
        QStringLiteral("system %1 deleted").arg(scratch),
        QStringLiteral("sync_pair %1 created").arg(pair),
        QStringLiteral("sync_operation %1 created").arg(operation),
        QStringLiteral("alert %1 created").arg(alert),
        QStringLiteral("quarantine_entry %1 created").arg(entry),
        QStringLiteral("backup %1 created").arg(backup),
        QStringLiteral("maintenance_run %1 created").arg(run),
        QStringLiteral("user %1 created").arg(user),
        QStringLiteral("api_token %1 created").arg(token),
        QStringLiteral("audit_entry %1 created").arg(audit),
    }));
    QVERIFY(set.cursor > start.cursor);
    const QJsonObject json = set.toJson();
    QCOMPARE(json.value(QStringLiteral("full")).toBool(), false);
    QCOMPARE(json.value(QStringLiteral("changes")).toArray().size(), 12);
    QCOMPARE(json.value(QStringLiteral("changes")).toArray().first().toObject(),
             (QJsonObject { { QStringLiteral("resource_type"), QStringLiteral("system") },
                            { QStringLiteral("resource_id"), QString::number(cama) },
                            { QStringLiteral("action"), QStringLiteral("created") } }));

    // Idle: the same cursor, nothing changed.
    const ChangeSet idle = feed.since(set.cursor);
    QVERIFY(!idle.full);
    QVERIFY(idle.changes.isEmpty());
    QCOMPARE(idle.cursor, set.cursor);

    // Several changes of one resource are one entry; deleting a pair cascades to its operations.
    m_fixture.exec(QStringLiteral("UPDATE sync_pairs SET enabled = %1 WHERE id = %2").arg(m_fixture.isPostgres() ? QStringLiteral("false") : QStringLiteral("0")).arg(pair));
    m_fixture.exec(QStringLiteral("UPDATE sync_pairs SET description = 'x' WHERE id = %1").arg(pair));
    m_fixture.exec(QStringLiteral("DELETE FROM sync_pairs WHERE id = %1").arg(pair));
    QStringList after = describe(feed.since(set.cursor));
    after.sort(); // the cascade's order is the backend's
    QCOMPARE(after, (QStringList { QStringLiteral("sync_operation %1 deleted").arg(operation),
                                   QStringLiteral("sync_pair %1 deleted").arg(pair) }));
}

void TestChangeFeed::noisyUpdatesAreNotChanges()
{
    ChangeFeedRepository feed(m_fixture.database());
    const qint64 a = insert(QStringLiteral("INSERT INTO systems (name, kind) VALUES ('a', 'csv')"));
    const qint64 pair = insert(QStringLiteral("INSERT INTO sync_pairs (name, source_system_id, source_entity, "
                                              "target_system_id, target_entity) VALUES ('p', %1, 'x', %1, 'y')").arg(a));
    const qint64 operation = insert(QStringLiteral("INSERT INTO sync_operations (pair_id, status) VALUES (%1, 'running')").arg(pair));
    const qint64 user = insert(QStringLiteral("INSERT INTO users (username, password_hash, role) VALUES ('bob', 'x', 'viewer')"));
    const qint64 token = insert(QStringLiteral("INSERT INTO api_tokens (name, token_hash, role, user_id) VALUES ('s', 'h', 'viewer', %1)").arg(user));
    const qint64 cursor = feed.since(0).cursor;

    // Lease renewals, logins and token use are not news.
    const QString now = m_fixture.isPostgres() ? QStringLiteral("CURRENT_TIMESTAMP") : QStringLiteral("'2030-01-01T00:00:00.000Z'");
    m_fixture.exec(QStringLiteral("UPDATE sync_operations SET lease_expires_at = %1, heartbeat_at = %1, lease_owner = 'n1' WHERE id = %2").arg(now).arg(operation));
    m_fixture.exec(QStringLiteral("UPDATE sync_operations SET progress = 0, statistics = '{}' WHERE id = %1").arg(operation)); // same values
    m_fixture.exec(QStringLiteral("UPDATE users SET last_login_at = %1 WHERE id = %2").arg(now).arg(user));
    m_fixture.exec(QStringLiteral("UPDATE api_tokens SET last_used_at = %1, expires_at = %1 WHERE id = %2").arg(now).arg(token));
    ChangeSet set = feed.since(cursor);
    QVERIFY(set.changes.isEmpty());
    QCOMPARE(set.cursor, cursor);

    // Progress, a role and a revocation are.
    m_fixture.exec(QStringLiteral("UPDATE sync_operations SET progress = 42.5 WHERE id = %1").arg(operation));
    m_fixture.exec(QStringLiteral("UPDATE users SET role = 'operator' WHERE id = %1").arg(user));
    m_fixture.exec(QStringLiteral("UPDATE api_tokens SET revoked_at = %1 WHERE id = %2").arg(now).arg(token));
    set = feed.since(cursor);
    QCOMPARE(describe(set), (QStringList { QStringLiteral("sync_operation %1 updated").arg(operation),
                                           QStringLiteral("user %1 updated").arg(user),
                                           QStringLiteral("api_token %1 updated").arg(token) }));
}

void TestChangeFeed::fullWhenTooManyPrunedOrFromElsewhere()
{
    ChangeFeedRepository feed(m_fixture.database());
    const qint64 start = feed.current().cursor;
    for (int i = 0; i < 10; ++i)
        insert(QStringLiteral("INSERT INTO systems (name, kind) VALUES ('s%1', 'csv')").arg(i));
    const qint64 head = feed.since(start).cursor;
    QCOMPARE(feed.since(start).changes.size(), 10);

    ChangeSet set = feed.since(start, 3);
    QVERIFY(set.full);
    QCOMPARE(set.cursor, head);
    QVERIFY(feed.since(head + 1000).full); // a cursor this feed never handed out

    // Keep the newest 4 rows: a client behind them reloads.
    ChangeFeedRepository::PruneResult pruned = feed.prune(QDateTime::currentDateTimeUtc().addDays(-1), 4);
    QCOMPARE(pruned.removed, 6);
    QCOMPARE(pruned.prunedThrough, head - 4);
    QVERIFY(feed.since(start).full);
    QCOMPARE(feed.since(head - 4).changes.size(), 4);
    QVERIFY(!feed.since(head - 4).full);

    // Expire everything: the cursor stays where the feed was.
    pruned = feed.prune(QDateTime::currentDateTimeUtc().addSecs(60));
    QCOMPARE(pruned.removed, 4);
    QCOMPARE(m_fixture.scalar(QStringLiteral("SELECT COUNT(*) FROM change_feed")), 0);
    QCOMPARE(feed.current().cursor, head);
    set = feed.since(head);
    QVERIFY(!set.full);
    QVERIFY(set.changes.isEmpty());
    QCOMPARE(set.cursor, head);
    QCOMPARE(feed.prune(QDateTime::currentDateTimeUtc().addSecs(60)).removed, 0);

    insert(QStringLiteral("INSERT INTO systems (name, kind) VALUES ('later', 'csv')"));
    set = feed.since(head);
    QCOMPARE(set.changes.size(), 1);
    QCOMPARE(set.cursor, head + 1);
}

void TestChangeFeed::uncommittedIdHoldsTheCursor_data()
{
    QTest::addColumn<QString>("backend");
    QTest::newRow("postgres") << QStringLiteral("postgres"); // SQLite serialises writers: ids follow commits
}

void TestChangeFeed::uncommittedIdHoldsTheCursor()
{
    ChangeFeedRepository feed(m_fixture.database());
    const qint64 start = feed.current().cursor;
    auto other = ControlDatabase::open(m_fixture.url(), false); // a second connection
    QString a;
    {
        Transaction open(other->database());
        QSqlQuery query = other->database().prepare(QStringLiteral("INSERT INTO systems (name, kind) VALUES ('slow', 'csv') RETURNING id"));
        other->database().exec(query, "test insert");
        QVERIFY(query.next());
        a = query.value(0).toString();
        query.finish();

        const qint64 b = insert(QStringLiteral("INSERT INTO systems (name, kind) VALUES ('fast', 'csv')"));
        const ChangeSet set = feed.since(start);
        QCOMPARE(describe(set), QStringList { QStringLiteral("system %1 created").arg(b) });
        QCOMPARE(set.cursor, start); // the open transaction's id is below b's and may still commit
        QCOMPARE(feed.current().cursor, start);
        open.commit();
    }
    const ChangeSet set = feed.since(start);
    QCOMPARE(set.changes.size(), 2);
    QCOMPARE(set.changes.first().resourceId, a);
    QCOMPARE(set.cursor, start + 2);
}

// What the gateway's read cache keys on (ReadCache): the head moves with every commit that
// changes a followed table, also one that took its id before a newer, already visible one; and
// on PostgreSQL the version is not settled while such a writer is open.
void TestChangeFeed::versionMovesWithEveryCommit()
{
    ChangeFeedRepository feed(m_fixture.database());
    // Settled is the cluster's snapshot: a writer of another test on the same cluster unsettles
    // it too (conservative: an answer is then not kept). Wait those out; ours is checked below.
    QVERIFY(settledWithin30s(feed));
    const ChangeFeedRepository::Version before = feed.version();
    insert(QStringLiteral("INSERT INTO systems (name, kind) VALUES ('v1', 'csv')"));
    const ChangeFeedRepository::Version one = feed.version();
    QVERIFY(one.head > before.head);
    QVERIFY(settledWithin30s(feed));
    QCOMPARE(feed.version().head, one.head); // nothing changed: the same position

    if (!m_fixture.isPostgres())
        return; // SQLite serialises writers: ids follow commits
    auto other = ControlDatabase::open(m_fixture.url(), false);
    ChangeFeedRepository::Version whileOpen;
    {
        Transaction open(other->database());
        QSqlQuery query = other->database().prepare(QStringLiteral("INSERT INTO systems (name, kind) VALUES ('slow', 'csv')"));
        other->database().exec(query, "test insert");
        query.finish();
        insert(QStringLiteral("INSERT INTO systems (name, kind) VALUES ('fast', 'csv')"));
        whileOpen = feed.version();
        QVERIFY(whileOpen.head > one.head);
        QVERIFY(!whileOpen.settled); // the open writer's lower id may still commit
        open.commit();
    }
    // That commit has the lower id; the head is still the newer one's, but an answer read while
    // it was open was never kept (not settled), and from now on the version is settled again.
    const ChangeFeedRepository::Version after = feed.version();
    QCOMPARE(after.head, whileOpen.head);
    QVERIFY(settledWithin30s(feed));
}

void TestChangeFeed::metricsDownsample()
{
    MetricsRepository metrics(m_fixture.database());
    const QDateTime t0 = QDateTime(QDate(2025, 6, 1), QTime(10, 0), Qt::UTC);
    auto sample = [](double value, const QDateTime &at) {
        MetricSample s;
        s.metric = QStringLiteral("cpu_percent");
        s.value = value;
        s.at = at;
        return s;
    };
    metrics.insert(QStringLiteral("n1"), { sample(10, t0), sample(20, t0.addSecs(10)), sample(60, t0.addSecs(59)),
                                           sample(5, t0.addSecs(60)), sample(99, t0.addSecs(180)) });
    metrics.insert(QStringLiteral("n2"), { sample(50, t0.addSecs(30)) });
    // An hourly average standing for 4 samples, at 09:00 (before t0).
    m_fixture.exec(QStringLiteral("INSERT INTO system_metrics (created_at, node, metric, value, resolution_s, sample_count) "
                                  "VALUES (%1, 'n1', 'cpu_percent', 30, 3600, 4)")
                       .arg(m_fixture.isPostgres() ? QStringLiteral("TIMESTAMPTZ '2025-06-01 09:00:00+00'")
                                                   : QStringLiteral("'2025-06-01T09:00:00.000Z'")));
    MetricSample other = sample(1, t0);
    other.metric = QStringLiteral("memory_percent");
    metrics.insert(QStringLiteral("n1"), { other });

    QList<MetricSeries> series = metrics.downsample(QStringLiteral("cpu_percent"), t0, t0.addSecs(180), 60);
    QCOMPARE(series.size(), 2);
    QCOMPARE(series.at(0).node, QStringLiteral("n1"));
    QCOMPARE(series.at(0).points.size(), 2); // 10:00 and 10:01; 10:03 is at `to`, left out
    QCOMPARE(series.at(0).points.at(0).start, t0);
    QCOMPARE(series.at(0).points.at(0).average, 30.0);
    QCOMPARE(series.at(0).points.at(0).minimum, 10.0);
    QCOMPARE(series.at(0).points.at(0).maximum, 60.0);
    QCOMPARE(series.at(0).points.at(0).samples, 3);
    QCOMPARE(series.at(0).points.at(1).start, t0.addSecs(60));
    QCOMPARE(series.at(0).points.at(1).average, 5.0);
    QCOMPARE(series.at(1).node, QStringLiteral("n2"));
    QCOMPARE(series.at(1).points.size(), 1);

    // One bucket of three hours (09:00 to 12:00): the hourly row weighs as its 4 samples.
    series = metrics.downsample(QStringLiteral("cpu_percent"), t0.addSecs(-3600), t0.addSecs(7200), 10800, QStringLiteral("n1"));
    QCOMPARE(series.size(), 1);
    QCOMPARE(series.at(0).points.size(), 1);
    QCOMPARE(series.at(0).points.at(0).samples, 9);
    QCOMPARE(series.at(0).points.at(0).average, (30.0 * 4 + 10 + 20 + 60 + 5 + 99) / 9.0);
    QCOMPARE(series.at(0).points.at(0).start, QDateTime(QDate(2025, 6, 1), QTime(9, 0), Qt::UTC)); // epoch-aligned
    const QJsonObject json = series.at(0).toJson();
    QCOMPARE(json.value(QStringLiteral("points")).toArray().at(0).toObject().value(QStringLiteral("t")).toString(),
             QStringLiteral("2025-06-01T09:00:00.000Z"));

    QVERIFY(metrics.downsample(QStringLiteral("no_such_metric"), t0, t0.addSecs(600), 60).isEmpty());
}

QTEST_GUILESS_MAIN(TestChangeFeed)
#include "tst_changefeed.moc"
