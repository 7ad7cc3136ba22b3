// The audit trail's tamper evidence over real SQLite and PostgreSQL: verification walks the
// whole chain and names the first entry where it breaks when a row is edited or removed
// behind the application's back (triggers bypassed as a database superuser would); the
// append-only triggers refuse UPDATE and DELETE; the retention job keeps the chain verifiable.
#include "audit_fixture.h"
#include "db/repositories/rowhelpers.h"

using namespace tf;
using namespace tf::db;

class TestAuditChain final : public QObject
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

    void verifyWalksTheWholeChain_data() { test::AuditDatabaseFixture::backends(); }
    void verifyWalksTheWholeChain();
    void verifyNamesAnEditedEntry_data() { test::AuditDatabaseFixture::backends(); }
    void verifyNamesAnEditedEntry();
    void verifyNamesTheEntryAfterARemovedOne_data() { test::AuditDatabaseFixture::backends(); }
    void verifyNamesTheEntryAfterARemovedOne();
    void triggersRefuseUpdateAndDelete_data() { test::AuditDatabaseFixture::backends(); }
    void triggersRefuseUpdateAndDelete();
    void purgeKeepsTheChainVerifiable_data() { test::AuditDatabaseFixture::backends(); }
    void purgeKeepsTheChainVerifiable();
    void purgeInBatchesKeepsTheNewestEntry_data() { test::AuditDatabaseFixture::backends(); }
    void purgeInBatchesKeepsTheNewestEntry();

private:
    // Appends `count` entries with a valid chain in one transaction (append() one by one would
    // be slow); returns their ids.
    QList<qint64> appendChain(int count, const QDateTime &start)
    {
        Database &database = m_fixture.database();
        QList<AuditEntry> latest = AuditRepository(database).latest(1);
        QString previous = latest.isEmpty() ? QString() : latest.first().entryHash;
        QList<qint64> ids;
        Transaction transaction(database);
        QSqlQuery insert = database.prepare(QStringLiteral(
            "INSERT INTO audit_entries (created_at, event_type, severity, description, new_state, prev_hash, "
            "entry_hash) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id"));
        for (int i = 0; i < count; ++i) {
            AuditEntry entry;
            entry.createdAt = start.addMSecs(i);
            entry.eventType = QStringLiteral("bulk.event");
            entry.severity = QStringLiteral("info");
            entry.description = QStringLiteral("bulk %1 ✓").arg(i);
            entry.newState = QJsonObject { { QStringLiteral("i"), i } };
            entry.prevHash = previous;
            entry.entryHash = AuditEntry::computeHash(previous, entry);
            insert.bindValue(0, database.dialect().toDb(entry.createdAt));
            insert.bindValue(1, entry.eventType);
            insert.bindValue(2, entry.severity);
            insert.bindValue(3, entry.description);
            insert.bindValue(4, QString::fromUtf8(QJsonDocument(entry.newState).toJson(QJsonDocument::Compact)));
            insert.bindValue(5, rows::nonNull(entry.prevHash));
            insert.bindValue(6, entry.entryHash);
            database.exec(insert, "inserting a test chain");
            ids << rows::returnedId(database, insert);
            previous = entry.entryHash;
        }
        transaction.commit();
        return ids;
    }

    // Runs statements with the append-only triggers out of the way, as a superuser could.
    void behindTheBack(const QString &sql)
    {
        if (m_fixture.isPostgres()) {
            m_fixture.exec(QStringLiteral("ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_append_only"));
            m_fixture.exec(sql);
            m_fixture.exec(QStringLiteral("ALTER TABLE audit_entries ENABLE TRIGGER audit_entries_append_only"));
        } else {
            m_fixture.exec(QStringLiteral("DROP TRIGGER IF EXISTS audit_entries_no_update"));
            m_fixture.exec(QStringLiteral("DROP TRIGGER IF EXISTS audit_entries_no_delete"));
            m_fixture.exec(sql);
        }
    }

    test::AuditDatabaseFixture m_fixture;
};

