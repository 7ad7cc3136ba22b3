// Directory sign-in (issue 19 item 4) against a real slapd the test starts: a real tf-gateway
// with [ldap] set, signing directory users in with the role their groups give; the wrong
// password, an unknown user, a user in no mapped group, a filter injection in the user name
// and a removed account refused; a group change effective at the next sign-in; a local user of
// the same name winning; the ban, audit and secrecy as for local users; StartTLS and ldaps with
// a test authority; and a 503 while the directory is down.
#include "core/config.h"
#include "db/controldatabase.h"
#include "db/repositories/auditrepository.h"
#include "gateway/auth/ldapdirectory.h"
#include "gatewayauthfixture.h"
#include "slapdserver.h"
#include "toolrun.h"

#include <QJsonArray>
#include <QTest>

using namespace tf;

namespace {

const QByteArray kServicePassword = QByteArrayLiteral("svc-bind-secret-42");
const QString kPeople = QStringLiteral("ou=people,dc=tf,dc=test");
const QString kGroups = QStringLiteral("ou=groups,dc=tf,dc=test");

QByteArray person(const char *uid, const QByteArray &password)
{
    return QStringLiteral("dn: uid=%1,%2\nobjectClass: inetOrgPerson\nuid: %1\ncn: %1\nsn: %1\n"
                          "userPassword: %3\n\n")
        .arg(QLatin1String(uid), kPeople, QString::fromLatin1(password))
        .toUtf8();
}

QByteArray group(const char *cn, const QStringList &uids)
{
    // groupOfNames needs a member even when the test has taken every user out: the service account.
    QString ldif = QStringLiteral("dn: cn=%1,%2\nobjectClass: groupOfNames\ncn: %1\nmember: cn=svc,dc=tf,dc=test\n")
                       .arg(QLatin1String(cn), kGroups);
    for (const QString &uid : uids)
        ldif += QStringLiteral("member: uid=%1,%2\n").arg(uid, kPeople);
    return (ldif + QLatin1Char('\n')).toUtf8();
}

QByteArray directoryEntries()
{
    QByteArray ldif = "dn: dc=tf,dc=test\nobjectClass: dcObject\nobjectClass: organization\ndc: tf\no: tf\n\n"
                      "dn: ou=people,dc=tf,dc=test\nobjectClass: organizationalUnit\nou: people\n\n"
                      "dn: ou=groups,dc=tf,dc=test\nobjectClass: organizationalUnit\nou: groups\n\n"
                      "dn: cn=svc,dc=tf,dc=test\nobjectClass: organizationalRole\nobjectClass: simpleSecurityObject\n"
                      "cn: svc\nuserPassword: "
        + kServicePassword + "\n\n";
    for (const char *uid : { "alice", "bob", "carol", "dave", "erin", "frank", "gina", "hank" })
        ldif += person(uid, QByteArray(uid) + QByteArray("-dir-pw-1"));
    ldif += group("TF-Admins", { QStringLiteral("alice") });
    ldif += group("Assessors", { QStringLiteral("bob") });
    ldif += group("Auditors", { QStringLiteral("carol") });
    ldif += group("Staff", { QStringLiteral("alice"), QStringLiteral("bob"), QStringLiteral("dave"),
                             QStringLiteral("frank"), QStringLiteral("gina"), QStringLiteral("hank") });
    ldif += group("Cafeteria", { QStringLiteral("erin") });
    return ldif;
}

QString password(const char *uid)
{
    return QString::fromLatin1(uid) + QStringLiteral("-dir-pw-1");
}

QString errorCode(const test::HttpResult &result)
{
    return result.json().value(QStringLiteral("code")).toString();
}

} // namespace

class TestGatewayLdap final : public QObject
{
    Q_OBJECT

private:
    test::SlapdServer m_slapd;
    test::AuthGateway m_gateway;
    QByteArray m_admin;
    QString m_sealed;
    int m_address = 0;

