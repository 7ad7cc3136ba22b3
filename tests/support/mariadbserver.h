#pragma once

#include <QProcess>
#include <QString>
#include <QTemporaryDir>

#include <memory>

namespace tf::test {

// A throwaway MariaDB server for tests: mariadb-install-db into a temporary folder, then
// mariadbd on 127.0.0.1 at a random free port below the kernel's ephemeral range (a port
// inside it may be any connection's local end), utf8mb4, no binary log; --user=root when
// the test runs as root. Stopped (SIGTERM, then SIGKILL) and removed on destruction.
// Root signs in without a password over TCP (auth method "normal", empty password).
class MariaDbServer final
{
public:
    MariaDbServer();
    ~MariaDbServer();
    MariaDbServer(const MariaDbServer &) = delete;
    MariaDbServer &operator=(const MariaDbServer &) = delete;

    // Initialises (first call) and starts the server, waiting until it accepts
    // connections. False with error() set on failure.
    bool start();
    void stop();

    // Creates an empty database (utf8mb4); false with error() set.
    bool createDatabase(const QString &name);
    // Runs statements as root in `database` (empty: none); false with error() set.
    bool exec(const QString &database, const QString &sql);

    quint16 port() const { return m_port; }
    QString error() const { return m_error; }
    QString serverLog() const;

    // True when mariadbd and mariadb-install-db are installed.
    static bool installed();
    // TF_REQUIRE_MARIADB=1 (scripts/test.sh): a missing server fails instead of skipping.
    static bool required();

    // The name of a QSqlDatabase (QMYSQL) connection as root to `database` on this thread,
    // added on first use, closed with the server.
    QString rootConnection(const QString &database);

private:

    QTemporaryDir m_dir;
    std::unique_ptr<QProcess> m_server;
    quint16 m_port = 0;
    bool m_initialized = false;
    QString m_error;
    QStringList m_connections;
};

} // namespace tf::test

// Skips, or fails under TF_REQUIRE_MARIADB=1, when MariaDB is not installed; fails when the
// installed server does not start.
#define TF_START_MARIADB(server)                                                              \
    do {                                                                                      \
        if (!tf::test::MariaDbServer::installed()) {                                          \
            if (tf::test::MariaDbServer::required())                                          \
                QFAIL("TF_REQUIRE_MARIADB=1 but mariadbd/mariadb-install-db are not installed"); \
            QSKIP("MariaDB is not installed (mariadb-server-core)");                          \
        }                                                                                     \
        QVERIFY2((server).start(), qPrintable((server).error()));                             \
    } while (false)