void TestAuditChain::verifyWalksTheWholeChain()
{
    AuditRepository audit(m_fixture.database());
    const AuditVerification empty = audit.verify();
    QVERIFY(empty.intact);
    QCOMPARE(empty.checked, 0);

    const qint64 first = m_fixture.append("auth.login", "info", "alice", "first").id;
    appendChain(4500, QDateTime::currentDateTimeUtc().addSecs(-3600)); // crosses verification batches
    const AuditEntry last = m_fixture.append("auth.logout", "info", "alice", "last");

    QList<qint64> progress;
    const AuditVerification result = audit.verify([&progress](qint64 checked, qint64) { progress << checked; });
    QVERIFY2(result.intact, qPrintable(result.problem));
    QCOMPARE(result.checked, 4502);
    QCOMPARE(result.firstId, first);
    QCOMPARE(result.lastId, last.id);
    QCOMPARE(result.latestHash, last.entryHash);
    QCOMPARE(result.brokenAt, 0);
    QVERIFY(progress.size() >= 3);
    QCOMPARE(progress.last(), 4502);
    QVERIFY(std::is_sorted(progress.begin(), progress.end()));
    const QJsonObject json = result.toJson();
    QCOMPARE(json.value(QStringLiteral("intact")).toBool(), true);
    QVERIFY(json.value(QStringLiteral("broken_at")).isNull());
}

void TestAuditChain::verifyNamesAnEditedEntry()
{
    m_fixture.append("auth.login", "info", "alice", "first");
    const QList<qint64> ids = appendChain(3000, QDateTime::currentDateTimeUtc().addSecs(-60));
    m_fixture.append("auth.logout", "info", "alice", "last");
    const qint64 edited = ids.at(2500);

    behindTheBack(QStringLiteral("UPDATE audit_entries SET description = 'nothing happened here' WHERE id = %1").arg(edited));
    AuditVerification result = AuditRepository(m_fixture.database()).verify();
    QVERIFY(!result.intact);
    QCOMPARE(result.brokenAt, edited);
    QVERIFY2(result.problem.contains(QLatin1String("content does not match")), qPrintable(result.problem));
    QCOMPARE(result.checked, 2501); // the first entry and 2500 of the chain
    QCOMPARE(result.toJson().value(QStringLiteral("broken_at")).toInteger(), edited);

    // An editor who also rewrites the entry's hash breaks the link of the next entry instead.
    std::optional<AuditEntry> entry = AuditRepository(m_fixture.database()).find(edited);
    QVERIFY(entry.has_value());
    const QString rehashed = AuditEntry::computeHash(entry->prevHash, *entry);
    behindTheBack(QStringLiteral("UPDATE audit_entries SET entry_hash = '%1' WHERE id = %2").arg(rehashed).arg(edited));
    result = AuditRepository(m_fixture.database()).verify();
    QVERIFY(!result.intact);
    QCOMPARE(result.brokenAt, ids.at(2501));
    QVERIFY2(result.problem.contains(QStringLiteral("id %1").arg(edited)), qPrintable(result.problem));
}

void TestAuditChain::verifyNamesTheEntryAfterARemovedOne()
{
    const QList<qint64> ids = appendChain(20, QDateTime::currentDateTimeUtc().addSecs(-60));
    behindTheBack(QStringLiteral("DELETE FROM audit_entries WHERE id = %1").arg(ids.at(7)));
    AuditVerification result = AuditRepository(m_fixture.database()).verify();
    QVERIFY(!result.intact);
    QCOMPARE(result.brokenAt, ids.at(8));
    QVERIFY2(result.problem.contains(QLatin1String("prev_hash")), qPrintable(result.problem));

    // Removing the oldest entries (nothing was ever purged) is seen too.
    behindTheBack(QStringLiteral("DELETE FROM audit_entries WHERE id <= %1").arg(ids.at(8)));
    result = AuditRepository(m_fixture.database()).verify();
    QVERIFY(!result.intact);
    QCOMPARE(result.brokenAt, ids.at(9));
    QVERIFY2(result.problem.contains(QLatin1String("nothing was ever purged")), qPrintable(result.problem));
}