    // Each attempt from its own client address (the test's loopback is a trusted proxy), so
    // the failures of one test do not ban the address of the next.
    test::HttpResult signIn(const QString &username, const QString &secret)
    {
        const QByteArray address = "198.51.100." + QByteArray::number(++m_address % 250 + 1);
        return m_gateway.loginResult(username, secret, { { QByteArrayLiteral("X-Forwarded-For"), address } });
    }

    QList<db::AuditEntry> audit() const
    {
        auto control = db::ControlDatabase::open(
            QStringLiteral("sqlite://") + m_gateway.dataDir() + QStringLiteral("/terrafusion.db"), false);
        return db::AuditRepository(control->database()).latest(1000);
    }

    qint64 userId(const QString &username) const
    {
        const auto list = m_gateway.call("GET", QStringLiteral("/api/users"), {}, m_admin);
        for (const QJsonValue &user : list.json().value(QStringLiteral("items")).toArray()) {
            if (user[QStringLiteral("username")].toString() == username)
                return user[QStringLiteral("id")].toInteger();
        }
        return 0;
    }

    // The same directory as the gateway's, for calling LdapDirectory directly.
    gateway::DirectorySettings settings(const QString &url) const
    {
        gateway::DirectorySettings settings;
        settings.url = url;
        settings.bindDn = QStringLiteral("cn=svc,dc=tf,dc=test");
        settings.bindPassword = kServicePassword;
        settings.userBase = kPeople;
        settings.groupBase = kGroups;
        settings.groupRules = { { QStringLiteral("CN=TF-Admins"), QStringLiteral("admin") },
                                { QStringLiteral("Staff"), QStringLiteral("viewer") } };
        return settings;
    }

private Q_SLOTS:
    void initTestCase()
    {
        TF_START_SLAPD(m_slapd);
        QVERIFY2(m_slapd.modify(directoryEntries()), qPrintable(m_slapd.error()));

        // The bind password as an administrator seals it: through tfctl, on standard input,
        // with the gateway's data directory (its secret.key).
        test::ToolOptions options;
        options.stdinData = kServicePassword + "\n";
        const test::ToolRun sealed = test::runTool(
            QStringLiteral("tfctl"), { QStringLiteral("config"), QStringLiteral("seal"), QStringLiteral("--data-dir"),
                                       m_gateway.dataDir() },
            options);
        QVERIFY2(sealed.exitCode == 0, qPrintable(sealed.describe()));
        m_sealed = QString::fromUtf8(sealed.out).trimmed();
        QVERIFY(m_sealed.startsWith(QStringLiteral("sealed:")));
        QVERIFY(!sealed.out.contains(kServicePassword) && !sealed.err.contains(kServicePassword));

        QVERIFY(m_gateway.start({
            { QStringLiteral("TF_GATEWAY__TRUSTED_PROXIES"), QStringLiteral("127.0.0.1") },
            { QStringLiteral("TF_RATE_LIMIT__PER_ADDRESS_RPS"), QStringLiteral("0") },
            { QStringLiteral("TF_RATE_LIMIT__PER_TOKEN_RPS"), QStringLiteral("0") },
            { QStringLiteral("TF_LDAP__URL"), m_slapd.url() },
            { QStringLiteral("TF_LDAP__ALLOW_PLAINTEXT"), QStringLiteral("true") },
            { QStringLiteral("TF_LDAP__BIND_DN"), QStringLiteral("cn=svc,dc=tf,dc=test") },
            { QStringLiteral("TF_LDAP__BIND_PASSWORD_SEALED"), m_sealed },
            { QStringLiteral("TF_LDAP__USER_BASE"), kPeople },
            { QStringLiteral("TF_LDAP__GROUP_BASE"), kGroups },
            { QStringLiteral("TF_LDAP__ADMIN_GROUPS"), QStringLiteral("CN=TF-Admins") },
            { QStringLiteral("TF_LDAP__OPERATOR_GROUPS"), QStringLiteral("cn=Assessors,ou=groups,dc=tf,dc=test") },
            { QStringLiteral("TF_LDAP__AUDITOR_GROUPS"), QStringLiteral("CN=Auditors") },
            { QStringLiteral("TF_LDAP__VIEWER_GROUPS"), QStringLiteral("Staff") },
        }));
        m_admin = m_gateway.loginAdmin(); // the local admin works beside the directory
        QVERIFY(!m_admin.isEmpty());
    }

