// The MySQL/MariaDB read path alone, on one table: MysqlConnector::readAll streamed (one
// SELECT on libmariadb, mysqlstream.h) and by keyset pages (QMYSQL), alternating for `rounds`
// rounds, each with an empty sink. Prints each read's wall time, this process's CPU time and
// the rows read, and with TF_SERVER_PID=<mariadbd's pid> the server's CPU time. With "hashes",
// the read also gives each row's hash (ReadRequest::withSourceHashes), as tfctl's full run asks.
//
//   tf-mysqlreadbench <host> <port> <database> <table> [batch-size] [rounds] [hashes]   (user root, no password)
#include "sync/connectors/mysqlconnector.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonObject>
#include <cstdio>
#include <sys/resource.h>
#include <unistd.h>

#include <QFile>

using namespace tf::sync;

namespace {

double cpuSeconds()
{
    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// The CPU seconds of process `pid` (all its threads), or 0 without one: TF_SERVER_PID names the
// mariadbd to account.
double processCpuSeconds(const QByteArray &pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(QString::fromLatin1(pid)));
    if (pid.isEmpty() || !stat.open(QIODevice::ReadOnly))
        return 0;
    const QByteArray text = stat.readAll();
    const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' ');
    return double(fields.value(11).toLongLong() + fields.value(12).toLongLong()) / double(sysconf(_SC_CLK_TCK));
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() < 5) {
        std::fprintf(stderr, "usage: tf-mysqlreadbench <host> <port> <database> <table> [batch-size] [rounds] [hashes]\n");
        return 2;
    }
    const SystemSettings settings { QStringLiteral("mysql"),
                                    QJsonObject { { QStringLiteral("host"), args.at(1) }, { QStringLiteral("port"), args.at(2).toInt() },
                                                  { QStringLiteral("database"), args.at(3) } },
                                    QJsonObject { { QStringLiteral("user"), QStringLiteral("root") } } };
    const int batchSize = args.size() > 5 ? args.at(5).toInt() : 5000;
    const int rounds = args.size() > 6 ? args.at(6).toInt() : 3;
    MysqlConnector connector(settings);
    ReadRequest request;
    request.entity = args.at(4);
    request.batchSize = batchSize;
    request.withSourceHashes = args.size() > 7 && args.at(7) == QLatin1String("hashes");
    connector.describe(request.entity);
    for (int round = 1; round <= rounds; ++round) {
        for (const bool streamed : { round % 2 == 1, round % 2 == 0 }) {
            connector.setStreamedReads(streamed);
            qint64 rows = 0;
            const double cpu0 = cpuSeconds();
            const double server0 = processCpuSeconds(qgetenv("TF_SERVER_PID"));
            QElapsedTimer timer;
            timer.start();
            connector.readAll(request, [&](const RowBatch &batch) {
                rows += batch.rows.size();
                return true;
            });
            std::printf("round %d %-8s rows %lld wall %.2f s cpu %.2f s server cpu %.2f s\n", round,
                        streamed ? "streamed" : "paged", static_cast<long long>(rows), double(timer.elapsed()) / 1000.0,
                        cpuSeconds() - cpu0, processCpuSeconds(qgetenv("TF_SERVER_PID")) - server0);
            std::fflush(stdout);
        }
    }
    return 0;
}
