// Directory sign-in pieces without a server: RFC 4515 escaping of the user name in search
// filters, the group-to-role map (highest role wins, no mapped group: none), and the [ldap]
// settings' validation (a bad value names the key; the bind password only sealed).
#include "core/config.h"
#include "core/errors.h"
#include "core/sealedsetting.h"
#include "core/secretbox.h"
#include "gateway/auth/directoryroles.h"
#include "gateway/auth/directorysettings.h"

#include <QTemporaryDir>
#include <QTest>

using namespace tf;
using namespace tf::gateway;

namespace {

Config configWith(const QHash<QString, QString> &values)
{
    Config::Inputs inputs;
    inputs.defaults = DirectorySettings::defaults();
    inputs.environment = QProcessEnvironment();
    Config config = Config::load(inputs);
    for (auto it = values.cbegin(); it != values.cend(); ++it)
        config.set(it.key(), it.value(), Config::Origin::Flag, QStringLiteral("test"));
    return config;
}

QHash<QString, QString> minimal()
{
    return { { QStringLiteral("ldap/url"), QStringLiteral("ldaps://dc1.county.example") },
             { QStringLiteral("ldap/user_base"), QStringLiteral("OU=Staff,DC=county,DC=example") },
             { QStringLiteral("ldap/viewer_groups"), QStringLiteral("Staff") } };
}

} // namespace

