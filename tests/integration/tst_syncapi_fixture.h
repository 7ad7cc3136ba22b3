#pragma once

// The sync API in process: a DatabaseState over a temporary SQLite file or a scratch
// PostgreSQL database, the routes of registerSyncApi in a real ApiServer on a loopback port,
// and the demo data (PACS source generated, CAMA target schema) in a temporary folder.
// Every answer is kept so a test can search all of them for a secret.
#include "common/apiserver.h"
#include "common/databasestate.h"
#include "common/requeststats.h"
#include "core/secretbox.h"
#include "db/connection.h"
#include "db/databaseurl.h"
#include "db/sqlscript.h"
#include "sync/demo/pacsdemogenerator.h"
#include "syncd/controllers/syncapi.h"
#include "testsupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

inline void initSyncApiDemoResources()
{
    Q_INIT_RESOURCE(demo); // tfcore is a static library
}

namespace tf::test {

enum class Backend { Sqlite, Postgres };

inline QString backendName(Backend backend)
{
    return backend == Backend::Sqlite ? QStringLiteral("sqlite") : QStringLiteral("postgres");
}

inline QString describe(const HttpResult &result)
{
    return QStringLiteral("HTTP %1 %2 %3")
        .arg(result.status)
        .arg(QString::fromUtf8(result.body.left(2000)), result.error);
}

class SyncApiFixture final
{
public:
    // Empty when the backend is not available (PostgreSQL without TF_TEST_PG_URL).
    QString controlUrl(Backend backend) const
    {
        if (backend == Backend::Sqlite)
            return QStringLiteral("sqlite://") + m_dir.filePath(QStringLiteral("control.db"));
        return createScratchPostgresDatabase(QStringLiteral("tfapi"));
    }

    // Opens the control database (migrated), then serves the sync API on a free port.
    bool start(const QString &url)
    {
        m_database = std::make_unique<DatabaseState>(url, true);
        QSignalSpy opened(m_database.get(), &DatabaseState::opened);
        m_database->start(200);
        if (!m_database->isOpen() && !opened.wait(20000))
            return false;
        m_secrets = std::make_unique<SecretBox>(QByteArray(SecretBox::kKeySize, 'k'));
        http::Router router;
        syncd::registerSyncApi(
            router,
            syncd::SyncApiDependencies {
                *m_database, *m_secrets, {}, [this] { ++m_wakes; }, QStringLiteral("test-node") });
        m_stats = std::make_unique<http::RequestStats>();
        m_server = std::make_unique<http::ApiServer>(QStringLiteral("tf-syncd"), std::move(router),
                                                     http::HttpLimits {}, *m_stats);
        m_port = m_server->listen(QHostAddress::LocalHost, 0);
        return true;
    }

    void stop()
    {
        m_server.reset(); // drains the background jobs
        m_database.reset();
    }

    using Headers = QList<QPair<QByteArray, QByteArray>>;

