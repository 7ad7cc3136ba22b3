#include "logging.h"

#include "redact.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QMutex>
#include <QMutexLocker>

#include <cstdio>

Q_LOGGING_CATEGORY(lcConfig, "core.config")
Q_LOGGING_CATEGORY(lcDb, "db.connection")
Q_LOGGING_CATEGORY(lcDbMigrate, "db.migrate")

namespace tf::logging {

namespace {

struct Sink
{
    QMutex mutex;
    Options options;
    QFile file;
    QDate fileDate;
    bool installed = false;
};

Sink &sink()
{
    static Sink instance;
    return instance;
}

const char *levelName(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg: return "DEBUG";
    case QtInfoMsg: return "INFO ";
    case QtWarningMsg: return "WARN ";
    case QtCriticalMsg: return "ERROR";
    case QtFatalMsg: return "FATAL";
    }
    return "INFO ";
}

// Caller holds the mutex.
void openFileFor(Sink &s, const QDate &date)
{
    if (s.options.logDir.isEmpty())
        return;
    if (s.file.isOpen() && s.fileDate == date)
        return;
    s.file.close();
    QDir().mkpath(s.options.logDir);
    s.file.setFileName(QStringLiteral("%1/%2-%3.log")
                           .arg(s.options.logDir, s.options.program, date.toString(Qt::ISODate)));
    if (s.file.open(QIODevice::WriteOnly | QIODevice::Append | QIODevice::Text)) {
        s.file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        s.fileDate = date;
        purgeOldLogs(s.options.logDir, s.options.program, s.options.retentionDays);
    }
}

void handler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    Sink &s = sink();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const char *category = context.category && *context.category ? context.category : "default";
    const QByteArray line = now.toString(Qt::ISODateWithMs).toUtf8() + ' ' + levelName(type) + ' '
        + category + ": " + redactSecrets(message).toUtf8() + '\n';
    {
        QMutexLocker lock(&s.mutex);
        if (s.options.toStderr) {
            std::fwrite(line.constData(), 1, static_cast<size_t>(line.size()), stderr);
            std::fflush(stderr);
        }
        openFileFor(s, now.date());
        if (s.file.isOpen()) {
            s.file.write(line);
            s.file.flush();
        }
    }
    if (type == QtFatalMsg)
        std::abort();
}

} // namespace

void install(const Options &options)
{
    Sink &s = sink();
    {
        QMutexLocker lock(&s.mutex);
        s.options = options;
        s.file.close();
        s.fileDate = QDate();
        s.installed = true;
    }
    if (!options.rules.isEmpty())
        QLoggingCategory::setFilterRules(options.rules);
    qInstallMessageHandler(handler);
}

void shutdown()
{
    Sink &s = sink();
    QMutexLocker lock(&s.mutex);
    s.file.close();
    s.options.logDir.clear();
}

int purgeOldLogs(const QString &logDir, const QString &program, int retentionDays)
{
    QDir dir(logDir);
    const QDate cutoff = QDate::currentDate().addDays(-retentionDays);
    int removed = 0;
    const QStringList files = dir.entryList({ program + QStringLiteral("-*.log") }, QDir::Files);
    for (const QString &name : files) {
        const QString datePart = name.mid(program.size() + 1, 10);
        const QDate date = QDate::fromString(datePart, Qt::ISODate);
        if (date.isValid() && date < cutoff && dir.remove(name))
            ++removed;
    }
    return removed;
}

} // namespace tf::logging
