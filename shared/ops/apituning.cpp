#include "apituning.h"

#include "core/config.h"
#include "core/errors.h"
#include "core/paths.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <cmath>

namespace tf::ops {

QJsonObject ApiTuning::toJson() const
{
    QJsonArray levelArray;
    for (const LoadTestResult &level : levels)
        levelArray.append(level.toJson());
    QJsonArray settingArray;
    for (const ApiSetting &setting : settings)
        settingArray.append(QJsonObject { { QStringLiteral("key"), setting.key },
                                          { QStringLiteral("before"), setting.before },
                                          { QStringLiteral("after"), setting.after },
                                          { QStringLiteral("reason"), setting.reason } });
    return { { QStringLiteral("levels"), levelArray },
             { QStringLiteral("best_requests_per_second"), bestRequestsPerSecond },
             { QStringLiteral("knee_concurrency"), kneeConcurrency },
             { QStringLiteral("settings"), settingArray },
             { QStringLiteral("written"), written } };
}

ApiTuning tuneApi(const Config &config, const ApiTuningOptions &options,
                  const ApiTuningProgress &progress)
{
    const auto say = [&](const QString &line) {
        if (progress)
            progress(line);
    };
    ApiTuning tuning;
    // A quick probe first: a gateway that is not running is reported at once.
    LoadTestOptions probe;
    probe.url = options.endpoint;
    probe.concurrency = 1;
    probe.durationSeconds = 0.3;
    probe.authorization = options.authorization;
    probe.requestTimeoutMs = 3000;
    const LoadTestResult probed = runLoadTest(probe);
    if (probed.requests == probed.errors)
        throw Error(
            Error::Kind::Unavailable,
            QStringLiteral("%1 answered no request successfully (%2); is the gateway running?")
                .arg(options.endpoint.toString(),
                     probed.failures.isEmpty()
                         ? QStringLiteral("HTTP status %1")
                               .arg(probed.statuses.isEmpty() ? 0 : probed.statuses.lastKey())
                         : probed.failures.firstKey()));
    for (int level : options.levels) {
        LoadTestOptions test;
        test.url = options.endpoint;
        test.concurrency = level;
        test.durationSeconds = options.secondsPerLevel;
        test.authorization = options.authorization;
        const LoadTestResult result = runLoadTest(test);
        say(QStringLiteral("  concurrency %1: %2 req/s answered ok, p50 %3 ms, p95 %4 ms, p99 %5 "
                           "ms, errors %6")
                .arg(level, 3)
                .arg(QString::number(result.successesPerSecond(), 'f', 1),
                     QString::number(result.p50Ms, 'f', 2), QString::number(result.p95Ms, 'f', 2),
                     QString::number(result.p99Ms, 'f', 2))
                .arg(result.errors));
        if (result.statuses.contains(429))
            say(QStringLiteral("    %1 answers were 429: the gateway's rate limit "
                               "(rate_limit/per_address_rps) caps one "
                               "address; those are not throughput")
                    .arg(result.statuses.value(429)));
        tuning.levels << result;
        tuning.bestRequestsPerSecond
            = qMax(tuning.bestRequestsPerSecond, result.successesPerSecond());
    }
    for (const LoadTestResult &result : std::as_const(tuning.levels)) {
        if (result.successesPerSecond() >= 0.9 * tuning.bestRequestsPerSecond) {
            tuning.kneeConcurrency = result.concurrency;
            break;
        }
    }
    if (tuning.bestRequestsPerSecond <= 0)
        throw Error(Error::Kind::Unavailable,
                    QStringLiteral("%1 answered no request successfully; is the gateway running?")
                        .arg(options.endpoint.toString()));

    const QString key = QStringLiteral("http/max_connections_per_address");
    const Config::Entry entry = config.entry(key);
    const QString current = entry.value.isEmpty() ? QStringLiteral("64") : entry.value;
    ApiSetting setting;
    setting.key = key;
    setting.before = QStringLiteral("%1 (%2)").arg(
        current, entry.source.isEmpty() ? QStringLiteral("default") : entry.source);
    bool rateLimited = false;
    for (const LoadTestResult &result : std::as_const(tuning.levels))
        rateLimited = rateLimited || result.statuses.contains(429);
    if (rateLimited) {
        // What was measured is the limiter, not the server: no conclusion about connections.
        setting.after = current;
        setting.reason = QStringLiteral(
            "throughput was capped by the rate limit (429 answers), so it says nothing about "
            "connections; left as it is (measure a tf-syncd health endpoint, or from several "
            "addresses, to size it)");
    } else {
        const int limit = qBound(8,
                                 static_cast<int>(std::floor(tuning.bestRequestsPerSecond
                                                             * options.responseTimeMs / 1000.0)),
                                 1024);
        setting.after = QString::number(limit);
        setting.reason = QStringLiteral("%1 req/s at best x %2 ms response time threshold: more "
                                        "queued connections from one "
                                        "address would wait longer than the threshold")
                             .arg(QString::number(tuning.bestRequestsPerSecond, 'f', 0))
                             .arg(options.responseTimeMs);
    }
    setting.changed = setting.after != current;
    tuning.settings << setting;

    if (options.apply && !options.configFile.isEmpty() && setting.changed) {
        setIniValue(options.configFile, QStringLiteral("http"),
                    QStringLiteral("max_connections_per_address"), setting.after);
        tuning.written = options.configFile;
    }
    return tuning;
}

void setIniValue(const QString &file, const QString &section, const QString &key,
                 const QString &value)
{
    QStringList lines;
    QFile in(file);
    if (in.exists()) {
        if (!in.open(QIODevice::ReadOnly))
            throw Error(Error::Kind::Validation,
                        QStringLiteral("cannot read %1: %2").arg(file, in.errorString()));
        lines = QString::fromUtf8(in.readAll()).split(QLatin1Char('\n'));
        in.close();
        if (!lines.isEmpty() && lines.constLast().isEmpty())
            lines.removeLast();
    }
    const QString header = QStringLiteral("[%1]").arg(section);
    int sectionStart = -1, sectionEnd = lines.size();
    for (int i = 0; i < lines.size(); ++i) {
        const QString trimmed = lines.at(i).trimmed();
        if (trimmed.startsWith(QLatin1Char('['))) {
            if (sectionStart >= 0) {
                sectionEnd = i;
                break;
            }
            if (trimmed == header)
                sectionStart = i;
        }
    }
    const QString line = QStringLiteral("%1 = %2").arg(key, value);
    bool replaced = false;
    if (sectionStart >= 0) {
        for (int i = sectionStart + 1; i < sectionEnd; ++i) {
            const QString trimmed = lines.at(i).trimmed();
            const qsizetype equals = trimmed.indexOf(QLatin1Char('='));
            if (!trimmed.startsWith(QLatin1Char(';')) && !trimmed.startsWith(QLatin1Char('#'))
                && equals > 0 && trimmed.left(equals).trimmed() == key) {
                // Keep a trailing comment.
                const qsizetype comment = lines.at(i).indexOf(QLatin1String(" ;"));
                lines[i] = comment > 0 ? line.leftJustified(38) + lines.at(i).mid(comment) : line;
                replaced = true;
                break;
            }
        }
        if (!replaced) {
            int insertAt = sectionEnd;
            while (insertAt > sectionStart + 1 && lines.at(insertAt - 1).trimmed().isEmpty())
                --insertAt;
            lines.insert(insertAt, line);
        }
    } else {
        if (!lines.isEmpty())
            lines << QString();
        lines << header << line;
    }
    const QFileInfo info(file);
    const QFileDevice::Permissions permissions
        = info.exists() ? info.permissions() : (QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    if (!paths::writeFileAtomically(file, lines.join(QLatin1Char('\n')).toUtf8() + '\n',
                                    permissions))
        throw Error(Error::Kind::Validation, QStringLiteral("cannot write %1").arg(file));
}

} // namespace tf::ops
