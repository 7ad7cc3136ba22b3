#pragma once

// What tst_gatewayproxy works with: a tf-gateway supervising tf-syncd on an SQLite control
// database in a temporary folder, calls to the gateway as the signed-in admin (when the
// gateway has logins), operations followed to their end, and the audit trail read directly.
#include "db/connection.h"
#include "db/databaseurl.h"
#include "testsupport.h"

#include <QDeadlineTimer>
#include <QJsonArray>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QThread>
#include <QUuid>
#include <functional>
#include <memory>

namespace tf::test {

inline namespace proxyfixture {

inline const QByteArray kUserAgent = QByteArrayLiteral("tst-gatewayproxy/1.0 (audit check)");
constexpr int kRows = 200;

inline QJsonObject field(const char *target, const char *source)
{
    return { { QStringLiteral("target"), QLatin1String(target) },
             { QStringLiteral("source"), QLatin1String(source) } };
}

inline QByteArray compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

// The fields a 422 body names in details.errors.
inline QStringList errorFields(const HttpResult &result)
{
    QStringList fields;
    const QJsonArray errors = result.json()
                                  .value(QStringLiteral("errors"))
                                  .toArray();
    for (const QJsonValue &error : errors)
        fields << error.toObject().value(QStringLiteral("field")).toString();
    return fields;
}

inline QString errorCode(const HttpResult &result)
{
    return result.json()
        .value(QStringLiteral("code"))
        .toString();
}

} // namespace proxyfixture

class GatewayProxyFixture
{
protected:
    QTemporaryDir m_dir;
    std::unique_ptr<ServiceProcess> m_gateway;
    quint16 m_port = 0;
    quint16 m_syncPort = 0;
    QByteArray m_authorization; // empty until the gateway has logins
    QString m_actor; // who tf-syncd's audit entries must name
    QString m_password = QStringLiteral("pw-") + QUuid::createUuid().toString(QUuid::Id128);
    qint64 m_pair = 0; // source -> target, two rows fail validation
    qint64 m_brokenPair = 0; // a source table that does not exist: fails for good
    qint64 m_deadPair = 0; // a target PostgreSQL nobody listens on: retried later
    qint64 m_deadSystem = 0;
    qint64 m_completed = 0;