    QString baseUrl() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_port); }

    HttpResult call(const QByteArray &method, const QString &path, const QByteArray &body = {},
                    const Headers &headers = {})
    {
        HttpResult result = http(
            method, QStringLiteral("http://127.0.0.1:%1%2").arg(m_port).arg(path), body, headers, 30000);
        m_answers.append(result.body);
        for (auto it = result.headers.cbegin(); it != result.headers.cend(); ++it)
            m_answers.append(it.value());
        return result;
    }
    HttpResult call(const QByteArray &method, const QString &path, const QJsonObject &body,
                    const Headers &headers = {})
    {
        return call(method, path, QJsonDocument(body).toJson(QJsonDocument::Compact), headers);
    }

    // POST path body; the new resource's id, or 0 (with a warning naming the answer).
    qint64 create(const QString &path, const QJsonObject &body)
    {
        const HttpResult result = call("POST", path, body);
        if (result.status != 201)
            qWarning().noquote() << "POST" << path << "->" << describe(result);
        return result.status == 201 ? result.json().value(QStringLiteral("id")).toInteger() : 0;
    }

    // A system body for a SQLite file.
    static QJsonObject sqliteSystem(const QString &name, const QString &path)
    {
        return { { QStringLiteral("name"), name },
                 { QStringLiteral("kind"), QStringLiteral("sqlite") },
                 { QStringLiteral("settings"), QJsonObject { { QStringLiteral("path"), path } } } };
    }

    // Writes the PACS demo source and an empty CAMA target; returns the demo summary.
    sync::DemoSummary makeDemoSystems(int parcels = 100)
    {
        initSyncApiDemoResources();
        sync::PacsDemoGenerator::Options options;
        options.parcels = parcels;
        options.brokenRows = qMin(options.brokenRows, parcels / 4);
        const sync::DemoSummary summary = sync::PacsDemoGenerator::generate(pacsPath(), options);
        QFile::remove(camaPath());
        QFile schema(QStringLiteral(":/demo/cama_sqlite.sql"));
        if (!schema.open(QIODevice::ReadOnly))
            qFatal("the CAMA demo schema is missing from this build");
        db::Database cama(db::DatabaseUrl::parse(QStringLiteral("sqlite://") + camaPath()));
        for (const QString &statement : db::splitSqlStatements(QString::fromUtf8(schema.readAll())))
            cama.execDirect(statement, "creating the CAMA demo schema");
        cama.closeThreadConnection();
        return summary;
    }

    // The demo pair definition from resources/demo/pairs/<name>.json, for these systems.
    static QJsonObject demoPair(const QString &name, qint64 source, qint64 target)
    {
        initSyncApiDemoResources();
        QFile file(QStringLiteral(":/demo/pairs/%1.json").arg(name));
        if (!file.open(QIODevice::ReadOnly))
            qFatal("demo pair %s is missing from this build", qPrintable(name));
        QJsonObject json = QJsonDocument::fromJson(file.readAll()).object();
        json.insert(QStringLiteral("source_system"), source);
        json.insert(QStringLiteral("target_system"), target);
        return json;
    }

    // Rows of a CAMA table (the target written by the test's sync runs).
    qint64 camaCount(const QString &table, const QString &where = {}) const
    {
        db::Database cama(db::DatabaseUrl::parse(QStringLiteral("sqlite://") + camaPath()));
        QSqlQuery query
            = cama.prepare(QStringLiteral("SELECT COUNT(*) FROM ") + table
                           + (where.isEmpty() ? QString() : QStringLiteral(" WHERE ") + where));
        cama.exec(query, "counting CAMA rows");
        const qint64 count = query.next() ? query.value(0).toLongLong() : -1;
        query.finish();
        cama.closeThreadConnection();
        return count;
    }

    QString pacsPath() const { return m_dir.filePath(QStringLiteral("pacs.db")); }
    QString camaPath() const { return m_dir.filePath(QStringLiteral("cama.db")); }
    QString dirPath() const { return m_dir.path(); }
    db::Database &control() { return m_database->database().database(); }
    const SecretBox &secrets() const { return *m_secrets; }
    const QList<QByteArray> &answers() const { return m_answers; }
    int wakes() const { return m_wakes; }

private:
    QTemporaryDir m_dir;
    std::unique_ptr<DatabaseState> m_database;
    std::unique_ptr<SecretBox> m_secrets;
    std::unique_ptr<http::RequestStats> m_stats;
    std::unique_ptr<http::ApiServer> m_server;
    quint16 m_port = 0;
    QList<QByteArray> m_answers;
    int m_wakes = 0;
};

// JSON helpers for the tests' assertions. Errors are RFC 9457 problem details: the body is
// the problem.
inline QJsonObject errorOf(const HttpResult &result)
{
    return result.json();
}

inline QStringList errorFields(const HttpResult &result)
{
    QStringList fields;
    for (const QJsonValue &entry : errorOf(result).value(QStringLiteral("errors")).toArray())
        fields << entry.toObject().value(QStringLiteral("field")).toString();
    return fields;
}

} // namespace tf::test