class TestDirectoryRoles final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void escapesFilterValues_data()
    {
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("escaped");
        QTest::newRow("plain") << "alice.smith@county" << "alice.smith@county";
        QTest::newRow("injection") << "*)(uid=*" << "\\2a\\29\\28uid=\\2a";
        QTest::newRow("backslash") << "a\\b" << "a\\5cb";
        QTest::newRow("nul") << QString::fromUtf8("a\0b", 3) << "a\\00b";
        QTest::newRow("newline") << "a\nb" << "a\\0ab";
        QTest::newRow("non-ASCII kept") << QString::fromUtf8("José") << QString::fromUtf8("José");
        QTest::newRow("or-injection") << "x)(|(cn=*" << "x\\29\\28|\\28cn=\\2a";
    }
    void escapesFilterValues()
    {
        QFETCH(QString, value);
        QFETCH(QString, escaped);
        QCOMPARE(directory::escapeFilterValue(value), escaped);
    }

    void fillsFilterTemplates()
    {
        QCOMPARE(directory::fillFilter(QStringLiteral("(sAMAccountName=%s)"), QStringLiteral("*")),
                 QStringLiteral("(sAMAccountName=\\2a)"));
        QCOMPARE(directory::fillFilter(QStringLiteral("(&(objectClass=person)(uid=%s)(!(cn=%s)))"),
                                       QStringLiteral("bob")),
                 QStringLiteral("(&(objectClass=person)(uid=bob)(!(cn=bob)))"));
        QCOMPARE(directory::fillFilter(QStringLiteral("(member=%d)"), QStringLiteral("bob"),
                                       QStringLiteral("uid=bob,ou=people(x)")),
                 QStringLiteral("(member=uid=bob,ou=people\\28x\\29)"));
        QCOMPARE(directory::fillFilter(QStringLiteral("(cn=100%%)(x=%q)"), QStringLiteral("bob")),
                 QStringLiteral("(cn=100%)(x=%q)"));
    }

    void matchesGroups_data()
    {
        QTest::addColumn<QString>("rule");
        QTest::addColumn<QString>("dn");
        QTest::addColumn<bool>("matches");
        const QString admins = QStringLiteral("CN=TF-Admins,OU=Groups,DC=county,DC=gov");
        QTest::newRow("full DN") << "CN=TF-Admins,OU=Groups,DC=county,DC=gov" << admins << true;
        QTest::newRow("full DN, case and spaces") << "cn=tf-admins, ou=groups, dc=County, dc=gov" << admins << true;
        QTest::newRow("other full DN") << "CN=TF-Admins,OU=Other,DC=county,DC=gov" << admins << false;
        QTest::newRow("first RDN") << "CN=TF-Admins" << admins << true;
        QTest::newRow("first RDN, other type") << "OU=TF-Admins" << admins << false;
        QTest::newRow("bare name") << "tf-admins" << admins << true;
        QTest::newRow("bare name is not a prefix") << "TF" << admins << false;
        QTest::newRow("bare name is not a later RDN") << "Groups" << admins << false;
        QTest::newRow("empty rule") << "" << admins << false;
    }
    void matchesGroups()
    {
        QFETCH(QString, rule);
        QFETCH(QString, dn);
        QFETCH(bool, matches);
        QCOMPARE(directory::groupMatches(rule, dn), matches);
    }

    void highestRoleWins()
    {
        const QList<directory::GroupRule> rules { { QStringLiteral("CN=TF-Admins"), QStringLiteral("admin") },
                                                  { QStringLiteral("CN=Assessors"), QStringLiteral("operator") },
                                                  { QStringLiteral("CN=Auditors"), QStringLiteral("auditor") },
                                                  { QStringLiteral("Staff"), QStringLiteral("viewer") } };
        const QString staff = QStringLiteral("CN=Staff,OU=Groups,DC=c");
        const QString auditors = QStringLiteral("CN=Auditors,OU=Groups,DC=c");
        const QString assessors = QStringLiteral("CN=Assessors,OU=Groups,DC=c");
        const QString admins = QStringLiteral("CN=TF-Admins,OU=Groups,DC=c");
        QCOMPARE(directory::roleForGroups({ staff }, rules), std::optional<QString>(QStringLiteral("viewer")));
        QCOMPARE(directory::roleForGroups({ staff, auditors }, rules), std::optional<QString>(QStringLiteral("auditor")));
        QCOMPARE(directory::roleForGroups({ auditors, assessors, staff }, rules),
                 std::optional<QString>(QStringLiteral("operator")));
        QCOMPARE(directory::roleForGroups({ staff, admins, auditors }, rules),
                 std::optional<QString>(QStringLiteral("admin")));
        QCOMPARE(directory::roleForGroups({ QStringLiteral("CN=Cafeteria,DC=c") }, rules), std::nullopt);
        QCOMPARE(directory::roleForGroups({}, rules), std::nullopt);
    }

    void readsSettings()
    {
        QTemporaryDir dir;
        QHash<QString, QString> values = minimal();
        values.insert(QStringLiteral("ldap/admin_groups"),
                      QStringLiteral("CN=TF-Admins,OU=Groups,DC=county,DC=example | CN=IT-Admins"));
        values.insert(QStringLiteral("ldap/operator_groups"), QStringLiteral("CN=Assessors"));
        const DirectorySettings settings = DirectorySettings::fromConfig(configWith(values), dir.path());
        QVERIFY(settings.enabled());
        QCOMPARE(settings.userFilter, QStringLiteral("(uid=%s)"));
        QCOMPARE(settings.timeoutSeconds, 5);
        QCOMPARE(settings.groupRules.size(), 4);
        QCOMPARE(settings.groupRules.at(0).group, QStringLiteral("CN=TF-Admins,OU=Groups,DC=county,DC=example"));
        QCOMPARE(settings.groupRules.at(0).role, QStringLiteral("admin"));
        QCOMPARE(settings.groupRules.at(1).group, QStringLiteral("CN=IT-Admins"));
        QVERIFY(settings.bindPassword.isEmpty());

        // Off without a URL, whatever else is set.
        QVERIFY(!DirectorySettings::fromConfig(configWith({}), dir.path()).enabled());
    }

    void opensTheSealedBindPassword()
    {
        QTemporaryDir dir;
        const SecretBox box = SecretBox::fromEnvironmentOrKeyFile(dir.path());
        QHash<QString, QString> values = minimal();
        values.insert(QStringLiteral("ldap/bind_dn"), QStringLiteral("CN=svc,DC=county,DC=example"));
        values.insert(QStringLiteral("ldap/bind_password_sealed"), sealedsetting::seal(box, "s3cret pass"));
        QCOMPARE(DirectorySettings::fromConfig(configWith(values), dir.path()).bindPassword,
                 QByteArray("s3cret pass"));

        // Another data directory's key cannot open it: exit 2 naming the key, not the value.
        QTemporaryDir other;
        try {
            DirectorySettings::fromConfig(configWith(values), other.path());
            QFAIL("a value sealed with another key was accepted");
        } catch (const Error &error) {
            QVERIFY2(error.message().contains(QStringLiteral("ldap/bind_password_sealed")), qPrintable(error.message()));
        }
        // A password written in clear is refused, and not repeated.
        values.insert(QStringLiteral("ldap/bind_password_sealed"), QStringLiteral("plain-text-password"));
        try {
            DirectorySettings::fromConfig(configWith(values), dir.path());
            QFAIL("a clear-text bind password was accepted");
        } catch (const Error &error) {
            QVERIFY(error.message().contains(QStringLiteral("tfctl config seal")));
            QVERIFY(!error.message().contains(QStringLiteral("plain-text-password")));
        }
    }

    void refusesBadSettings_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("named");
        QTest::newRow("not ldap") << "ldap/url" << "https://dc1" << "ldap/url";
        QTest::newRow("no host") << "ldap/url" << "ldaps://" << "ldap/url";
        QTest::newRow("plain ldap") << "ldap/url" << "ldap://dc1" << "ldap/url";
        QTest::newRow("StartTLS on ldaps") << "ldap/start_tls" << "true" << "ldap/start_tls";
        QTest::newRow("no user base") << "ldap/user_base" << "" << "ldap/user_base";
        QTest::newRow("filter without %s") << "ldap/user_filter" << "(uid=alice)" << "ldap/user_filter";
        QTest::newRow("filter without parentheses") << "ldap/user_filter" << "uid=%s" << "ldap/user_filter";
        QTest::newRow("no group map") << "ldap/viewer_groups" << "" << "viewer_groups";
        QTest::newRow("bind DN without password") << "ldap/bind_dn" << "CN=svc" << "ldap/bind_dn";
        QTest::newRow("missing CA file") << "ldap/ca_file" << "/nonexistent/ca.pem" << "ldap/ca_file";
        QTest::newRow("timeout") << "ldap/timeout_seconds" << "0" << "ldap/timeout_seconds";
    }
    void refusesBadSettings()
    {
        QFETCH(QString, key);
        QFETCH(QString, value);
        QFETCH(QString, named);
        QTemporaryDir dir;
        QHash<QString, QString> values = minimal();
        values.insert(key, value);
        try {
            DirectorySettings::fromConfig(configWith(values), dir.path());
            QFAIL("accepted");
        } catch (const Error &error) {
            QCOMPARE(error.kind(), Error::Kind::Validation);
            QVERIFY2(error.message().contains(named), qPrintable(error.message()));
        }
    }

    void plainLdapOnlyWhenAllowedOrStartTls()
    {
        QTemporaryDir dir;
        QHash<QString, QString> values = minimal();
        values.insert(QStringLiteral("ldap/url"), QStringLiteral("ldap://127.0.0.1:3389"));
        values.insert(QStringLiteral("ldap/start_tls"), QStringLiteral("true"));
        QVERIFY(DirectorySettings::fromConfig(configWith(values), dir.path()).startTls);
        values.insert(QStringLiteral("ldap/start_tls"), QStringLiteral("false"));
        values.insert(QStringLiteral("ldap/allow_plaintext"), QStringLiteral("true"));
        QVERIFY(DirectorySettings::fromConfig(configWith(values), dir.path()).allowPlaintext);
    }
};

QTEST_GUILESS_MAIN(TestDirectoryRoles)
#include "tst_directoryroles.moc"
