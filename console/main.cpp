// tf-console: the desktop console of TerraFusion SyncService. Talks only to the gateway.
#include "mainwindow.h"
#include "tfversion.h"

#include "core/cli.h"

#include <QApplication>
#include <QCoreApplication>
#include <QUrl>

namespace {

const QString Program = QStringLiteral("tf-console");

// Parsed under a QCoreApplication so that --help, --version and usage errors work on a
// machine without a display, where QApplication cannot start.
QUrl gatewayFromCommandLine(int argc, char **argv)
{
    int coreArgc = argc;
    QCoreApplication core(coreArgc, argv);
    QCoreApplication::setApplicationVersion(QStringLiteral(TF_VERSION_STRING));

    tf::CommandLine cli(Program, QStringLiteral("TerraFusion SyncService desktop console."));
    cli.addValueOption(QStringLiteral("gateway"), QStringLiteral("URL"),
                       QStringLiteral("Gateway base URL (default http://127.0.0.1:5000)."),
                       QStringLiteral("console/gateway"));
    cli.process(QCoreApplication::arguments());

    const QString given = cli.flags().value(QStringLiteral("console/gateway"),
                                            QStringLiteral("http://127.0.0.1:5000"));
    const QUrl url(given, QUrl::StrictMode);
    const QString scheme = url.scheme();
    if (!url.isValid() || url.host().isEmpty()
        || (scheme != QLatin1String("http") && scheme != QLatin1String("https"))) {
        tf::CommandLine::exitWithUsageError(
                Program, QStringLiteral("--gateway needs an http:// or https:// URL, got \"%1\"").arg(given));
    }
    return url;
}

} // namespace

int main(int argc, char *argv[])
{
    const QUrl gateway = gatewayFromCommandLine(argc, argv);

    QApplication app(argc, argv);
    QApplication::setApplicationName(Program);
    QApplication::setApplicationDisplayName(QStringLiteral("TerraFusion Console"));
    QApplication::setApplicationVersion(QStringLiteral(TF_VERSION_STRING));
    QApplication::setOrganizationName(QStringLiteral("TerraFusion"));
    QApplication::setDesktopFileName(QStringLiteral("tf-console"));

    tf::console::MainWindow window(gateway);
    window.show();
    return QApplication::exec();
}
