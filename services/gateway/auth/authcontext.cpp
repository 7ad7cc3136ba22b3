#include "authcontext.h"

#include "auth/bootstrapadmin.h"
#include "auth/credentialpolicy.h"
#include "authlogging.h"
#include "common/databasestate.h"
#include "core/errors.h"
#include "db/repositories/tokenrepository.h"

#include <cstdio>

#include <unistd.h>

namespace tf::gateway {

namespace {

auth::LoginThrottle::Settings throttleSettings(const AccessSettings &settings)
{
    auth::LoginThrottle::Settings throttle;
    throttle.maxFailures = settings.maxFailedLogins;
    throttle.windowMs = qint64(settings.banMinutes) * 60 * 1000;
    throttle.banMs = qint64(settings.banMinutes) * 60 * 1000;
    return throttle;
}

} // namespace

AuthContext::AuthContext(DatabaseState &database, AccessSettings settings)
    : m_database(database)
    , m_settings(std::move(settings))
    , m_hasher(m_settings.pbkdf2Iterations)
    , m_throttle(throttleSettings(m_settings))
    , m_authenticator(database)
    , m_filter(m_settings, m_authenticator)
{
    if (m_settings.directory.enabled())
        m_directory = std::make_unique<LdapDirectory>(m_settings.directory);
    m_pool.setMaxThreadCount(2);
    m_pool.setObjectName(QStringLiteral("pbkdf2"));
    m_directoryPool.setMaxThreadCount(4);
    m_directoryPool.setObjectName(QStringLiteral("ldap"));
}

AuthContext::~AuthContext()
{
    m_pool.waitForDone();
    m_directoryPool.waitForDone();
}

void AuthContext::bootstrap(const QString &dataDir)
{
    try {
        db::Database &database = m_database.database().database();
        // Old sessions are dead weight: expired or revoked more than a day ago.
        db::TokenRepository(database).purgeSessions(QDateTime::currentDateTimeUtc().addDays(-1));
        if (!auth::needsBootstrapAdmin(database))
            return;
    } catch (const Error &error) {
        qCCritical(lcGatewayAuth).noquote()
            << "could not check for a first administrator account:" << error.message();
        return;
    }
    struct Credentials
    {
        QString password;
        QString hash;
    };
    const auth::PasswordHasher hasher = m_hasher;
    offload<Credentials>(
        [hasher] {
            Credentials credentials;
            credentials.password = auth::generatePassword(24);
            credentials.hash = hasher.hash(credentials.password);
            return credentials;
        },
        [this, dataDir](Credentials credentials) {
            try {
                const auth::BootstrapResult result
                    = auth::bootstrapAdmin(m_database.database().database(), dataDir,
                                           credentials.password, credentials.hash);
                if (!result.created)
                    return; // another gateway was first
                // Printed once on stdout, deliberately not through the logger: log files (and
                // whatever collects them) must never hold a password. Only to a terminal: under
                // systemd stdout is the journal, which would keep it; then only the path.
                if (::isatty(::fileno(stdout))) {
                    std::fprintf(
                        stdout,
                        "\ntf-gateway: created the first administrator account\n"
                        "  username: admin\n"
                        "  password: %s\n"
                        "  (also written to %s, readable only by this user; log in and change it)\n\n",
                        credentials.password.toUtf8().constData(), qPrintable(result.passwordFile));
                } else {
                    std::fprintf(stdout,
                                 "tf-gateway: created the first administrator account 'admin'; its "
                                 "password is in %s (readable only by this user; it is not printed "
                                 "because standard output is not a terminal)\n",
                                 qPrintable(result.passwordFile));
                }
                std::fflush(stdout);
                qCInfo(lcGatewayAuth).noquote()
                    << "created the first administrator account 'admin'; its password is in"
                    << result.passwordFile;
            } catch (const Error &error) {
                qCCritical(lcGatewayAuth).noquote()
                    << "could not create the first administrator account:" << error.message();
            }
        });
}

} // namespace tf::gateway
