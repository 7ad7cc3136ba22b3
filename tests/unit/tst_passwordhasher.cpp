// PBKDF2 password hashes, bearer tokens and the username/password rules.
#include "auth/bearertoken.h"
#include "auth/credentialpolicy.h"
#include "auth/passwordhasher.h"
#include "core/errors.h"

#include <QElapsedTimer>
#include <QRegularExpression>
#include <QSet>
#include <QtTest>
#include <limits>

using namespace tf;
using namespace tf::auth;

class TestPasswordHasher final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void hashesVerifyOnlyTheirPassword()
    {
        const PasswordHasher hasher(2000);
        const QString stored = hasher.hash(QStringLiteral("correct horse battery"));
        QVERIFY(stored.startsWith(QStringLiteral("pbkdf2-sha256$2000$")));
        QVERIFY(!stored.contains(QStringLiteral("correct horse")));
        QVERIFY(hasher.verify(QStringLiteral("correct horse battery"), stored));
        QVERIFY(!hasher.verify(QStringLiteral("correct horse batterY"), stored));
        QVERIFY(!hasher.verify(QString(), stored));
        // A hash made with another count still verifies (the count travels with it) and asks
        // to be upgraded.
        const PasswordHasher stronger(3000);
        QVERIFY(stronger.verify(QStringLiteral("correct horse battery"), stored));
        QVERIFY(stronger.needsRehash(stored));
        QVERIFY(!hasher.needsRehash(stored));
    }

    // Hashes stored before the switch from QPasswordDigestor to libcrypto still verify: the
    // derivation is PBKDF2-HMAC-SHA256 as RFC 7914 section 11's test vectors give it.
    void knownAnswers_data()
    {
        QTest::addColumn<QString>("password");
        QTest::addColumn<QByteArray>("salt");
        QTest::addColumn<int>("iterations");
        QTest::addColumn<QByteArray>("keyHex");
        QTest::newRow("1 round") << QStringLiteral("passwd") << QByteArray("salt") << 1
                                 << QByteArray("55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc");
        QTest::newRow("80000 rounds") << QStringLiteral("Password") << QByteArray("NaCl") << 80000
                                      << QByteArray("4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56");
    }
    void knownAnswers()
    {
        QFETCH(QString, password);
        QFETCH(QByteArray, salt);
        QFETCH(int, iterations);
        QFETCH(QByteArray, keyHex);
        const QString stored = QStringLiteral("pbkdf2-sha256$%1$%2$%3")
                                   .arg(iterations)
                                   .arg(QString::fromLatin1(salt.toBase64()), QString::fromLatin1(QByteArray::fromHex(keyHex).toBase64()));
        const PasswordHasher hasher(1000);
        QVERIFY(hasher.verify(password, stored));
        QVERIFY(!hasher.verify(password + QLatin1Char('x'), stored));
    }

    void saltsDiffer()
    {
        const PasswordHasher hasher(1000);
        QSet<QString> seen;
        for (int i = 0; i < 20; ++i)
            seen.insert(hasher.hash(QStringLiteral("same password here")));
        QCOMPARE(seen.size(), 20);
    }

    void unicodePasswords()
    {
        const PasswordHasher hasher(1000);
        const QString password = QStringLiteral("pässwörd-日本語-🔑-long");
        QVERIFY(hasher.verify(password, hasher.hash(password)));
        QVERIFY(!hasher.verify(QStringLiteral("passwörd-日本語-🔑-long"), hasher.hash(password)));
    }

    void malformedStoredValuesNeverMatch_data()
    {
        QTest::addColumn<QString>("stored");
        QTest::newRow("empty") << QString();
        QTest::newRow("plain text") << QStringLiteral("secret-password");
        QTest::newRow("other scheme") << QStringLiteral("md5$1$abc$def");
        QTest::newRow("bad count") << QStringLiteral("pbkdf2-sha256$zero$c2FsdA==$a2V5");
        QTest::newRow("short key") << QStringLiteral("pbkdf2-sha256$1000$c2FsdA==$a2V5");
    }

    void malformedStoredValuesNeverMatch()
    {
        QFETCH(QString, stored);
        const PasswordHasher hasher(1000);
        QVERIFY(!hasher.verify(QStringLiteral("secret-password"), stored));
        QVERIFY(hasher.needsRehash(stored));
    }

    void dummyCostsAboutAsMuchAsARealCheck()
    {
        // The unknown-user path must not answer measurably faster than a wrong password.
        // Interleaved, and the fastest of several runs of each, so a busy machine does not
        // decide the outcome.
        const PasswordHasher hasher(20000);
        const QString stored = hasher.hash(QStringLiteral("some real password"));
        qint64 real = std::numeric_limits<qint64>::max();
        qint64 dummy = std::numeric_limits<qint64>::max();
        QElapsedTimer timer;
        for (int i = 0; i < 6; ++i) {
            timer.start();
            QVERIFY(!hasher.verify(QStringLiteral("wrong password!"), stored));
            real = qMin(real, timer.nsecsElapsed());
            timer.start();
            QVERIFY(!hasher.verifyDummy(QStringLiteral("wrong password!")));
            dummy = qMin(dummy, timer.nsecsElapsed());
        }
        qInfo("fastest real check %.1f ms, fastest dummy check %.1f ms", real / 1e6, dummy / 1e6);
        QVERIFY2(dummy * 2 >= real && real * 2 >= dummy,
                 qPrintable(QStringLiteral("%1 vs %2 ns").arg(real).arg(dummy)));
    }

    void constantTimeEqualsCompares()
    {
        QVERIFY(constantTimeEquals("abc", "abc"));
        QVERIFY(!constantTimeEquals("abc", "abd"));
        QVERIFY(!constantTimeEquals("abc", "abcd"));
        QVERIFY(constantTimeEquals(QByteArray(), QByteArray()));
    }

    void tokensAreOpaqueAndPrefixed()
    {
        static const QRegularExpression shape(QStringLiteral("^tf[sk]_[A-Za-z0-9_-]{43}$"));
        QSet<QString> values;
        for (int i = 0; i < 50; ++i) {
            const IssuedToken session = issueToken(TokenKind::Session);
            const IssuedToken program = issueToken(TokenKind::ApiToken);
            QVERIFY(session.value.startsWith(QStringLiteral("tfs_")));
            QVERIFY(program.value.startsWith(QStringLiteral("tfk_")));
            QVERIFY(shape.match(session.value).hasMatch());
            QVERIFY(isWellFormedToken(session.value.toLatin1()));
            QVERIFY(isWellFormedToken(program.value.toLatin1()));
            QCOMPARE(session.hash, hashToken(session.value.toLatin1()));
            QCOMPARE(session.hash.size(), 64);
            QVERIFY(!session.hash.contains(session.value.mid(4, 10)));
            QCOMPARE(session.prefix, session.value.left(10));
            values.insert(session.value);
            values.insert(program.value);
        }
        QCOMPARE(values.size(), 100);
        QVERIFY(!isWellFormedToken("tfs_short"));
        QVERIFY(!isWellFormedToken("xyz_" + QByteArray(43, 'a')));
        QVERIFY(!isWellFormedToken("tfs_" + QByteArray(42, 'a') + '!'));
        QVERIFY(!isWellFormedToken(QByteArray()));
    }

    void usernameRules_data()
    {
        QTest::addColumn<QString>("username");
        QTest::addColumn<bool>("valid");
        QTest::newRow("plain") << QStringLiteral("alice") << true;
        QTest::newRow("email") << QStringLiteral("a.b-c_d@county.gov") << true;
        QTest::newRow("64") << QString(64, QLatin1Char('a')) << true;
        QTest::newRow("65") << QString(65, QLatin1Char('a')) << false;
        QTest::newRow("empty") << QString() << false;
        QTest::newRow("space") << QStringLiteral("a b") << false;
        QTest::newRow("dot dot slash") << QStringLiteral("../etc") << false;
        QTest::newRow("sql") << QStringLiteral("x' OR '1'='1") << false;
        QTest::newRow("unicode") << QStringLiteral("jürgen") << false;
    }

    void usernameRules()
    {
        QFETCH(QString, username);
        QFETCH(bool, valid);
        try {
            validateUsername(username);
            QVERIFY(valid);
        } catch (const Error &error) {
            QVERIFY(!valid);
            QCOMPARE(error.kind(), Error::Kind::Validation);
            QCOMPARE(error.details().value(QStringLiteral("field")).toString(),
                     QStringLiteral("username"));
        }
    }

    void passwordRules()
    {
        validatePassword(QString(12, QLatin1Char('x')));
        QVERIFY_THROWS_EXCEPTION(Error, validatePassword(QString(11, QLatin1Char('x'))));
        QVERIFY_THROWS_EXCEPTION(Error, validatePassword(QString(1025, QLatin1Char('x'))));
        const QString generated = generatePassword(24);
        QCOMPARE(generated.size(), 24);
        validatePassword(generated);
        QVERIFY(generated != generatePassword(24));
    }
};

QTEST_GUILESS_MAIN(TestPasswordHasher)
#include "tst_passwordhasher.moc"
