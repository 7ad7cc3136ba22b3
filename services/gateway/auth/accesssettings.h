#pragma once

#include "directorysettings.h"

#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QSslConfiguration>
#include <QString>
#include <QStringList>

namespace tf {
class Config;
class Error;
}

namespace tf::gateway {

// The start-up error for a bad setting: "key (from where): problem", naming the key.
Error invalidSetting(const Config &config, const QString &key, const QString &problem);

// Who may call the gateway and how often: the [auth], [rate_limit], [cors] and [tls] sections
// and gateway/trusted_proxies, validated at start (a bad value is exit code 2 naming the key).
struct AccessSettings
{
    bool authRequired = true; // auth/required
    int sessionTtlMinutes = 480; // auth/session_ttl_minutes
    int pbkdf2Iterations = 210000; // auth/pbkdf2_iterations
    int maxFailedLogins = 5; // auth/max_failed_logins
    int banMinutes = 15; // auth/ban_minutes (also the window failures are counted in)
    int perTokenRps = 20; // rate_limit/per_token_rps (0: off)
    int perTokenBurst = 60; // rate_limit/per_token_burst
    int perAddressRps = 50; // rate_limit/per_address_rps (0: off)
    int perAddressBurst = 120; // rate_limit/per_address_burst
    QStringList corsOrigins; // cors/allowed_origins ("scheme://host[:port]", lower case)
    QString tlsCertificate; // tls/certificate (PEM file)
    QString tlsPrivateKey; // tls/private_key (PEM file)
    QSslConfiguration tls; // loaded from the two files when both are set
    QList<QPair<QHostAddress, int>> trustedProxies; // gateway/trusted_proxies (address/prefix)
    DirectorySettings directory; // [ldap]: set by GatewaySettings (it needs the data directory)

    bool tlsEnabled() const { return !tlsCertificate.isEmpty(); }

    // Throws tf::Error(Validation) naming the key (or the file) on bad values.
    static AccessSettings fromConfig(const Config &config);
    static QHash<QString, QString> defaults();
};

} // namespace tf::gateway
