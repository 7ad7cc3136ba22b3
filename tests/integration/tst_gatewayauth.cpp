// tf-gateway's identity API as a real process: the first admin, login and sessions, API
// tokens, users and their roles, and that no answer, log file or audit entry ever holds a
// password or a token it should not.
#include "db/controldatabase.h"
#include "db/repositories/auditrepository.h"
#include "gatewayauthfixture.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QRegularExpression>
#include <QTest>

using namespace tf;

class TestGatewayAuth final : public QObject
{
    Q_OBJECT

private:
    test::AuthGateway m_gateway;
    QByteArray m_admin;
    test::HttpResult m_firstMe; // the first admin's /api/auth/me, before its password changed
    // Every secret the test handed out or received, and every answer it saw (bar the one
    // answer that issued each token), for the final leak search.
    QStringList m_secrets;
    QList<QByteArray> m_bodies;

    test::HttpResult call(const QByteArray &method, const QString &path,
                          const QJsonObject &body = {}, const QByteArray &authorization = {})
    {
        test::HttpResult result = m_gateway.call(method, path, body, authorization);
        m_bodies.append(result.body);
        return result;
    }

    // Issues a token and remembers it as a secret; the issuing answer is not searched.
    QByteArray session(const QString &username, const QString &password)
    {
        const QByteArray authorization = m_gateway.login(username, password);
        if (!authorization.isEmpty())
            m_secrets << QString::fromLatin1(authorization.mid(7));
        return authorization;
    }

    QByteArray createUser(const QString &username, const QString &role, const QString &password)
    {
        m_secrets << password;
        const auto created = call("POST", QStringLiteral("/api/users"),
                                  QJsonObject { { QStringLiteral("username"), username },
                                                { QStringLiteral("password"), password },
                                                { QStringLiteral("role"), role },
                                                { QStringLiteral("must_change_password"), false } },
                                  m_admin);
        if (created.status != 201)
            qWarning("creating %s: %d %s", qPrintable(username), created.status,
                     created.body.constData());
        return session(username, password);
    }

    static QString errorCode(const test::HttpResult &result)
    {
        return result.json()
            .value(QStringLiteral("code"))
            .toString();
    }