    QString base() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_port); }
    QString syncBase() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_syncPort); }
    QString dataDir() const { return m_dir.filePath(m_dataName); }
    QString m_dataName = QStringLiteral("data"); // another name for another gateway's data

    HttpResult api(const QByteArray &method, const QString &path, const QByteArray &body = {},
                   const QByteArray &requestId = {},
                   QList<QPair<QByteArray, QByteArray>> extra = {})
    {
        QList<QPair<QByteArray, QByteArray>> headers = authorizationHeaders(m_authorization);
        headers.append({ QByteArrayLiteral("User-Agent"), kUserAgent });
        if (!requestId.isEmpty())
            headers.append({ QByteArrayLiteral("X-Request-Id"), requestId });
        headers.append(extra);
        return http(method, base() + path, body, headers, 15000);
    }
    HttpResult api(const QByteArray &method, const QString &path, const QJsonObject &body,
                   const QByteArray &requestId = {})
    {
        return api(method, path, compact(body), requestId);
    }

    qint64 create(const QString &path, const QJsonObject &body, const QByteArray &requestId = {})
    {
        const HttpResult result = api("POST", path, body, requestId);
        if (result.status != 201) {
            qWarning("POST %s: HTTP %d %s", qPrintable(path), result.status,
                     result.body.constData());
            return 0;
        }
        return result.json().value(QStringLiteral("id")).toInteger();
    }

    QJsonObject operation(qint64 id)
    {
        return api("GET", QStringLiteral("/api/sync-operations/%1").arg(id)).json();
    }

    QJsonObject waitForOperation(qint64 id, const std::function<bool(const QJsonObject &)> &done,
                                 int timeoutMs = 20000)
    {
        QDeadlineTimer deadline(timeoutMs);
        QJsonObject last;
        while (!deadline.hasExpired()) {
            last = operation(id);
            if (done(last))
                return last;
            QThread::msleep(100);
        }
        return last;
    }

    static bool finished(const QJsonObject &operation)
    {
        static const QStringList ends { QStringLiteral("completed"),
                                        QStringLiteral("completed_with_errors"),
                                        QStringLiteral("failed"), QStringLiteral("cancelled") };
        return ends.contains(operation.value(QStringLiteral("status")).toString());
    }

    qint64 startOperation(const QJsonObject &body, const QByteArray &requestId = {})
    {
        const HttpResult started
            = api("POST", QStringLiteral("/api/sync-operations"), body, requestId);
        if (started.status != 202) {
            qWarning("start: HTTP %d %s", started.status, started.body.constData());
            return 0;
        }
        const qint64 id = started.json().value(QStringLiteral("id")).toInteger();
        if (started.headers.value("location")
            != QStringLiteral("/api/sync-operations/%1").arg(id).toLatin1()) {
            qWarning("start: Location %s", started.headers.value("location").constData());
            return 0;
        }
        return id;
    }

    QList<QVariantMap> auditEntries(const QString &where, const QVariantList &values)
    {
        db::Database control(db::DatabaseUrl::parse(QStringLiteral("sqlite://") + dataDir()
                                                    + QStringLiteral("/terrafusion.db")));
        QSqlQuery query = control.prepare(
            QStringLiteral("SELECT event_type, resource_type, resource_id, operation_id, "
                           "description, previous_state, new_state, username, ip_address, "
                           "user_agent, correlation_id FROM audit_entries WHERE ")
            + where + QStringLiteral(" ORDER BY id"));
        for (const QVariant &value : values)
            query.addBindValue(value);
        control.exec(query, "reading the audit trail");
        QList<QVariantMap> rows;
        while (query.next()) {
            QVariantMap row;
            for (const char *name : { "event_type", "resource_type", "resource_id", "operation_id",
                                      "description", "previous_state", "new_state", "username",
                                      "ip_address", "user_agent", "correlation_id" })
                row.insert(QLatin1String(name), query.value(QLatin1String(name)));
            rows << row;
        }
        query.finish();
        control.closeThreadConnection();
        return rows;
    }

    // The one entry of this event written for the request with this X-Request-Id, checked
    // for the caller's identity.
    QVariantMap auditedRequest(const QString &eventType, const QByteArray &requestId)
    {
        const QList<QVariantMap> rows
            = auditEntries(QStringLiteral("event_type = ? AND correlation_id = ?"),
                           { eventType, QString::fromLatin1(requestId) });
        if (rows.size() != 1) {
            qWarning("%d audit entries %s for request %s", int(rows.size()), qPrintable(eventType),
                     requestId.constData());
            return {};
        }
        return rows.first();
    }

    // source.db with `rows` parcels (those in `badRows` break the pair's min_value rule) and
    // an empty target.db in the test folder.
    void makeSourceAndTarget(int rows, const QList<int> &badRows)
    {
        QStringList source { QStringLiteral("CREATE TABLE parcel (id INTEGER PRIMARY KEY, name TEXT NOT NULL, value INTEGER NOT NULL)") };
        for (int id = 1; id <= rows; ++id)
            source << QStringLiteral("INSERT INTO parcel VALUES (%1, 'parcel %1', %2)").arg(id).arg(badRows.contains(id) ? -id : id * 10);
        makeSqlite(m_dir.filePath(QStringLiteral("source.db")), source);
        makeSqlite(m_dir.filePath(QStringLiteral("target.db")),
                   { QStringLiteral("CREATE TABLE parcel_copy (source_id INTEGER PRIMARY KEY, name TEXT, value INTEGER)") });
    }

    // A tf-gateway supervising tf-syncd on free ports over the test folder's data directory,
    // both answering /health/ready, and the bootstrap admin's Authorization when logins exist.
    bool startGateway(const QProcessEnvironment &env)
    {
        m_port = freePort();
        m_syncPort = freePort();
        m_gateway = std::make_unique<ServiceProcess>(
            binary(QStringLiteral("tf-gateway")),
            QStringList { QStringLiteral("--port"), QString::number(m_port), QStringLiteral("--data-dir"), dataDir(),
                          QStringLiteral("--sync-port"), QString::number(m_syncPort) },
            env);
        if (!m_gateway->start() || !m_gateway->waitHealthy(base() + QStringLiteral("/health/ready"), 20000)
            || !m_gateway->waitHealthy(syncBase() + QStringLiteral("/health/ready"), 20000)) {
            qWarning("the gateway did not become ready: %s", m_gateway->output().constData());
            return false;
        }
        m_authorization = gatewayAdminAuthorization(base(), dataDir());
        m_actor = m_authorization.isEmpty() ? QStringLiteral("service") : QStringLiteral("admin");
        return true;
    }

    // /api/auth/me of a new user with this role, created through the API and signed in (what
    // a console signed in as that user reads its permissions from); empty when refused.
    QJsonObject meOfNewUser(const QString &username, const QString &role)
    {
        const QString password = QStringLiteral("Pw-") + username + QStringLiteral("-correct-horse-9");
        const HttpResult created = api("POST", QStringLiteral("/api/users"),
                                       QJsonObject { { QStringLiteral("username"), username },
                                                     { QStringLiteral("password"), password },
                                                     { QStringLiteral("role"), role },
                                                     { QStringLiteral("must_change_password"), false } });
        const HttpResult login = http("POST", base() + QStringLiteral("/api/auth/login"),
                                      compact({ { QStringLiteral("username"), username }, { QStringLiteral("password"), password } }),
                                      { { "Content-Type", "application/json" } });
        if (created.status != 201 || login.status != 200) {
            qWarning("new user %s: HTTP %d / %d", qPrintable(username), created.status, login.status);
            return {};
        }
        const QByteArray token = login.json().value(QStringLiteral("token")).toString().toUtf8();
        return http("GET", base() + QStringLiteral("/api/auth/me"), {}, { { "Authorization", "Bearer " + token } }).json();
    }

    // An SQLite system over a file of the test folder; 0 when refused.
    qint64 createSqliteSystem(const QString &name, const QString &file, const QByteArray &requestId = {})
    {
        return create(QStringLiteral("/api/systems"),
                      { { QStringLiteral("name"), name },
                        { QStringLiteral("kind"), QStringLiteral("sqlite") },
                        { QStringLiteral("settings"), QJsonObject { { QStringLiteral("path"), m_dir.filePath(file) } } } },
                      requestId);
    }

    static void makeSqlite(const QString &path, const QStringList &statements)
    {
        db::Database database(db::DatabaseUrl::parse(QStringLiteral("sqlite://") + path));
        for (const QString &statement : statements)
            database.execDirect(statement, "preparing a test database");
        database.closeThreadConnection();
    }

    static qint64 count(const QString &path, const QString &table)
    {
        db::Database database(db::DatabaseUrl::parse(QStringLiteral("sqlite://") + path));
        QSqlQuery query = database.prepare(QStringLiteral("SELECT COUNT(*) FROM ") + table);
        database.exec(query, "counting rows");
        const qint64 n = query.next() ? query.value(0).toLongLong() : -1;
        query.finish();
        database.closeThreadConnection();
        return n;
    }

    QJsonObject pairBody(const QString &name, qint64 source, qint64 target,
                         const QString &sourceEntity) const
    {
        const QJsonObject entity {
            { QStringLiteral("name"), QStringLiteral("parcel") },
            { QStringLiteral("source"),
              QJsonObject { { QStringLiteral("entity"), sourceEntity },
                            { QStringLiteral("key"), QJsonArray { QStringLiteral("id") } } } },
            { QStringLiteral("target"),
              QJsonObject {
                  { QStringLiteral("entity"), QStringLiteral("parcel_copy") },
                  { QStringLiteral("key"), QJsonArray { QStringLiteral("source_id") } } } },
            { QStringLiteral("mapping"),
              QJsonObject { { QStringLiteral("fields"),
                              QJsonArray { field("source_id", "id"), field("name", "name"),
                                           field("value", "value") } } } },
            { QStringLiteral("validation"),
              QJsonArray { QJsonObject { { QStringLiteral("field"), QStringLiteral("value") },
                                         { QStringLiteral("rule"), QStringLiteral("min_value") },
                                         { QStringLiteral("value"), 0 } } } },
        };
        return { { QStringLiteral("name"), name },
                 { QStringLiteral("source_system_id"), source },
                 { QStringLiteral("target_system_id"), target },
                 { QStringLiteral("mode"), QStringLiteral("hash") },
                 { QStringLiteral("invalid_rows"), QStringLiteral("quarantine") },
                 { QStringLiteral("entities"), QJsonArray { entity } } };
    }
};

} // namespace tf::test
