#pragma once

#include <QElapsedTimer>
#include <QJsonObject>
#include <QMutex>
#include <QString>

namespace tf::syncd {

// Host and process figures read from /proc and QStorageInfo. CPU use is the share of busy
// time between two samples; the first sample reports the average since boot.
class HostMetrics
{
public:
    struct Sample
    {
        double cpuPercent = 0;
        int cpuCount = 0;
        double load1 = 0;
        qint64 memoryTotalBytes = 0;
        qint64 memoryAvailableBytes = 0;
        double memoryPercent = 0;
        QString diskPath;
        qint64 diskTotalBytes = 0;
        qint64 diskFreeBytes = 0;
        double diskPercent = 0;
        qint64 processRssBytes = 0;
        double uptimeSeconds = 0;
        qint64 pid = 0;
    };

    explicit HostMetrics(QString diskPath);

    // Reads /proc now; cheap (a few small files), safe on the HTTP thread. Thread-safe: the
    // HTTP thread and the monitoring collector both sample.
    Sample sample();

    static QJsonObject toJson(const Sample &sample);

private:
    bool readCpu(quint64 *busy, quint64 *total) const;

    QString m_diskPath;
    QMutex m_mutex; // the CPU figure is a difference between two samples
    QElapsedTimer m_uptime;
    quint64 m_lastBusy = 0;
    quint64 m_lastTotal = 0;
    double m_lastCpuPercent = 0;
    QElapsedTimer m_sinceCpuSample;
};

} // namespace tf::syncd