void TestAuditChain::triggersRefuseUpdateAndDelete()
{
    const AuditEntry entry = m_fixture.append("user.created", "info", "admin", "created bob");
    m_fixture.append("user.updated", "info", "admin", "changed bob");
    Database &database = m_fixture.database();
    QVERIFY_THROWS_TF(m_fixture.exec(QStringLiteral("UPDATE audit_entries SET description = 'x' WHERE id = %1").arg(entry.id)));
    QVERIFY_THROWS_TF(m_fixture.exec(QStringLiteral("DELETE FROM audit_entries WHERE id = %1").arg(entry.id)));
    QVERIFY_THROWS_TF(m_fixture.exec(QStringLiteral("DELETE FROM audit_entries")));
    if (m_fixture.isPostgres()) {
        QVERIFY_THROWS_TF(m_fixture.exec(QStringLiteral("TRUNCATE audit_entries")));
        // The retention flag lets DELETE through, never UPDATE.
        Transaction transaction(database);
        m_fixture.exec(QStringLiteral("SET LOCAL terrafusion.audit_retention = 'on'"));
        QVERIFY_THROWS_TF(m_fixture.exec(QStringLiteral("UPDATE audit_entries SET description = 'x'")));
    } else {
        QCOMPARE(m_fixture.scalar(QStringLiteral("SELECT active FROM audit_retention WHERE id = 1")), 0);
    }
    QCOMPARE(AuditRepository(database).count(), 2);
    QCOMPARE(AuditRepository(database).find(entry.id)->description, QStringLiteral("created bob"));
    QVERIFY(AuditRepository(database).verify().intact);
}

void TestAuditChain::purgeKeepsTheChainVerifiable()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QList<qint64> old;
    for (int i = 0; i < 5; ++i)
        old << m_fixture.append("auth.login", "info", "a", QStringLiteral("old %1").arg(i), now.addDays(-40).addSecs(i)).id;
    QList<qint64> recent;
    for (int i = 0; i < 5; ++i)
        recent << m_fixture.append("auth.login", "info", "a", QStringLiteral("recent %1").arg(i), now.addDays(-20).addSecs(i)).id;
    m_fixture.append("auth.login", "info", "a", "now");

    AuditRepository audit(m_fixture.database());
    const AuditEntry lastOld = *audit.find(old.last());
    const AuditPurgeResult purge = audit.purgeOlderThan(now.addDays(-30));
    QCOMPARE(purge.removed, 5);
    QCOMPARE(purge.purgedThrough, old.last());
    QCOMPARE(purge.anchorHash, lastOld.entryHash);
    QCOMPARE(audit.count(), 6);
    QVERIFY(!audit.find(old.first()).has_value());
    AuditVerification result = audit.verify();
    QVERIFY2(result.intact, qPrintable(result.problem));
    QCOMPARE(result.checked, 6);
    QCOMPARE(result.firstId, recent.first());
    QCOMPARE(result.purgedThrough, old.last());

    // Outside the retention job deleting is refused again (the SQLite gate is closed).
    QVERIFY_THROWS_TF(m_fixture.exec(QStringLiteral("DELETE FROM audit_entries WHERE id = %1").arg(recent.first())));
    // Nothing more to purge at the same cut-off.
    QCOMPARE(audit.purgeOlderThan(now.addDays(-30)).removed, 0);

    // Removing the oldest remaining entry behind the back no longer matches the anchor.
    behindTheBack(QStringLiteral("DELETE FROM audit_entries WHERE id = %1").arg(recent.first()));
    result = audit.verify();
    QVERIFY(!result.intact);
    QCOMPARE(result.brokenAt, recent.at(1));
    QVERIFY2(result.problem.contains(QLatin1String("retention anchor")), qPrintable(result.problem));
}

void TestAuditChain::purgeInBatchesKeepsTheNewestEntry()
{
    const QDateTime longAgo = QDateTime::currentDateTimeUtc().addDays(-400);
    const QList<qint64> ids = appendChain(11000, longAgo); // more than two purge batches
    QList<qint64> progress;
    AuditRepository audit(m_fixture.database());
    const AuditPurgeResult purge = audit.purgeOlderThan(QDateTime::currentDateTimeUtc(),
                                                        [&progress](qint64 removed, qint64) { progress << removed; });
    // Everything is older than the cut-off, but the newest entry stays for the chain to continue.
    QCOMPARE(purge.removed, 10999);
    QCOMPARE(purge.purgedThrough, ids.at(10998));
    QCOMPARE(progress.size(), 3);
    QCOMPARE(progress.last(), 10999);
    QCOMPARE(audit.count(), 1);
    QCOMPARE(audit.latest(1).first().id, ids.last());

    const AuditEntry next = m_fixture.append("auth.login", "info", "a", "after the purge");
    QCOMPARE(next.prevHash, audit.find(ids.last())->entryHash);
    const AuditVerification result = audit.verify();
    QVERIFY2(result.intact, qPrintable(result.problem));
    QCOMPARE(result.checked, 2);
}

QTEST_GUILESS_MAIN(TestAuditChain)
#include "tst_auditchain.moc"
