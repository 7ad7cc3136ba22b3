#include "tunecommand.h"

#include "core/errors.h"
#include "core/paths.h"
#include "db/controldatabase.h"
#include "ops/apituning.h"
#include "ops/databaseoptimizer.h"
#include "ops/loadtest.h"
#include "ops/performancereview.h"
#include "ops/synctuning.h"
#include "tfctl/platformlocation.h"
#include "tfctl/toolcontext.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <cstdio>

namespace tf::tfctl {

namespace {

const QString kProgram = QStringLiteral("tfctl tune");
const QString kUsage
    = QStringLiteral("usage: tfctl tune optimize-db|optimize-api|optimize-sync|optimize-all | test "
                     "--endpoint URL [--concurrency N] "
                     "[--duration S] [--token T]");


void line(const QString &text)
{
    std::printf("%s\n", qPrintable(text));
    std::fflush(stdout);
}

QByteArray authorization(const CommandLine &commandLine)
{
    QString token = commandLine.value(QStringLiteral("token")).trimmed();
    if (token.isEmpty())
        token = qEnvironmentVariable("TF_API_TOKEN").trimmed();
    if (token.isEmpty())
        return {};
    return token.startsWith(QLatin1String("Bearer "))
        ? token.toUtf8()
        : QByteArrayLiteral("Bearer ") + token.toUtf8();
}

double numberOption(const CommandLine &commandLine, const QString &name, double fallback,
                    double min, double max, const QString &command)
{
    if (!commandLine.isSet(name))
        return fallback;
    bool ok = false;
    const double value = commandLine.value(name).toDouble(&ok);
    if (!ok || value < min || value > max)
        CommandLine::exitWithUsageError(
            kProgram + QLatin1Char(' ') + command,
            QStringLiteral("--%1 must be a number from %2 to %3 (got '%4')")
                .arg(name)
                .arg(min)
                .arg(max)
                .arg(commandLine.value(name)));
    return value;
}

QUrl endpointOption(const CommandLine &commandLine, const QString &command)
{
    const QUrl url(commandLine.value(QStringLiteral("endpoint")).trimmed(), QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty()
        || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")))
        CommandLine::exitWithUsageError(
            kProgram + QLatin1Char(' ') + command,
            QStringLiteral("--endpoint '%1' is not an http:// or https:// URL with a host")
                .arg(commandLine.value(QStringLiteral("endpoint"))));
    return url;
}

// The gateway this data directory's tf-gateway wrote in run/tf-gateway.port, else port 5000.
QUrl defaultGatewayEndpoint(const QString &dataDir)
{
    QFile portFile(paths::runDir(dataDir) + QStringLiteral("/tf-gateway.port"));
    int port = 5000;
    if (portFile.open(QIODevice::ReadOnly)) {
        bool ok = false;
        const int written = portFile.readAll().trimmed().toInt(&ok);
        if (ok && written > 0)
            port = written;
    }
    return QUrl(QStringLiteral("http://127.0.0.1:%1/health/ready").arg(port));
}

int optimizeDb(ToolContext &context, bool json)
{
    if (!json)
        line(QStringLiteral("optimize-db: %1").arg(context.database().database().url().redacted()));
    ops::DatabaseOptimizer optimizer(context.database().database());
    const ops::OptimizeResult result
        = optimizer.optimize([&](double fraction, const QString &message) {
              if (!json)
                  line(QStringLiteral("  %1%  %2").arg(fraction * 100, 3, 'f', 0).arg(message));
          });
    if (json) {
        std::printf("%s",
                    QJsonDocument(result.toJson()).toJson(QJsonDocument::Indented).constData());
        return 0;
    }
    line(QStringLiteral("%1 %2 %3")
             .arg(QStringLiteral("measure"), -34)
             .arg(QStringLiteral("before"), 14)
             .arg(QStringLiteral("after"), 14));
    const auto row = [](const QString &name, const QString &before, const QString &after) {
        line(QStringLiteral("%1 %2 %3").arg(name, -34).arg(before, 14).arg(after, 14));
    };
    row(QStringLiteral("database size"), ops::humanBytes(result.before.databaseBytes),
        ops::humanBytes(result.after.databaseBytes));
    row(QStringLiteral("rows"), QString::number(result.before.rowsTotal),
        QString::number(result.after.rowsTotal));
    if (result.before.backend == QLatin1String("sqlite")) {
        row(QStringLiteral("pages"), QString::number(result.before.pageCount),
            QString::number(result.after.pageCount));
        row(QStringLiteral("free pages"), QString::number(result.before.freePages),
            QString::number(result.after.freePages));
    } else {
        qint64 before = 0, after = 0;
        for (const ops::IndexFigures &index : result.before.indexes)
            before += index.bytes;
        for (const ops::IndexFigures &index : result.after.indexes)
            after += index.bytes;
        row(QStringLiteral("index size"), ops::humanBytes(before), ops::humanBytes(after));
    }
    for (int i = 0; i < result.before.queries.size() && i < result.after.queries.size(); ++i)
        row(result.before.queries.at(i).name + QStringLiteral(" (ms)"),
            QString::number(result.before.queries.at(i).medianMs, 'f', 3),
            QString::number(result.after.queries.at(i).medianMs, 'f', 3));
    line(QStringLiteral("actions: %1").arg(result.actions.join(QStringLiteral("; "))));
    if (!result.integrity.isEmpty())
        line(QStringLiteral("integrity: %1").arg(result.integrity));
    for (const ops::Finding &finding : result.findings)
        line(QStringLiteral("[%1] %2").arg(finding.severity, finding.message));
    return 0;
}

int optimizeApi(const ServiceContext &service, const CommandLine &commandLine, bool apply)
{
    ops::ApiTuningOptions options;
    options.endpoint = commandLine.isSet(QStringLiteral("endpoint"))
        ? endpointOption(commandLine, QStringLiteral("optimize-api"))
        : defaultGatewayEndpoint(service.dataDir);
    options.secondsPerLevel = numberOption(commandLine, QStringLiteral("duration"), 2, 0.1, 600,
                                           QStringLiteral("optimize-api"));
    options.authorization = authorization(commandLine);
    options.responseTimeMs = ops::ReviewThresholds::fromConfig(service.config).responseTimeMs;
    options.configFile = service.config.configFile();
    options.apply = apply;
    line(QStringLiteral("optimize-api: load test of %1, %2 s per concurrency level")
             .arg(options.endpoint.toString())
             .arg(options.secondsPerLevel));
    const ops::ApiTuning tuning
        = ops::tuneApi(service.config, options, [](const QString &text) { line(text); });
    line(QStringLiteral("best throughput %1 req/s, reached at concurrency %2")
             .arg(QString::number(tuning.bestRequestsPerSecond, 'f', 1))
             .arg(tuning.kneeConcurrency));
    for (const ops::ApiSetting &setting : tuning.settings) {
        line(QStringLiteral("%1: before %2, after %3")
                 .arg(setting.key, setting.before, setting.after));
        line(QStringLiteral("  why: %1").arg(setting.reason));
    }
    bool changed = false;
    for (const ops::ApiSetting &setting : tuning.settings)
        changed = changed || setting.changed;
    if (!tuning.written.isEmpty())
        line(QStringLiteral("written to %1; restart tf-gateway to apply").arg(tuning.written));
    else if (!changed)
        line(QStringLiteral("nothing to change"));
    else if (!apply)
        line(QStringLiteral("--dry-run: nothing written"));
    else if (options.configFile.isEmpty())
        line(QStringLiteral("no config file in use (--config or TF_CONFIG): set it under [http] "
                            "and restart tf-gateway"));
    else
        line(QStringLiteral("not written to %1").arg(options.configFile));
    return 0;
}

int optimizeSync(ToolContext &context, const CommandLine &commandLine, bool apply)
{
    ops::SyncTuningOptions options;
    options.pair = commandLine.value(QStringLiteral("pair"));
    options.apply = apply;
    options.actor = platform::actor();
    options.trialSeconds = numberOption(commandLine, QStringLiteral("trial-seconds"), 10, 0.1, 3600,
                                        QStringLiteral("optimize-sync"));
    if (commandLine.isSet(QStringLiteral("batch-sizes"))) {
        options.batchSizes.clear();
        for (const QString &part : commandLine.value(QStringLiteral("batch-sizes"))
                                       .split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            bool ok = false;
            const int size = part.trimmed().toInt(&ok);
            if (!ok || size < 1 || size > 100000)
                CommandLine::exitWithUsageError(
                    kProgram + QStringLiteral(" optimize-sync"),
                    QStringLiteral("--batch-sizes takes numbers from 1 to 100000 separated by "
                                   "commas (got '%1')")
                        .arg(part));
            options.batchSizes << size;
        }
    }
    line(QStringLiteral("optimize-sync: dry-run trials at batch sizes %1 (at most %2 s each)")
             .arg([&] {
                 QStringList sizes;
                 for (int size : options.batchSizes)
                     sizes << QString::number(size);
                 return sizes.join(QLatin1Char(','));
             }())
             .arg(options.trialSeconds));
    const QList<ops::PairTuning> tunings
        = ops::tuneSyncBatchSizes(context.database().database(), context.secrets(), options,
                                  [](const QString &text) { line(text); });
    if (tunings.isEmpty())
        line(QStringLiteral("no enabled sync pairs to tune"));
    return 0;
}

int test(const CommandLine &commandLine, bool json)
{
    if (!commandLine.isSet(QStringLiteral("endpoint")))
        CommandLine::exitWithUsageError(kProgram + QStringLiteral(" test"),
                                        QStringLiteral("--endpoint URL is required; ") + kUsage);
    ops::LoadTestOptions options;
    options.url = endpointOption(commandLine, QStringLiteral("test"));
    options.concurrency = static_cast<int>(numberOption(commandLine, QStringLiteral("concurrency"),
                                                        8, 1, 1000, QStringLiteral("test")));
    if (commandLine.isSet(QStringLiteral("concurrency"))
        && commandLine.value(QStringLiteral("concurrency")).contains(QLatin1Char('.')))
        CommandLine::exitWithUsageError(kProgram + QStringLiteral(" test"),
                                        QStringLiteral("--concurrency must be a whole number"));
    options.durationSeconds = numberOption(commandLine, QStringLiteral("duration"), 10, 0.1, 3600,
                                           QStringLiteral("test"));
    options.authorization = authorization(commandLine);
    if (!json)
        line(QStringLiteral("load test: GET %1, %2 connection(s), %3 s")
                 .arg(options.url.toString())
                 .arg(options.concurrency)
                 .arg(options.durationSeconds));
    const ops::LoadTestResult result
        = ops::runLoadTest(options, [json](double seconds, qint64 requests, qint64 errors) {
              if (!json)
                  line(QStringLiteral("[%1s] %2 requests, %3 errors")
                           .arg(seconds, 5, 'f', 1)
                           .arg(requests)
                           .arg(errors));
          });
    if (json)
        std::printf("%s",
                    QJsonDocument(result.toJson()).toJson(QJsonDocument::Indented).constData());
    else
        line(result.toText());
    return result.requests > 0 && result.errors < result.requests ? 0 : 1;
}

} // namespace

int runTuneCommand(const QStringList &arguments)
{
    CommandLine commandLine(
        kProgram,
        QStringLiteral("Measure and tune the database, the API and the sync batch sizes."));
    commandLine.addPositional(QStringLiteral("tune"), QStringLiteral("The command group."),
                              QStringLiteral("tune"));
    commandLine.addPositional(
        QStringLiteral("command"),
        QStringLiteral("optimize-db | optimize-api | optimize-sync | optimize-all | test"));
    addToolOptions(commandLine);
    commandLine.addValueOption(QStringLiteral("endpoint"), QStringLiteral("URL"),
                               QStringLiteral("test, optimize-api: the URL to load (optimize-api "
                                              "default: the gateway's /health/ready)."),
                               QStringLiteral("tune/endpoint"));
    commandLine.addValueOption(QStringLiteral("concurrency"), QStringLiteral("N"),
                               QStringLiteral("test: connections (default 8)."),
                               QStringLiteral("tune/concurrency"));
    commandLine.addValueOption(
        QStringLiteral("duration"), QStringLiteral("S"),
        QStringLiteral("test: seconds (default 10); optimize-api: seconds per level (default 2)."),
        QStringLiteral("tune/duration"));
    commandLine.addValueOption(
        QStringLiteral("token"), QStringLiteral("T"),
        QStringLiteral("API token sent as a bearer token (default: TF_API_TOKEN)."),
        QStringLiteral("tune/token"));
    commandLine.addValueOption(QStringLiteral("pair"), QStringLiteral("P"),
                               QStringLiteral("optimize-sync: one pair (id or name)."),
                               QStringLiteral("tune/pair"));
    commandLine.addValueOption(
        QStringLiteral("batch-sizes"), QStringLiteral("LIST"),
        QStringLiteral("optimize-sync: batch sizes to try (default 500,1000,2500,5000,10000)."),
        QStringLiteral("tune/batch_sizes"));
    commandLine.addValueOption(
        QStringLiteral("trial-seconds"), QStringLiteral("S"),
        QStringLiteral("optimize-sync: time budget of one trial (default 10)."),
        QStringLiteral("tune/trial_seconds"));
    commandLine.addSwitch(QStringLiteral("dry-run"),
                          QStringLiteral("optimize-api/-sync: measure and report, store nothing."),
                          QStringLiteral("tune/dry_run"), QStringLiteral("true"));
    commandLine.addSwitch(QStringLiteral("json"), QStringLiteral("test, optimize-db: print JSON."),
                          QStringLiteral("tune/json"), QStringLiteral("true"));
    commandLine.process(arguments);
    const QStringList positional = commandLine.positionalArguments();
    const QString command = positional.value(1);
    static const QStringList commands { QStringLiteral("optimize-db"),
                                        QStringLiteral("optimize-api"),
                                        QStringLiteral("optimize-sync"),
                                        QStringLiteral("optimize-all"), QStringLiteral("test") };
    if (!commands.contains(command))
        CommandLine::exitWithUsageError(
            kProgram,
            command.isEmpty() ? QStringLiteral("a command is required; ") + kUsage
                              : QStringLiteral("unknown command '%1'; ").arg(command) + kUsage);
    if (positional.size() != 2)
        CommandLine::exitWithUsageError(
            kProgram + QLatin1Char(' ') + command,
            QStringLiteral("unexpected argument '%1'; ").arg(positional.value(2)) + kUsage);
    const bool json = commandLine.isSet(QStringLiteral("json"));
    const bool apply = !commandLine.isSet(QStringLiteral("dry-run"));
    try {
        if (command == QLatin1String("test"))
            return test(commandLine, json);
        if (command == QLatin1String("optimize-api")) {
            const ServiceContext service = platform::resolve(commandLine);
            return optimizeApi(service, commandLine, apply);
        }
        auto context = ToolContext::open(commandLine);
        if (command == QLatin1String("optimize-db"))
            return optimizeDb(*context, json);
        if (command == QLatin1String("optimize-sync"))
            return optimizeSync(*context, commandLine, apply);
        // optimize-all: each part measures, acts and reports; a gateway that is not running
        // only skips the API part.
        int status = optimizeDb(*context, false);
        line(QString());
        try {
            optimizeApi(context->service(), commandLine, apply);
        } catch (const Error &error) {
            line(QStringLiteral("optimize-api skipped: %1").arg(error.message()));
        }
        line(QString());
        status = qMax(status, optimizeSync(*context, commandLine, apply));
        return status;
    } catch (const Error &error) {
        return reportError(kProgram, error);
    }
}

} // namespace tf::tfctl
