#pragma once

#include "connection.h"

#include <QString>
#include <memory>

namespace tf::db {

// What the services hold: the control database, opened, reachable and migrated.
class ControlDatabase final
{
    Q_DISABLE_COPY_MOVE(ControlDatabase)
public:
    struct Readiness
    {
        bool ready = false;
        QString reason; // empty when ready
        qint64 latencyMs = -1; // of SELECT 1; -1 when unreachable
        int schemaVersion = 0;
        int latestVersion = 0;
        QString backend; // "postgres" or "sqlite"
    };

    // Parses the URL, opens a connection on the calling thread and (by default) applies
    // pending migrations. Throws tf::Error: Validation (bad URL), Unavailable (cannot open),
    // Conflict (schema newer than this binary).
    static std::unique_ptr<ControlDatabase> open(const QString &url, bool migrate = true);
    static std::unique_ptr<ControlDatabase> open(const DatabaseUrl &url, bool migrate = true);

    Database &database() { return *m_database; }
    const Database &database() const { return *m_database; }

    // Two cheap queries on the calling thread's connection (SELECT 1, max schema version);
    // never throws. Safe to call from the HTTP thread every few seconds.
    Readiness checkReady() const;

private:
    explicit ControlDatabase(const DatabaseUrl &url);

    std::unique_ptr<Database> m_database;
    int m_latestVersion = 0;
};

} // namespace tf::db
