// tf-gateway: the public REST entry point (port 5000). In the embedded default it starts and
// supervises tf-syncd itself.
#include "common/signalwatcher.h"
#include "gateway/gatewayapp.h"
#include "tfversion.h"

#include <QCoreApplication>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("tf-gateway"));
    QCoreApplication::setApplicationVersion(QStringLiteral(TF_VERSION_STRING));

    tf::CommandLine commandLine(QStringLiteral("tf-gateway"),
                                QStringLiteral("TerraFusion SyncService gateway: the public REST API."));
    commandLine.addServiceOptions(5000, QStringLiteral("gateway"));
    commandLine.addValueOption(QStringLiteral("sync-url"), QStringLiteral("URL"),
                               QStringLiteral("URL of an external tf-syncd (implies --no-supervise-sync)."),
                               QStringLiteral("gateway/sync_url"));
    commandLine.addSwitch(QStringLiteral("supervise-sync"),
                          QStringLiteral("Start tf-syncd as a child and restart it when it dies (default without --sync-url)."),
                          QStringLiteral("gateway/supervise_sync"), QStringLiteral("true"));
    commandLine.addSwitch(QStringLiteral("no-supervise-sync"),
                          QStringLiteral("Do not start tf-syncd; expect it at --sync-url or --sync-port."),
                          QStringLiteral("gateway/supervise_sync"), QStringLiteral("false"));
    commandLine.addValueOption(QStringLiteral("sync-port"), QStringLiteral("N"),
                               QStringLiteral("Port of tf-syncd on 127.0.0.1 (default 8080)."),
                               QStringLiteral("gateway/sync_port"));
    commandLine.process(QCoreApplication::arguments());

    return tf::runService(QStringLiteral("tf-gateway"), [&] {
        tf::ServiceContext context = tf::ServiceContext::resolve(QStringLiteral("tf-gateway"), commandLine,
                                                                 tf::gateway::GatewaySettings::defaults());
        const tf::gateway::GatewaySettings settings = tf::gateway::GatewaySettings::fromContext(context);
        context.installLogging();

        tf::gateway::GatewayApp gateway(context, settings);
        const quint16 port = gateway.start();
        context.writeRunFiles(port);

        tf::SignalWatcher watcher;
        QObject::connect(&watcher, &tf::SignalWatcher::terminationRequested, &app, [&gateway](int number) {
            qInfo("tf-gateway stopping on signal %d", number);
            gateway.stop();
            QCoreApplication::quit();
        });
        const int code = QCoreApplication::exec();
        gateway.stop();
        context.removeRunFiles();
        qInfo("tf-gateway stopped");
        return code;
    });
}
