#include "gatewaysettings.h"

#include "common/tlsconfiguration.h"
#include "core/errors.h"

#include <QCoreApplication>

namespace tf::gateway {

QHash<QString, QString> GatewaySettings::defaults()
{
    QHash<QString, QString> defaults {
        { QStringLiteral("server/port"), QStringLiteral("5000") },
        { QStringLiteral("gateway/sync_port"), QStringLiteral("8080") },
        { QStringLiteral("gateway/proxy_timeout_ms"), QStringLiteral("5000") },
        { QStringLiteral("gateway/proxy_slow_timeout_ms"), QStringLiteral("60000") },
        { QStringLiteral("gateway/read_cache"), QStringLiteral("true") },
        { QStringLiteral("gateway/status_timeout_ms"), QStringLiteral("2000") },
        { QStringLiteral("gateway/health_interval_ms"), QStringLiteral("1000") },
        { QStringLiteral("gateway/restart_max_attempts"), QStringLiteral("10") },
    };
    defaults.insert(AccessSettings::defaults());
    defaults.insert(DirectorySettings::defaults());
    return defaults;
}

GatewaySettings GatewaySettings::fromContext(const ServiceContext &context)
{
    const Config &config = context.config;
    GatewaySettings settings;
    settings.syncPort = static_cast<quint16>(config.integer(QStringLiteral("gateway/sync_port"), 1, 65535));
    settings.proxyTimeoutMs = config.integer(QStringLiteral("gateway/proxy_timeout_ms"), 100, 600000);
    settings.proxySlowTimeoutMs = config.integer(QStringLiteral("gateway/proxy_slow_timeout_ms"), 100, 600000);
    settings.readCache = config.boolean(QStringLiteral("gateway/read_cache"));
    settings.statusTimeoutMs = config.integer(QStringLiteral("gateway/status_timeout_ms"), 100, 600000);
    settings.healthIntervalMs = config.integer(QStringLiteral("gateway/health_interval_ms"), 100, 600000);
    settings.restartMaxAttempts = config.integer(QStringLiteral("gateway/restart_max_attempts"), 1, 1000);

    const QString syncUrl = config.string(QStringLiteral("gateway/sync_url")).trimmed();
    const bool superviseGiven = config.contains(QStringLiteral("gateway/supervise_sync"));
    settings.superviseSync = superviseGiven ? config.boolean(QStringLiteral("gateway/supervise_sync")) : syncUrl.isEmpty();

    if (!syncUrl.isEmpty()) {
        if (settings.superviseSync) {
            throw Error(Error::Kind::Validation,
                        QStringLiteral("--sync-url names an external tf-syncd, so it cannot be combined with "
                                       "--supervise-sync; use --sync-port to choose the supervised one's port"));
        }
        settings.syncUrl = QUrl(syncUrl, QUrl::StrictMode);
        if (!settings.syncUrl.isValid() || settings.syncUrl.host().isEmpty()
            || (settings.syncUrl.scheme() != QLatin1String("http") && settings.syncUrl.scheme() != QLatin1String("https"))) {
            throw Error(Error::Kind::Validation,
                        QStringLiteral("gateway/sync_url (from %1): '%2' is not an http:// or https:// URL")
                            .arg(config.entry(QStringLiteral("gateway/sync_url")).source, syncUrl));
        }
    } else {
        settings.syncUrl = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(settings.syncPort));
        // The supervised tf-syncd reads the same configuration: it listens on loopback, where
        // TLS protects nothing, and the gateway calls it over plain http.
        if (!config.string(QStringLiteral("syncd/tls_certificate")).trimmed().isEmpty())
            throw Error(Error::Kind::Validation,
                        QStringLiteral("[syncd] tls_certificate (from %1) is for a tf-syncd on another host, reached "
                                       "with [gateway] sync_url = https://...; the tf-syncd this gateway supervises "
                                       "listens on 127.0.0.1 without TLS: remove the key or set sync_url")
                            .arg(config.entry(QStringLiteral("syncd/tls_certificate")).source));
    }
    // A tf-syncd whose certificate a private authority signed.
    settings.syncCaCertificate = config.string(QStringLiteral("gateway/sync_ca_certificate")).trimmed();
    if (!settings.syncCaCertificate.isEmpty()) {
        if (settings.syncUrl.scheme() != QLatin1String("https"))
            throw Error(Error::Kind::Validation,
                        QStringLiteral("gateway/sync_ca_certificate is set, but tf-syncd is reached over %1: set "
                                       "[gateway] sync_url = https://...")
                            .arg(settings.syncUrl.toString()));
        http::trustCertificateAuthorities(settings.syncCaCertificate);
    }

    settings.syncProgram = config.string(QStringLiteral("gateway/sync_program"));
    if (settings.syncProgram.isEmpty())
        settings.syncProgram = QCoreApplication::applicationDirPath() + QStringLiteral("/tf-syncd");
    settings.access = AccessSettings::fromConfig(config);
    settings.access.directory = DirectorySettings::fromConfig(config, context.dataDir);
    return settings;
}

} // namespace tf::gateway
