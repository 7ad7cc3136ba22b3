#include "temporarypostgres.h"

#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QVersionNumber>

#include <pwd.h>
#include <unistd.h>

namespace tf::test {

namespace {

bool runningAsRoot()
{
    return ::geteuid() == 0;
}

// Hands the folder to the postgres system user (the server refuses to run as root).
bool giveToPostgres(const QString &path, QString *error)
{
    const passwd *user = ::getpwnam("postgres");
    if (!user) {
        *error = QStringLiteral("running as root, but there is no `postgres` system user to run "
                                "the server as");
        return false;
    }
    if (::chown(QFile::encodeName(path).constData(), user->pw_uid, user->pw_gid) != 0) {
        *error = QStringLiteral("cannot hand %1 to the postgres user").arg(path);
        return false;
    }
    return true;
}

} // namespace

TemporaryPostgres::TemporaryPostgres()
    : m_bin(binDir())
{ }

TemporaryPostgres::~TemporaryPostgres()
{
    if (m_running)
        stop();
    if (m_running)
        crash();
}

QString TemporaryPostgres::binDir()
{
    const QDir root(QStringLiteral("/usr/lib/postgresql"));
    QString best;
    QVersionNumber bestVersion;
    for (const QString &entry : root.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        const QVersionNumber version = QVersionNumber::fromString(entry);
        const QString bin = root.filePath(entry + QStringLiteral("/bin"));
        if (!QFile::exists(bin + QStringLiteral("/initdb")))
            continue;
        if (best.isEmpty() || version > bestVersion) {
            best = bin;
            bestVersion = version;
        }
    }
    return best;
}

QString TemporaryPostgres::dataDir() const
{
    return m_dir.filePath(QStringLiteral("data"));
}

bool TemporaryPostgres::runTool(const QString &tool, const QStringList &arguments, int timeoutMs)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    const QString program = m_bin + QLatin1Char('/') + tool;
    if (runningAsRoot()) {
        process.start(QStringLiteral("runuser"),
                      QStringList { QStringLiteral("-u"), QStringLiteral("postgres"),
                                    QStringLiteral("--"), program }
                          + arguments);
    } else {
        process.start(program, arguments);
    }
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished(5000);
        m_error = QStringLiteral("%1 did not finish within %2 ms: %3")
                      .arg(tool)
                      .arg(timeoutMs)
                      .arg(QString::fromLocal8Bit(process.readAll()));
        return false;
    }
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        m_error = QStringLiteral("%1 %2 failed (exit %3): %4")
                      .arg(tool, arguments.join(QLatin1Char(' ')))
                      .arg(process.exitCode())
                      .arg(QString::fromLocal8Bit(process.readAll()));
        return false;
    }
    return true;
}

bool TemporaryPostgres::pgCtl(const QStringList &arguments, int timeoutMs)
{
    return runTool(QStringLiteral("pg_ctl"),
                   QStringList { QStringLiteral("-D"), dataDir() } + arguments, timeoutMs);
}

bool TemporaryPostgres::start()
{
    if (m_running)
        return true;
    if (m_bin.isEmpty()) {
        m_error = QStringLiteral("PostgreSQL is not installed: no /usr/lib/postgresql/*/bin/initdb");
        return false;
    }
    if (!m_dir.isValid()) {
        m_error = QStringLiteral("cannot create a temporary folder: ") + m_dir.errorString();
        return false;
    }
    if (!m_initialized) {
        if (runningAsRoot() && !giveToPostgres(m_dir.path(), &m_error))
            return false;
        if (!runTool(QStringLiteral("initdb"),
                     { QStringLiteral("-D"), dataDir(), QStringLiteral("-A"), QStringLiteral("trust"),
                       QStringLiteral("-U"), QStringLiteral("postgres"), QStringLiteral("-E"),
                       QStringLiteral("UTF8"), QStringLiteral("--no-sync") },
                     120000))
            return false;
        m_initialized = true;
        m_port = freePort();
    }
    const QString options
        = QStringLiteral("-p %1 -k %2 -c listen_addresses=127.0.0.1 -c fsync=off "
                         "-c max_connections=100")
              .arg(m_port)
              .arg(m_dir.path());
    if (!pgCtl({ QStringLiteral("start"), QStringLiteral("-w"), QStringLiteral("-t"),
                 QStringLiteral("60"), QStringLiteral("-o"), options, QStringLiteral("-l"),
                 m_dir.filePath(QStringLiteral("server.log")) },
               90000)) {
        m_error += QStringLiteral("\n") + serverLog();
        return false;
    }
    m_running = true;
    return true;
}

void TemporaryPostgres::stop()
{
    if (m_running && pgCtl({ QStringLiteral("stop"), QStringLiteral("-w"), QStringLiteral("-m"),
                             QStringLiteral("fast") },
                           60000))
        m_running = false;
}

void TemporaryPostgres::crash()
{
    if (m_running && pgCtl({ QStringLiteral("stop"), QStringLiteral("-w"), QStringLiteral("-m"),
                             QStringLiteral("immediate") },
                           60000))
        m_running = false;
}

bool TemporaryPostgres::restart()
{
    if (m_running)
        stop();
    return start();
}

QString TemporaryPostgres::url(const QString &db) const
{
    return QStringLiteral("postgresql://postgres@127.0.0.1:%1/%2").arg(m_port).arg(db);
}

QString TemporaryPostgres::serverLog() const
{
    QFile log(m_dir.filePath(QStringLiteral("server.log")));
    if (!log.open(QIODevice::ReadOnly))
        return QString();
    return QString::fromLocal8Bit(log.readAll().right(4000));
}

} // namespace tf::test
