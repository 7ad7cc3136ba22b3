#include "directorysettings.h"

#include "accesssettings.h"
#include "core/config.h"
#include "core/errors.h"
#include "core/sealedsetting.h"
#include "core/secretbox.h"

#include <QFileInfo>
#include <QUrl>

namespace tf::gateway {

namespace {

Error invalid(const Config &config, const QString &key, const QString &problem)
{
    return invalidSetting(config, key, problem);
}

QByteArray openBindPassword(const Config &config, const QString &dataDir)
{
    const QString key = QStringLiteral("ldap/bind_password_sealed");
    const QString text = config.string(key).trimmed();
    if (text.isEmpty())
        return {};
    // Checked before the key is read, so no key file is made for a plain password.
    if (!sealedsetting::looksSealed(text))
        throw invalid(config, key,
                      QStringLiteral("not a sealed value; make one with `tfctl config seal` (it "
                                     "reads the password from standard input)"));
    try {
        return sealedsetting::open(SecretBox::fromEnvironmentOrKeyFile(dataDir), text);
    } catch (const Error &error) {
        throw invalid(config, key, error.message());
    }
}

} // namespace

QHash<QString, QString> DirectorySettings::defaults()
{
    const DirectorySettings d;
    return {
        { QStringLiteral("ldap/start_tls"), QStringLiteral("false") },
        { QStringLiteral("ldap/allow_plaintext"), QStringLiteral("false") },
        { QStringLiteral("ldap/user_filter"), d.userFilter },
        { QStringLiteral("ldap/group_filter"), d.groupFilter },
        { QStringLiteral("ldap/timeout_seconds"), QString::number(d.timeoutSeconds) },
    };
}

DirectorySettings DirectorySettings::fromConfig(const Config &config, const QString &dataDir)
{
    DirectorySettings settings;
    const QString urlKey = QStringLiteral("ldap/url");
    settings.url = config.string(urlKey).trimmed();
    if (!settings.enabled())
        return settings;

    const QUrl url(settings.url, QUrl::StrictMode);
    const QString scheme = url.scheme();
    if (!url.isValid() || url.host().isEmpty()
        || (scheme != QLatin1String("ldap") && scheme != QLatin1String("ldaps"))
        || (!url.path().isEmpty() && url.path() != QLatin1String("/")) || url.hasQuery())
        throw invalid(config, urlKey,
                      QStringLiteral("'%1' is not an ldaps://host[:port] or ldap://host[:port] URL")
                          .arg(settings.url));
    settings.startTls = config.boolean(QStringLiteral("ldap/start_tls"));
    settings.allowPlaintext = config.boolean(QStringLiteral("ldap/allow_plaintext"));
    if (settings.startTls && scheme == QLatin1String("ldaps"))
        throw invalid(config, QStringLiteral("ldap/start_tls"),
                      QStringLiteral("StartTLS is for ldap:// URLs; %1 is TLS already").arg(settings.url));
    if (scheme == QLatin1String("ldap") && !settings.startTls && !settings.allowPlaintext)
        throw invalid(config, urlKey,
                      QStringLiteral("'%1' would send passwords unencrypted: use ldaps://, or set "
                                     "[ldap] start_tls = true")
                          .arg(settings.url));

    settings.caFile = config.string(QStringLiteral("ldap/ca_file")).trimmed();
    if (!settings.caFile.isEmpty() && !QFileInfo(settings.caFile).isReadable())
        throw invalid(config, QStringLiteral("ldap/ca_file"),
                      QStringLiteral("%1 does not exist or cannot be read").arg(settings.caFile));
    settings.bindDn = config.string(QStringLiteral("ldap/bind_dn")).trimmed();
    settings.bindPassword = openBindPassword(config, dataDir);
    if (!settings.bindDn.isEmpty() && settings.bindPassword.isEmpty())
        throw invalid(config, QStringLiteral("ldap/bind_dn"),
                      QStringLiteral("set [ldap] bind_password_sealed too (`tfctl config seal`)"));

    settings.userBase = config.string(QStringLiteral("ldap/user_base")).trimmed();
    if (settings.userBase.isEmpty())
        throw invalid(config, QStringLiteral("ldap/user_base"),
                      QStringLiteral("required when [ldap] url is set (where users are searched)"));
    settings.userFilter = config.string(QStringLiteral("ldap/user_filter")).trimmed();
    if (!settings.userFilter.startsWith(QLatin1Char('(')) || !settings.userFilter.contains(QStringLiteral("%s")))
        throw invalid(config, QStringLiteral("ldap/user_filter"),
                      QStringLiteral("'%1' is not a filter in parentheses with %s for the user name")
                          .arg(settings.userFilter));
    settings.groupBase = config.string(QStringLiteral("ldap/group_base")).trimmed();
    settings.groupFilter = config.string(QStringLiteral("ldap/group_filter")).trimmed();
    if (!settings.groupBase.isEmpty() && !settings.groupFilter.startsWith(QLatin1Char('(')))
        throw invalid(config, QStringLiteral("ldap/group_filter"),
                      QStringLiteral("'%1' is not a filter in parentheses").arg(settings.groupFilter));
    settings.timeoutSeconds = config.integer(QStringLiteral("ldap/timeout_seconds"), 1, 120);

    for (const QString &role : { QStringLiteral("admin"), QStringLiteral("operator"),
                                 QStringLiteral("auditor"), QStringLiteral("viewer") }) {
        // '|' separates groups: distinguished names hold commas, and ';' starts an INI comment.
        const QString key = QStringLiteral("ldap/%1_groups").arg(role);
        for (const QString &group : config.string(key).split(QLatin1Char('|'), Qt::SkipEmptyParts)) {
            if (!group.trimmed().isEmpty())
                settings.groupRules.append({ group.trimmed(), role });
        }
    }
    if (settings.groupRules.isEmpty())
        throw invalid(config, QStringLiteral("ldap/viewer_groups"),
                      QStringLiteral("no group gives a role: set at least one of [ldap] "
                                     "admin_groups, operator_groups, auditor_groups, viewer_groups"));
    return settings;
}

} // namespace tf::gateway
