#pragma once

// A tf-gateway process for the authentication tests: its own data directory (SQLite), no
// tf-syncd (a dead --sync-url, so proxied routes answer 503 at once), PBKDF2 at a test-sized
// iteration count, and helpers to log in and call it.
#include "testsupport.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>
#include <memory>

namespace tf::test {

class AuthGateway
{
public:
    using Headers = QList<QPair<QByteArray, QByteArray>>;

    // env: extra TF_* variables (e.g. TF_AUTH__MAX_FAILED_LOGINS); args: extra flags.
    bool start(const QHash<QString, QString> &env = {}, const QStringList &args = {})
    {
        m_port = freePort();
        QProcessEnvironment environment = ServiceProcess::cleanEnvironment();
        environment.insert(QStringLiteral("TF_AUTH__PBKDF2_ITERATIONS"), QStringLiteral("1000"));
        for (auto it = env.cbegin(); it != env.cend(); ++it)
            environment.insert(it.key(), it.value());
        QStringList arguments { QStringLiteral("--port"),
                                QString::number(m_port),
                                QStringLiteral("--data-dir"),
                                m_dir.path(),
                                QStringLiteral("--no-supervise-sync"),
                                QStringLiteral("--sync-url"),
                                QStringLiteral("http://127.0.0.1:%1").arg(freePort()) };
        arguments << args;
        m_process = std::make_unique<ServiceProcess>(binary(QStringLiteral("tf-gateway")),
                                                     arguments, environment);
        if (!m_process->start())
            return false;
        QDeadlineTimer ready(20000);
        while (request("GET", base() + QStringLiteral("/health/ready")).status != 200) {
            if (ready.hasExpired() || m_process->process().state() == QProcess::NotRunning)
                return false;
            QThread::msleep(50);
        }
        // The first admin is created as soon as the database is open.
        QDeadlineTimer deadline(10000);
        while (!QFile::exists(passwordFile()) && !deadline.hasExpired())
            QThread::msleep(20);
        return QFile::exists(passwordFile());
    }

    QString base() const { return m_scheme + QStringLiteral("://127.0.0.1:%1").arg(m_port); }
    // HTTPS, trusting this certificate (PEM) as the only authority.
    void useTls(const QByteArray &caCertificate)
    {
        m_scheme = QStringLiteral("https");
        m_ca = QSslCertificate::fromData(caCertificate, QSsl::Pem);
    }

    // test::http, or the same over TLS when useTls() was called.
    HttpResult request(const QByteArray &method, const QString &url, const QByteArray &body = {},
                       const Headers &headers = {}, int timeoutMs = 10000) const
    {
        if (m_ca.isEmpty())
            return http(method, url, body, headers, timeoutMs);
        return https(m_ca, method, url, body, headers, timeoutMs);
    }
    quint16 port() const { return m_port; }
    QString dataDir() const { return m_dir.path(); }
    QString passwordFile() const
    {
        return m_dir.filePath(QStringLiteral("initial-admin-password"));
    }
    ServiceProcess &process() { return *m_process; }

    // The password the gateway wrote once to initial-admin-password.
    QString initialAdminPassword() const
    {
        QFile file(passwordFile());
        return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()).trimmed()
                                              : QString();
    }
    // The admin's password now: the initial one until changeAdminPassword() replaced it.
    QString adminPassword() const
    {
        return m_changedAdminPassword.isEmpty() ? initialAdminPassword() : m_changedAdminPassword;
    }
    // What every admin does first (the gateway refuses that session everything else until
    // then): gives the admin a password of its own. The session stays signed in.
    bool changeAdminPassword(const QByteArray &adminSession)
    {
        const QString fresh = initialAdminPassword() + QStringLiteral("-changed");
        const HttpResult changed
            = call("POST", QStringLiteral("/api/auth/password"),
                   QJsonObject { { QStringLiteral("current_password"), adminPassword() },
                                 { QStringLiteral("new_password"), fresh } },
                   adminSession);
        if (changed.status != 200)
            return false;
        m_changedAdminPassword = fresh;
        return true;
    }

    // Every log file the gateway wrote, concatenated.
    QByteArray logFiles() const
    {
        QByteArray all;
        const QDir logs(m_dir.filePath(QStringLiteral("logs")));
        for (const QString &name : logs.entryList(QDir::Files)) {
            QFile file(logs.filePath(name));
            if (file.open(QIODevice::ReadOnly))
                all += file.readAll();
        }
        return all;
    }

    HttpResult call(const QByteArray &method, const QString &path, const QJsonObject &body = {},
                    const QByteArray &authorization = {}, Headers headers = {}) const
    {
        if (!authorization.isEmpty())
            headers.append({ QByteArrayLiteral("Authorization"), authorization });
        const QByteArray payload = body.isEmpty() && (method == "GET" || method == "DELETE")
            ? QByteArray()
            : QJsonDocument(body).toJson(QJsonDocument::Compact);
        return request(method, base() + path, payload, headers);
    }

    HttpResult loginResult(const QString &username, const QString &password,
                           const Headers &headers = {}) const
    {
        return call("POST", QStringLiteral("/api/auth/login"),
                    QJsonObject { { QStringLiteral("username"), username },
                                  { QStringLiteral("password"), password } },
                    {}, headers);
    }

    // "Bearer <token>", or empty when the login failed.
    QByteArray login(const QString &username, const QString &password) const
    {
        const HttpResult result = loginResult(username, password);
        const QString token = result.json().value(QStringLiteral("token")).toString();
        return result.status == 200 && !token.isEmpty() ? "Bearer " + token.toUtf8() : QByteArray();
    }

    // An admin session that may do everything: the first one changes the initial password.
    QByteArray loginAdmin()
    {
        const HttpResult result = loginResult(QStringLiteral("admin"), adminPassword());
        const QString token = result.json().value(QStringLiteral("token")).toString();
        if (result.status != 200 || token.isEmpty())
            return QByteArray();
        const QByteArray session = "Bearer " + token.toUtf8();
        if (result.json().value(QStringLiteral("must_change_password")).toBool()
            && !changeAdminPassword(session))
            return QByteArray();
        return session;
    }

    // Creates a user (as admin) who need not change the password, and logs them in; returns
    // the authorization value.
    QByteArray userSession(const QByteArray &admin, const QString &username, const QString &role,
                           const QString &password = QStringLiteral("a-long-password-1")) const
    {
        const HttpResult created = call("POST", QStringLiteral("/api/users"),
                                        QJsonObject { { QStringLiteral("username"), username },
                                                      { QStringLiteral("password"), password },
                                                      { QStringLiteral("role"), role },
                                                      { QStringLiteral("must_change_password"), false } },
                                        admin);
        if (created.status != 201)
            return QByteArray();
        return login(username, password);
    }

private:
    QTemporaryDir m_dir;
    QString m_changedAdminPassword;
    std::unique_ptr<ServiceProcess> m_process;
    quint16 m_port = 0;
    QString m_scheme = QStringLiteral("http");
    QList<QSslCertificate> m_ca;
};

} // namespace tf::test
