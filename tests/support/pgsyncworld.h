#pragma once

// The world of an engine test against real PostgreSQL: one scratch database holding a source
// and a target schema with a PostgresConnector on each, plus an SQLite control database in a
// temporary folder and its quarantine. In initTestCase:
//     m_url = tf::test::createScratchPostgresDatabase(u"tfxyz"_s);
//     TF_REQUIRE_POSTGRES(m_url);
//     QVERIFY(m_world.open(m_url, kSrc, kDst));
// and m_world.close() in cleanupTestCase (connectors before the database they point at).
#include "db/connection.h"
#include "db/controldatabase.h"
#include "sync/connectors/postgresconnector.h"
#include "sync/engine/quarantinestore.h"

#include <QTemporaryDir>

#include <memory>

namespace tf::test {

struct PgSyncWorld
{
    QTemporaryDir dir;
    std::unique_ptr<tf::db::Database> admin;
    std::unique_ptr<tf::sync::PostgresConnector> src;
    std::unique_ptr<tf::sync::PostgresConnector> dst;
    std::unique_ptr<tf::db::ControlDatabase> control;
    std::unique_ptr<tf::sync::QuarantineStore> quarantine;

    // Creates both schemas (quoted identifiers) and opens everything; false when the
    // temporary folder cannot be made.
    bool open(const QString &url, const QString &sourceSchema, const QString &targetSchema)
    {
        if (!dir.isValid())
            return false;
        admin = std::make_unique<tf::db::Database>(tf::db::DatabaseUrl::parse(url));
        for (const QString &schema : { sourceSchema, targetSchema })
            admin->execDirect(QStringLiteral("CREATE SCHEMA \"%1\"").arg(schema), "test setup");
        src = connector(url, sourceSchema);
        dst = connector(url, targetSchema);
        control = tf::db::ControlDatabase::open(dir.filePath(QStringLiteral("control.db")));
        quarantine = std::make_unique<tf::sync::QuarantineStore>(control->database());
        return true;
    }

    void close()
    {
        quarantine.reset();
        control.reset();
        dst.reset();
        src.reset();
        admin.reset();
    }

    static std::unique_ptr<tf::sync::PostgresConnector> connector(const QString &url, const QString &schema)
    {
        return std::make_unique<tf::sync::PostgresConnector>(tf::sync::SystemSettings {
            QStringLiteral("postgres"), { { QStringLiteral("url"), url }, { QStringLiteral("schema"), schema } }, {} });
    }
};

} // namespace tf::test
