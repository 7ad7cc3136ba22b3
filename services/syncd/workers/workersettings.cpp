#include "workersettings.h"

#include "core/config.h"
#include "core/errors.h"

namespace tf::syncd {

namespace {

std::chrono::milliseconds milliseconds(const Config &config, const QString &key,
                                       std::chrono::milliseconds fallback, qint64 min, qint64 max)
{
    if (!config.contains(key) || config.string(key).trimmed().isEmpty())
        return fallback;
    return std::chrono::milliseconds(config.integer64(key, min, max));
}

} // namespace

WorkerSettings WorkerSettings::fromConfig(const Config &config)
{
    WorkerSettings settings;
    if (config.contains(QStringLiteral("sync/workers")))
        settings.workers = config.integer(QStringLiteral("sync/workers"), 0, 64);
    if (config.contains(QStringLiteral("sync/max_attempts")))
        settings.maxAttempts = config.integer(QStringLiteral("sync/max_attempts"), 1, 100);
    if (config.contains(QStringLiteral("sync/scheduler")))
        settings.scheduler = config.boolean(QStringLiteral("sync/scheduler"));
    settings.pollInterval = milliseconds(config, QStringLiteral("sync/poll_interval_ms"),
                                         settings.pollInterval, 10, 600000);
    settings.lease
        = milliseconds(config, QStringLiteral("sync/lease_ms"), settings.lease, 1000, 3600000);
    settings.heartbeat = milliseconds(config, QStringLiteral("sync/heartbeat_ms"),
                                      settings.lease / 3, 100, 3600000);
    if (settings.heartbeat >= settings.lease)
        throw Error(Error::Kind::Validation,
                    QStringLiteral("sync/heartbeat_ms (%1) must be shorter than sync/lease_ms "
                                   "(%2), or the lease expires "
                                   "between heartbeats; a third of the lease is a good value")
                        .arg(settings.heartbeat.count())
                        .arg(settings.lease.count()),
                    QJsonObject { { QStringLiteral("key"), QStringLiteral("sync/heartbeat_ms") } });
    settings.retryBase = milliseconds(config, QStringLiteral("sync/retry_base_ms"),
                                      settings.retryBase, 0, 3600000);
    settings.retryMax
        = milliseconds(config, QStringLiteral("sync/retry_max_ms"), settings.retryMax, 0, 86400000);
    if (config.contains(QStringLiteral("sync/chunk_rows")))
        settings.chunkRows = config.integer64(QStringLiteral("sync/chunk_rows"), 0, 1000000000000LL);
    settings.schedulerInterval = milliseconds(config, QStringLiteral("sync/scheduler_interval_ms"),
                                              settings.schedulerInterval, 50, 3600000);
    if (config.contains(QStringLiteral("sync/circuit_failure_threshold")))
        settings.circuit.failureThreshold
            = config.integer(QStringLiteral("sync/circuit_failure_threshold"), 1, 1000);
    settings.circuit.coolDown = milliseconds(config, QStringLiteral("sync/circuit_cooldown_ms"),
                                             settings.circuit.coolDown, 100, 3600000);
    return settings;
}

} // namespace tf::syncd
