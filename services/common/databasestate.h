#pragma once

#include "db/controldatabase.h"
#include "db/databaseurl.h"

#include <QObject>
#include <QString>
#include <QTimer>

#include <memory>

namespace tf {

// The control database as a running service sees it: the URL is checked at once (a bad URL
// is a start-up error), but an unreachable server is not fatal. The service keeps running,
// answers /health/ready with 503 and the reason, and retries connecting and migrating until
// it succeeds.
class DatabaseState final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DatabaseState)

public:
    // Throws tf::Error(Validation) when the URL cannot be parsed.
    DatabaseState(const QString &url, bool migrate, QObject *parent = nullptr);
    ~DatabaseState() override;

    // First attempt now; on failure retries every retryMs.
    void start(int retryMs = 2000);

    bool isOpen() const { return m_database != nullptr; }
    const db::DatabaseUrl &url() const { return m_url; }
    QString lastError() const { return m_lastError; }

    // The open database; throws tf::Error(Unavailable) naming the reason while it is not.
    db::ControlDatabase &database() const;
    // Cheap check for health probes: answers, schema current, latency.
    db::ControlDatabase::Readiness readiness() const;

Q_SIGNALS:
    void opened();

private:
    void attempt();

    db::DatabaseUrl m_url;
    bool m_migrate = true;
    std::unique_ptr<db::ControlDatabase> m_database;
    QString m_lastError;
    QTimer m_retry;
    bool m_loggedFailure = false;
};

} // namespace tf
