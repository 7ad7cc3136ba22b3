// tf-cdcbench: follows a source table into a target table with the cdc mode's engine
// (CdcExecutor: initial snapshot, then logical replication), as tf-syncd's cdc operation does,
// until SIGTERM or SIGINT. bench/cdc/run.sh measures the latency and keeps the process's
// peak RSS (VmHWM).
//
//   tf-cdcbench <source-url> <target-url> <table> <key> <column>... --control <control.db>
#include "core/errors.h"
#include "db/controldatabase.h"
#include "sync/connectors/postgresconnector.h"
#include "sync/engine/cdcexecutor.h"
#include "sync/engine/quarantinestore.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonObject>
#include <QLoggingCategory>
#include <atomic>
#include <csignal>
#include <cstdio>

namespace {

std::atomic_bool g_cancel { false };

void onSignal(int)
{
    g_cancel.store(true);
}

std::unique_ptr<tf::sync::PostgresConnector> connector(const QString &url)
{
    return std::make_unique<tf::sync::PostgresConnector>(tf::sync::SystemSettings {
        QStringLiteral("postgres"),
        { { QStringLiteral("url"), url }, { QStringLiteral("schema"), QStringLiteral("public") } },
        {} });
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QStringList args = app.arguments().mid(1);
    const qsizetype control = args.indexOf(QStringLiteral("--control"));
    if (control < 0 || control + 1 >= args.size() || control < 5) {
        std::fprintf(stderr,
                     "usage: tf-cdcbench <source-url> <target-url> <table> <key> <column>... "
                     "--control <control.db>\n");
        return 2;
    }
    const QString controlPath = args.at(control + 1);
    args = args.mid(0, control);
    QLoggingCategory::setFilterRules(QStringLiteral("*.debug=false"));
    try {
        tf::sync::EntitySpec entity;
        entity.name = args.at(2);
        entity.sourceEntity = args.at(2);
        entity.targetEntity = args.at(2);
        entity.sourceKey = { args.at(3) };
        entity.targetKey = { args.at(3) };
        QJsonArray fields;
        for (const QString &column : args.mid(3))
            fields.append(QJsonObject { { QStringLiteral("target"), column },
                                        { QStringLiteral("source"), column } });
        entity.mapping = QJsonObject { { QStringLiteral("fields"), fields } };
        entity.mode = tf::sync::ChangeMode::Full;
        tf::sync::PairSpec pair;
        pair.pairId = QStringLiteral("bench");
        pair.cdc = true;
        pair.sourceSystem = QStringLiteral("bench-source");
        pair.targetSystem = QStringLiteral("bench-target");
        pair.entities = { entity };

        auto source = connector(args.at(0));
        auto target = connector(args.at(1));
        auto database = tf::db::ControlDatabase::open(controlPath);
        tf::sync::QuarantineStore quarantine(database->database());
        std::signal(SIGTERM, onSignal);
        std::signal(SIGINT, onSignal);
        tf::sync::CdcExecutor executor(pair, *source, *target, quarantine);
        tf::sync::CdcRunOptions options;
        options.cancel = &g_cancel; // the intervals are tf-syncd's: CdcRunOptions' defaults
        options.log = [](const QString &line) { std::fprintf(stderr, "%s\n", qPrintable(line)); };
        const tf::sync::RunResult result = executor.run(options);
        if (result.status == tf::sync::RunStatus::Failed) {
            std::fprintf(stderr, "tf-cdcbench: %s\n", qPrintable(result.error));
            return 1;
        }
        return 0;
    } catch (const tf::Error &error) {
        std::fprintf(stderr, "tf-cdcbench: %s\n", qPrintable(error.message()));
        return 1;
    }
}
