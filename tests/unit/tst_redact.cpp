// tf::redactSecrets and tf::redactUrl: secrets vanish from log lines and API answers, while
// ordinary text passes through unchanged.
#include "core/redact.h"

#include <QtTest>

namespace {

// String lists written as plain literals (QT_NO_CAST_FROM_ASCII forbids the implicit form).
QStringList strings(std::initializer_list<const char *> items)
{
    QStringList list;
    for (const char *item : items)
        list << QString::fromUtf8(item);
    return list;
}

} // namespace

class TestRedact final : public QObject
{
    Q_OBJECT

private slots:
    void redactsSecrets_data();
    void redactsSecrets();
    void leavesOrdinaryTextAlone_data();
    void leavesOrdinaryTextAlone();
    void redactUrl_data();
    void redactUrl();
};

void TestRedact::redactsSecrets_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expected");
    QTest::addColumn<QStringList>("secrets"); // none of these may survive

    // Passwords in URLs.
    QTest::newRow("postgres url")
        << "postgresql://tf:s3cret@db.example.org:5432/control"
        << "postgresql://tf:***@db.example.org:5432/control" << strings({ "s3cret" });
    QTest::newRow("url inside a sentence")
        << "connecting to postgres://admin:hunter2@10.0.0.1/db failed: timeout"
        << "connecting to postgres://admin:***@10.0.0.1/db failed: timeout" << strings({ "hunter2" });
    QTest::newRow("password with colon")
        << "DATABASE_URL=postgresql://u:pa:ss@h/db" << "DATABASE_URL=postgresql://u:***@h/db"
        << strings({ "pa:ss", ":ss@" });
    QTest::newRow("percent-encoded password")
        << "postgresql://tf:p%40ss@db/x" << "postgresql://tf:***@db/x" << strings({ "p%40ss" });
    QTest::newRow("no user name") << "redis://:s3cr3t@cache:6379/0" << "redis://:***@cache:6379/0"
                                  << strings({ "s3cr3t" });
    QTest::newRow("two urls")
        << "from mysql://a:one1@h1/x to postgresql://b:two2@h2/y"
        << "from mysql://a:***@h1/x to postgresql://b:***@h2/y" << strings({ "one1", "two2" });

    // key=value and key: value.
    QTest::newRow("PGPASSWORD") << "PGPASSWORD=hunter2" << "PGPASSWORD=***" << strings({ "hunter2" });
    QTest::newRow("conninfo")
        << "host=db user=tf password=hunter2 dbname=control"
        << "host=db user=tf password=*** dbname=control" << strings({ "hunter2" });
    QTest::newRow("upper case, spaced") << "PASSWORD = s3cr3t" << "PASSWORD = ***" << strings({ "s3cr3t" });
    QTest::newRow("passwd") << "passwd: s3cr3t" << "passwd: ***" << strings({ "s3cr3t" });
    QTest::newRow("pwd") << "pwd=s3cr3t" << "pwd=***" << strings({ "s3cr3t" });
    QTest::newRow("client_secret") << "client_secret=s3cr3t" << "client_secret=***" << strings({ "s3cr3t" });
    QTest::newRow("credentials") << "credentials=s3cr3t" << "credentials=***" << strings({ "s3cr3t" });
    QTest::newRow("env token") << "TF_AUTH__TOKEN=s3cr3t" << "TF_AUTH__TOKEN=***" << strings({ "s3cr3t" });
    QTest::newRow("api_key in a query")
        << "GET /v1/export?api_key=XYZ789&format=json" << "GET /v1/export?api_key=***&format=json"
        << strings({ "XYZ789" });
    QTest::newRow("apikey") << "apikey: XYZ789" << "apikey: ***" << strings({ "XYZ789" });
    QTest::newRow("two pairs")
        << "password=a1b2 token=c3d4" << "password=*** token=***" << strings({ "a1b2", "c3d4" });
    QTest::newRow("single-quoted") << "password='hunter2'" << "password=***" << strings({ "hunter2" });

    // "key": "value" in JSON.
    QTest::newRow("json access_token")
        << R"({"access_token": "abc123", "user": "tf"})" << R"({"access_token": "***", "user": "tf"})"
        << strings({ "abc123" });
    QTest::newRow("json compact") << R"({"password":"abc123"})" << R"({"password":"***"})"
                                  << strings({ "abc123" });
    // A JSON string value is the whole quoted string, spaces, commas and escapes included.
    QTest::newRow("json passphrase with spaces")
        << R"({"password": "correct horse battery staple", "user": "tf"})"
        << R"({"password": "***", "user": "tf"})" << strings({ "correct", "horse", "battery", "staple" });
    QTest::newRow("json value with comma")
        << R"({"secret": "abc,def"})" << R"({"secret": "***"})" << strings({ "abc", "def" });
    QTest::newRow("json value with escaped quote")
        << R"({"token": "ab\"cd"})" << R"({"token": "***"})" << strings({ "ab", "cd" });

    // Bearer tokens.
    QTest::newRow("authorization header")
        << "Authorization: Bearer eyJhbGciOi.abc-def_ghi" << "Authorization: Bearer ***"
        << strings({ "eyJhbGciOi", "abc-def_ghi" });
    QTest::newRow("lower-case bearer")
        << "authorization: bearer tf_0123456789abcdef" << "authorization: bearer ***"
        << strings({ "tf_0123456789abcdef" });
}

