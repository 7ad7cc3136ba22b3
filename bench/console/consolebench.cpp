// The console's figures (issue 14), each against a baseline run in the same invocation:
//   1. first paint of a dashboard chart with 30 days of minute samples (43,200 points per
//      series, two nodes), against the same chart with the ~600 points the gateway's
//      downsampling answers for a chart that wide; the goal is under 500 ms;
//   2. a refresh of a 10,000-row table with 1 % changed through applyItems() (no reset),
//      against rebuilding the model from scratch (a reset), and the resets counted;
//   3. resident memory after an hour of live updates (3,600 refreshes of a 1,000-row table
//      with changing values) against the memory after the first minute; the goal is < 10 %.
// Runs offscreen; prints one line per figure.
#include "models/operationsmodel.h"
#include "widgets/metricchart.h"

#include <QApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QTableView>

#include <cmath>

#include <cstdio>

using namespace tf::console;

namespace {

QJsonArray history(int points, const QDateTime &from, qint64 stepSeconds)
{
    QJsonArray series;
    for (const QString &node : { QStringLiteral("syncd-a"), QStringLiteral("syncd-b") }) {
        QJsonArray samples;
        for (int i = 0; i < points; ++i) {
            const double value = 40 + 30 * std::sin(i / 500.0) + (node.endsWith(QLatin1Char('b')) ? 10 : 0);
            samples.append(QJsonObject { { QStringLiteral("t"), from.addSecs(i * stepSeconds).toString(Qt::ISODate) },
                                         { QStringLiteral("avg"), value }, { QStringLiteral("min"), value - 1 },
                                         { QStringLiteral("max"), value + 1 }, { QStringLiteral("samples"), 1 } });
        }
        series.append(QJsonObject { { QStringLiteral("metric"), QStringLiteral("cpu_percent") }, { QStringLiteral("node"), node },
                                    { QStringLiteral("labels"), QJsonObject() }, { QStringLiteral("points"), samples } });
    }
    return series;
}

// Milliseconds from an empty chart to its first painted frame.
double chartFirstPaintMs(int points)
{
    const QDateTime to = QDateTime::currentDateTimeUtc();
    const QDateTime from = to.addDays(-30);
    const QJsonArray items = history(points, from, 30LL * 86400 / points);
    QElapsedTimer timer;
    timer.start();
    MetricChart chart(QStringLiteral("CPU %"), QStringLiteral("%"));
    chart.resize(600, 300);
    chart.addThreshold(80, QStringLiteral("threshold 80 %"));
    chart.setRange(from, to);
    chart.setSeriesItems(items);
    const QPixmap frame = chart.grab();
    const double ms = double(timer.nsecsElapsed()) / 1e6;
    return frame.isNull() ? -1 : ms;
}

QJsonArray operations(int rows, int round, int changedEvery)
{
    QJsonArray items;
    for (int id = 1; id <= rows; ++id) {
        const bool changed = changedEvery > 0 && id % changedEvery == 0;
        items.append(QJsonObject { { QStringLiteral("id"), id }, { QStringLiteral("pair_id"), id % 17 + 1 },
                                   { QStringLiteral("kind"), QStringLiteral("sync") },
                                   { QStringLiteral("status"), changed ? QStringLiteral("running") : QStringLiteral("completed") },
                                   { QStringLiteral("progress"), changed ? double(round % 100) / 100 : 1.0 },
                                   { QStringLiteral("message"), QStringLiteral("round %1").arg(changed ? round : 0) },
                                   { QStringLiteral("created_at"), QStringLiteral("2026-12-03T10:00:00.000Z") } });
    }
    return items;
}

long residentKb()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLong();
    }
    return -1;
}

} // namespace

int main(int argc, char *argv[])
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);

    // 1. Chart first paint.
    chartFirstPaintMs(600); // warm-up: fonts, theme
    const double downsampled = chartFirstPaintMs(600);
    const double full = chartFirstPaintMs(43200);
    std::printf("chart first paint: 43,200 points x 2 nodes %.0f ms, 600 points (as the dashboard asks) %.0f ms, ratio %.1fx; "
                "goal < 500 ms: %s with every point, %s downsampled\n",
                full, downsampled, full / downsampled, full < 500 ? "met" : "not met", downsampled < 500 ? "met" : "not met");

    // 2. Table refresh without a reset, against a rebuild.
    const int rows = 10000;
    OperationsModel model;
    QTableView view;
    view.setModel(&model);
    view.resize(1000, 600);
    model.applyItems(operations(rows, 0, 100));
    QList<QJsonArray> answers; // the answers, made before the clock starts
    for (int round = 1; round <= 20; ++round)
        answers << operations(rows, round, 100);
    QElapsedTimer timer;
    timer.start();
    for (const QJsonArray &answer : std::as_const(answers))
        model.applyItems(answer);
    const double incremental = double(timer.nsecsElapsed()) / 1e6 / 20;
    timer.restart();
    for (const QJsonArray &answer : std::as_const(answers)) {
        auto *fresh = new OperationsModel(&view);
        fresh->applyItems(answer);
        QAbstractItemModel *old = view.model();
        view.setModel(fresh); // what a reset costs a view: everything rebuilt
        if (old != &model)
            delete old;
    }
    const double rebuild = double(timer.nsecsElapsed()) / 1e6 / 20;
    std::printf("table refresh, %d rows, 1 %% changed: applyItems %.1f ms, rebuild %.1f ms, ratio %.2fx; model resets: %d\n",
                rows, incremental, rebuild, incremental / rebuild, model.resetCount());

    // 3. Memory after an hour of live updates (one refresh a second).
    OperationsModel live;
    QTableView liveView;
    liveView.setModel(&live);
    for (int second = 0; second < 60; ++second)
        live.applyItems(operations(1000, second, 10));
    const long afterMinute = residentKb();
    for (int second = 60; second < 3600; ++second)
        live.applyItems(operations(1000, second, 10));
    const long afterHour = residentKb();
    std::printf("resident memory: %ld kB after a minute of updates, %ld kB after an hour, growth %.1f %%; goal < 10 %%: %s; resets: %d\n",
                afterMinute, afterHour, 100.0 * double(afterHour - afterMinute) / double(afterMinute),
                afterHour - afterMinute < afterMinute / 10 ? "met" : "not met", live.resetCount());
    return 0;
}
