// The gateway's read cache (services/gateway/upstream/readcache.h) on a real SQLite control
// database: what it keeps and when it lets go. An answer is served only at the feed position
// it was fetched under; a change (a trigger's feed row) moves the position and drops it; an
// answer fetched before a clear() (a write through the gateway) or before the feed moved is
// not kept when it arrives; only settled positions, 200 answers and bounded bodies are kept.
#include "common/databasestate.h"
#include "gateway/upstream/readcache.h"

#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace tf;
using gateway::ReadCache;
using gateway::SyncdClient;

class TestReadCache final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<DatabaseState> m_database;
    int m_systems = 0;

    // A change the feed follows, as any writer (tf-syncd, tfctl, another gateway) makes it.
    void change()
    {
        db::Database &control = m_database->database().database();
        QSqlQuery insert = control.prepare(QStringLiteral("INSERT INTO systems (name, kind) VALUES (?, 'csv')"));
        insert.addBindValue(QStringLiteral("system %1").arg(++m_systems));
        control.exec(insert, "adding a system");
    }

    static SyncdClient::Result answer(const QByteArray &body, int status = 200)
    {
        SyncdClient::Result result;
        result.status = status;
        result.body = body;
        result.contentType = "application/json";
        return result;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_database = std::make_unique<DatabaseState>(QStringLiteral("sqlite://") + m_dir.filePath(QStringLiteral("control.db")), true);
        m_database->start(100);
        QTRY_VERIFY_WITH_TIMEOUT(m_database->isOpen(), 10000);
    }

    void servedUntilTheFeedMoves()
    {
        ReadCache cache(*m_database);
        const auto at = cache.position();
        QVERIFY(at);
        QVERIFY(at->settled); // SQLite: writers are serialised
        QVERIFY(!cache.find("admin\n/sync-pairs", *at));
        cache.store("admin\n/sync-pairs", *at, answer("[1]"));
        const auto same = cache.position();
        QCOMPARE(same->head, at->head);
        QCOMPARE(cache.find("admin\n/sync-pairs", *same)->body, QByteArray("[1]"));
        QVERIFY(!cache.find("viewer\n/sync-pairs", *same)); // per role

        change();
        const auto moved = cache.position();
        QVERIFY(moved->head > at->head);
        QVERIFY(!cache.find("admin\n/sync-pairs", *moved));
        QCOMPARE(cache.size(), 0);
    }

    void anAnswerFetchedBeforeAChangeIsNotKept()
    {
        ReadCache cache(*m_database);
        const auto before = cache.position();
        change();                        // committed while the answer was on its way
        const auto after = cache.position(); // another read saw the new position
        cache.store("admin\n/systems", *before, answer("[old]"));
        QVERIFY(!cache.find("admin\n/systems", *after));
        QCOMPARE(cache.size(), 0);
    }

    void aWriteThroughTheGatewayDropsAnswersInFlight()
    {
        ReadCache cache(*m_database);
        const auto at = cache.position();
        cache.store("admin\n/systems", *at, answer("[kept]"));
        const auto fetching = cache.position(); // a read goes to tf-syncd ...
        cache.clear();                          // ... a write through the gateway is sent ...
        cache.store("admin\n/systems/1", *fetching, answer("{}")); // ... the read's answer arrives
        QCOMPARE(cache.size(), 0);
        const auto now = cache.position();
        QVERIFY(!cache.find("admin\n/systems", *now));
        QVERIFY(!cache.find("admin\n/systems/1", *now));
    }

    void onlySettledWholeSuccessfulAnswers()
    {
        ReadCache cache(*m_database);
        auto at = *cache.position();
        cache.store("a", at, answer("{}", 404));
        cache.store("b", at, answer(QByteArray(ReadCache::kMaxBodyBytes + 1, 'x')));
        ReadCache::Position unsettled = at;
        unsettled.settled = false; // PostgreSQL with a writer open
        cache.store("c", unsettled, answer("{}"));
        QCOMPARE(cache.size(), 0);
        for (int i = 0; i < ReadCache::kMaxEntries + 5; ++i)
            cache.store(QByteArray::number(i), at, answer("{}"));
        QVERIFY(cache.size() <= ReadCache::kMaxEntries); // bounded: full means start again
        QVERIFY(cache.find(QByteArray::number(ReadCache::kMaxEntries + 4), at));
    }
};

QTEST_GUILESS_MAIN(TestReadCache)
#include "tst_readcache.moc"
