// The audit trail's reads over real SQLite and PostgreSQL: filters, keyset paging while new
// entries arrive, single entries, summary, and a deep filtered page over 200k entries that an
// index answers.
#include "audit_fixture.h"

#include <QElapsedTimer>
#include <QSet>

using namespace tf;
using namespace tf::db;

class TestAuditRepository final : public QObject
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

    void filters_data() { test::AuditDatabaseFixture::backends(); }
    void filters();
    void pagingHasNoDuplicatesOrGapsWhileEntriesArrive_data() { test::AuditDatabaseFixture::backends(); }
    void pagingHasNoDuplicatesOrGapsWhileEntriesArrive();
    void oldestFirstIsTheSameListReversed_data() { test::AuditDatabaseFixture::backends(); }
    void oldestFirstIsTheSameListReversed();
    void findAndAscending_data() { test::AuditDatabaseFixture::backends(); }
    void findAndAscending();
    void summary_data() { test::AuditDatabaseFixture::backends(); }
    void summary();
    void deepFilteredPageUsesAnIndex_data() { test::AuditDatabaseFixture::backends(); }
    void deepFilteredPageUsesAnIndex();

private:
    QList<qint64> ids(const AuditFilter &filter, int pageSize = 1000, AuditOrder order = AuditOrder::NewestFirst)
    {
        AuditRepository audit(m_fixture.database());
        QList<qint64> result;
        qint64 before = 0;
        do {
            const AuditPage page = audit.list(filter, pageSize, before, order);
            for (const AuditEntry &entry : page.entries)
                result << entry.id;
            before = page.nextBeforeId;
        } while (before > 0);
        return result;
    }

    test::AuditDatabaseFixture m_fixture;
};

void TestAuditRepository::filters()
{
    const QDateTime base = QDateTime(QDate(2025, 3, 1), QTime(12, 0), Qt::UTC);
    QList<AuditEntry> all;
    all << m_fixture.append("auth.login", "info", "alice", "Alice logged in", base);
    all << m_fixture.append("sync_pair.updated", "info", "bob", "Pair Benton parcels changed", base.addSecs(60),
                            "sync_pair", "7");
    all << m_fixture.append("sync_pair.deleted", "warning", "bob", "Pair 8 deleted", base.addSecs(120), "sync_pair", "8");
    all << m_fixture.append("auth.login_failed", "warning", "mallory", "Failed login: 100% wrong_password",
                            base.addSecs(180));
    all << m_fixture.append("sync.failed", "error", "", "Sync of BENTON parcels failed", base.addSecs(240),
                            "sync_operation", "42");
    all << m_fixture.append("sync_pair.updated", "info", "alice", "Pair 7 schedule changed", base.addSecs(300),
                            "sync_pair", "7");

    auto idsOf = [&all](std::initializer_list<int> positions) {
        QList<qint64> result;
        for (int position : positions)
            result.prepend(all.at(position).id); // newest first
        return result;
    };

    AuditFilter filter;
    QCOMPARE(ids(filter), idsOf({ 0, 1, 2, 3, 4, 5 }));
    filter.eventType = QStringLiteral("sync_pair.updated");
    QCOMPARE(ids(filter), idsOf({ 1, 5 }));
    filter = {};
    filter.severity = QStringLiteral("warning");
    QCOMPARE(ids(filter), idsOf({ 2, 3 }));
    filter = {};
    filter.username = QStringLiteral("alice");
    QCOMPARE(ids(filter), idsOf({ 0, 5 }));
    filter = {};
    filter.resourceType = QStringLiteral("sync_pair");
    filter.resourceId = QStringLiteral("7");
    QCOMPARE(ids(filter), idsOf({ 1, 5 }));
    filter = {};
    filter.from = base.addSecs(120);
    filter.to = base.addSecs(240); // half-open: 240 is out
    QCOMPARE(ids(filter), idsOf({ 2, 3 }));
    filter = {};
    filter.text = QStringLiteral("benton"); // case-insensitive
    QCOMPARE(ids(filter), idsOf({ 1, 4 }));
    filter.text = QStringLiteral("100%"); // LIKE wildcards are literal
    QCOMPARE(ids(filter), idsOf({ 3 }));
    filter.text = QStringLiteral("_");
    QCOMPARE(ids(filter), idsOf({ 3 }));
    filter.text = QStringLiteral("1_0");
    QCOMPARE(ids(filter), QList<qint64>());
    filter = {};
    filter.eventType = QStringLiteral("sync_pair.updated");
    filter.username = QStringLiteral("bob");
    QCOMPARE(ids(filter), idsOf({ 1 }));
    filter.username = QStringLiteral("nobody");
    QCOMPARE(ids(filter), QList<qint64>());

    // Entries read back as written.
    const AuditPage page = AuditRepository(m_fixture.database()).list({}, 1);
    QCOMPARE(page.entries.size(), 1);
    QCOMPARE(page.entries.first().toJson(), all.last().toJson());
    QCOMPARE(page.nextBeforeId, all.last().id);
}

