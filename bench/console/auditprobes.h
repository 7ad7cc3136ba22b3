#pragma once
// What tf-bench-audit measures with: resident memory, load average, the GUI thread's CPU time,
// an application that times every event it delivers from the event loop, a heartbeat timer
// whose gaps are the event loop's stalls, and waiting while events run.
#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QMap>
#include <QMetaEnum>
#include <QNetworkReply>
#include <QPointer>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <functional>

namespace auditbench {

inline long residentKb()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLong();
    return -1;
}

inline QByteArray loadAverage()
{
    QFile loadavg(QStringLiteral("/proc/loadavg"));
    return loadavg.open(QIODevice::ReadOnly) ? loadavg.readAll().trimmed() : QByteArray("?");
}

inline double threadCpuMs()
{
    timespec now {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return double(now.tv_sec) * 1e3 + double(now.tv_nsec) / 1e6;
}

// Where the GUI thread's time goes: every event delivered from the event loop (not the ones
// sent from inside another) is timed by receiver and type; the slowest are reported by the
// scroll figure (a QNetworkReply's finish is named by its path: the callbacks run in it).
class TimedApplication final : public QApplication
{
public:
    using QApplication::QApplication;
    struct Slow
    {
        double ms;
        QString what;
    };
    bool recording = false;
    QList<Slow> slowest;
    QMap<QString, QPair<int, double>> totals; // what -> (count, ms)
    int paints = 0;                           // the window's paints, any length
    double paintMs = 0;
    double paintCpuMs = 0; // the GUI thread's CPU time in them: what the code costs, whatever the load
    Slow mostCpu { 0, {} }; // the event that took the GUI thread the most CPU time (a stall on an idle machine)

    bool notify(QObject *receiver, QEvent *event) override
    {
        // Only the GUI thread's events (the network's own thread goes through here too).
        if (!recording || m_depth > 0 || QThread::currentThread() != thread())
            return QApplication::notify(receiver, event);
        ++m_depth;
        // The receiver may be gone afterwards (a DeferredDelete, a reply deleted in its own
        // handler): what it was is noted before, the rest read only if it is still there.
        const QPointer<QObject> alive(receiver);
        const char *className = receiver->metaObject()->className();
        const QEvent::Type type = event->type();
        QElapsedTimer clock;
        clock.start();
        const double cpuBefore = threadCpuMs();
        const bool result = QApplication::notify(receiver, event);
        const double ms = double(clock.nsecsElapsed()) / 1e6;
        --m_depth;
        const double cpu = threadCpuMs() - cpuBefore;
        if (type == QEvent::UpdateRequest || type == QEvent::Paint) {
            ++paints;
            paintMs += ms;
            paintCpuMs += cpu;
        }
        if (ms >= 2 || cpu > mostCpu.ms) {
            QString what = QString::fromLatin1(className);
            if (!alive)
                what += QStringLiteral(" (deleted)");
            else if (auto *reply = qobject_cast<QNetworkReply *>(receiver))
                what += QLatin1Char(' ') + reply->url().path();
            else if (!receiver->objectName().isEmpty())
                what += QLatin1Char('#') + receiver->objectName();
            else if (receiver->parent())
                what += QStringLiteral(" in ") + QString::fromLatin1(receiver->parent()->metaObject()->className());
            what += QStringLiteral(" %1").arg(QString::fromLatin1(QMetaEnum::fromType<QEvent::Type>().valueToKey(type)));
            if (cpu > mostCpu.ms)
                mostCpu = { cpu, what };
            if (ms < 2)
                return result;
            auto &total = totals[what];
            ++total.first;
            total.second += ms;
            slowest.append({ ms, what });
            std::sort(slowest.begin(), slowest.end(), [](const Slow &a, const Slow &b) { return a.ms > b.ms; });
            if (slowest.size() > 5)
                slowest.removeLast();
        }
        return result;
    }
    void report(const char *phase)
    {
        for (const Slow &slow : std::as_const(slowest))
            std::printf("  %s, slowest event: %.1f ms in %s\n", phase, slow.ms, qPrintable(slow.what));
        QList<QPair<double, QString>> byTotal;
        for (auto it = totals.cbegin(); it != totals.cend(); ++it)
            byTotal.append({ it.value().second, QStringLiteral("%1 x %2").arg(it.value().first).arg(it.key()) });
        std::sort(byTotal.begin(), byTotal.end(), [](const auto &a, const auto &b) { return a.first > b.first; });
        for (int i = 0; i < qMin(5, int(byTotal.size())); ++i)
            std::printf("  %s, events of 2 ms or more, by total: %.0f ms for %s\n", phase, byTotal.at(i).first,
                        qPrintable(byTotal.at(i).second));
        std::printf("  %s, paints of the window: %d, %.0f ms in all (%.2f ms each), of which CPU time of the GUI thread "
                    "%.0f ms (%.2f ms each)\n",
                    phase, paints, paintMs, paints > 0 ? paintMs / paints : 0.0, paintCpuMs, paints > 0 ? paintCpuMs / paints : 0.0);
        std::printf("  %s, most CPU time of the GUI thread in one event: %.1f ms in %s\n", phase, mostCpu.ms, qPrintable(mostCpu.what));
        mostCpu = { 0, {} };
        slowest.clear();
        totals.clear();
        paints = 0;
        paintMs = 0;
        paintCpuMs = 0;
    }

private:
    int m_depth = 0;
};

// The longest gap between two ticks of a 5 ms timer while running `work`.
struct Heartbeat
{
    QTimer timer;
    QElapsedTimer clock;
    qint64 last = 0;
    qint64 longest = 0;
    QList<qint64> gaps; // every gap: a longest gap grows with the time measured, a share does not
    Heartbeat()
    {
        timer.setInterval(5);
        timer.setTimerType(Qt::PreciseTimer);
        QObject::connect(&timer, &QTimer::timeout, [this] {
            const qint64 now = clock.nsecsElapsed();
            longest = qMax(longest, now - last);
            gaps.append(now - last);
            last = now;
        });
    }
    void start()
    {
        clock.start();
        last = 0;
        longest = 0;
        gaps.clear();
        timer.start();
    }
    double stopMs()
    {
        timer.stop();
        gaps.append(clock.nsecsElapsed() - last);
        longest = qMax(longest, gaps.constLast()); // the gap still open counts too
        return double(longest) / 1e6;
    }
    // "n gaps, x over 50 ms (share), 99th percentile y ms", after stopMs().
    QByteArray spread() const
    {
        QList<qint64> sorted = gaps;
        std::sort(sorted.begin(), sorted.end());
        const qsizetype over = std::count_if(sorted.cbegin(), sorted.cend(), [](qint64 gap) { return gap > 50'000'000; });
        const double p99 = sorted.isEmpty() ? 0 : double(sorted.at(qsizetype(double(sorted.size() - 1) * 0.99))) / 1e6;
        return QStringLiteral("%1 gaps, %2 over 50 ms (%3 %), 99th percentile %4 ms")
            .arg(sorted.size())
            .arg(over)
            .arg(sorted.isEmpty() ? 0.0 : 100.0 * double(over) / double(sorted.size()), 0, 'f', 2)
            .arg(p99, 0, 'f', 1)
            .toUtf8();
    }
};

inline bool waitFor(const std::function<bool()> &done, int ms)
{
    QElapsedTimer clock;
    clock.start();
    while (!done()) {
        if (clock.elapsed() > ms)
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    }
    return true;
}

} // namespace auditbench
