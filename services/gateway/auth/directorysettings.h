#pragma once

#include "directoryroles.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>

namespace tf {
class Config;
}

namespace tf::gateway {

// The [ldap] section: sign-in against an LDAP or Active Directory server, validated at start
// (a bad value is exit code 2 naming the key). Off while url is empty.
struct DirectorySettings
{
    QString url;                 // ldap/url: ldaps://host[:port] or ldap://host[:port]
    bool startTls = false;       // ldap/start_tls: StartTLS on an ldap:// URL
    bool allowPlaintext = false; // ldap/allow_plaintext: ldap:// without StartTLS (tests only)
    QString caFile;              // ldap/ca_file: PEM authorities for the directory's certificate
    QString bindDn;              // ldap/bind_dn: the service account that searches (empty: anonymous)
    QByteArray bindPassword;     // opened from ldap/bind_password_sealed; never logged or returned
    QString userBase;            // ldap/user_base
    QString userFilter = QStringLiteral("(uid=%s)"); // ldap/user_filter
    QString groupBase;           // ldap/group_base (empty: the user entry's memberOf)
    QString groupFilter = QStringLiteral("(|(member=%d)(uniqueMember=%d))"); // ldap/group_filter
    int timeoutSeconds = 5;      // ldap/timeout_seconds: connect and each operation
    QList<directory::GroupRule> groupRules; // ldap/admin_groups, operator_groups, ...

    bool enabled() const { return !url.isEmpty(); }

    // dataDir holds secret.key, which opens bind_password_sealed (as for system credentials).
    // Throws tf::Error(Validation) naming the key on bad values.
    static DirectorySettings fromConfig(const Config &config, const QString &dataDir);
    static QHash<QString, QString> defaults();
};

} // namespace tf::gateway
