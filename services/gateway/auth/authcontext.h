#pragma once

#include "accessfilter.h"
#include "accesssettings.h"
#include "auth/loginthrottle.h"
#include "auth/passwordhasher.h"
#include "authenticator.h"
#include "common/router.h"
#include "ldapdirectory.h"

#include <QObject>
#include <QThreadPool>
#include <functional>
#include <memory>

namespace tf {
class DatabaseState;
}

namespace tf::gateway {

// What the gateway's identity controllers share: settings, the password hasher, the login
// ban, the token authenticator and its cache, the request filter, and a small thread pool for
// PBKDF2 (a few hundred milliseconds of CPU at the default iteration count, which must not
// stall the HTTP thread).
class AuthContext final
{
    Q_DISABLE_COPY_MOVE(AuthContext)
public:
    AuthContext(DatabaseState &database, AccessSettings settings);
    ~AuthContext();

    DatabaseState &database() { return m_database; }
    const AccessSettings &settings() const { return m_settings; }
    const auth::PasswordHasher &hasher() const { return m_hasher; }
    auth::LoginThrottle &throttle() { return m_throttle; }
    Authenticator &authenticator() { return m_authenticator; }
    AccessFilter &filter() { return m_filter; }
    // The directory of [ldap], or null when directory sign-in is off.
    const LdapDirectory *directory() const { return m_directory.get(); }

    // Runs work on the hashing pool, then done(result) on the HTTP thread. done never runs
    // once this object is gone.
    template<typename Result>
    void offload(std::function<Result()> work, std::function<void(Result)> done)
    {
        runOn(m_pool, std::move(work), std::move(done));
    }
    // The same on the directory pool: LDAP calls wait on the network (up to [ldap]
    // timeout_seconds), and must not hold up PBKDF2 for local sign-ins.
    template<typename Result>
    void offloadToDirectory(std::function<Result()> work, std::function<void(Result)> done)
    {
        runOn(m_directoryPool, std::move(work), std::move(done));
    }

    // Creates the first admin when `users` is empty (once the database is open).
    void bootstrap(const QString &dataDir);

private:
    template<typename Result>
    void runOn(QThreadPool &pool, std::function<Result()> work, std::function<void(Result)> done)
    {
        QObject *context = &m_context;
        pool.start([context, work = std::move(work), done = std::move(done)]() mutable {
            Result result = work();
            QMetaObject::invokeMethod(
                context,
                [done = std::move(done), result = std::move(result)]() mutable {
                    done(std::move(result));
                },
                Qt::QueuedConnection);
        });
    }

    DatabaseState &m_database;
    AccessSettings m_settings;
    auth::PasswordHasher m_hasher;
    auth::LoginThrottle m_throttle;
    Authenticator m_authenticator;
    AccessFilter m_filter;
    std::unique_ptr<LdapDirectory> m_directory;
    QObject m_context; // declared before the pool: the pool (and its workers) go first
    QThreadPool m_pool;
    QThreadPool m_directoryPool;
};

} // namespace tf::gateway