    void sealRefusesAnEmptySecret()
    {
        QTemporaryDir dir;
        test::ToolOptions options;
        options.stdinData = "\n";
        const test::ToolRun run = test::runTool(
            QStringLiteral("tfctl"), { QStringLiteral("config"), QStringLiteral("seal"), QStringLiteral("--data-dir"), dir.path() },
            options);
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.trimmed().count('\n') == 0 && run.err.contains("one non-empty line"), qPrintable(run.describe()));
        QVERIFY(run.out.isEmpty());
    }

    void rightPasswordSignsInWithTheGroupsRole()
    {
        const test::HttpResult login = signIn(QStringLiteral("bob"), password("bob"));
        QCOMPARE(login.status, 200);
        QCOMPARE(login.json().value(QStringLiteral("role")).toString(), QStringLiteral("operator"));
        QCOMPARE(login.json().value(QStringLiteral("source")).toString(), QStringLiteral("directory"));
        QCOMPARE(login.json().value(QStringLiteral("must_change_password")).toBool(), false);
        const QByteArray session = "Bearer " + login.json().value(QStringLiteral("token")).toString().toUtf8();
        const test::HttpResult me = m_gateway.call("GET", QStringLiteral("/api/auth/me"), {}, session);
        QCOMPARE(me.status, 200);
        QCOMPARE(me.json().value(QStringLiteral("username")).toString(), QStringLiteral("bob"));
        QCOMPARE(me.json().value(QStringLiteral("role")).toString(), QStringLiteral("operator"));
        // An operator may do what operators do, and not what admins do.
        QCOMPARE(m_gateway.call("GET", QStringLiteral("/api/users"), {}, session).status, 403);

        // The directory user is listed, marked as such, without a password of any kind.
        const auto list = m_gateway.call("GET", QStringLiteral("/api/users"), {}, m_admin);
        bool listed = false;
        for (const QJsonValue &user : list.json().value(QStringLiteral("items")).toArray()) {
            if (user[QStringLiteral("username")].toString() != QLatin1String("bob"))
                continue;
            listed = true;
            QCOMPARE(user[QStringLiteral("source")].toString(), QStringLiteral("directory"));
            QCOMPARE(user[QStringLiteral("role")].toString(), QStringLiteral("operator"));
        }
        QVERIFY(listed);
        QVERIFY(!list.body.contains("password_hash") && !list.body.contains("!directory"));

        // Audited like a local sign-in.
        bool audited = false;
        for (const db::AuditEntry &entry : audit()) {
            if (entry.eventType == QLatin1String("auth.login") && entry.username == QLatin1String("bob")) {
                audited = entry.description.contains(QStringLiteral("through the directory"));
                QCOMPARE(entry.newState.value(QStringLiteral("role")).toString(), QStringLiteral("operator"));
                break;
            }
        }
        QVERIFY(audited);
    }

    void highestRoleOfTheGroupsWins()
    {
        QCOMPARE(signIn(QStringLiteral("alice"), password("alice")).json().value(QStringLiteral("role")).toString(),
                 QStringLiteral("admin")); // TF-Admins and Staff
        QCOMPARE(signIn(QStringLiteral("carol"), password("carol")).json().value(QStringLiteral("role")).toString(),
                 QStringLiteral("auditor"));
        QCOMPARE(signIn(QStringLiteral("dave"), password("dave")).json().value(QStringLiteral("role")).toString(),
                 QStringLiteral("viewer"));
    }

    void wrongPasswordRefused()
    {
        const test::HttpResult refused = signIn(QStringLiteral("carol"), QStringLiteral("not-carols-password"));
        QCOMPARE(refused.status, 401);
        QCOMPARE(errorCode(refused), QStringLiteral("unauthorized"));
        QVERIFY(!refused.json().contains(QStringLiteral("token")));
        bool audited = false;
        for (const db::AuditEntry &entry : audit()) {
            if (entry.eventType == QLatin1String("auth.login_failed")
                && entry.description.contains(QStringLiteral("'carol'"))) {
                audited = entry.description.contains(QStringLiteral("wrong password"));
                break;
            }
        }
        QVERIFY(audited);
        // Empty: never an anonymous bind that a server would accept.
        QCOMPARE(signIn(QStringLiteral("carol"), QString()).status == 200, false);
    }

    void unknownUserRefused()
    {
        const test::HttpResult refused = signIn(QStringLiteral("nobody"), QStringLiteral("whatever-pass-1"));
        QCOMPARE(refused.status, 401);
        QCOMPARE(refused.json().value(QStringLiteral("detail")).toString(),
                 signIn(QStringLiteral("carol"), QStringLiteral("wrong-pass-2")).json().value(QStringLiteral("detail")).toString());
        QCOMPARE(userId(QStringLiteral("nobody")), 0);
    }

    void userInNoMappedGroupRefused()
    {
        const test::HttpResult refused = signIn(QStringLiteral("erin"), password("erin"));
        QCOMPARE(refused.status, 403);
        QCOMPARE(errorCode(refused), QStringLiteral("forbidden"));
        QVERIFY(refused.json().value(QStringLiteral("detail")).toString().contains(QStringLiteral("no directory group")));
        QVERIFY(!refused.json().contains(QStringLiteral("token")));
        QCOMPARE(userId(QStringLiteral("erin")), 0); // no account was made
    }

    void groupChangeTakesEffectAtTheNextSignIn()
    {
        QCOMPARE(signIn(QStringLiteral("bob"), password("bob")).json().value(QStringLiteral("role")).toString(),
                 QStringLiteral("operator"));
        QVERIFY2(m_slapd.modify(QStringLiteral("dn: cn=Assessors,%1\nchangetype: modify\ndelete: member\n"
                                               "member: uid=bob,%2\n\n"
                                               "dn: cn=Auditors,%1\nchangetype: modify\nadd: member\n"
                                               "member: uid=bob,%2\n\n")
                                    .arg(kGroups, kPeople)
                                    .toUtf8()),
                 qPrintable(m_slapd.error()));
        const test::HttpResult next = signIn(QStringLiteral("bob"), password("bob"));
        QCOMPARE(next.status, 200);
        QCOMPARE(next.json().value(QStringLiteral("role")).toString(), QStringLiteral("auditor"));
        const auto user = m_gateway.call("GET", QStringLiteral("/api/users/%1").arg(userId(QStringLiteral("bob"))), {}, m_admin);
        QCOMPARE(user.json().value(QStringLiteral("role")).toString(), QStringLiteral("auditor"));

        // Out of every mapped group: refused from then on.
        QVERIFY(m_slapd.modify(QStringLiteral("dn: cn=Auditors,%1\nchangetype: modify\ndelete: member\n"
                                              "member: uid=bob,%2\n\n"
                                              "dn: cn=Staff,%1\nchangetype: modify\ndelete: member\n"
                                              "member: uid=bob,%2\n\n")
                                   .arg(kGroups, kPeople)
                                   .toUtf8()));
        QCOMPARE(signIn(QStringLiteral("bob"), password("bob")).status, 403);
    }

    void removedAccountRefused()
    {
        QCOMPARE(signIn(QStringLiteral("gina"), password("gina")).status, 200);
        QVERIFY(m_slapd.modify(QStringLiteral("dn: uid=gina,%1\nchangetype: delete\n\n").arg(kPeople).toUtf8()));
        const test::HttpResult refused = signIn(QStringLiteral("gina"), password("gina"));
        QCOMPARE(refused.status, 401);
        bool audited = false;
        for (const db::AuditEntry &entry : audit()) {
            if (entry.eventType == QLatin1String("auth.login_failed")
                && entry.description.contains(QStringLiteral("'gina'"))) {
                audited = entry.description.contains(QStringLiteral("no longer in the directory"));
                break;
            }
        }
        QVERIFY(audited);
    }

    void disabledHereRefusedThoughTheDirectoryAccepts()
    {
        QCOMPARE(signIn(QStringLiteral("dave"), password("dave")).status, 200);
        const qint64 dave = userId(QStringLiteral("dave"));
        QVERIFY(dave > 0);
        QCOMPARE(m_gateway.call("PATCH", QStringLiteral("/api/users/%1").arg(dave),
                                QJsonObject { { QStringLiteral("disabled"), true } }, m_admin)
                     .status,
                 200);
        QCOMPARE(signIn(QStringLiteral("dave"), password("dave")).status, 401);
    }

    void filterInjectionInTheUserNameRefused()
    {
        for (const QString &name : { QStringLiteral("*)(uid=*"), QStringLiteral("*"), QStringLiteral("alice)(|(uid=*"),
                                     QStringLiteral("al*") }) {
            const test::HttpResult refused = signIn(name, password("alice"));
            QCOMPARE(refused.status, 401);
            QVERIFY(!refused.json().contains(QStringLiteral("token")));
        }
        // Below the HTTP checks too: the escaped filter matches nothing (unescaped, "*" would
        // match every user and "al*" alice).
        const gateway::LdapDirectory directory(settings(m_slapd.url()));
        for (const QString &name : { QStringLiteral("*)(uid=*"), QStringLiteral("*"), QStringLiteral("al*") }) {
            const gateway::DirectoryAnswer answer = directory.signIn(name, password("alice"));
            QCOMPARE(int(answer.outcome), int(gateway::DirectoryAnswer::Outcome::UnknownUser));
        }
        QCOMPARE(int(directory.signIn(QStringLiteral("alice"), password("alice")).outcome),
                 int(gateway::DirectoryAnswer::Outcome::SignedIn));
    }

    void localUserOfTheSameNameWins()
    {
        const test::HttpResult created = m_gateway.call(
            "POST", QStringLiteral("/api/users"),
            QJsonObject { { QStringLiteral("username"), QStringLiteral("hank") },
                          { QStringLiteral("password"), QStringLiteral("hank-local-pw-1") },
                          { QStringLiteral("role"), QStringLiteral("auditor") },
                          { QStringLiteral("must_change_password"), false } },
            m_admin);
        QCOMPARE(created.status, 201);
        const test::HttpResult local = signIn(QStringLiteral("hank"), QStringLiteral("hank-local-pw-1"));
        QCOMPARE(local.status, 200);
        QCOMPARE(local.json().value(QStringLiteral("source")).toString(), QStringLiteral("local"));
        QCOMPARE(local.json().value(QStringLiteral("role")).toString(), QStringLiteral("auditor"));
        QCOMPARE(signIn(QStringLiteral("hank"), password("hank")).status, 401); // not asked
    }

    void directoryPasswordsAreNotChangedHere()
    {
        const test::HttpResult login = signIn(QStringLiteral("alice"), password("alice"));
        QCOMPARE(login.status, 200);
        const QByteArray session = "Bearer " + login.json().value(QStringLiteral("token")).toString().toUtf8();
        const test::HttpResult own = m_gateway.call(
            "POST", QStringLiteral("/api/auth/password"),
            QJsonObject { { QStringLiteral("current_password"), password("alice") },
                          { QStringLiteral("new_password"), QStringLiteral("another-password-9") } },
            session);
        QCOMPARE(own.status, 409);
        QCOMPARE(errorCode(own), QStringLiteral("directory_account"));
        const test::HttpResult reset = m_gateway.call(
            "POST", QStringLiteral("/api/users/%1/password").arg(userId(QStringLiteral("alice"))),
            QJsonObject { { QStringLiteral("password"), QStringLiteral("another-password-9") } }, m_admin);
        QCOMPARE(reset.status, 409);
        QCOMPARE(errorCode(reset), QStringLiteral("directory_account"));
        QCOMPARE(signIn(QStringLiteral("alice"), password("alice")).status, 200);
    }

    void failedLoginBanAppliesToDirectoryUsers()
    {
        for (int i = 0; i < 5; ++i)
            QCOMPARE(signIn(QStringLiteral("frank"), QStringLiteral("guess-%1-xx").arg(i)).status, 401);
        const test::HttpResult banned = signIn(QStringLiteral("frank"), password("frank"));
        QCOMPARE(banned.status, 429);
        QCOMPARE(errorCode(banned), QStringLiteral("login_banned"));
    }

    void startTlsAndLdapsWithTheTestAuthority()
    {
        gateway::DirectorySettings startTls = settings(m_slapd.url());
        startTls.startTls = true;
        startTls.caFile = m_slapd.caFile();
        gateway::DirectoryAnswer answer = gateway::LdapDirectory(startTls).signIn(QStringLiteral("alice"), password("alice"));
        QVERIFY2(answer.outcome == gateway::DirectoryAnswer::Outcome::SignedIn, qPrintable(answer.problem));
        QCOMPARE(answer.role, QStringLiteral("admin"));

        gateway::DirectorySettings ldaps = settings(m_slapd.ldapsUrl());
        ldaps.caFile = m_slapd.caFile();
        answer = gateway::LdapDirectory(ldaps).signIn(QStringLiteral("alice"), password("alice"));
        QVERIFY2(answer.outcome == gateway::DirectoryAnswer::Outcome::SignedIn, qPrintable(answer.problem));
        QCOMPARE(int(gateway::LdapDirectory(ldaps).signIn(QStringLiteral("alice"), QStringLiteral("wrong-pw-77")).outcome),
                 int(gateway::DirectoryAnswer::Outcome::WrongPassword));

        // A certificate no trusted authority signed is refused, never used.
        gateway::DirectorySettings untrusted = settings(m_slapd.ldapsUrl());
        answer = gateway::LdapDirectory(untrusted).signIn(QStringLiteral("alice"), password("alice"));
        QCOMPARE(int(answer.outcome), int(gateway::DirectoryAnswer::Outcome::Unavailable));
        startTls.caFile.clear();
        QCOMPARE(int(gateway::LdapDirectory(startTls).signIn(QStringLiteral("alice"), password("alice")).outcome),
                 int(gateway::DirectoryAnswer::Outcome::Unavailable));
    }

    void secretsNeverLoggedOrReturned()
    {
        const QByteArray logs = m_gateway.logFiles();
        QVERIFY(!logs.isEmpty());
        QVERIFY(!logs.contains(kServicePassword));
        QVERIFY(!logs.contains(password("alice").toUtf8()));
        QVERIFY(!logs.contains(m_sealed.toUtf8()));
        for (const db::AuditEntry &entry : audit()) {
            const QByteArray json = QJsonDocument(entry.toJson()).toJson();
            QVERIFY(!json.contains(kServicePassword));
            QVERIFY(!json.contains(password("alice").toUtf8()));
        }
    }

    // Last: stops the directory.
    void directoryDownIsAnAnswer()
    {
        m_slapd.stop();
        const test::HttpResult down = signIn(QStringLiteral("alice"), password("alice"));
        QCOMPARE(down.status, 503);
        QCOMPARE(errorCode(down), QStringLiteral("directory_unavailable"));
        // Local accounts still sign in (the way back in while the directory is down).
        QCOMPARE(m_gateway.loginResult(QStringLiteral("admin"), m_gateway.adminPassword()).status, 200);
        QVERIFY(m_gateway.logFiles().contains("directory unavailable"));
    }
};

QTEST_GUILESS_MAIN(TestGatewayLdap)
#include "tst_gatewayldap.moc"
