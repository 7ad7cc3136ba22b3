#include "logmaintenance.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QRegularExpression>

namespace tf::ops {

namespace {

// "<program>-YYYY-MM-DD.log", or a rotated "<stem>-YYYY-MM-DD-HHmmss.log".
const QRegularExpression &datedName()
{
    static const QRegularExpression re(
        QStringLiteral(R"(^(.+)-(\d{4}-\d{2}-\d{2})(?:-\d{6})?\.log$)"));
    return re;
}

} // namespace

QJsonObject LogCleanup::toJson() const
{
    return { { QStringLiteral("examined"), examined },
             { QStringLiteral("removed"), QJsonArray::fromStringList(removed) },
             { QStringLiteral("removed_count"), removed.size() },
             { QStringLiteral("bytes_freed"), bytesFreed },
             { QStringLiteral("kept"), kept },
             { QStringLiteral("bytes_kept"), bytesKept } };
}

QJsonObject LogRotation::toJson() const
{
    return { { QStringLiteral("rotated"), QJsonArray::fromStringList(rotated) },
             { QStringLiteral("bytes_rotated"), bytesRotated },
             { QStringLiteral("cleanup"), cleanup.toJson() },
             { QStringLiteral("programs"), programs } };
}

LogCleanup cleanLogs(const QString &logDir, int retentionDays, const QDate &today)
{
    LogCleanup result;
    QDir dir(logDir);
    if (!dir.exists())
        return result;
    const QDate cutoff = today.addDays(-retentionDays);
    const QFileInfoList files
        = dir.entryInfoList({ QStringLiteral("*.log") }, QDir::Files, QDir::Name);
    for (const QFileInfo &info : files) {
        const QRegularExpressionMatch match = datedName().match(info.fileName());
        if (!match.hasMatch())
            continue;
        const QDate date = QDate::fromString(match.captured(2), Qt::ISODate);
        if (!date.isValid())
            continue;
        ++result.examined;
        const qint64 size = info.size(); // before the file is gone
        if (date < cutoff && QFile::remove(info.absoluteFilePath())) {
            result.removed << info.fileName();
            result.bytesFreed += size;
        } else {
            ++result.kept;
            result.bytesKept += size;
        }
    }
    return result;
}

LogRotation rotateLogs(const QString &logDir, int retentionDays, const QDateTime &now)
{
    LogRotation result;
    QDir dir(logDir);
    if (!dir.exists())
        return result;
    const QFileInfoList undated
        = dir.entryInfoList({ QStringLiteral("*.log") }, QDir::Files, QDir::Name);
    for (const QFileInfo &info : undated) {
        if (datedName().match(info.fileName()).hasMatch() || info.size() == 0)
            continue;
        const QString rotatedName
            = QStringLiteral("%1-%2.log")
                  .arg(info.completeBaseName(), now.toString(QStringLiteral("yyyy-MM-dd-HHmmss")));
        const QString rotatedPath = dir.filePath(rotatedName);
        if (QFile::exists(rotatedPath) || !QFile::copy(info.absoluteFilePath(), rotatedPath))
            continue;
        QFile::setPermissions(rotatedPath, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        QFile original(info.absoluteFilePath());
        if (original.open(QIODevice::ReadWrite))
            original.resize(0);
        result.rotated << rotatedName;
        result.bytesRotated += info.size();
    }
    result.cleanup = cleanLogs(logDir, retentionDays, now.date());

    const QFileInfoList remaining
        = dir.entryInfoList({ QStringLiteral("*.log") }, QDir::Files, QDir::Name);
    for (const QFileInfo &info : remaining) {
        const QRegularExpressionMatch match = datedName().match(info.fileName());
        const QString program = match.hasMatch() ? match.captured(1) : info.completeBaseName();
        const QString date = match.hasMatch() ? match.captured(2) : QString();
        QJsonObject entry = result.programs.value(program).toObject();
        entry.insert(QStringLiteral("files"), entry.value(QStringLiteral("files")).toInt() + 1);
        entry.insert(QStringLiteral("bytes"),
                     entry.value(QStringLiteral("bytes")).toInteger() + info.size());
        if (!date.isEmpty()) {
            const QString oldest = entry.value(QStringLiteral("oldest")).toString();
            const QString newest = entry.value(QStringLiteral("newest")).toString();
            if (oldest.isEmpty() || date < oldest)
                entry.insert(QStringLiteral("oldest"), date);
            if (newest.isEmpty() || date > newest)
                entry.insert(QStringLiteral("newest"), date);
        }
        result.programs.insert(program, entry);
    }
    return result;
}

} // namespace tf::ops
