#pragma once

// A real tf-gateway for the console's tests: its own data directory (SQLite), bound to a
// free port, no tf-syncd. restart() starts a new process on the same port and data.
#include "testsupport.h"

#include <QProcessEnvironment>
#include <QTemporaryDir>

#include <memory>

namespace tf::test {

class GatewayFixture
{
public:
    explicit GatewayFixture(QHash<QString, QString> extraEnvironment = {})
        : m_port(freePort())
        , m_syncPort(freePort())
        , m_extra(std::move(extraEnvironment))
    { }

    // Starts the process and waits until it answers /health/ready (over http).
    bool start() { return launch() && m_process->waitHealthy(base() + QStringLiteral("/health/ready")); }
    // Starts the process only: the test waits for it itself (an https gateway).
    bool launch()
    {
        QProcessEnvironment env = ServiceProcess::cleanEnvironment();
        for (auto it = m_extra.cbegin(); it != m_extra.cend(); ++it)
            env.insert(it.key(), it.value());
        m_process = std::make_unique<ServiceProcess>(
                binary(QStringLiteral("tf-gateway")),
                QStringList { QStringLiteral("--port"), QString::number(m_port), QStringLiteral("--data-dir"), m_data.path(),
                              QStringLiteral("--no-supervise-sync"), QStringLiteral("--sync-url"),
                              QStringLiteral("http://127.0.0.1:%1").arg(m_syncPort) },
                env);
        return m_process->start();
    }
    void kill()
    {
        m_process->kill();
        m_process->waitFinished();
    }
    QString base() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_port); }
    quint16 port() const { return m_port; }
    qint64 pid() const { return m_process ? m_process->pid() : 0; }
    QString dataDir() const { return m_data.path(); }
    QByteArray output() const { return m_process ? m_process->output() : QByteArray(); }
    // The bootstrap admin's bearer token (without "Bearer ").
    QByteArray adminToken() const
    {
        const QByteArray authorization = gatewayAdminAuthorization(base(), m_data.path());
        return authorization.mid(int(qstrlen("Bearer ")));
    }
    // Creates a user with this role through the API and returns its bearer token.
    QByteArray userToken(const QString &username, const QString &role) const
    {
        const QByteArray password = "Pw-" + username.toUtf8() + "-correct-horse-9";
        const QByteArray create = QJsonDocument(QJsonObject { { QStringLiteral("username"), username },
                                                              { QStringLiteral("password"), QString::fromUtf8(password) },
                                                              { QStringLiteral("role"), role },
                                                              { QStringLiteral("must_change_password"), false } })
                                          .toJson(QJsonDocument::Compact);
        http("POST", base() + QStringLiteral("/api/users"), create,
             { { "Authorization", "Bearer " + adminToken() }, { "Content-Type", "application/json" } });
        const QByteArray login = QJsonDocument(QJsonObject { { QStringLiteral("username"), username },
                                                             { QStringLiteral("password"), QString::fromUtf8(password) } })
                                         .toJson(QJsonDocument::Compact);
        const HttpResult result = http("POST", base() + QStringLiteral("/api/auth/login"), login,
                                       { { "Content-Type", "application/json" } });
        return result.json().value(QStringLiteral("token")).toString().toUtf8();
    }

private:
    QTemporaryDir m_data;
    quint16 m_port;
    quint16 m_syncPort;
    QHash<QString, QString> m_extra;
    std::unique_ptr<ServiceProcess> m_process;
};

} // namespace tf::test
