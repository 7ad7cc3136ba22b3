#include "monitoringsettings.h"

#include "webhooknotifier.h"

#include "core/config.h"
#include "core/errors.h"

namespace tf::syncd {

namespace {
int intOr(const Config &config, const QString &key, int fallback, int min, int max)
{
    if (config.string(key).trimmed().isEmpty())
        return fallback;
    return config.integer(key, min, max);
}
} // namespace

MonitoringSettings MonitoringSettings::fromConfig(const Config &config)
{
    MonitoringSettings s;
    s.sampleIntervalMs = intOr(config, QStringLiteral("monitoring/sample_interval_ms"), s.sampleIntervalMs, 100, 24 * 3600 * 1000);
    s.refreshIntervalMs = intOr(config, QStringLiteral("monitoring/refresh_interval_ms"), s.refreshIntervalMs, 100, 24 * 3600 * 1000);
    s.rawRetentionHours = intOr(config, QStringLiteral("monitoring/raw_retention_hours"), s.rawRetentionHours, 1, 24 * 3650);
    s.hourlyRetentionDays = intOr(config, QStringLiteral("monitoring/hourly_retention_days"), s.hourlyRetentionDays, 1, 3650);
    s.retentionIntervalMs = intOr(config, QStringLiteral("monitoring/retention_interval_ms"), s.retentionIntervalMs, 1000, 24 * 3600 * 1000);
    s.thresholds = AlertThresholds::fromConfig(config);
    s.webhookTimeoutMs = intOr(config, QStringLiteral("alerts/webhook_timeout_ms"), s.webhookTimeoutMs, 100, 120000);

    const QString key = QStringLiteral("alerts/webhook_url");
    const QString url = config.string(key).trimmed();
    if (!url.isEmpty()) {
        s.webhookUrl = QUrl(url, QUrl::StrictMode);
        const QString scheme = s.webhookUrl.scheme();
        if (!s.webhookUrl.isValid() || s.webhookUrl.host().isEmpty()
            || (scheme != QLatin1String("http") && scheme != QLatin1String("https")))
            throw Error(Error::Kind::Validation,
                        QStringLiteral("%1 (from %2): '%3' is not an http:// or https:// URL")
                            .arg(key, config.entry(key).source, WebhookNotifier::displayUrl(s.webhookUrl)));
    }
    return s;
}

QJsonObject MonitoringSettings::toJson() const
{
    return { { QStringLiteral("sample_interval_ms"), sampleIntervalMs },
             { QStringLiteral("refresh_interval_ms"), refreshIntervalMs },
             { QStringLiteral("raw_retention_hours"), rawRetentionHours },
             { QStringLiteral("hourly_retention_days"), hourlyRetentionDays },
             { QStringLiteral("thresholds"), thresholds.toJson() },
             { QStringLiteral("webhook"), webhookUrl.isEmpty() ? QJsonValue() : QJsonValue(WebhookNotifier::displayUrl(webhookUrl)) } };
}

} // namespace tf::syncd
