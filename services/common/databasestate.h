#pragma once

#include "db/controldatabase.h"
#include "db/databaseurl.h"

#include <QMutex>
#include <QObject>
#include <QString>
#include <QThread>

#include <memory>

namespace tf {

class DatabaseMonitor;

// The control database as a running service sees it. The URL is checked at once (a bad URL
// is a start-up error), but an unreachable server is not fatal: the service keeps running,
// answers /health/ready with 503 and the reason, and keeps trying to connect and migrate.
// Connecting and probing happen on a monitor thread, so a database host that does not answer
// never stalls the HTTP thread; readiness() returns the monitor's latest finding.
class DatabaseState final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DatabaseState)

public:
    // Throws tf::Error(Validation) when the URL cannot be parsed.
    DatabaseState(const QString &url, bool migrate, QObject *parent = nullptr);
    ~DatabaseState() override;

    // Starts the monitor: first attempt at once, then a probe every intervalMs.
    void start(int intervalMs = 2000);

    bool isOpen() const;
    const db::DatabaseUrl &url() const { return m_url; }
    QString lastError() const;

    // The open database, for use on the calling thread (each thread gets its own connection).
    // Throws tf::Error(Unavailable) naming the reason while it is not open.
    db::ControlDatabase &database() const;
    // The latest probe: answers, schema current, latency. Never blocks on the network.
    db::ControlDatabase::Readiness readiness() const;

Q_SIGNALS:
    void opened();

private:
    friend class DatabaseMonitor;
    void publish(std::unique_ptr<db::ControlDatabase> database, const db::ControlDatabase::Readiness &readiness);

    db::DatabaseUrl m_url;
    bool m_migrate = true;
    mutable QMutex m_mutex;
    std::unique_ptr<db::ControlDatabase> m_database;
    db::ControlDatabase::Readiness m_readiness;
    QThread m_thread;
    DatabaseMonitor *m_monitor = nullptr;
};

} // namespace tf
