#include "controldatabase.h"

#include "core/errors.h"
#include "core/logging.h"
#include "migrator.h"

#include <QElapsedTimer>
#include <QRegularExpression>

namespace tf::db {

ControlDatabase::ControlDatabase(const DatabaseUrl &url)
    : m_database(std::make_unique<Database>(url))
    , m_latestVersion(Migrator::latestKnownVersion(m_database->dialect()))
{ }

std::unique_ptr<ControlDatabase> ControlDatabase::open(const QString &url, bool migrate)
{
    return open(DatabaseUrl::parse(url), migrate);
}

std::unique_ptr<ControlDatabase> ControlDatabase::open(const DatabaseUrl &url, bool migrate)
{
    std::unique_ptr<ControlDatabase> control(new ControlDatabase(url));
    control->m_database->connection(); // fail now, with one clear error, if unreachable
    if (migrate) {
        Migrator migrator(*control->m_database);
        const int applied = migrator.migrate();
        qCInfo(lcDb, "control database %s ready (%d migration(s) applied)",
               qPrintable(url.redacted()), applied);
    }
    return control;
}

ControlDatabase::Readiness ControlDatabase::checkReady() const
{
    Readiness readiness;
    readiness.backend = m_database->dialect().name();
    readiness.latestVersion = m_latestVersion;
    try {
        QElapsedTimer timer;
        timer.start();
        QSqlQuery ping(m_database->connection());
        if (!ping.exec(QStringLiteral("SELECT 1")))
            m_database->raise(ping, "checking the connection");
        readiness.latencyMs = timer.elapsed();
        readiness.schemaVersion = Migrator::currentVersion(*m_database);
    } catch (const Error &error) {
        readiness.latencyMs = -1;
        QString message = error.message();
        message.remove(QRegularExpression(QStringLiteral("^database unavailable: ")));
        readiness.reason = QStringLiteral("database unreachable: ") + message;
        return readiness;
    }
    if (readiness.schemaVersion != m_latestVersion) {
        readiness.reason = QStringLiteral("schema at version %1, expected %2")
                               .arg(readiness.schemaVersion)
                               .arg(m_latestVersion);
        return readiness;
    }
    readiness.ready = true;
    return readiness;
}

} // namespace tf::db
