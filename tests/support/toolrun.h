#pragma once

#include "testsupport.h"

#include <QByteArray>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace tf::test {

// What one run of a built program (tfctl, tf-syncd, ...) or script left behind.
struct ToolRun
{
    bool started = false;    // false when the program could not be started
    bool timedOut = false;   // killed after ToolOptions::timeoutMs
    QProcess::ExitStatus exitStatus = QProcess::NormalExit;
    int exitCode = -1;       // -1 unless it exited normally
    QByteArray out;
    QByteArray err;          // stderr without tfctl's location line
    QByteArray location;     // tfctl's "tfctl: control database ..." line, when it printed one
    qint64 elapsedMs = 0;    // from start until it finished (or timed out)

    QJsonObject json() const; // stdout parsed as a JSON object
    QString describe() const; // "exit N\nstdout:\n...\nstderr:\n..." for failure messages
};

struct ToolOptions
{
    QProcessEnvironment environment = ServiceProcess::cleanEnvironment();
    QByteArray stdinData;        // written to stdin after the start
    bool closeStdin = true;      // close stdin after stdinData (EOF); false leaves the pipe open
    bool stdinNullDevice = false; // stdin from the null device instead of a pipe (stdinData ignored)
    int timeoutMs = 60000;
    int killWaitMs = 30000;      // how long to wait for it to die after a timeout
    QString workingDirectory;    // empty: inherit
};

// Runs program to completion with stdout and stderr kept apart. A bare name that is one of our
// built programs ("tfctl") is resolved with binary(); a path (a script) is run as given, and any
// other bare name ("bash") is looked up in PATH by QProcess.
ToolRun runTool(const QString &program, const QStringList &arguments, const ToolOptions &options = {});

// `tfctl init --if-missing <where>` (where: --data-dir D [--database URL]): a platform for a
// test to run tfctl against, since tfctl itself never creates one. QVERIFY the exitCode.
ToolRun initPlatform(const QStringList &where, const ToolOptions &options = {});

} // namespace tf::test
