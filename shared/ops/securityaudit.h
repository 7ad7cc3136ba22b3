#pragma once

#include "maintenancereport.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace tf {
class Config;
}
namespace tf::db {
class Database;
}

namespace tf::ops {

// What the quarterly security audit looks at besides the database: the gateway's access
// settings as the configuration gives them, and the data directory.
struct SecurityAuditInputs
{
    QString dataDir;
    bool authRequired = true; // auth/required
    QString authRequiredSource; // where that value came from ("default", a file, ...)
    QString bind = QStringLiteral("127.0.0.1"); // the gateway's server/bind
    QString tlsCertificate; // tls/certificate
    QString tlsPrivateKey; // tls/private_key
    QString configFile; // the INI file in use, if any
    int maxPasswordChecks = 25; // users whose hash is tried against common passwords

    // From a program's configuration. A --bind or --port given on that program's command line
    // is not the gateway's, so bind is read from the file and environment layers only.
    static SecurityAuditInputs fromConfig(const Config &config, const QString &dataDir);
};

struct SecurityAudit
{
    QList<Finding> findings;
    QJsonObject checks; // per check: what was examined and the outcome
    QJsonObject toJson() const;
    QStringList markdown() const;
};

// The checks: auth on; no user still on the initial password or on a common one; tokens
// that never expire; TLS on for a non-loopback bind (and its certificate valid, key file
// private); permissions of the data directory, secret.key, service-token, the initial admin
// password file, the SQLite file, backups and the config file.
SecurityAudit auditSecurity(db::Database &database, const SecurityAuditInputs &inputs);

// "0644" (permission bits of a path); empty when it does not exist.
QString fileMode(const QString &path);

} // namespace tf::ops
