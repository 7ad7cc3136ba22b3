#include "securityaudit.h"

#include "auth/passwordhasher.h"
#include "core/config.h"
#include "core/errors.h"
#include "db/connection.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHostAddress>
#include <QJsonArray>
#include <QRegularExpression>
#include <QSqlQuery>
#include <QSslCertificate>
#include <sys/stat.h>

namespace tf::ops {

namespace {

// Commonly tried passwords that still pass the length rule (12+ characters).
const QStringList &commonPasswords()
{
    static const QStringList list {
        QStringLiteral("password1234"), QStringLiteral("changeme1234"),
        QStringLiteral("adminadmin12"), QStringLiteral("administrator"),
        QStringLiteral("123456789012"), QStringLiteral("qwertyuiop12"),
        QStringLiteral("terrafusion1"), QStringLiteral("terrafusion123")
    };
    return list;
}

int modeBits(const QString &path)
{
    struct stat info
    {
    };
    if (::stat(QFile::encodeName(path).constData(), &info) != 0)
        return -1;
    return static_cast<int>(info.st_mode & 07777);
}

Finding finding(const QString &severity, const QString &code, const QString &message,
                const QJsonObject &details = {})
{
    return Finding { severity, QStringLiteral("security"), code, message, details };
}

// A file that must stay private: any group or other permission is a finding.
void checkPrivateFile(SecurityAudit &audit, QJsonArray &examined, const QString &path,
                      const QString &what, const QString &severity, const QString &code)
{
    const int mode = modeBits(path);
    if (mode < 0)
        return;
    const QString text = fileMode(path);
    const bool shared = (mode & 077) != 0;
    examined.append(QJsonObject { { QStringLiteral("path"), path },
                                  { QStringLiteral("mode"), text },
                                  { QStringLiteral("private"), !shared } });
    if (shared)
        audit.findings << finding(
            severity, code,
            QStringLiteral("%1 %2 has mode %3: other users can %4 it; run chmod 600 %2")
                .arg(what, path, text,
                     (mode & 044) ? QStringLiteral("read") : QStringLiteral("reach")),
            QJsonObject { { QStringLiteral("path"), path }, { QStringLiteral("mode"), text } });
}

void checkAuth(SecurityAudit &audit, const SecurityAuditInputs &inputs)
{
    audit.checks.insert(QStringLiteral("auth"),
                        QJsonObject { { QStringLiteral("required"), inputs.authRequired },
                                      { QStringLiteral("source"), inputs.authRequiredSource } });
    if (!inputs.authRequired)
        audit.findings << finding(
            QStringLiteral("critical"), QStringLiteral("auth_disabled"),
            QStringLiteral("authentication is off (auth/required = false, from %1): anyone who "
                           "reaches the gateway can change everything")
                .arg(inputs.authRequiredSource));
}

void checkUsers(SecurityAudit &audit, db::Database &database, const SecurityAuditInputs &inputs)
{
    QSqlQuery query = database.prepare(
        QStringLiteral("SELECT id, username, password_hash, must_change_password FROM users WHERE "
                       "disabled = ? ORDER BY id"));
    query.addBindValue(false);
    database.exec(query, "reading users");
    struct User
    {
        qint64 id;
        QString name;
        QString hash;
        bool initial;
    };
    QList<User> users;
    while (query.next())
        users << User { query.value(0).toLongLong(), query.value(1).toString(),
                        query.value(2).toString(), query.value(3).toBool() };

    int initial = 0, weak = 0, checked = 0;
    const auth::PasswordHasher hasher(
        auth::PasswordHasher::kMinIterations); // verify() reads each hash's own count
    for (const User &user : std::as_const(users)) {
        if (user.initial) {
            ++initial;
            audit.findings << finding(
                QStringLiteral("high"), QStringLiteral("initial_password_in_use"),
                QStringLiteral("user '%1' still uses the initial password written at first start; "
                               "log in and change it")
                    .arg(user.name),
                QJsonObject { { QStringLiteral("user"), user.name } });
            continue;
        }
        if (checked >= inputs.maxPasswordChecks)
            continue;
        ++checked;
        QStringList candidates = commonPasswords();
        candidates << user.name + user.name
                   << user.name
                + QStringLiteral("123456789012").left(qMax(0, 12 - int(user.name.size())));
        for (const QString &candidate : std::as_const(candidates)) {
            if (candidate.size() >= 12 && hasher.verify(candidate, user.hash)) {
                ++weak;
                audit.findings << finding(
                    QStringLiteral("high"), QStringLiteral("weak_password"),
                    QStringLiteral("user '%1' has a commonly used password; have it changed")
                        .arg(user.name),
                    QJsonObject { { QStringLiteral("user"), user.name } });
                break;
            }
        }
    }
    const QString passwordFile
        = QDir(inputs.dataDir).filePath(QStringLiteral("initial-admin-password"));
    const bool fileLeft = QFileInfo::exists(passwordFile);
    if (fileLeft && initial == 0 && !users.isEmpty())
        audit.findings << finding(
            QStringLiteral("medium"), QStringLiteral("initial_password_file_left"),
            QStringLiteral("%1 is still there although no account uses the initial password any "
                           "more; delete it")
                .arg(passwordFile));
    audit.checks.insert(QStringLiteral("users"),
                        QJsonObject { { QStringLiteral("active"), users.size() },
                                      { QStringLiteral("initial_password"), initial },
                                      { QStringLiteral("checked_for_common_passwords"), checked },
                                      { QStringLiteral("common_password"), weak },
                                      { QStringLiteral("initial_password_file"), fileLeft } });
}

void checkTokens(SecurityAudit &audit, db::Database &database)
{
    QSqlQuery query = database.prepare(QStringLiteral(
        "SELECT id, name, role, expires_at FROM api_tokens WHERE revoked_at IS NULL ORDER BY id"));
    database.exec(query, "reading tokens");
    const QDateTime now = QDateTime::currentDateTimeUtc();
    int active = 0, noExpiry = 0, expired = 0;
    while (query.next()) {
        const QDateTime expires = database.dialect().fromDb(query.value(3));
        if (expires.isValid() && expires <= now) {
            ++expired;
            continue;
        }
        ++active;
        if (!expires.isValid()) {
            ++noExpiry;
            audit.findings << finding(
                QStringLiteral("medium"), QStringLiteral("token_without_expiry"),
                QStringLiteral("API token %1 \"%2\" (role %3) never expires; give it an expiry or "
                               "revoke it when unused")
                    .arg(query.value(0).toLongLong())
                    .arg(query.value(1).toString(), query.value(2).toString()),
                QJsonObject { { QStringLiteral("token_id"), query.value(0).toLongLong() },
                              { QStringLiteral("name"), query.value(1).toString() } });
        }
    }
    audit.checks.insert(QStringLiteral("tokens"),
                        QJsonObject { { QStringLiteral("active"), active },
                                      { QStringLiteral("without_expiry"), noExpiry },
                                      { QStringLiteral("expired_not_revoked"), expired } });
}

void checkTls(SecurityAudit &audit, const SecurityAuditInputs &inputs)
{
    QHostAddress address;
    const QString bind = inputs.bind.trimmed();
    bool loopback = bind == QLatin1String("localhost");
    if (!loopback && address.setAddress(bind))
        loopback = address.isLoopback();
    const bool tls = !inputs.tlsCertificate.isEmpty() && !inputs.tlsPrivateKey.isEmpty();
    QJsonObject check { { QStringLiteral("bind"), bind },
                        { QStringLiteral("loopback"), loopback },
                        { QStringLiteral("tls"), tls } };
    if (!loopback && !tls)
        audit.findings << finding(
            QStringLiteral("high"), QStringLiteral("tls_off_public_bind"),
            QStringLiteral("the gateway listens on %1 without TLS: passwords and tokens cross the "
                           "network in clear text; set tls/certificate and tls/private_key")
                .arg(bind));
    if (tls) {
        const QList<QSslCertificate> chain
            = QSslCertificate::fromPath(inputs.tlsCertificate, QSsl::Pem);
        if (chain.isEmpty()) {
            audit.findings << finding(
                QStringLiteral("high"), QStringLiteral("tls_certificate_unreadable"),
                QStringLiteral("TLS certificate %1 cannot be read").arg(inputs.tlsCertificate));
        } else {
            const QDateTime expiry = chain.first().expiryDate();
            const qint64 days = QDateTime::currentDateTimeUtc().daysTo(expiry);
            check.insert(QStringLiteral("certificate_expires"),
                         expiry.toUTC().toString(Qt::ISODate));
            if (days < 0)
                audit.findings << finding(
                    QStringLiteral("critical"), QStringLiteral("tls_certificate_expired"),
                    QStringLiteral("TLS certificate %1 expired on %2")
                        .arg(inputs.tlsCertificate, expiry.toString(Qt::ISODate)));
            else if (days < 30)
                audit.findings << finding(
                    QStringLiteral("medium"), QStringLiteral("tls_certificate_expiring"),
                    QStringLiteral("TLS certificate %1 expires in %2 days (%3)")
                        .arg(inputs.tlsCertificate)
                        .arg(days)
                        .arg(expiry.toString(Qt::ISODate)));
        }
    }
    audit.checks.insert(QStringLiteral("tls"), check);
}

void checkFiles(SecurityAudit &audit, const SecurityAuditInputs &inputs)
{
    QJsonArray examined;
    const QDir data(inputs.dataDir);
    const int dirMode = modeBits(inputs.dataDir);
    if (dirMode >= 0) {
        examined.append(QJsonObject { { QStringLiteral("path"), inputs.dataDir },
                                      { QStringLiteral("mode"), fileMode(inputs.dataDir) },
                                      { QStringLiteral("private"), (dirMode & 077) == 0 } });
        if (dirMode & 022)
            audit.findings << finding(QStringLiteral("high"), QStringLiteral("data_dir_writable"),
                                      QStringLiteral("data directory %1 has mode %2: other users "
                                                     "can write into it; run chmod 700 %1")
                                          .arg(inputs.dataDir, fileMode(inputs.dataDir)));
        else if (dirMode & 077)
            audit.findings << finding(QStringLiteral("low"), QStringLiteral("data_dir_shared"),
                                      QStringLiteral("data directory %1 has mode %2: other users "
                                                     "can list it; chmod 700 %1 keeps it private")
                                          .arg(inputs.dataDir, fileMode(inputs.dataDir)));
    }
    checkPrivateFile(audit, examined, data.filePath(QStringLiteral("secret.key")),
                     QStringLiteral("secret key file"), QStringLiteral("high"),
                     QStringLiteral("secret_file_mode"));
    checkPrivateFile(audit, examined, data.filePath(QStringLiteral("service-token")),
                     QStringLiteral("service token file"), QStringLiteral("high"),
                     QStringLiteral("secret_file_mode"));
    checkPrivateFile(audit, examined, data.filePath(QStringLiteral("initial-admin-password")),
                     QStringLiteral("initial admin password file"), QStringLiteral("high"),
                     QStringLiteral("secret_file_mode"));
    checkPrivateFile(audit, examined, data.filePath(QStringLiteral("terrafusion.db")),
                     QStringLiteral("SQLite database"), QStringLiteral("medium"),
                     QStringLiteral("database_file_mode"));
    if (!inputs.tlsPrivateKey.isEmpty())
        checkPrivateFile(audit, examined, inputs.tlsPrivateKey, QStringLiteral("TLS private key"),
                         QStringLiteral("high"), QStringLiteral("secret_file_mode"));
    const QDir backups(data.filePath(QStringLiteral("backups")));
    for (const QFileInfo &info : backups.entryInfoList(QDir::Files, QDir::Name))
        checkPrivateFile(audit, examined, info.absoluteFilePath(), QStringLiteral("backup"),
                         QStringLiteral("medium"), QStringLiteral("backup_file_mode"));
    if (!inputs.configFile.isEmpty()) {
        QFile config(inputs.configFile);
        const int mode = modeBits(inputs.configFile);
        if (mode >= 0 && (mode & 044) && config.open(QIODevice::ReadOnly)) {
            // A readable config file matters when it holds a password (a database URL with one).
            const QString text = QString::fromUtf8(config.readAll());
            static const QRegularExpression urlWithPassword(
                QStringLiteral(R"(^\s*url\s*=\s*\w+://[^:/@\s]+:[^@\s]+@)"),
                QRegularExpression::MultilineOption);
            if (urlWithPassword.match(text).hasMatch())
                audit.findings << finding(
                    QStringLiteral("high"), QStringLiteral("config_file_mode"),
                    QStringLiteral("config file %1 (mode %2) holds a database password and other "
                                   "users can read it; run chmod 600 %1")
                        .arg(inputs.configFile, fileMode(inputs.configFile)));
        }
    }
    audit.checks.insert(QStringLiteral("files"), examined);
}

} // namespace

QString fileMode(const QString &path)
{
    const int mode = modeBits(path);
    return mode < 0 ? QString() : QStringLiteral("%1").arg(mode & 0777, 4, 8, QLatin1Char('0'));
}

SecurityAuditInputs SecurityAuditInputs::fromConfig(const Config &config, const QString &dataDir)
{
    SecurityAuditInputs inputs;
    inputs.dataDir = dataDir;
    if (config.contains(QStringLiteral("auth/required"))) {
        try {
            inputs.authRequired = config.boolean(QStringLiteral("auth/required"));
        } catch (const Error &) {
            inputs.authRequired = true; // the gateway refuses to start on a bad value
        }
        inputs.authRequiredSource = config.entry(QStringLiteral("auth/required")).source;
    } else {
        inputs.authRequiredSource = QStringLiteral("default");
    }
    const Config::Entry bind = config.entry(QStringLiteral("server/bind"));
    if (config.contains(QStringLiteral("server/bind")) && bind.origin != Config::Origin::Flag)
        inputs.bind = bind.value;
    inputs.tlsCertificate = config.string(QStringLiteral("tls/certificate")).trimmed();
    inputs.tlsPrivateKey = config.string(QStringLiteral("tls/private_key")).trimmed();
    inputs.configFile = config.configFile();
    if (config.contains(QStringLiteral("maintenance/max_password_checks")))
        inputs.maxPasswordChecks
            = config.integer(QStringLiteral("maintenance/max_password_checks"), 0, 10000);
    return inputs;
}

QJsonObject SecurityAudit::toJson() const
{
    QJsonArray findingArray;
    for (const Finding &f : findings)
        findingArray.append(f.toJson());
    return { { QStringLiteral("checks"), checks }, { QStringLiteral("findings"), findingArray } };
}

QStringList SecurityAudit::markdown() const
{
    const QJsonObject auth = checks.value(QStringLiteral("auth")).toObject();
    const QJsonObject users = checks.value(QStringLiteral("users")).toObject();
    const QJsonObject tokens = checks.value(QStringLiteral("tokens")).toObject();
    const QJsonObject tls = checks.value(QStringLiteral("tls")).toObject();
    QStringList lines;
    lines << QStringLiteral("- Authentication required: %1 (from %2)")
                 .arg(auth.value(QStringLiteral("required")).toBool() ? QStringLiteral("yes")
                                                                      : QStringLiteral("**no**"),
                      auth.value(QStringLiteral("source")).toString());
    lines << QStringLiteral("- Active users: %1; on the initial password: %2; with a common "
                            "password: %3 (of %4 checked)")
                 .arg(users.value(QStringLiteral("active")).toInt())
                 .arg(users.value(QStringLiteral("initial_password")).toInt())
                 .arg(users.value(QStringLiteral("common_password")).toInt())
                 .arg(users.value(QStringLiteral("checked_for_common_passwords")).toInt());
    lines << QStringLiteral("- Active tokens: %1; without expiry: %2; expired but not revoked: %3")
                 .arg(tokens.value(QStringLiteral("active")).toInt())
                 .arg(tokens.value(QStringLiteral("without_expiry")).toInt())
                 .arg(tokens.value(QStringLiteral("expired_not_revoked")).toInt());
    lines << QStringLiteral("- Gateway bind: %1 (%2), TLS: %3")
                 .arg(tls.value(QStringLiteral("bind")).toString(),
                      tls.value(QStringLiteral("loopback")).toBool() ? QStringLiteral("loopback")
                                                                     : QStringLiteral("network"),
                      tls.value(QStringLiteral("tls")).toBool() ? QStringLiteral("on")
                                                                : QStringLiteral("off"));
    lines << QString() << QStringLiteral("| path | mode | private |")
          << QStringLiteral("|---|---|---|");
    for (const QJsonValue &value : checks.value(QStringLiteral("files")).toArray()) {
        const QJsonObject file = value.toObject();
        lines << QStringLiteral("| %1 | %2 | %3 |")
                     .arg(file.value(QStringLiteral("path")).toString(),
                          file.value(QStringLiteral("mode")).toString(),
                          file.value(QStringLiteral("private")).toBool()
                              ? QStringLiteral("yes")
                              : QStringLiteral("**no**"));
    }
    return lines;
}

SecurityAudit auditSecurity(db::Database &database, const SecurityAuditInputs &inputs)
{
    SecurityAudit audit;
    checkAuth(audit, inputs);
    checkUsers(audit, database, inputs);
    checkTokens(audit, database);
    checkTls(audit, inputs);
    checkFiles(audit, inputs);
    return audit;
}

} // namespace tf::ops