void TestAuditRepository::pagingHasNoDuplicatesOrGapsWhileEntriesArrive()
{
    QList<qint64> written;
    for (int i = 0; i < 53; ++i)
        written.prepend(m_fixture.append(i % 3 == 0 ? "sync.completed" : "auth.login", "info", "op", QStringLiteral("entry %1").arg(i)).id);
    AuditRepository audit(m_fixture.database());
    QList<qint64> seen;
    qint64 before = 0;
    int pages = 0;
    do {
        const AuditPage page = audit.list({}, 10, before);
        QVERIFY(page.entries.size() <= 10);
        for (const AuditEntry &entry : page.entries)
            seen << entry.id;
        before = page.nextBeforeId;
        ++pages;
        // New entries between pages are newer than every cursor: they never shift a page.
        m_fixture.append("auth.login", "info", "late", QStringLiteral("arrived during page %1").arg(pages));
    } while (before > 0);
    QCOMPARE(pages, 6);
    QCOMPARE(seen, written);

    // The same under a filter.
    AuditFilter filter;
    filter.eventType = QStringLiteral("sync.completed");
    QList<qint64> expected;
    for (qint64 id : std::as_const(written)) {
        if (audit.find(id)->eventType == QLatin1String("sync.completed"))
            expected << id;
    }
    QCOMPARE(expected.size(), 18);
    seen.clear();
    before = 0;
    do {
        const AuditPage page = audit.list(filter, 4, before);
        for (const AuditEntry &entry : page.entries) {
            QCOMPARE(entry.eventType, QStringLiteral("sync.completed"));
            seen << entry.id;
        }
        before = page.nextBeforeId;
        m_fixture.append("sync.completed", "info", "late", QStringLiteral("arrived"));
    } while (before > 0);
    QCOMPARE(seen, expected);
}

void TestAuditRepository::oldestFirstIsTheSameListReversed()
{
    for (int i = 0; i < 23; ++i)
        m_fixture.append(i % 3 == 0 ? "sync.completed" : "auth.login", "info", "op", QStringLiteral("entry %1").arg(i));
    for (const QString &type : { QString(), QStringLiteral("sync.completed") }) {
        AuditFilter filter;
        filter.eventType = type;
        QList<qint64> newest = ids(filter, 4);
        std::reverse(newest.begin(), newest.end());
        QVERIFY(newest.size() >= 8);
        QCOMPARE(ids(filter, 4, AuditOrder::OldestFirst), newest);
        // The first page from the oldest end holds the oldest entries, ascending.
        const AuditPage first = AuditRepository(m_fixture.database()).list(filter, 3, 0, AuditOrder::OldestFirst);
        QCOMPARE(first.entries.size(), 3);
        QCOMPARE(first.entries.at(0).id, newest.at(0));
        QCOMPARE(first.entries.at(2).id, newest.at(2));
        QCOMPARE(first.nextBeforeId, newest.at(2));
    }
}

void TestAuditRepository::findAndAscending()
{
    QList<qint64> written;
    for (int i = 0; i < 12; ++i)
        written << m_fixture.append(i % 2 ? "a.odd" : "a.even", "info", "u", QStringLiteral("n%1").arg(i)).id;
    AuditRepository audit(m_fixture.database());
    const std::optional<AuditEntry> entry = audit.find(written.at(3));
    QVERIFY(entry.has_value());
    QCOMPARE(entry->description, QStringLiteral("n3"));
    QCOMPARE(AuditEntry::computeHash(entry->prevHash, *entry), entry->entryHash);
    QVERIFY(!audit.find(written.last() + 1000).has_value());
    QCOMPARE(audit.newestId(), written.last());

    AuditFilter odd;
    odd.eventType = QStringLiteral("a.odd");
    QList<qint64> batched;
    qint64 after = 0;
    for (;;) {
        const QList<AuditEntry> batch = audit.ascending(odd, after, written.at(9), 2);
        if (batch.isEmpty())
            break;
        for (const AuditEntry &e : batch)
            batched << e.id;
        after = batch.last().id;
    }
    QCOMPARE(batched, (QList<qint64> { written.at(1), written.at(3), written.at(5), written.at(7), written.at(9) }));
}