void TestRedact::redactsSecrets()
{
    QFETCH(QString, text);
    QFETCH(QString, expected);
    QFETCH(QStringList, secrets);

    const QString redacted = tf::redactSecrets(text);
    for (const QString &secret : secrets)
        QVERIFY2(!redacted.contains(secret), qPrintable(QStringLiteral("'%1' leaks in: %2").arg(secret, redacted)));
    QCOMPARE(redacted, expected);
    // Redacting twice changes nothing more.
    QCOMPARE(tf::redactSecrets(redacted), redacted);
}

void TestRedact::leavesOrdinaryTextAlone_data()
{
    QTest::addColumn<QString>("text");

    QTest::newRow("empty") << "";
    QTest::newRow("plain sentence") << "sync finished: 42 rows in 3.1 s";
    QTest::newRow("tokens counted") << "tokens processed: 5";
    QTest::newRow("password mentioned") << "the passwords do not match";
    QTest::newRow("password policy") << "password policy updated for 3 users";
    QTest::newRow("query string") << "GET /api/v1/sync-pairs?page=2&limit=50";
    QTest::newRow("url with port") << "listening on http://127.0.0.1:8080";
    QTest::newRow("url with port and @ in path") << "https://example.org:8443/path/x@y";
    QTest::newRow("url with user, no password") << "postgresql://tf@db.example.org/control";
    QTest::newRow("sqlite url") << "sqlite:///var/lib/terrafusion/tf.db";
    QTest::newRow("conninfo without password") << "host=db user=tf port=5432 dbname=control";
    QTest::newRow("email address") << "alert sent to ops@example.org";
    QTest::newRow("json without secrets") << R"({"user": "tf", "rows": 12, "state": "running"})";
    QTest::newRow("non-ascii") << "Übertragung abgeschlossen: 7 Datensätze";
}

void TestRedact::leavesOrdinaryTextAlone()
{
    QFETCH(QString, text);
    QCOMPARE(tf::redactSecrets(text), text);
}

void TestRedact::redactUrl_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("expected");

    QTest::newRow("postgres") << "postgresql://tf:secret@db/x" << "postgresql://tf:***@db/x";
    QTest::newRow("with port") << "postgres://tf:secret@db:6543/x" << "postgres://tf:***@db:6543/x";
    QTest::newRow("https") << "https://user:pw@example.org/a" << "https://user:***@example.org/a";
    QTest::newRow("no password") << "postgresql://tf@db/x" << "postgresql://tf@db/x";
    QTest::newRow("no credentials") << "http://127.0.0.1:8080/health" << "http://127.0.0.1:8080/health";
    QTest::newRow("sqlite") << "sqlite:///tmp/tf.db" << "sqlite:///tmp/tf.db";
    QTest::newRow("empty") << "" << "";
}

void TestRedact::redactUrl()
{
    QFETCH(QString, url);
    QFETCH(QString, expected);
    QCOMPARE(tf::redactUrl(url), expected);
}

QTEST_GUILESS_MAIN(TestRedact)
#include "tst_redact.moc"
