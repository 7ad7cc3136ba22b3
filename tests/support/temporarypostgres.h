#pragma once

#include <QString>
#include <QStringList>
#include <QTemporaryDir>

namespace tf::test {

// A private PostgreSQL cluster a test can stop and start at will (a target that goes down
// mid-run): initdb into a temporary folder, a random free port on 127.0.0.1, fsync off.
// When the test runs as root (CI) the server runs as the `postgres` system user through
// `runuser`; the folder is handed to that user. The newest /usr/lib/postgresql/*/bin is
// used. The cluster is stopped and removed when the object is destroyed.
class TemporaryPostgres final
{
public:
    TemporaryPostgres();
    ~TemporaryPostgres();
    TemporaryPostgres(const TemporaryPostgres &) = delete;
    TemporaryPostgres &operator=(const TemporaryPostgres &) = delete;

    // initdb (first call only) and pg_ctl start -w. False with error() set on failure.
    bool start();
    // pg_ctl stop -m fast: clients are disconnected, then the server shuts down cleanly.
    void stop();
    // pg_ctl stop -m immediate: the server dies at once, like a crash or a pulled cable.
    void crash();
    // Starts the stopped (or crashed) cluster again on the same port.
    bool restart();
    bool isRunning() const { return m_running; }

    QString url(const QString &db = QStringLiteral("postgres")) const;
    quint16 port() const { return m_port; }
    QString error() const { return m_error; }
    QString serverLog() const; // the last part of the server's log, for failure messages

    // The folder holding initdb and pg_ctl, or empty when PostgreSQL is not installed.
    static QString binDir();

private:
    bool pgCtl(const QStringList &arguments, int timeoutMs);
    bool runTool(const QString &tool, const QStringList &arguments, int timeoutMs);
    QString dataDir() const;

    QTemporaryDir m_dir;
    QString m_bin;
    quint16 m_port = 0;
    bool m_initialized = false;
    bool m_running = false;
    QString m_error;
};

} // namespace tf::test
