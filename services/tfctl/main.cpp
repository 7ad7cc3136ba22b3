// tfctl: the operator's command line. One command group per file under commands/, registered
// in the table below.
#include "commands/configcommands.h"
#include "commands/democommand.h"
#include "commands/quarantinecommand.h"
#include "commands/synccommand.h"
#include "core/cli.h"
#include "tfversion.h"

#include <QCoreApplication>

#include <cstdio>

namespace {

struct Group
{
    const char *name;
    const char *summary;
    int (*run)(const QStringList &arguments);
};

const Group kGroups[] = {
    { "sync", "run and inspect sync pairs (sync run <pair> [--dry-run])", &tf::tfctl::runSyncCommand },
    { "quarantine", "list, edit, replay and discard quarantined rows", &tf::tfctl::runQuarantineCommand },
    { "system", "register and list external systems (system add <file.json|->, system list)", &tf::tfctl::runSystemCommand },
    { "pair", "store and list sync pair definitions (pair add <file.json|->, pair list)", &tf::tfctl::runPairCommand },
    { "demo", "install the PACS to CAMA demo (demo install [--parcels N])", &tf::tfctl::runDemoCommand },
};

void printUsage()
{
    std::printf("Usage: tfctl <group> <command> [options]\n\nTerraFusion SyncService operator tool.\n\nGroups:\n");
    for (const Group &group : kGroups)
        std::printf("  %-8s %s\n", group.name, group.summary);
    std::printf("\nEvery command takes --data-dir DIR, --database URL and --config FILE, and --help.\n"
                "tfctl --version prints the version.\n"
                "Exit codes: 0 success, 1 the operation failed, 2 bad usage.\n");
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("tfctl"));
    QCoreApplication::setApplicationVersion(QStringLiteral(TF_VERSION_STRING));
    const QStringList arguments = QCoreApplication::arguments();

    // The group is the first argument that is not an option.
    QString groupName;
    for (int i = 1; i < arguments.size(); ++i) {
        const QString &argument = arguments.at(i);
        if (argument == QLatin1String("--version") || argument == QLatin1String("-v")) {
            std::printf("tfctl %s\n", TF_VERSION_STRING);
            return 0;
        }
        if (!argument.startsWith(QLatin1Char('-'))) {
            groupName = argument;
            break;
        }
        if (argument == QLatin1String("--help") || argument == QLatin1String("-h")) {
            printUsage();
            return 0;
        }
        tf::CommandLine::exitWithUsageError(QStringLiteral("tfctl"),
                                            QStringLiteral("put options after the command: '%1'").arg(argument));
    }
    if (groupName.isEmpty())
        tf::CommandLine::exitWithUsageError(QStringLiteral("tfctl"), QStringLiteral("a command is required"));
    for (const Group &group : kGroups) {
        if (groupName == QLatin1String(group.name))
            return group.run(arguments);
    }
    tf::CommandLine::exitWithUsageError(QStringLiteral("tfctl"), QStringLiteral("unknown command '%1'").arg(groupName));
}
