#include "mariadbserver.h"

#include "testsupport.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTcpSocket>
#include <QThread>

#include <csignal>
#include <sys/prctl.h>
#include <unistd.h>

namespace tf::test {

MariaDbServer::MariaDbServer() = default;

MariaDbServer::~MariaDbServer()
{
    for (const QString &name : std::as_const(m_connections)) {
        {
            QSqlDatabase db = QSqlDatabase::database(name, false);
            db.close();
        }
        QSqlDatabase::removeDatabase(name);
    }
    stop();
}

bool MariaDbServer::installed()
{
    return !systemTool(QStringLiteral("mariadbd")).isEmpty() && !systemTool(QStringLiteral("mariadb-install-db")).isEmpty();
}

bool MariaDbServer::required()
{
    return qEnvironmentVariable("TF_REQUIRE_MARIADB") == QLatin1String("1");
}

bool MariaDbServer::start()
{
    if (m_server)
        return true;
    if (!m_dir.isValid()) {
        m_error = QStringLiteral("cannot create a temporary folder");
        return false;
    }
    const bool root = ::geteuid() == 0;
    const QString data = m_dir.filePath(QStringLiteral("data"));
    // Its own temporary folder: with the shared /tmp, a test that cleans /tmp or another
    // server's files made mariadb-install-db fail ("Error on delete of '/tmp/#sql-temptable-…'").
    const QString tmp = m_dir.filePath(QStringLiteral("tmp"));
    if (!QDir().mkpath(tmp)) {
        m_error = QStringLiteral("cannot create %1").arg(tmp);
        return false;
    }
    if (!m_initialized) {
        QProcess install;
        QStringList arguments { QStringLiteral("--no-defaults"), QStringLiteral("--datadir=") + data,
                                QStringLiteral("--auth-root-authentication-method=normal"), QStringLiteral("--skip-test-db"),
                                QStringLiteral("--innodb-log-file-size=16M"), // 96 MB by default: tests write little
                                QStringLiteral("--tmpdir=") + tmp };
        if (root)
            arguments << QStringLiteral("--user=root");
        install.setProcessChannelMode(QProcess::MergedChannels);
        install.start(systemTool(QStringLiteral("mariadb-install-db")), arguments);
        if (!install.waitForFinished(180000) || install.exitStatus() != QProcess::NormalExit || install.exitCode() != 0) {
            m_error = QStringLiteral("mariadb-install-db failed: ") + QString::fromLocal8Bit(install.readAll().right(2000));
            return false;
        }
        m_initialized = true;
    }
    m_port = freeServerPort();
    if (m_port == 0) {
        m_error = QStringLiteral("no free port below the ephemeral range");
        return false;
    }
    QStringList arguments { QStringLiteral("--no-defaults"), QStringLiteral("--datadir=") + data,
                            QStringLiteral("--socket=") + m_dir.filePath(QStringLiteral("sock")),
                            QStringLiteral("--port=%1").arg(m_port), QStringLiteral("--bind-address=127.0.0.1"),
                            QStringLiteral("--character-set-server=utf8mb4"), QStringLiteral("--collation-server=utf8mb4_unicode_ci"),
                            QStringLiteral("--skip-log-bin"), QStringLiteral("--innodb-flush-log-at-trx-commit=2"),
                            QStringLiteral("--innodb-log-file-size=16M"), QStringLiteral("--tmpdir=") + tmp,
                            QStringLiteral("--log-error=") + m_dir.filePath(QStringLiteral("server.log")),
                            QStringLiteral("--pid-file=") + m_dir.filePath(QStringLiteral("server.pid")) };
    if (root)
        arguments << QStringLiteral("--user=root");
    m_server = std::make_unique<QProcess>();
    m_server->setProcessChannelMode(QProcess::ForwardedErrorChannel);
    // A test that crashes must not leave its server running.
    m_server->setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
    m_server->start(systemTool(QStringLiteral("mariadbd")), arguments);
    if (!m_server->waitForStarted(10000)) {
        m_error = QStringLiteral("mariadbd did not start: ") + m_server->errorString();
        m_server.reset();
        return false;
    }
    const QDeadlineTimer deadline(60000);
    while (!deadline.hasExpired()) {
        if (m_server->state() != QProcess::Running) {
            m_error = QStringLiteral("mariadbd exited: ") + serverLog();
            m_server.reset();
            return false;
        }
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_port);
        if (socket.waitForConnected(200) && exec(QString(), QStringLiteral("SELECT 1")))
            return true;
        QThread::msleep(100);
    }
    m_error = QStringLiteral("mariadbd did not accept connections within 60 s: ") + serverLog();
    stop();
    return false;
}

void MariaDbServer::stop()
{
    if (!m_server)
        return;
    m_server->terminate(); // SIGTERM: a clean shutdown
    if (!m_server->waitForFinished(30000)) {
        m_server->kill();
        m_server->waitForFinished(5000);
    }
    m_server.reset();
}

QString MariaDbServer::rootConnection(const QString &database)
{
    const QString name = QStringLiteral("tf-test-mariadb-%1-%2").arg(m_port).arg(database);
    if (!QSqlDatabase::contains(name)) {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QMYSQL"), name);
        db.setHostName(QStringLiteral("127.0.0.1"));
        db.setPort(m_port);
        db.setUserName(QStringLiteral("root"));
        db.setDatabaseName(database);
        m_connections << name;
    }
    return name;
}

bool MariaDbServer::exec(const QString &database, const QString &sql)
{
    QSqlDatabase db = QSqlDatabase::database(rootConnection(database), false);
    if (!db.isOpen() && !db.open()) {
        m_error = db.lastError().text();
        return false;
    }
    QSqlQuery query(db);
    if (!query.exec(sql)) {
        m_error = query.lastError().text() + QStringLiteral(" in: ") + sql.left(300);
        return false;
    }
    return true;
}

bool MariaDbServer::createDatabase(const QString &name)
{
    return exec(QString(), QStringLiteral("CREATE DATABASE `%1` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci").arg(name));
}

QString MariaDbServer::serverLog() const
{
    QFile log(m_dir.filePath(QStringLiteral("server.log")));
    return log.open(QIODevice::ReadOnly) ? QString::fromLocal8Bit(log.readAll().right(3000)) : QString();
}

} // namespace tf::test
