#pragma once

#include "loadtest.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QUrl>
#include <functional>

namespace tf {
class Config;
}

namespace tf::ops {

// `tfctl tune optimize-api`: a short load test of the gateway at rising concurrency, and from
// it the connection limit per client address that keeps a full queue within the response
// time threshold (Little's law: limit = best throughput x threshold), written to the config
// file when one is in use.
struct ApiTuningOptions
{
    QUrl endpoint; // e.g. http://127.0.0.1:5000/health/ready
    QList<int> levels { 1, 4, 16, 32 }; // concurrency steps
    double secondsPerLevel = 2;
    QByteArray authorization;
    double responseTimeMs = 500; // alerts/response_time_ms
    QString configFile; // where to write the result ("" : print only)
    bool apply = true;
};

struct ApiSetting
{
    QString key; // "http/max_connections_per_address"
    QString before; // value in effect (and where from)
    QString after;
    QString reason;
    bool changed = false;
};

struct ApiTuning
{
    QList<LoadTestResult> levels;
    double bestRequestsPerSecond = 0;
    int kneeConcurrency = 0; // least concurrency within 90% of the best throughput
    QList<ApiSetting> settings;
    QString written; // the config file written, or ""
    QJsonObject toJson() const;
};

using ApiTuningProgress = std::function<void(const QString &line)>;

ApiTuning tuneApi(const Config &config, const ApiTuningOptions &options,
                  const ApiTuningProgress &progress = {});

// Sets `key = value` in [section] of an INI file, keeping every other line and comment;
// adds the section or the key when missing. Throws tf::Error(Validation) when the file
// cannot be written.
void setIniValue(const QString &file, const QString &section, const QString &key,
                 const QString &value);

} // namespace tf::ops
