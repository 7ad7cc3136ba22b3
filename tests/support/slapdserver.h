#pragma once

#include <QByteArray>
#include <QProcess>
#include <QString>
#include <QTemporaryDir>

#include <memory>

namespace tf::test {

// A throwaway OpenLDAP server for the directory sign-in tests: a generated slapd.conf (core,
// cosine and inetOrgPerson schemas, one mdb database for dc=tf,dc=test) in a temporary
// folder, listening on 127.0.0.1 at a random free port with ldap:// (StartTLS offered) and
// at another with ldaps://, with a certificate for 127.0.0.1 signed by a throwaway authority
// (openssl). It runs in the foreground (-d 0) as the test's user (root in CI: slapd allows
// it), and is stopped (SIGTERM, then SIGKILL) and removed on destruction. Entries are
// changed with ldapmodify (ldap-utils) as the root DN.
class SlapdServer final
{
public:
    static constexpr char kSuffix[] = "dc=tf,dc=test";
    static constexpr char kRootDn[] = "cn=admin,dc=tf,dc=test";

    SlapdServer();
    ~SlapdServer();
    SlapdServer(const SlapdServer &) = delete;
    SlapdServer &operator=(const SlapdServer &) = delete;

    // Writes the certificates and configuration (first call) and starts slapd, waiting until
    // it answers. False with error() set on failure.
    bool start();
    void stop();

    // Runs ldapmodify -a with the LDIF (records with "changetype: ..." or entries to add).
    bool modify(const QByteArray &ldif);

    QString url() const;       // ldap://127.0.0.1:PORT
    QString ldapsUrl() const;  // ldaps://127.0.0.1:PORT
    QString caFile() const;    // the PEM of the authority that signed the server's certificate
    QString error() const { return m_error; }
    QString serverLog() const;

    // True when slapd, ldapmodify and openssl are installed.
    static bool installed();
    // TF_REQUIRE_SLAPD=1 (scripts/test.sh): a missing server fails instead of skipping.
    static bool required();

private:
    bool writeFiles();
    bool run(const QString &program, const QStringList &arguments, const QByteArray &input = {});

    QTemporaryDir m_dir;
    std::unique_ptr<QProcess> m_server;
    quint16 m_port = 0;
    quint16 m_tlsPort = 0;
    bool m_written = false;
    QString m_error;
};

} // namespace tf::test

// Skips, or fails under TF_REQUIRE_SLAPD=1, when slapd is not installed; fails when the
// installed server does not start.
#define TF_START_SLAPD(server)                                                                \
    do {                                                                                      \
        if (!tf::test::SlapdServer::installed()) {                                            \
            if (tf::test::SlapdServer::required())                                            \
                QFAIL("TF_REQUIRE_SLAPD=1 but slapd/ldap-utils/openssl are not installed");   \
            QSKIP("slapd is not installed (slapd, ldap-utils)");                              \
        }                                                                                     \
        QVERIFY2((server).start(), qPrintable((server).error()));                             \
    } while (false)
