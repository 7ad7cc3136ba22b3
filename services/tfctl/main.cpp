// tfctl: the operator's command line. Command groups arrive with the operations issue; for now
// it answers --help and --version and checks the services.
#include "core/cli.h"
#include "tfversion.h"

#include <QCoreApplication>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("tfctl"));
    QCoreApplication::setApplicationVersion(QStringLiteral(TF_VERSION_STRING));
    tf::CommandLine commandLine(QStringLiteral("tfctl"), QStringLiteral("TerraFusion SyncService operator tool."));
    commandLine.addPositional(QStringLiteral("command"), QStringLiteral("Command to run."));
    commandLine.process(QCoreApplication::arguments());
    const QStringList args = commandLine.positionalArguments();
    if (args.isEmpty())
        tf::CommandLine::exitWithUsageError(QStringLiteral("tfctl"), QStringLiteral("a command is required"));
    tf::CommandLine::exitWithUsageError(QStringLiteral("tfctl"), QStringLiteral("unknown command '%1'").arg(args.first()));
}
