#include "toolrun.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonDocument>

namespace tf::test {

QJsonObject ToolRun::json() const
{
    return QJsonDocument::fromJson(out).object();
}

QString ToolRun::describe() const
{
    return QStringLiteral("exit %1\nstdout:\n%2\nstderr:\n%3%4")
        .arg(exitCode)
        .arg(QString::fromUtf8(out), location.isEmpty() ? QString() : QString::fromUtf8(location) + QLatin1Char('\n'),
             QString::fromUtf8(err));
}

ToolRun runTool(const QString &program, const QStringList &arguments, const ToolOptions &options)
{
    QString path = program;
    if (!program.contains(QLatin1Char('/')) && QFileInfo(binary(program)).isExecutable())
        path = binary(program);
    ToolRun run;
    QProcess process;
    process.setProcessEnvironment(options.environment);
    process.setProcessChannelMode(QProcess::SeparateChannels);
    if (!options.workingDirectory.isEmpty())
        process.setWorkingDirectory(options.workingDirectory);
    if (options.stdinNullDevice)
        process.setStandardInputFile(QProcess::nullDevice());
    QElapsedTimer timer;
    timer.start();
    process.start(path, arguments);
    if (!process.waitForStarted(10000))
        return run;
    run.started = true;
    if (!options.stdinNullDevice) {
        if (!options.stdinData.isEmpty())
            process.write(options.stdinData);
        if (options.closeStdin)
            process.closeWriteChannel(); // stdin: an empty (or finite) pipe, not a terminal
    }
    run.timedOut = !process.waitForFinished(options.timeoutMs);
    run.elapsedMs = timer.elapsed();
    if (run.timedOut) {
        process.kill();
        process.waitForFinished(options.killWaitMs);
    }
    run.exitStatus = process.exitStatus();
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    // tfctl's first stderr line says which control database it uses ("tfctl: control database
    // ..."): context, not a diagnostic. Kept apart so that "one line saying what is wrong"
    // stays checkable on err.
    static const QByteArray kLocation = "tfctl: control database ";
    if (run.err.startsWith(kLocation)) {
        const qsizetype end = run.err.indexOf('\n');
        run.location = run.err.left(end < 0 ? run.err.size() : end);
        run.err.remove(0, end < 0 ? run.err.size() : end + 1);
    }
    return run;
}

ToolRun initPlatform(const QStringList &where, const ToolOptions &options)
{
    return runTool(QStringLiteral("tfctl"), QStringList { QStringLiteral("init"), QStringLiteral("--if-missing") } + where,
                   options);
}

} // namespace tf::test