    QList<db::AuditEntry> audit()
    {
        auto control = db::ControlDatabase::open(QStringLiteral("sqlite://") + m_gateway.dataDir()
                                                     + QStringLiteral("/terrafusion.db"),
                                                 false);
        return db::AuditRepository(control->database()).latest(1000);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_gateway.start(
            { { QStringLiteral("TF_RATE_LIMIT__PER_ADDRESS_RPS"), QStringLiteral("0") },
              { QStringLiteral("TF_RATE_LIMIT__PER_TOKEN_RPS"), QStringLiteral("0") } }));
        m_secrets << m_gateway.adminPassword();
        m_admin = session(QStringLiteral("admin"), m_gateway.adminPassword());
        QVERIFY(!m_admin.isEmpty());
        m_firstMe = call("GET", QStringLiteral("/api/auth/me"), {}, m_admin);
        QVERIFY(m_gateway.changeAdminPassword(m_admin)); // what every admin does first
        m_secrets << m_gateway.adminPassword();
    }

    void firstAdminIsBootstrapped()
    {
        const QString password = m_gateway.initialAdminPassword();
        QCOMPARE(password.size(), 24);
        const QFileInfo file(m_gateway.passwordFile());
        QCOMPARE(file.permissions()
                     & (QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ReadOther
                        | QFileDevice::WriteOther),
                 QFileDevice::Permissions());
        QVERIFY(file.permissions() & QFileDevice::ReadOwner);
        // Never in a log file, and not on stdout either when that is not a terminal (under
        // systemd it is the journal): then only the file's path is printed.
        QCOMPARE(m_gateway.process().output().count(password.toUtf8()), 0);
        const QByteArray pathLine = QByteArray("its password is in ").append(m_gateway.passwordFile().toUtf8());
        QVERIFY(m_gateway.process().output().contains(pathLine));
        QVERIFY(!m_gateway.logFiles().contains(password.toUtf8()));
        QVERIFY(m_gateway.logFiles().contains("created the first administrator account"));

        const auto &me = m_firstMe; // before the password was changed
        QCOMPARE(me.status, 200);
        QCOMPARE(me.json().value(QStringLiteral("username")).toString(), QStringLiteral("admin"));
        QCOMPARE(me.json().value(QStringLiteral("role")).toString(), QStringLiteral("admin"));
        QCOMPARE(me.json().value(QStringLiteral("credential")).toString(),
                 QStringLiteral("session"));
        QVERIFY(me.json().value(QStringLiteral("must_change_password")).toBool());
        QVERIFY(me.json()
                    .value(QStringLiteral("permissions"))
                    .toArray()
                    .contains(QStringLiteral("users:write")));
        QVERIFY(!me.json().value(QStringLiteral("expires_at")).toString().isEmpty());
    }

    void loginAnswersAndRefusesAlike()
    {
        const auto good = m_gateway.loginResult(QStringLiteral("admin"), m_gateway.adminPassword());
        QCOMPARE(good.status, 200);
        const QJsonObject body = good.json();
        QVERIFY(body.value(QStringLiteral("token")).toString().startsWith(QStringLiteral("tfs_")));
        m_secrets << body.value(QStringLiteral("token")).toString();
        QCOMPARE(body.value(QStringLiteral("token_type")).toString(), QStringLiteral("Bearer"));
        QCOMPARE(body.value(QStringLiteral("role")).toString(), QStringLiteral("admin"));
        const qint64 ttl = body.value(QStringLiteral("expires_in_s")).toInteger();
        QVERIFY2(ttl > 8 * 3600 - 60 && ttl <= 8 * 3600, qPrintable(QString::number(ttl)));
        QVERIFY(!good.body.contains(m_gateway.adminPassword().toUtf8()));

        // Unknown user and wrong password: the same answer, no hint which.
        const auto wrong
            = m_gateway.loginResult(QStringLiteral("admin"), QStringLiteral("not-the-password"));
        const auto nobody
            = m_gateway.loginResult(QStringLiteral("nobody"), QStringLiteral("not-the-password"));
        m_bodies << wrong.body << nobody.body;
        QCOMPARE(wrong.status, 401);
        QCOMPARE(nobody.status, 401);
        const QString wrongMessage = wrong.json()
                                         .value(QStringLiteral("detail"))
                                         .toString();
        QCOMPARE(wrongMessage, QStringLiteral("invalid username or password"));
        QCOMPARE(nobody.json()
                     .value(QStringLiteral("detail"))
                     .toString(),
                 wrongMessage);
        QVERIFY(!wrong.body.contains("not-the-password"));

        const auto missing
            = call("POST", QStringLiteral("/api/auth/login"),
                   QJsonObject { { QStringLiteral("username"), QStringLiteral("admin") } });
        QCOMPARE(missing.status, 422);
        QCOMPARE(errorCode(missing), QStringLiteral("validation_failed"));
        QCOMPARE(missing.json().value(QStringLiteral("errors")).toArray(),
                 (QJsonArray { QJsonObject { { QStringLiteral("field"), QStringLiteral("password") },
                                             { QStringLiteral("code"), QStringLiteral("required") },
                                             { QStringLiteral("message"), QStringLiteral("is required") } } }));
    }

    void logoutEndsTheSessionAtOnce()
    {
        const QByteArray mine = session(QStringLiteral("admin"), m_gateway.adminPassword());
        QCOMPARE(call("GET", QStringLiteral("/api/auth/me"), {}, mine).status, 200);
        const auto out = call("POST", QStringLiteral("/api/auth/logout"), {}, mine);
        QCOMPARE(out.status, 200);
        const auto after = call("GET", QStringLiteral("/api/auth/me"), {}, mine);
        QCOMPARE(after.status, 401);
        QVERIFY(after.headers.value("www-authenticate").startsWith("Bearer"));
        QCOMPARE(call("GET", QStringLiteral("/api/auth/me"), {}, m_admin).status,
                 200); // other sessions live on
    }

    void apiTokensAreShownOnceAndRevocable()
    {
        const auto created = m_gateway.call(
            "POST", QStringLiteral("/api/tokens"),
            QJsonObject { { QStringLiteral("name"), QStringLiteral("nightly export") },
                          { QStringLiteral("role"), QStringLiteral("operator") },
                          { QStringLiteral("expires_in_days"), 30 } },
            m_admin);
        QCOMPARE(created.status, 201);
        const QString token = created.json().value(QStringLiteral("token")).toString();
        QVERIFY(token.startsWith(QStringLiteral("tfk_")));
        m_secrets << token;
        const qint64 id = created.json().value(QStringLiteral("id")).toInteger();
        QCOMPARE(created.json().value(QStringLiteral("prefix")).toString(), token.left(10));
        const QByteArray bearer = "Bearer " + token.toLatin1();

        const auto me = call("GET", QStringLiteral("/api/auth/me"), {}, bearer);
        QCOMPARE(me.status, 200);
        QCOMPARE(me.json().value(QStringLiteral("credential")).toString(),
                 QStringLiteral("api_token"));
        QCOMPARE(me.json().value(QStringLiteral("role")).toString(), QStringLiteral("operator"));
        QCOMPARE(call("GET", QStringLiteral("/api/users"), {}, bearer).status,
                 403); // operators do not manage users
        QCOMPARE(call("POST", QStringLiteral("/api/auth/logout"), {}, bearer).status, 400);

        const auto list = call("GET", QStringLiteral("/api/tokens"), {}, m_admin);
        QCOMPARE(list.status, 200);
        bool listed = false;
        for (const QJsonValue &item : list.json().value(QStringLiteral("items")).toArray()) {
            listed |= item.toObject().value(QStringLiteral("id")).toInteger() == id;
            QVERIFY(!item.toObject().contains(QStringLiteral("token")));
        }
        QVERIFY(listed);
        QVERIFY(!list.body.contains(token.toLatin1()));
        for (const QJsonValue &item : list.json().value(QStringLiteral("items")).toArray()) {
            if (item.toObject().value(QStringLiteral("id")).toInteger() == id)
                QVERIFY(!item.toObject()
                             .value(QStringLiteral("last_used_at"))
                             .isNull()); // it was used above
        }

        // One token with an ETag; a revoke with a stale If-Match changes nothing.
        const auto one = call("GET", QStringLiteral("/api/tokens/%1").arg(id), {}, m_admin);
        QCOMPARE(one.status, 200);
        QCOMPARE(one.headers.value("etag"), QByteArray("\"1\""));
        const auto stale = m_gateway.call("DELETE", QStringLiteral("/api/tokens/%1").arg(id), {}, m_admin,
                                          { { "If-Match", "\"7\"" } });
        QCOMPARE(stale.status, 412);
        QCOMPARE(errorCode(stale), QStringLiteral("precondition_failed"));
        QCOMPARE(call("GET", QStringLiteral("/api/auth/me"), {}, bearer).status, 200);
        // Another active token of the same name is refused.
        const auto sameName = call("POST", QStringLiteral("/api/tokens"),
                                   QJsonObject { { QStringLiteral("name"), QStringLiteral("nightly export") },
                                                 { QStringLiteral("role"), QStringLiteral("viewer") } },
                                   m_admin);
        QCOMPARE(sameName.status, 409);
        QCOMPARE(errorCode(sameName), QStringLiteral("name_taken"));

        const auto revoked = m_gateway.call("DELETE", QStringLiteral("/api/tokens/%1").arg(id), {}, m_admin,
                                            { { "If-Match", one.headers.value("etag") } });
        QCOMPARE(revoked.status, 200);
        QCOMPARE(revoked.headers.value("etag"), QByteArray("\"2\""));
        QVERIFY(!revoked.json().value(QStringLiteral("revoked_at")).isNull());
        QCOMPARE(call("GET", QStringLiteral("/api/auth/me"), {}, bearer).status,
                 401); // at once, despite the cache

        const auto badExpiry
            = call("POST", QStringLiteral("/api/tokens"),
                   QJsonObject { { QStringLiteral("name"), QStringLiteral("x") },
                                 { QStringLiteral("role"), QStringLiteral("viewer") },
                                 { QStringLiteral("expires_in_days"), 0 } },
                   m_admin);
        QCOMPARE(badExpiry.status, 422);
        QCOMPARE(badExpiry.json().value(QStringLiteral("errors")).toArray().first().toObject().value(QStringLiteral("field")).toString(),
                 QStringLiteral("expires_in_days"));
        const auto badRole
            = call("POST", QStringLiteral("/api/tokens"),
                   QJsonObject { { QStringLiteral("name"), QStringLiteral("x") },
                                 { QStringLiteral("role"), QStringLiteral("service") } },
                   m_admin);
        QCOMPARE(badRole.status, 422);
        QCOMPARE(call("DELETE", QStringLiteral("/api/tokens/999999999"), {}, m_admin).status, 404);
    }

    void usersRolesAndDisable()
    {
        const QByteArray viewer = createUser(QStringLiteral("vera"), QStringLiteral("viewer"),
                                             QStringLiteral("vera-password-123"));
        QVERIFY(!viewer.isEmpty());
        QCOMPARE(call("GET", QStringLiteral("/api/users"), {}, viewer).status, 403);

        const auto users = call("GET", QStringLiteral("/api/users"), {}, m_admin);
        QCOMPARE(users.status, 200);
        qint64 veraId = 0;
        for (const QJsonValue &item : users.json().value(QStringLiteral("items")).toArray()) {
            QVERIFY(!item.toObject().contains(QStringLiteral("password_hash")));
            if (item.toObject().value(QStringLiteral("username")).toString()
                == QLatin1String("vera"))
                veraId = item.toObject().value(QStringLiteral("id")).toInteger();
        }
        QVERIFY(veraId > 0);
        QVERIFY(!users.body.contains("pbkdf2"));

        // A new role applies to live sessions at once.
        auto put
            = call("PUT", QStringLiteral("/api/users/%1").arg(veraId),
                   QJsonObject { { QStringLiteral("role"), QStringLiteral("auditor") } }, m_admin);
        QCOMPARE(put.status, 200);
        QCOMPARE(call("GET", QStringLiteral("/api/users"), {}, viewer).status, 200);

        // Disabled: sessions stop at once and logins fail.
        put = call("PATCH", QStringLiteral("/api/users/%1").arg(veraId),
                   QJsonObject { { QStringLiteral("disabled"), true } }, m_admin);
        QCOMPARE(put.status, 200);
        QVERIFY(put.json().value(QStringLiteral("disabled")).toBool());
        QCOMPARE(call("GET", QStringLiteral("/api/auth/me"), {}, viewer).status, 401);
        QCOMPARE(m_gateway.loginResult(QStringLiteral("vera"), QStringLiteral("vera-password-123"))
                     .status,
                 401);
        put = call("PATCH", QStringLiteral("/api/users/%1").arg(veraId),
                   QJsonObject { { QStringLiteral("disabled"), false } }, m_admin);
        QCOMPARE(put.status, 200);
        QCOMPARE(put.json().value(QStringLiteral("role")).toString(), QStringLiteral("auditor")); // kept
        const QByteArray again
            = session(QStringLiteral("vera"), QStringLiteral("vera-password-123"));
        QVERIFY(!again.isEmpty());

        // An admin's reset ends the user's sessions and asks for a new password.
        m_secrets << QStringLiteral("vera-reset-password-9");
        const auto reset = call(
            "POST", QStringLiteral("/api/users/%1/password").arg(veraId),
            QJsonObject { { QStringLiteral("password"), QStringLiteral("vera-reset-password-9") } },
            m_admin);
        QCOMPARE(reset.status, 200);
        QCOMPARE(call("GET", QStringLiteral("/api/auth/me"), {}, again).status, 401);
        QCOMPARE(m_gateway.loginResult(QStringLiteral("vera"), QStringLiteral("vera-password-123"))
                     .status,
                 401);
        const QByteArray fresh
            = session(QStringLiteral("vera"), QStringLiteral("vera-reset-password-9"));
        QVERIFY(!fresh.isEmpty());
        QVERIFY(call("GET", QStringLiteral("/api/auth/me"), {}, fresh)
                    .json()
                    .value(QStringLiteral("must_change_password"))
                    .toBool());

        // Bad input names the field.
        const auto taken = call("POST", QStringLiteral("/api/users"),
                                QJsonObject { { QStringLiteral("username"), QStringLiteral("vera") },
                                              { QStringLiteral("password"), QStringLiteral("another-long-one") },
                                              { QStringLiteral("role"), QStringLiteral("viewer") } },
                                m_admin);
        QCOMPARE(taken.status, 409);
        QCOMPARE(errorCode(taken), QStringLiteral("name_taken"));
        const auto shortPassword
            = call("POST", QStringLiteral("/api/users"),
                   QJsonObject { { QStringLiteral("username"), QStringLiteral("sam") },
                                 { QStringLiteral("password"), QStringLiteral("short") },
                                 { QStringLiteral("role"), QStringLiteral("viewer") } },
                   m_admin);
        QCOMPARE(shortPassword.status, 422);
        QCOMPARE(shortPassword.json().value(QStringLiteral("errors")).toArray().size(), 1);
        QCOMPARE(shortPassword.json().value(QStringLiteral("errors")).toArray().first().toObject().value(QStringLiteral("field")).toString(),
                 QStringLiteral("password"));
        QCOMPARE(
            call("POST", QStringLiteral("/api/users"),
                 QJsonObject { { QStringLiteral("username"), QStringLiteral("../etc/passwd") },
                               { QStringLiteral("password"), QStringLiteral("another-long-one") },
                               { QStringLiteral("role"), QStringLiteral("viewer") } },
                 m_admin)
                .status,
            422);
        QCOMPARE(
            call("POST", QStringLiteral("/api/users"),
                 QJsonObject { { QStringLiteral("username"), QStringLiteral("sam") },
                               { QStringLiteral("password"), QStringLiteral("another-long-one") },
                               { QStringLiteral("role"), QStringLiteral("root") } },
                 m_admin)
                .status,
            422);
    }

    void ownPasswordChange()
    {
        const QByteArray first = createUser(QStringLiteral("olga"), QStringLiteral("operator"),
                                            QStringLiteral("olga-password-123"));
        const QByteArray second
            = session(QStringLiteral("olga"), QStringLiteral("olga-password-123"));
        QVERIFY(!first.isEmpty() && !second.isEmpty());
        m_secrets << QStringLiteral("olga-new-password-456");
        const auto wrong = call(
            "POST", QStringLiteral("/api/auth/password"),
            QJsonObject {
                { QStringLiteral("current_password"), QStringLiteral("not-her-password") },
                { QStringLiteral("new_password"), QStringLiteral("olga-new-password-456") } },
            first);
        QCOMPARE(wrong.status, 422);
        const auto changed = call(
            "POST", QStringLiteral("/api/auth/password"),
            QJsonObject {
                { QStringLiteral("current_password"), QStringLiteral("olga-password-123") },
                { QStringLiteral("new_password"), QStringLiteral("olga-new-password-456") } },
            first);
        QCOMPARE(changed.status, 200);
        QCOMPARE(changed.json().value(QStringLiteral("revoked_sessions")).toInt(), 1);
        QCOMPARE(call("GET", QStringLiteral("/api/auth/me"), {}, first).status,
                 200); // the one it was done from
        QCOMPARE(call("GET", QStringLiteral("/api/auth/me"), {}, second).status,
                 401); // the others end
        QVERIFY(!call("GET", QStringLiteral("/api/auth/me"), {}, first)
                     .json()
                     .value(QStringLiteral("must_change_password"))
                     .toBool());
        QVERIFY(
            !session(QStringLiteral("olga"), QStringLiteral("olga-new-password-456")).isEmpty());
    }

    void lastAdminIsKept()
    {
        const qint64 adminId = call("GET", QStringLiteral("/api/auth/me"), {}, m_admin)
                                   .json()
                                   .value(QStringLiteral("user_id"))
                                   .toInteger();
        QVERIFY(adminId > 0);
        QCOMPARE(call("PUT", QStringLiteral("/api/users/%1").arg(adminId),
                      QJsonObject { { QStringLiteral("role"), QStringLiteral("viewer") } }, m_admin)
                     .status,
                 409);
        const auto disable = call("PATCH", QStringLiteral("/api/users/%1").arg(adminId),
                                  QJsonObject { { QStringLiteral("disabled"), true } }, m_admin);
        QCOMPARE(disable.status, 409);
        QCOMPARE(errorCode(disable), QStringLiteral("last_admin"));
        const auto refused
            = call("DELETE", QStringLiteral("/api/users/%1").arg(adminId), {}, m_admin);
        QCOMPARE(refused.status, 409);
        QCOMPARE(errorCode(refused), QStringLiteral("last_admin"));
        QVERIFY(refused.json()
                    .value(QStringLiteral("detail"))
                    .toString()
                    .contains(QStringLiteral("last enabled admin")));

        // With a second admin the first can go.
        const QByteArray second = createUser(QStringLiteral("ada"), QStringLiteral("admin"),
                                             QStringLiteral("ada-password-1234"));
        QVERIFY(!second.isEmpty());
        QCOMPARE(call("PUT", QStringLiteral("/api/users/%1").arg(adminId),
                      QJsonObject { { QStringLiteral("role"), QStringLiteral("operator") } },
                      second)
                     .status,
                 200);
        QCOMPARE(call("GET", QStringLiteral("/api/users"), {}, m_admin).status,
                 403); // demoted at once
        QCOMPARE(call("PUT", QStringLiteral("/api/users/%1").arg(adminId),
                      QJsonObject { { QStringLiteral("role"), QStringLiteral("admin") } }, second)
                     .status,
                 200);
        QCOMPARE(call("GET", QStringLiteral("/api/users"), {}, m_admin).status, 200);
    }

    void usersListPagesWithCursors()
    {
        for (int i = 0; i < 5; ++i)
            QVERIFY(!createUser(QStringLiteral("pager%1").arg(i), QStringLiteral("viewer"),
                                QStringLiteral("pager-password-%1x").arg(i)).isEmpty());
        const auto all = call("GET", QStringLiteral("/api/users?limit=500"), {}, m_admin);
        QCOMPARE(all.status, 200);
        const QJsonArray everyone = all.json().value(QStringLiteral("items")).toArray();
        QVERIFY(everyone.size() >= 6);
        QVERIFY(all.json().value(QStringLiteral("next_cursor")).isNull());
        QVERIFY(all.headers.value("link").isEmpty());

        QList<qint64> paged;
        QString cursor;
        int pages = 0;
        do {
            const auto page = call("GET", QStringLiteral("/api/users?limit=2") + (cursor.isEmpty() ? QString() : QStringLiteral("&cursor=") + cursor),
                                   {}, m_admin);
            QCOMPARE(page.status, 200);
            QCOMPARE(page.json().keys(), QStringList({ QStringLiteral("items"), QStringLiteral("next_cursor") }));
            const QJsonArray items = page.json().value(QStringLiteral("items")).toArray();
            QVERIFY(items.size() <= 2);
            for (const QJsonValue &item : items)
                paged << item.toObject().value(QStringLiteral("id")).toInteger();
            cursor = page.json().value(QStringLiteral("next_cursor")).toString();
            QCOMPARE(page.headers.value("link").isEmpty(), cursor.isEmpty());
            ++pages;
        } while (!cursor.isEmpty() && pages < 100);
        QCOMPARE(paged.size(), everyone.size());
        for (int i = 0; i < paged.size(); ++i)
            QCOMPARE(paged.at(i), everyone.at(i).toObject().value(QStringLiteral("id")).toInteger());
        QCOMPARE(pages, int((everyone.size() + 1) / 2));

        const auto bad = call("GET", QStringLiteral("/api/users?cursor=bm90LWFuLWlk"), {}, m_admin); // "not-an-id"
        QCOMPARE(bad.status, 400);
        QCOMPARE(errorCode(bad), QStringLiteral("invalid_parameter"));
        QCOMPARE(call("GET", QStringLiteral("/api/users?role=admin"), {}, m_admin).status, 400); // not a filter here
    }

    void staleIfMatchChangesNothing()
    {
        QVERIFY(!createUser(QStringLiteral("etta"), QStringLiteral("viewer"), QStringLiteral("etta-password-123")).isEmpty());
        qint64 id = 0;
        for (const QJsonValue &item : call("GET", QStringLiteral("/api/users?limit=500"), {}, m_admin).json().value(QStringLiteral("items")).toArray()) {
            if (item.toObject().value(QStringLiteral("username")).toString() == QLatin1String("etta"))
                id = item.toObject().value(QStringLiteral("id")).toInteger();
        }
        QVERIFY(id > 0);
        const QString path = QStringLiteral("/api/users/%1").arg(id);
        const auto read = call("GET", path, {}, m_admin);
        QCOMPARE(read.status, 200);
        const QByteArray etag = read.headers.value("etag");
        QCOMPARE(etag, QByteArray("\"") + QByteArray::number(read.json().value(QStringLiteral("version")).toInteger()) + '"');

        // Someone else changes it: the version moves on.
        const auto other = m_gateway.call("PATCH", path, QJsonObject { { QStringLiteral("role"), QStringLiteral("operator") } },
                                          m_admin, { { "If-Match", etag } });
        QCOMPARE(other.status, 200);
        const QByteArray current = other.headers.value("etag");
        QVERIFY(current != etag);
        const QJsonObject afterOther = call("GET", path, {}, m_admin).json();

        // A change from the stale read is refused, and nothing changes: PUT, PATCH, DELETE.
        const QList<QPair<QByteArray, QJsonObject>> attempts {
            { "PUT", QJsonObject { { QStringLiteral("role"), QStringLiteral("auditor") }, { QStringLiteral("disabled"), true } } },
            { "PATCH", QJsonObject { { QStringLiteral("disabled"), true } } },
            { "DELETE", QJsonObject() },
        };
        for (const auto &attempt : attempts) {
            const auto refused = m_gateway.call(attempt.first, path, attempt.second, m_admin, { { "If-Match", etag } });
            QCOMPARE(refused.status, 412);
            QCOMPARE(errorCode(refused), QStringLiteral("precondition_failed"));
            QCOMPARE(refused.json().value(QStringLiteral("current_etag")).toString().toLatin1(), current);
            const auto now = call("GET", path, {}, m_admin);
            QCOMPARE(now.status, 200);
            QCOMPARE(now.json(), afterOther);
            QCOMPARE(now.headers.value("etag"), current);
        }
        // With the current tag the delete goes ahead.
        QCOMPARE(m_gateway.call("DELETE", path, {}, m_admin, { { "If-Match", current } }).status, 200);
        QCOMPARE(call("GET", path, {}, m_admin).status, 404);
    }

    void putReplacesAndPatchMerges()
    {
        QVERIFY(!createUser(QStringLiteral("pia"), QStringLiteral("viewer"), QStringLiteral("pia-password-1234")).isEmpty());
        qint64 id = 0;
        for (const QJsonValue &item : call("GET", QStringLiteral("/api/users?limit=500"), {}, m_admin).json().value(QStringLiteral("items")).toArray()) {
            if (item.toObject().value(QStringLiteral("username")).toString() == QLatin1String("pia"))
                id = item.toObject().value(QStringLiteral("id")).toInteger();
        }
        const QString path = QStringLiteral("/api/users/%1").arg(id);
        // PATCH as a merge patch: only disabled changes.
        const auto before = call("GET", path, {}, m_admin);
        auto patched = m_gateway.call("PATCH", path, QJsonObject(), m_admin,
                                      { { "Content-Type", "application/merge-patch+json" } });
        QCOMPARE(patched.status, 200); // an empty merge patch changes nothing
        QCOMPARE(patched.json(), before.json());
        QCOMPARE(patched.headers.value("etag"), before.headers.value("etag"));
        patched = call("PATCH", path, QJsonObject { { QStringLiteral("disabled"), true } }, m_admin);
        QCOMPARE(patched.status, 200);
        QCOMPARE(patched.json().value(QStringLiteral("role")).toString(), QStringLiteral("viewer"));
        QVERIFY(patched.json().value(QStringLiteral("disabled")).toBool());
        // null resets a field to its default (disabled: false)...
        patched = call("PATCH", path, QJsonObject { { QStringLiteral("disabled"), QJsonValue() } }, m_admin);
        QCOMPARE(patched.status, 200);
        QVERIFY(!patched.json().value(QStringLiteral("disabled")).toBool());
        // ...and a required one cannot be removed.
        patched = call("PATCH", path, QJsonObject { { QStringLiteral("role"), QJsonValue() } }, m_admin);
        QCOMPARE(patched.status, 422);
        QCOMPARE(patched.json().value(QStringLiteral("errors")).toArray().first().toObject().value(QStringLiteral("field")).toString(),
                 QStringLiteral("role"));

        // PUT replaces the editable fields: role is required, disabled falls back to false.
        call("PATCH", path, QJsonObject { { QStringLiteral("disabled"), true } }, m_admin);
        const auto missingRole = call("PUT", path, QJsonObject { { QStringLiteral("disabled"), true } }, m_admin);
        QCOMPARE(missingRole.status, 422);
        const auto put = call("PUT", path, QJsonObject { { QStringLiteral("role"), QStringLiteral("auditor") } }, m_admin);
        QCOMPARE(put.status, 200);
        QCOMPARE(put.json().value(QStringLiteral("role")).toString(), QStringLiteral("auditor"));
        QVERIFY(!put.json().value(QStringLiteral("disabled")).toBool());
        // The same PUT again changes nothing, so the version stays.
        const auto again = call("PUT", path, QJsonObject { { QStringLiteral("role"), QStringLiteral("auditor") } }, m_admin);
        QCOMPARE(again.headers.value("etag"), put.headers.value("etag"));
    }

    void validationListsEveryProblem()
    {
        const auto bad = call("POST", QStringLiteral("/api/users"),
                              QJsonObject { { QStringLiteral("username"), QStringLiteral("../etc") },
                                            { QStringLiteral("password"), QStringLiteral("short") },
                                            { QStringLiteral("role"), QStringLiteral("root") },
                                            { QStringLiteral("must_change_password"), QStringLiteral("yes") },
                                            { QStringLiteral("shoe_size"), 44 } },
                              m_admin);
        QCOMPARE(bad.status, 422);
        QCOMPARE(errorCode(bad), QStringLiteral("validation_failed"));
        QMap<QString, QString> problems;
        for (const QJsonValue &value : bad.json().value(QStringLiteral("errors")).toArray()) {
            const QJsonObject problem = value.toObject();
            QVERIFY(!problem.value(QStringLiteral("message")).toString().isEmpty());
            problems.insert(problem.value(QStringLiteral("field")).toString(), problem.value(QStringLiteral("code")).toString());
        }
        QCOMPARE(problems, (QMap<QString, QString> { { QStringLiteral("username"), QStringLiteral("invalid") },
                                                     { QStringLiteral("password"), QStringLiteral("invalid") },
                                                     { QStringLiteral("role"), QStringLiteral("invalid_choice") },
                                                     { QStringLiteral("must_change_password"), QStringLiteral("invalid_type") },
                                                     { QStringLiteral("shoe_size"), QStringLiteral("unknown_field") } }));
        // Tokens too.
        const auto token = call("POST", QStringLiteral("/api/tokens"),
                                QJsonObject { { QStringLiteral("role"), QStringLiteral("boss") },
                                              { QStringLiteral("expires_in_days"), 99999 } },
                                m_admin);
        QCOMPARE(token.status, 422);
        QCOMPARE(token.json().value(QStringLiteral("errors")).toArray().size(), 3); // name, role, expires_in_days
    }

    void changesAreAudited()
    {
        const QList<db::AuditEntry> entries = audit();
        QSet<QString> types;
        for (const db::AuditEntry &entry : entries) {
            types.insert(entry.eventType);
            if (entry.eventType == QLatin1String("auth.login_failed"))
                QCOMPARE(entry.severity, QStringLiteral("warning"));
            if (entry.eventType == QLatin1String("auth.login"))
                QCOMPARE(entry.ipAddress, QStringLiteral("127.0.0.1"));
        }
        for (const char *type :
             { "auth.login", "auth.login_failed", "auth.logout", "user.created", "user.updated",
               "user.disabled", "user.enabled", "user.password_reset", "user.password_changed",
               "token.created", "token.revoked" })
            QVERIFY2(types.contains(QLatin1String(type)), type);
    }

    void noSecretLeaks()
    {
        // Run last: every answer seen, the log files, the process output and the audit trail.
        QVERIFY(m_secrets.size() > 10);
        const QByteArray logs = m_gateway.logFiles();
        const QByteArray output = m_gateway.process().output();
        QByteArray auditText;
        for (const db::AuditEntry &entry : audit())
            auditText += QJsonDocument(entry.toJson()).toJson(QJsonDocument::Compact);
        QVERIFY(!auditText.isEmpty());
        for (const QString &secret : std::as_const(m_secrets)) {
            const QByteArray needle = secret.toUtf8();
            for (const QByteArray &body : std::as_const(m_bodies))
                QVERIFY2(!body.contains(needle), body.constData());
            QVERIFY2(!logs.contains(needle), qPrintable(secret.left(6)));
            QVERIFY2(!auditText.contains(needle), qPrintable(secret.left(6)));
            if (secret != m_gateway.initialAdminPassword()) // printed once by design, checked above
                QVERIFY2(!output.contains(needle), qPrintable(secret.left(6)));
        }
        static const QRegularExpression anyToken(QStringLiteral("tf[sk]_[A-Za-z0-9_-]{43}"));
        QVERIFY(!anyToken.match(QString::fromUtf8(logs)).hasMatch());
        QVERIFY(!anyToken.match(QString::fromUtf8(auditText)).hasMatch());
        QVERIFY(!logs.contains("pbkdf2-sha256$"));
    }
};

QTEST_GUILESS_MAIN(TestGatewayAuth)
#include "tst_gatewayauth.moc"
