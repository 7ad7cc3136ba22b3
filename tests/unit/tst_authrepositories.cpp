// Users, tokens and the first-start admin over real SQLite and PostgreSQL.
#include "auth/bearertoken.h"
#include "auth/bootstrapadmin.h"
#include "auth/credentialpolicy.h"
#include "auth/passwordhasher.h"
#include "core/errors.h"
#include "db/controldatabase.h"
#include "db/repositories/tokenrepository.h"
#include "db/repositories/userrepository.h"
#include "testsupport.h"

#include <QFile>
#include <QFileInfo>
#include <QThread>
#include <QtTest>
#include <memory>

using namespace tf;
using namespace tf::db;

class TestAuthRepositories final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    int m_counter = 0;
    std::unique_ptr<ControlDatabase> m_control;
    QString m_url;

    static void backends()
    {
        QTest::addColumn<QString>("backend");
        QTest::newRow("sqlite") << QStringLiteral("sqlite");
        QTest::newRow("postgres") << QStringLiteral("postgres");
    }

    NewToken newToken(const QString &kind, qint64 userId, const QString &role,
                      const QDateTime &expires = {})
    {
        const auth::IssuedToken issued
            = auth::issueToken(kind == QLatin1String("session") ? auth::TokenKind::Session
                                                                : auth::TokenKind::ApiToken);
        NewToken token;
        token.name = kind == QLatin1String("session") ? QStringLiteral("login")
                                                      : QStringLiteral("ci-deploy");
        token.kind = kind;
        token.tokenHash = issued.hash;
        token.prefix = issued.prefix;
        token.userId = userId;
        token.role = role;
        token.createdBy = QStringLiteral("admin");
        token.expiresAt = expires;
        return token;
    }

