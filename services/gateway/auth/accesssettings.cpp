#include "accesssettings.h"

#include "core/config.h"
#include "core/errors.h"
#include "common/tlsconfiguration.h"

#include <QFile>
#include <QFileInfo>
#include <QSslCertificate>
#include <QSslKey>
#include <QSslSocket>
#include <QUrl>

namespace tf::gateway {

namespace {

Error invalid(const Config &config, const QString &key, const QString &problem)
{
    return invalidSetting(config, key, problem);
}

QString normalizedOrigin(const Config &config, const QString &key, const QString &text)
{
    const QUrl url(text, QUrl::StrictMode);
    const bool plain = url.isValid() && !url.host().isEmpty()
        && (url.path().isEmpty() || url.path() == QLatin1String("/")) && !url.hasQuery()
        && !url.hasFragment() && url.userInfo().isEmpty()
        && (url.scheme() == QLatin1String("http") || url.scheme() == QLatin1String("https"));
    if (!plain)
        throw invalid(
            config, key,
            QStringLiteral("'%1' is not an origin such as https://console.example.org").arg(text));
    QString origin = url.scheme() + QStringLiteral("://") + url.host().toLower();
    if (url.port() != -1)
        origin += QLatin1Char(':') + QString::number(url.port());
    return origin;
}

QPair<QHostAddress, int> subnet(const Config &config, const QString &key, const QString &text)
{
    if (text.contains(QLatin1Char('/'))) {
        const auto parsed = QHostAddress::parseSubnet(text);
        if (parsed.first.isNull())
            throw invalid(config, key,
                          QStringLiteral("'%1' is not an address or CIDR range").arg(text));
        return parsed;
    }
    QHostAddress address;
    if (!address.setAddress(text))
        throw invalid(config, key,
                      QStringLiteral("'%1' is not an address or CIDR range").arg(text));
    return { address, address.protocol() == QAbstractSocket::IPv4Protocol ? 32 : 128 };
}

} // namespace

Error invalidSetting(const Config &config, const QString &key, const QString &problem)
{
    return Error(Error::Kind::Validation,
                 QStringLiteral("%1 (from %2): %3").arg(key, config.entry(key).source, problem),
                 QJsonObject { { QStringLiteral("key"), key } });
}

QHash<QString, QString> AccessSettings::defaults()
{
    const AccessSettings d;
    return {
        { QStringLiteral("auth/required"), QStringLiteral("true") },
        { QStringLiteral("auth/session_ttl_minutes"), QString::number(d.sessionTtlMinutes) },
        { QStringLiteral("auth/pbkdf2_iterations"), QString::number(d.pbkdf2Iterations) },
        { QStringLiteral("auth/max_failed_logins"), QString::number(d.maxFailedLogins) },
        { QStringLiteral("auth/ban_minutes"), QString::number(d.banMinutes) },
        { QStringLiteral("rate_limit/per_token_rps"), QString::number(d.perTokenRps) },
        { QStringLiteral("rate_limit/per_token_burst"), QString::number(d.perTokenBurst) },
        { QStringLiteral("rate_limit/per_address_rps"), QString::number(d.perAddressRps) },
        { QStringLiteral("rate_limit/per_address_burst"), QString::number(d.perAddressBurst) },
    };
}

AccessSettings AccessSettings::fromConfig(const Config &config)
{
    AccessSettings settings;
    settings.authRequired = config.boolean(QStringLiteral("auth/required"));
    settings.sessionTtlMinutes
        = config.integer(QStringLiteral("auth/session_ttl_minutes"), 1, 365 * 24 * 60);
    settings.pbkdf2Iterations
        = config.integer(QStringLiteral("auth/pbkdf2_iterations"), 1000, 10000000);
    settings.maxFailedLogins = config.integer(QStringLiteral("auth/max_failed_logins"), 1, 1000);
    settings.banMinutes = config.integer(QStringLiteral("auth/ban_minutes"), 1, 7 * 24 * 60);
    settings.perTokenRps = config.integer(QStringLiteral("rate_limit/per_token_rps"), 0, 1000000);
    settings.perTokenBurst
        = config.integer(QStringLiteral("rate_limit/per_token_burst"), 1, 1000000);
    settings.perAddressRps
        = config.integer(QStringLiteral("rate_limit/per_address_rps"), 0, 1000000);
    settings.perAddressBurst
        = config.integer(QStringLiteral("rate_limit/per_address_burst"), 1, 1000000);

    const QString corsKey = QStringLiteral("cors/allowed_origins");
    for (const QString &origin : config.list(corsKey)) {
        if (origin == QLatin1String("*"))
            throw invalid(config, corsKey,
                          QStringLiteral("'*' is not allowed; list the console's origins"));
        settings.corsOrigins.append(normalizedOrigin(config, corsKey, origin));
    }

    const QString proxiesKey = QStringLiteral("gateway/trusted_proxies");
    for (const QString &proxy : config.list(proxiesKey))
        settings.trustedProxies.append(subnet(config, proxiesKey, proxy));

    settings.tlsCertificate = config.string(QStringLiteral("tls/certificate")).trimmed();
    settings.tlsPrivateKey = config.string(QStringLiteral("tls/private_key")).trimmed();
    if (settings.tlsCertificate.isEmpty() != settings.tlsPrivateKey.isEmpty()) {
        const QString given = settings.tlsCertificate.isEmpty() ? QStringLiteral("tls/private_key")
                                                                : QStringLiteral("tls/certificate");
        throw invalid(config, given,
                      QStringLiteral("tls/certificate and tls/private_key must be set together"));
    }
    if (settings.tlsEnabled())
        settings.tls = http::loadTlsConfiguration(settings.tlsCertificate, settings.tlsPrivateKey,
                                                     http::TlsPolicy::fromConfig(config));
    return settings;
}

} // namespace tf::gateway
