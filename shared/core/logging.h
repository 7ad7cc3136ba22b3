#pragma once

#include <QLoggingCategory>
#include <QString>

namespace tf::logging {

struct Options
{
    QString program;           // file name prefix: <logDir>/<program>-YYYY-MM-DD.log
    QString logDir;            // empty: stderr only
    int retentionDays = 7;     // files older than this are removed at start and at rotation
    bool toStderr = true;
    QString rules;             // QLoggingCategory filter rules, e.g. "*.debug=false"
};

// Installs the process-wide message handler: one line per message,
// "2026-11-28T12:00:00.123Z WARN  gateway.supervisor: text", secrets redacted, written to
// stderr and to a file rotated daily. Thread-safe.
void install(const Options &options);

// Flushes and closes the file; later messages go to stderr only.
void shutdown();

// Removes <program>-*.log files older than retentionDays; returns how many were removed.
int purgeOldLogs(const QString &logDir, const QString &program, int retentionDays);

} // namespace tf::logging

// Categories of the core library. Each component declares its own beside its code.
Q_DECLARE_LOGGING_CATEGORY(lcConfig)
Q_DECLARE_LOGGING_CATEGORY(lcDb)
Q_DECLARE_LOGGING_CATEGORY(lcDbMigrate)
