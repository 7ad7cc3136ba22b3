#include "hostmetrics.h"

#include <QCoreApplication>
#include <QFile>
#include <QStorageInfo>
#include <QThread>

namespace tf::syncd {

namespace {

QByteArray readProcFile(const char *path)
{
    QFile file(QString::fromLatin1(path));
    // /proc files report size 0: read until EOF.
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

qint64 meminfoKb(const QByteArray &meminfo, const QByteArray &key)
{
    for (const QByteArray &line : meminfo.split('\n')) {
        if (line.startsWith(QByteArray(key + ':'))) {
            const QList<QByteArray> parts = line.mid(key.size() + 1).simplified().split(' ');
            return parts.value(0).toLongLong();
        }
    }
    return 0;
}

} // namespace

HostMetrics::HostMetrics(QString diskPath)
    : m_diskPath(std::move(diskPath))
{
    m_uptime.start();
}

bool HostMetrics::readCpu(quint64 *busy, quint64 *total) const
{
    const QByteArray stat = readProcFile("/proc/stat");
    const qsizetype end = stat.indexOf('\n');
    const QByteArray line = stat.left(end);
    if (!line.startsWith("cpu "))
        return false;
    const QList<QByteArray> fields = line.mid(4).simplified().split(' ');
    quint64 sum = 0;
    for (const QByteArray &field : fields)
        sum += field.toULongLong();
    const quint64 idle = fields.value(3).toULongLong() + fields.value(4).toULongLong(); // idle + iowait
    *total = sum;
    *busy = sum - idle;
    return true;
}

HostMetrics::Sample HostMetrics::sample()
{
    QMutexLocker lock(&m_mutex);
    Sample s;
    quint64 busy = 0;
    quint64 total = 0;
    if (readCpu(&busy, &total)) {
        // Samples closer than 250 ms apart reuse the last figure: a tiny window is noise.
        if (!m_sinceCpuSample.isValid() || m_sinceCpuSample.elapsed() >= 250) {
            const quint64 dTotal = total - m_lastTotal;
            const quint64 dBusy = busy - m_lastBusy;
            if (dTotal > 0)
                m_lastCpuPercent = 100.0 * double(dBusy) / double(dTotal);
            m_lastBusy = busy;
            m_lastTotal = total;
            m_sinceCpuSample.start();
        }
    }
    s.cpuPercent = m_lastCpuPercent;
    s.cpuCount = QThread::idealThreadCount();
    s.load1 = readProcFile("/proc/loadavg").split(' ').value(0).toDouble();

    const QByteArray meminfo = readProcFile("/proc/meminfo");
    s.memoryTotalBytes = meminfoKb(meminfo, "MemTotal") * 1024;
    s.memoryAvailableBytes = meminfoKb(meminfo, "MemAvailable") * 1024;
    if (s.memoryTotalBytes > 0)
        s.memoryPercent = 100.0 * double(s.memoryTotalBytes - s.memoryAvailableBytes) / double(s.memoryTotalBytes);

    const QStorageInfo storage(m_diskPath);
    s.diskPath = storage.rootPath();
    s.diskTotalBytes = storage.bytesTotal();
    s.diskFreeBytes = storage.bytesAvailable();
    if (s.diskTotalBytes > 0)
        s.diskPercent = 100.0 * double(s.diskTotalBytes - s.diskFreeBytes) / double(s.diskTotalBytes);

    s.processRssBytes = meminfoKb(readProcFile("/proc/self/status"), "VmRSS") * 1024;
    s.uptimeSeconds = double(m_uptime.elapsed()) / 1000.0;
    s.pid = QCoreApplication::applicationPid();
    return s;
}

QJsonObject HostMetrics::toJson(const Sample &s)
{
    return QJsonObject {
        { QStringLiteral("cpu"), QJsonObject {
              { QStringLiteral("used_percent"), s.cpuPercent },
              { QStringLiteral("count"), s.cpuCount },
              { QStringLiteral("load_1m"), s.load1 } } },
        { QStringLiteral("memory"), QJsonObject {
              { QStringLiteral("total_bytes"), s.memoryTotalBytes },
              { QStringLiteral("available_bytes"), s.memoryAvailableBytes },
              { QStringLiteral("used_percent"), s.memoryPercent } } },
        { QStringLiteral("disk"), QJsonObject {
              { QStringLiteral("path"), s.diskPath },
              { QStringLiteral("total_bytes"), s.diskTotalBytes },
              { QStringLiteral("free_bytes"), s.diskFreeBytes },
              { QStringLiteral("used_percent"), s.diskPercent } } },
        { QStringLiteral("process"), QJsonObject {
              { QStringLiteral("pid"), s.pid },
              { QStringLiteral("rss_bytes"), s.processRssBytes },
              { QStringLiteral("uptime_s"), s.uptimeSeconds } } },
    };
}

} // namespace tf::syncd