void TestAuditRepository::summary()
{
    AuditRepository audit(m_fixture.database());
    const AuditSummary empty = audit.summary();
    QCOMPARE(empty.totalEntries, 0);
    QVERIFY(!empty.latestTimestamp.isValid());
    QVERIFY(empty.toJson().value(QStringLiteral("latest_timestamp")).isNull());

    const QDateTime at = QDateTime(QDate(2025, 5, 2), QTime(8, 30, 15, 250), Qt::UTC);
    m_fixture.append("auth.login", "info", "a", "x", at.addSecs(-30));
    const qint64 firstError = m_fixture.append("sync.failed", "error", "", "boom", at.addSecs(-20)).id;
    m_fixture.append("auth.login", "info", "a", "x", at.addSecs(-10));
    const qint64 critical = m_fixture.append("audit.verify_failed", "critical", "", "chain broken", at.addSecs(-5)).id;
    m_fixture.append("auth.login_failed", "warning", "m", "x", at);

    m_fixture.append("auth.login", "info", "m", "next day", at.addDays(1));

    const AuditSummary summary = audit.summary({}, 1);
    QCOMPARE(summary.totalEntries, 6);
    QCOMPARE(summary.byDay, (QMap<QString, qint64> { { QStringLiteral("2025-05-02"), 5 }, { QStringLiteral("2025-05-03"), 1 } }));
    QCOMPARE(summary.byUsername,
             (QMap<QString, qint64> { { QString(), 2 }, { QStringLiteral("a"), 2 }, { QStringLiteral("m"), 2 } }));
    // Every count is of the filter's entries: the true total of what the list pages through.
    AuditFilter filter;
    filter.username = QStringLiteral("m");
    filter.to = at.addSecs(1);
    const AuditSummary filtered = audit.summary(filter);
    QCOMPARE(filtered.totalEntries, 1);
    QCOMPARE(filtered.latestTimestamp, at);
    QCOMPARE(filtered.byDay, (QMap<QString, qint64> { { QStringLiteral("2025-05-02"), 1 } }));
    QCOMPARE(filtered.byEventType, (QMap<QString, qint64> { { QStringLiteral("auth.login_failed"), 1 } }));
    QVERIFY(filtered.latestErrors.isEmpty());
    filter = {};
    filter.text = QStringLiteral("boom");
    QCOMPARE(audit.summary(filter).latestErrors.size(), 1);
    QCOMPARE(audit.summary(filter).latestErrors.first().id, firstError);

    QCOMPARE(summary.latestTimestamp, at.addDays(1));
    QCOMPARE(summary.byEventType.value(QStringLiteral("auth.login")), 3);
    QCOMPARE(summary.byEventType.size(), 4);
    QCOMPARE(summary.bySeverity.value(QStringLiteral("info")), 3);
    QCOMPARE(summary.bySeverity.value(QStringLiteral("error")), 1);
    QCOMPARE(summary.bySeverity.value(QStringLiteral("critical")), 1);
    QCOMPARE(summary.latestErrors.size(), 1);
    QCOMPARE(summary.latestErrors.first().id, critical);
    const QJsonObject json = audit.summary().toJson();
    QCOMPARE(json.value(QStringLiteral("total_entries")).toInteger(), 6);
    QCOMPARE(json.value(QStringLiteral("latest_timestamp")).toString(), QStringLiteral("2025-05-03T08:30:15.250Z"));
    QCOMPARE(json.value(QStringLiteral("by_day")).toObject().value(QStringLiteral("2025-05-03")).toInteger(), 1);
    QCOMPARE(json.value(QStringLiteral("by_username")).toObject().value(QStringLiteral("a")).toInteger(), 2);
    QCOMPARE(json.value(QStringLiteral("latest_errors")).toArray().size(), 2);
    QCOMPARE(json.value(QStringLiteral("latest_errors")).toArray().at(1).toObject().value(QStringLiteral("id")).toInteger(),
             firstError);
}

