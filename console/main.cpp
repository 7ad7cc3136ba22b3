// tf-console: the desktop console of TerraFusion SyncService. Talks only to the gateway.
#include "mainwindow.h"
#include "client/gatewayclient.h"
#include "settings/displaysettings.h"
#include "settings/serverlist.h"
#include "startsignin.h"
#include "tfversion.h"

#include "core/cli.h"

#include <QApplication>
#include <QCoreApplication>
#include <QFile>
#include <QIcon>
#include <QUrl>

namespace {

const QString Program = QStringLiteral("tf-console");

// Parsed under a QCoreApplication so that --help, --version and usage errors work on a
// machine without a display, where QApplication cannot start.
struct Options
{
    QUrl gateway;
    QString user;
    QByteArray token; // from --token-file
    QString caFile;   // extra certificate authorities for an https gateway
};

Options optionsFromCommandLine(int argc, char **argv)
{
    int coreArgc = argc;
    QCoreApplication core(coreArgc, argv);
    QCoreApplication::setApplicationVersion(QStringLiteral(TF_VERSION_STRING));
    QCoreApplication::setOrganizationName(QStringLiteral("TerraFusion"));
    QCoreApplication::setApplicationName(Program);

    tf::CommandLine cli(Program, QStringLiteral("TerraFusion SyncService desktop console."));
    cli.addValueOption(QStringLiteral("gateway"), QStringLiteral("URL"),
                       QStringLiteral("Gateway base URL (default: the active server of Settings, else http://127.0.0.1:5000)."),
                       QStringLiteral("console/gateway"));
    cli.addValueOption(QStringLiteral("user"), QStringLiteral("NAME"),
                       QStringLiteral("User name to offer in the sign-in dialog."),
                       QStringLiteral("console/user"));
    cli.addValueOption(QStringLiteral("token-file"), QStringLiteral("FILE"),
                       QStringLiteral("Sign in with the API token stored in FILE instead of a password."),
                       QStringLiteral("console/token_file"));
    cli.addValueOption(QStringLiteral("ca-file"), QStringLiteral("FILE"),
                       QStringLiteral("Trust the certificate authorities in this PEM file for an https gateway."),
                       QStringLiteral("console/ca_file"));
    cli.process(QCoreApplication::arguments());

    // Without --gateway: the active server of Settings → Servers (QSettings keeps URLs and CA
    // file names, never a token). A --gateway becomes the active server.
    const tf::console::ServerEntry active = tf::console::ServerList::active();
    const bool chosen = cli.flags().contains(QStringLiteral("console/gateway"));
    const QString given = cli.flags().value(QStringLiteral("console/gateway"), active.url);
    const QUrl url(given, QUrl::StrictMode);
    const QString scheme = url.scheme();
    if (!url.isValid() || url.host().isEmpty()
        || (scheme != QLatin1String("http") && scheme != QLatin1String("https"))) {
        tf::CommandLine::exitWithUsageError(
                Program, QStringLiteral("--gateway needs an http:// or https:// URL, got \"%1\"").arg(given));
    }
    Options options;
    options.gateway = url;
    options.user = cli.flags().value(QStringLiteral("console/user"));
    options.caFile = cli.flags().value(QStringLiteral("console/ca_file"), chosen ? QString() : active.caFile);
    if (chosen)
        tf::console::ServerList::makeActive(url.toString(QUrl::RemoveUserInfo));
    const QString tokenFile = cli.flags().value(QStringLiteral("console/token_file"));
    if (!tokenFile.isEmpty()) {
        QFile file(tokenFile);
        if (!file.open(QIODevice::ReadOnly))
            tf::CommandLine::exitWithUsageError(Program, QStringLiteral("--token-file: cannot read \"%1\": %2")
                                                                 .arg(tokenFile, file.errorString()));
        options.token = file.readAll().trimmed();
        if (options.token.isEmpty())
            tf::CommandLine::exitWithUsageError(Program, QStringLiteral("--token-file: \"%1\" is empty").arg(tokenFile));
    }
    return options;
}

} // namespace

int main(int argc, char *argv[])
{
    const Options options = optionsFromCommandLine(argc, argv);

    QApplication app(argc, argv);
    QApplication::setApplicationName(Program);
    QApplication::setApplicationDisplayName(QStringLiteral("TerraFusion Console"));
    QApplication::setApplicationVersion(QStringLiteral(TF_VERSION_STRING));
    QApplication::setOrganizationName(QStringLiteral("TerraFusion"));
    // The application id of the desktop entry, icons and metainfo (packaging/console/).
    QApplication::setDesktopFileName(QStringLiteral("org.terrafusion.Console"));
    QApplication::setWindowIcon(QIcon::fromTheme(QStringLiteral("org.terrafusion.Console")));

    tf::console::DisplaySettings *display = tf::console::DisplaySettings::instance();
    display->setTheme(display->theme()); // Fusion with the remembered palette

    tf::console::MainWindow window(options.gateway);
    window.setDefaultUser(options.user);
    if (!options.caFile.isEmpty() && !window.client()->setCaCertificatesFile(options.caFile))
        tf::CommandLine::exitWithUsageError(Program, QStringLiteral("--ca-file: no PEM certificate in \"%1\"").arg(options.caFile));
    window.show();
    tf::console::startSignIn(window, options.user, options.token);
    return QApplication::exec();
}
