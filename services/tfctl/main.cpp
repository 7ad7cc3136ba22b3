// tfctl: the operator's command line. One command group per file under commands/, registered
// in the table below.
#include "commands/auditcommand.h"
#include "commands/backupcommand.h"
#include "commands/checkcommand.h"
#include "commands/configcheckcommand.h"
#include "commands/paircommand.h"
#include "commands/systemcommand.h"
#include "commands/createplancommand.h"
#include "commands/democommand.h"
#include "commands/maintenancecommand.h"
#include "commands/fixcorruptioncommand.h"
#include "commands/initcommand.h"
#include "commands/quarantinecommand.h"
#include "commands/recovercommand.h"
#include "commands/restartcommand.h"
#include "commands/synccommand.h"
#include "commands/tunecommand.h"
#include "commands/usercommand.h"
#include "commands/verifycommand.h"
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
    { "init", "create a new platform: data directory, control database, secret.key (init [--if-missing])", &tf::tfctl::runInitCommand },
    { "sync", "run and inspect sync pairs (sync run <pair> [--dry-run])", &tf::tfctl::runSyncCommand },
    { "verify", "compare a pair's target with its source; --repair writes the differences (verify <pair> [--entity E] [--repair] [--json])", &tf::tfctl::runVerifyCommand },
    { "quarantine", "list, edit, replay and discard quarantined rows", &tf::tfctl::runQuarantineCommand },
    { "audit", "verify, export and purge the audit trail (audit verify, audit export [--from --to --output FILE], audit purge --older-than DAYS)", &tf::tfctl::runAuditCommand },
    { "system", "external systems (system list|add|show|edit|remove|test)", &tf::tfctl::runSystemCommand },
    { "pair", "sync pairs (pair list|add|show|edit|remove|enable|disable|test)", &tf::tfctl::runPairCommand },
    { "user", "manage the gateway's users: the way back in (user list|add|set-role|disable|enable|reset-password)", &tf::tfctl::runUserCommand },
    { "config", "check a configuration file: every key known (config check [FILE])", &tf::tfctl::runConfigCommand },
    { "demo", "install the PACS to CAMA demo, and with --gis the GIS parcel layer beside it (demo install [--parcels N] [--gis]; demo report)", &tf::tfctl::runDemoCommand },
    { "maintenance", "run the maintenance windows (maintenance run --type weekly|monthly|quarterly, maintenance next, maintenance history)", &tf::tfctl::runMaintenanceCommand },
    { "tune", "measure and tune (tune optimize-db|optimize-api|optimize-sync|optimize-all, tune test --endpoint URL)", &tf::tfctl::runTuneCommand },
    { "backup", "back up the control database (backup [--label L] [--keep N] [--max-age-days D])", &tf::tfctl::runBackupCommand },
    { "list", "list the backups, newest first, each verified (list [--json])", &tf::tfctl::runListCommand },
    { "restore", "restore a backup (restore <name|file> [--yes] [--allow-external] [--no-safety-backup])", &tf::tfctl::runRestoreCommand },
    { "check", "check gateway, syncd and database (exit 0 healthy, 1 degraded, 2 down)", &tf::tfctl::runCheckCommand },
    { "restart-api", "restart tf-gateway and wait until it is ready", &tf::tfctl::runRestartCommand },
    { "restart-sync", "restart tf-syncd and wait until it is healthy", &tf::tfctl::runRestartCommand },
    { "restart-all", "restart tf-syncd and tf-gateway and wait until both are healthy", &tf::tfctl::runRestartCommand },
    { "recover", "full recovery: stop, restore a backup, migrate, start, verify (recover [--backup FILE])", &tf::tfctl::runRecoverCommand },
    { "fix-corruption", "repair corrupted control data (fix-corruption <entity_type> [--validation SCRIPT])", &tf::tfctl::runFixCorruptionCommand },
    { "create-plan", "write a recovery runbook and script (create-plan <scenario> [--components LIST])", &tf::tfctl::runCreatePlanCommand },
};

void printUsage()
{
    std::printf("Usage: tfctl <group> <command> [options]\n\nTerraFusion SyncService operator tool.\n\nGroups:\n");
    for (const Group &group : kGroups)
        std::printf("  %-14s %s\n", group.name, group.summary);
    std::printf("\nEvery command takes --data-dir DIR, --database URL and --config FILE, and --help.\n"
                "It says on stderr which control database it uses and why, and never creates one\n"
                "(only init does). Without --data-dir or TF_DATA_DIR it uses your own platform, or\n"
                "the packaged service's /var/lib/terrafusion (then with /etc/default/terrafusion).\n"
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