void TestAuditRepository::deepFilteredPageUsesAnIndex()
{
    // 200k entries in one statement (their chain is not valid; paging does not care). The
    // change feed's trigger is set aside for the load: its rows are not what this measures.
    const int total = 200000;
    QElapsedTimer timer;
    timer.start();
    if (m_fixture.isPostgres()) {
        m_fixture.exec(QStringLiteral("ALTER TABLE audit_entries DISABLE TRIGGER change_feed_audit_entries"));
        m_fixture.exec(QStringLiteral(
            "INSERT INTO audit_entries (created_at, event_type, severity, username, description, entry_hash) "
            "SELECT TIMESTAMPTZ '2025-01-01 00:00:00+00' + g * INTERVAL '1 second', "
            "'event.' || (g % 20), CASE WHEN g % 10 = 0 THEN 'error' ELSE 'info' END, 'user' || (g % 7), "
            "'bulk entry ' || g, md5(g::text) FROM generate_series(1, 200000) AS g"));
        m_fixture.exec(QStringLiteral("ANALYZE audit_entries"));
    } else {
        m_fixture.exec(QStringLiteral("DROP TRIGGER change_feed_audit_entries_insert"));
        m_fixture.exec(QStringLiteral(
            "WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 200000) "
            "INSERT INTO audit_entries (created_at, event_type, severity, username, description, entry_hash) "
            "SELECT strftime('%Y-%m-%dT%H:%M:%fZ', '2025-01-01T00:00:00', '+' || n || ' seconds'), "
            "'event.' || (n % 20), CASE WHEN n % 10 = 0 THEN 'error' ELSE 'info' END, 'user' || (n % 7), "
            "'bulk entry ' || n, hex(randomblob(16)) FROM g"));
        m_fixture.exec(QStringLiteral("ANALYZE"));
    }
    qInfo("inserted %d entries in %lld ms", total, timer.elapsed());
    QCOMPARE(m_fixture.scalar(QStringLiteral("SELECT COUNT(*) FROM audit_entries")), total);

    AuditRepository audit(m_fixture.database());
    const qint64 firstId = m_fixture.scalar(QStringLiteral("SELECT MIN(id) FROM audit_entries"));
    AuditFilter filter;
    filter.eventType = QStringLiteral("event.10"); // g % 20 == 10: also g % 10 == 0, so every one is an error
    filter.severity = QStringLiteral("error");
    const qint64 deepCursor = firstId + 20000; // near the oldest end: 9/10 of the table is newer
    timer.restart();
    const AuditPage page = audit.list(filter, 100, deepCursor);
    const qint64 elapsed = timer.elapsed();
    QCOMPARE(page.entries.size(), 100);
    qint64 previous = deepCursor;
    for (const AuditEntry &entry : page.entries) {
        QVERIFY(entry.id < previous);
        QCOMPARE(entry.eventType, filter.eventType);
        QCOMPARE(entry.severity, filter.severity);
        previous = entry.id;
    }
    QCOMPARE(page.entries.first().id, deepCursor - 11); // deepCursor is g = 20001; the newest match below is g = 19990
    QCOMPARE(page.nextBeforeId, page.entries.last().id);
    QVERIFY2(elapsed < 3000, qPrintable(QStringLiteral("deep page took %1 ms").arg(elapsed)));

    // The plan: an index, not a scan of the table.
    const QString sql = QStringLiteral("SELECT id FROM audit_entries WHERE event_type = 'event.10' AND severity = 'error' "
                                       "AND id < %1 ORDER BY id DESC LIMIT 101").arg(deepCursor);
    QStringList plan;
    QSqlQuery explain(m_fixture.database().connection());
    QVERIFY(explain.exec((m_fixture.isPostgres() ? QStringLiteral("EXPLAIN ") : QStringLiteral("EXPLAIN QUERY PLAN ")) + sql));
    while (explain.next())
        plan << explain.value(m_fixture.isPostgres() ? 0 : 3).toString();
    const QString text = plan.join(QLatin1Char('\n'));
    qInfo("%s", qPrintable(text));
    if (m_fixture.isPostgres()) {
        QVERIFY2(!text.contains(QLatin1String("Seq Scan")), qPrintable(text));
        QVERIFY2(text.contains(QLatin1String("Index")), qPrintable(text));
    } else {
        QVERIFY2(text.contains(QLatin1String("USING")), qPrintable(text));
        QVERIFY2(!text.contains(QRegularExpression(QStringLiteral("SCAN audit_entries\\s*$"),
                                                   QRegularExpression::MultilineOption)),
                 qPrintable(text));
    }
}

QTEST_GUILESS_MAIN(TestAuditRepository)
#include "tst_auditrepository.moc"
