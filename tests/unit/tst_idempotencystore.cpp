// http::IdempotencyStore on real SQLite and PostgreSQL control databases: a key claimed once,
// replays of the stored answer, another request under the key refused, keys per caller, failed
// work releasing its key, expired keys purged, and a claim abandoned by a dead request taken
// over.
#include "common/idempotencystore.h"
#include "core/errors.h"
#include "db/controldatabase.h"
#include "testsupport.h"

#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>
#include <memory>

using namespace tf;
using http::IdempotencyStore;

class TestIdempotencyStore final : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void replaysTheFirstAnswer_data() { backends(); }
    void replaysTheFirstAnswer();
    void keysArePerCallerAndRequest_data() { backends(); }
    void keysArePerCallerAndRequest();
    void failedWorkReleasesTheKey_data() { backends(); }
    void failedWorkReleasesTheKey();
    void expiredAndAbandonedKeys_data() { backends(); }
    void expiredAndAbandonedKeys();
    void keyLength();

private:
    static void backends()
    {
        QTest::addColumn<QString>("backend");
        QTest::newRow("sqlite") << QStringLiteral("sqlite");
        QTest::newRow("postgres") << QStringLiteral("postgres");
    }
    static http::ApiRequest request(const QByteArray &key, const QString &caller = QStringLiteral("alice"),
                                    const QString &path = QStringLiteral("/sync/1/start"))
    {
        http::ApiRequest r;
        r.method = "POST";
        r.path = path;
        r.headers.insert("idempotency-key", key);
        r.caller.username = caller;
        return r;
    }
    static IdempotencyStore::Claim claim(const http::ApiRequest &r, const QByteArray &body = "{}")
    {
        return *IdempotencyStore::claimFor(r, QStringLiteral("sync-operations.start"), body);
    }
    static QString codeOf(const std::function<void()> &call)
    {
        try {
            call();
        } catch (const Error &error) {
            return error.code();
        }
        return QString();
    }
    void age(const QString &key, qint64 seconds)
    {
        db::Database &database = m_control->database();
        QSqlQuery query = database.prepare(QStringLiteral("UPDATE idempotency_keys SET created_at = ? WHERE key = ?"));
        query.addBindValue(database.dialect().toDb(QDateTime::currentDateTimeUtc().addSecs(-seconds)));
        query.addBindValue(key);
        database.exec(query, "ageing a key");
    }
    int rows()
    {
        QSqlQuery query = m_control->database().prepare(QStringLiteral("SELECT COUNT(*) FROM idempotency_keys"));
        m_control->database().exec(query, "counting keys");
        query.next();
        return query.value(0).toInt();
    }

    QTemporaryDir m_dir;
    int m_counter = 0;
    std::unique_ptr<db::ControlDatabase> m_control;
};

void TestIdempotencyStore::init()
{
    if (qstrcmp(QTest::currentTestFunction(), "keyLength") == 0)
        return;
    QFETCH(QString, backend);
    QString url;
    if (backend == QLatin1String("sqlite"))
        url = m_dir.filePath(QStringLiteral("keys%1.db").arg(++m_counter));
    else
        url = test::createScratchPostgresDatabase(QStringLiteral("tfidem"));
    TF_REQUIRE_POSTGRES(url);
    m_control = db::ControlDatabase::open(url);
}

void TestIdempotencyStore::cleanup()
{
    m_control.reset();
}

void TestIdempotencyStore::replaysTheFirstAnswer()
{
    IdempotencyStore store(m_control->database());
    const IdempotencyStore::Claim first = claim(request("k1"));
    QVERIFY(!store.begin(first)); // ours: do the work
    // A second request while the first is being answered.
    QCOMPARE(codeOf([&] { store.begin(first); }), QStringLiteral("idempotency_key_in_use"));
    http::ApiResponse answer = http::ApiResponse::json(QJsonObject { { QStringLiteral("id"), 7 } }, 202);
    answer.withHeader("Location", "/sync-operations/7");
    store.finish(first, answer);

    const std::optional<http::ApiResponse> replay = store.begin(first);
    QVERIFY(replay);
    QCOMPARE(replay->status, 202);
    QCOMPARE(replay->body, answer.body);
    QVERIFY(replay->headers.contains({ "Location", "/sync-operations/7" }));
    QVERIFY(replay->headers.contains({ "Idempotent-Replayed", "true" }));
}

void TestIdempotencyStore::keysArePerCallerAndRequest()
{
    IdempotencyStore store(m_control->database());
    const IdempotencyStore::Claim alice = claim(request("k"));
    QVERIFY(!store.begin(alice));
    store.finish(alice, http::ApiResponse::json(QJsonObject {}, 202));
    // Another body, or another path (pair), under the same key: refused.
    QCOMPARE(codeOf([&] { store.begin(claim(request("k"), R"({"dry_run":true})")); }),
             QStringLiteral("idempotency_key_reused"));
    QCOMPARE(codeOf([&] { store.begin(claim(request("k", QStringLiteral("alice"), QStringLiteral("/sync/2/start")))); }),
             QStringLiteral("idempotency_key_reused"));
    // Another caller has keys of their own.
    QVERIFY(!store.begin(claim(request("k", QStringLiteral("bob")))));
}

void TestIdempotencyStore::failedWorkReleasesTheKey()
{
    IdempotencyStore store(m_control->database());
    const IdempotencyStore::Claim c = claim(request("k"));
    QVERIFY(!store.begin(c));
    store.finish(c, http::ApiResponse::json(QJsonObject {}, 409)); // not stored
    QVERIFY(!store.begin(c)); // claimable again
    store.release(c);
    QVERIFY(!store.begin(c));
}

void TestIdempotencyStore::expiredAndAbandonedKeys()
{
    IdempotencyStore store(m_control->database());
    const IdempotencyStore::Claim old = claim(request("old"));
    QVERIFY(!store.begin(old));
    store.finish(old, http::ApiResponse::json(QJsonObject {}, 202));
    const IdempotencyStore::Claim abandoned = claim(request("abandoned"));
    QVERIFY(!store.begin(abandoned));
    age(QStringLiteral("old"), 25 * 3600);
    age(QStringLiteral("abandoned"), 600); // its request died before finish()
    QCOMPARE(rows(), 2);
    // The next begin purges the expired key; the abandoned claim is taken over, not in use.
    QVERIFY(!store.begin(abandoned));
    QCOMPARE(rows(), 1);
    QVERIFY(!store.begin(old)); // expired: a new request
}

void TestIdempotencyStore::keyLength()
{
    http::ApiRequest none;
    QVERIFY(!IdempotencyStore::claimFor(none, QStringLiteral("s"), "{}"));
    QVERIFY(IdempotencyStore::claimFor(request(QByteArray(200, 'k')), QStringLiteral("s"), "{}"));
    QCOMPARE(codeOf([] { IdempotencyStore::claimFor(request(QByteArray(201, 'k')), QStringLiteral("s"), "{}"); }),
             QStringLiteral("bad_request"));
    QCOMPARE(codeOf([] { IdempotencyStore::claimFor(request(""), QStringLiteral("s"), "{}"); }),
             QStringLiteral("bad_request"));
}

QTEST_GUILESS_MAIN(TestIdempotencyStore)
#include "tst_idempotencystore.moc"
