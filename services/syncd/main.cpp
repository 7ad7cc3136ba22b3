// tf-syncd: the sync engine service (port 8080, loopback by default).
#include "common/signalwatcher.h"
#include "syncd/syncdapp.h"
#include "tfversion.h"

#include <QCoreApplication>
#include <QLoggingCategory>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("tf-syncd"));
    QCoreApplication::setApplicationVersion(QStringLiteral(TF_VERSION_STRING));

    tf::CommandLine commandLine(QStringLiteral("tf-syncd"),
                                QStringLiteral("TerraFusion SyncService sync engine: scheduler, workers, metrics, health."));
    commandLine.addServiceOptions(8080, QStringLiteral("syncd"));
    commandLine.process(QCoreApplication::arguments());

    return tf::runService(QStringLiteral("tf-syncd"), [&] {
        tf::ServiceContext context = tf::ServiceContext::resolve(
            QStringLiteral("tf-syncd"), commandLine, { { QStringLiteral("server/port"), QStringLiteral("8080") } });
        context.installLogging();

        tf::syncd::SyncdApp syncd(context);
        const quint16 port = syncd.start();
        context.writeRunFiles(port);

        tf::SignalWatcher watcher;
        QObject::connect(&watcher, &tf::SignalWatcher::terminationRequested, &app, [](int number) {
            qInfo("tf-syncd stopping on signal %d", number);
            QCoreApplication::quit();
        });
        const int code = QCoreApplication::exec();
        context.removeRunFiles();
        qInfo("tf-syncd stopped");
        return code;
    });
}
