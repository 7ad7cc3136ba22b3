#pragma once

#include "alertrules.h"

#include <QJsonObject>
#include <QUrl>

namespace tf {
class Config;
}

namespace tf::syncd {

// [monitoring] and [alerts] of the configuration.
struct MonitoringSettings
{
    int sampleIntervalMs = 60000;      // monitoring/sample_interval_ms: a row set in system_metrics, alert rules
    int refreshIntervalMs = 10000;     // monitoring/refresh_interval_ms: queue and pair figures for /metrics
    int rawRetentionHours = 48;        // monitoring/raw_retention_hours: then folded into hourly averages
    int hourlyRetentionDays = 90;      // monitoring/hourly_retention_days: then deleted
    int retentionIntervalMs = 3600000; // monitoring/retention_interval_ms: how often the retention job runs
    AlertThresholds thresholds;        // alerts/<rule>
    QUrl webhookUrl;                   // alerts/webhook_url (http or https); empty: none
    int webhookTimeoutMs = 5000;       // alerts/webhook_timeout_ms

    // The interval of the collector's timer: the shorter of sample and refresh.
    int tickMs() const { return qMin(sampleIntervalMs, refreshIntervalMs); }

    // Throws tf::Error(Validation) naming the key, the bad value and where it came from.
    static MonitoringSettings fromConfig(const Config &config);
    QJsonObject toJson() const; // the webhook URL without secrets
};

} // namespace tf::syncd