private Q_SLOTS:
    void init()
    {
        QFETCH(QString, backend);
        if (backend == QLatin1String("sqlite"))
            m_url = m_dir.filePath(QStringLiteral("auth%1.db").arg(++m_counter));
        else
            m_url = test::createScratchPostgresDatabase(QStringLiteral("tfauth"));
        TF_REQUIRE_POSTGRES(m_url);
        m_control = ControlDatabase::open(m_url);
    }
    void cleanup() { m_control.reset(); }

    void usersRoundTrip_data() { backends(); }
    void usersRoundTrip()
    {
        UserRepository users(m_control->database());
        QCOMPARE(users.count(), 0);
        const UserRecord alice = users.create(QStringLiteral("alice"), QStringLiteral("hash-a"),
                                              QStringLiteral("operator"), true);
        QVERIFY(alice.id > 0);
        QCOMPARE(alice.role, QStringLiteral("operator"));
        QVERIFY(alice.mustChangePassword);
        QVERIFY(!alice.disabled);
        QVERIFY(alice.createdAt.isValid());
        QVERIFY(!alice.toJson().contains(QStringLiteral("password_hash")));
        QVERIFY(!QJsonDocument(alice.toJson()).toJson().contains("hash-a"));
        try {
            users.create(QStringLiteral("alice"), QStringLiteral("x"), QStringLiteral("viewer"),
                         false);
            QFAIL("duplicate username accepted");
        } catch (const Error &error) {
            QCOMPARE(error.kind(), Error::Kind::Conflict);
        }
        users.create(QStringLiteral("root"), QStringLiteral("hash-r"), QStringLiteral("admin"),
                     false);
        QCOMPARE(users.countEnabledAdmins(), 1);
        const UserRecord promoted = users.update(alice.id, QStringLiteral("admin"), false);
        QCOMPARE(promoted.role, QStringLiteral("admin"));
        QCOMPARE(users.countEnabledAdmins(), 2);
        users.update(alice.id, QStringLiteral("admin"), true);
        QCOMPARE(users.countEnabledAdmins(), 1);
        users.setPassword(alice.id, QStringLiteral("hash-b"), false);
        QCOMPARE(users.findByUsername(QStringLiteral("alice"))->passwordHash,
                 QStringLiteral("hash-b"));
        QVERIFY(!users.findByUsername(QStringLiteral("Alice"))); // usernames are exact
        users.recordLogin(alice.id);
        QVERIFY(users.get(alice.id).lastLoginAt.isValid());
        QCOMPARE(users.list().size(), 2);
        QCOMPARE(users.list().first().username, QStringLiteral("alice"));
        users.remove(alice.id);
        QVERIFY_THROWS_EXCEPTION(Error, users.get(alice.id));
        QVERIFY_THROWS_EXCEPTION(Error, users.remove(alice.id));
    }

    void tokensRoundTrip_data() { backends(); }
    void tokensRoundTrip()
    {
        UserRepository users(m_control->database());
        TokenRepository tokens(m_control->database());
        const UserRecord bob = users.create(QStringLiteral("bob"), QStringLiteral("h"),
                                            QStringLiteral("viewer"), false);

        const NewToken sessionRow
            = newToken(QStringLiteral("session"), bob.id, QStringLiteral("viewer"),
                       QDateTime::currentDateTimeUtc().addSecs(3600));
        const TokenRecord session = tokens.create(sessionRow);
        const TokenRecord program
            = tokens.create(newToken(QStringLiteral("api_token"), 0, QStringLiteral("operator")));
        const TokenRecord old
            = tokens.create(newToken(QStringLiteral("session"), bob.id, QStringLiteral("viewer"),
                                     QDateTime::currentDateTimeUtc().addDays(-3)));

        const std::optional<TokenRecord> found = tokens.findByHash(sessionRow.tokenHash);
        QVERIFY(found);
        QCOMPARE(found->id, session.id);
        QCOMPARE(found->username, QStringLiteral("bob"));
        QCOMPARE(found->kind, QStringLiteral("session"));
        QVERIFY(!found->isRevoked());
        QVERIFY(!found->isExpired(QDateTime::currentDateTimeUtc()));
        QVERIFY(!tokens.findByHash(auth::hashToken("tfs_nothing")));
        QVERIFY(!QJsonDocument(found->toJson()).toJson().contains(sessionRow.tokenHash.toLatin1()));

        // A session's role is its user's current role.
        users.update(bob.id, QStringLiteral("auditor"), false);
        QCOMPARE(tokens.get(session.id).role, QStringLiteral("auditor"));
        QCOMPARE(tokens.get(program.id).role, QStringLiteral("operator"));
        QCOMPARE(tokens.get(program.id).userId, 0);
        users.update(bob.id, QStringLiteral("auditor"), true);
        QVERIFY(tokens.get(session.id).userDisabled);

        TokenRepository::ListFilter apiOnly;
        apiOnly.kind = QStringLiteral("api_token");
        QCOMPARE(tokens.list(apiOnly).size(), 1);
        TokenRepository::ListFilter sessions;
        sessions.kind = QStringLiteral("session");
        QCOMPARE(tokens.list(sessions).size(), 1); // the expired one is not active
        sessions.includeInactive = true;
        QCOMPARE(tokens.list(sessions).size(), 2);

        QVERIFY(tokens.revoke(program.id));
        QVERIFY(!tokens.revoke(program.id));
        QVERIFY(tokens.get(program.id).isRevoked());
        QVERIFY_THROWS_EXCEPTION(Error, tokens.revoke(999999));

        const TokenRecord second
            = tokens.create(newToken(QStringLiteral("session"), bob.id, QStringLiteral("viewer"),
                                     QDateTime::currentDateTimeUtc().addSecs(3600)));
        QCOMPARE(tokens.revokeSessionsOf(bob.id, second.id), 2); // the live one and the expired one
        QVERIFY(tokens.get(session.id).isRevoked());
        QVERIFY(!tokens.get(second.id).isRevoked());

        tokens.touch(second.id, QDateTime::currentDateTimeUtc());
        QVERIFY(tokens.get(second.id).lastUsedAt.isValid());

        QCOMPARE(tokens.purgeSessions(QDateTime::currentDateTimeUtc().addDays(-1)),
                 1); // the 3-day-old one
        QVERIFY_THROWS_EXCEPTION(Error, tokens.get(old.id));

        // Deleting the user takes its sessions along, not the API tokens.
        users.remove(bob.id);
        QVERIFY_THROWS_EXCEPTION(Error, tokens.get(second.id));
        QCOMPARE(tokens.get(program.id).id, program.id);
    }

    void bootstrapCreatesOneAdminOnce_data() { backends(); }
    void bootstrapCreatesOneAdminOnce()
    {
        QTemporaryDir data;
        const auth::PasswordHasher hasher(1000);
        const QString password = auth::generatePassword(24);
        QVERIFY(auth::needsBootstrapAdmin(m_control->database()));
        const auth::BootstrapResult first = auth::bootstrapAdmin(m_control->database(), data.path(),
                                                                 password, hasher.hash(password));
        QVERIFY(first.created);
        QVERIFY(!auth::needsBootstrapAdmin(m_control->database()));
        QFile file(first.passwordFile);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(QString::fromUtf8(file.readAll()).trimmed(), password);
        const QFileDevice::Permissions permissions = QFileInfo(first.passwordFile).permissions();
        QCOMPARE(permissions
                     & (QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner),
                 QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        QCOMPARE(permissions
                     & (QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ReadOther
                        | QFileDevice::WriteOther),
                 QFileDevice::Permissions());
        const std::optional<UserRecord> admin
            = UserRepository(m_control->database()).findByUsername(QStringLiteral("admin"));
        QVERIFY(admin);
        QCOMPARE(admin->role, QStringLiteral("admin"));
        QVERIFY(admin->mustChangePassword);
        QVERIFY(hasher.verify(password, admin->passwordHash));
        QVERIFY(!QFile::exists(first.passwordFile + QStringLiteral(".new"))); // the staged name is gone

        const auth::BootstrapResult again = auth::bootstrapAdmin(
            m_control->database(), data.path(), QStringLiteral("other-password-x"),
            hasher.hash(QStringLiteral("other-password-x")));
        QVERIFY(!again.created);
        QCOMPARE(UserRepository(m_control->database()).count(), 1);
    }

    // Whoever waits for the password file (an installer, the tests' sign-in) never reads it
    // empty or half written, and the account behind it is committed when it appears: a watcher
    // on its own connection polls for the file while the bootstrap runs. (The tests' sign-in
    // once read the file between its creation and its content, under load.) A staged file left
    // by a bootstrap that died before its commit is replaced.
    void passwordFileAppearsWholeAfterTheCommit_data() { backends(); }
    void passwordFileAppearsWholeAfterTheCommit()
    {
        QTemporaryDir data;
        const QString path = auth::initialAdminPasswordFile(data.path());
        {
            QFile staged(path + QStringLiteral(".new"));
            QVERIFY(staged.open(QIODevice::WriteOnly));
            staged.write("password-of-an-account-never-committed\n");
        }
        const QString password = auth::generatePassword(24);
        const QString url = m_url;
        std::atomic_bool stop { false };
        QString seen;
        bool committedWhenSeen = false;
        QThread *watcher = QThread::create([&] {
            auto control = ControlDatabase::open(url, false);
            while (!stop.load()) {
                QFile file(path);
                if (file.open(QIODevice::ReadOnly)) {
                    seen = QString::fromUtf8(file.readAll());
                    committedWhenSeen = !auth::needsBootstrapAdmin(control->database());
                    break;
                }
            }
            control->database().closeThreadConnection();
        });
        watcher->start();
        QThread::msleep(20);
        const auth::BootstrapResult result = auth::bootstrapAdmin(m_control->database(), data.path(), password,
                                                                  QStringLiteral("hash"));
        QVERIFY(result.created);
        QVERIFY(watcher->wait(30000) || (stop = true, watcher->wait(5000)));
        delete watcher;
        QCOMPARE(seen, password + QLatin1Char('\n'));
        QVERIFY(committedWhenSeen);
        QVERIFY(!QFile::exists(path + QStringLiteral(".new")));
    }

    void bootstrapNeverOverwritesTheFile_data() { backends(); }
    void bootstrapNeverOverwritesTheFile()
    {
        QTemporaryDir data;
        const QString path = auth::initialAdminPasswordFile(data.path());
        QFile stale(path);
        QVERIFY(stale.open(QIODevice::WriteOnly));
        stale.write("old-password\n");
        stale.close();
        try {
            auth::bootstrapAdmin(m_control->database(), data.path(),
                                 QStringLiteral("new-password-12"), QStringLiteral("hash"));
            QFAIL("bootstrap replaced an existing password file");
        } catch (const Error &error) {
            QCOMPARE(error.kind(), Error::Kind::Conflict);
            QVERIFY(error.message().contains(path));
        }
        QVERIFY(stale.open(QIODevice::ReadOnly));
        QCOMPARE(stale.readAll(), QByteArray("old-password\n"));
        QCOMPARE(UserRepository(m_control->database()).count(), 0); // rolled back
    }

    void concurrentBootstrapsMakeOneAdmin_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::newRow("postgres") << QStringLiteral("postgres");
    }
    void concurrentBootstrapsMakeOneAdmin()
    {
        // Gateways sharing one PostgreSQL database start together: one admin, one file.
        const QString url = m_url; // migrated by init()
        constexpr int kGateways = 4;
        QTemporaryDir dirs[kGateways];
        std::atomic<int> created { 0 };
        std::atomic<int> failed { 0 };
        QList<QThread *> threads;
        for (int i = 0; i < kGateways; ++i) {
            const QString dataDir = dirs[i].path();
            threads.append(QThread::create([url, dataDir, &created, &failed] {
                try {
                    auto control = ControlDatabase::open(url, false);
                    if (auth::bootstrapAdmin(control->database(), dataDir,
                                             QStringLiteral("a-password-123"),
                                             QStringLiteral("hash"))
                            .created)
                        ++created;
                    control->database().closeThreadConnection();
                } catch (const Error &) {
                    ++failed;
                }
            }));
        }
        for (QThread *thread : threads)
            thread->start();
        for (QThread *thread : threads) {
            QVERIFY(thread->wait(30000));
            delete thread;
        }
        QCOMPARE(failed.load(), 0);
        QCOMPARE(created.load(), 1);
        auto control = ControlDatabase::open(url, false);
        QCOMPARE(UserRepository(control->database()).count(), 1);
        int files = 0;
        for (const QTemporaryDir &dir : dirs)
            files += QFile::exists(auth::initialAdminPasswordFile(dir.path())) ? 1 : 0;
        QCOMPARE(files, 1);
    }
};

QTEST_GUILESS_MAIN(TestAuthRepositories)
#include "tst_authrepositories.moc"
