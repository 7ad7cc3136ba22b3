#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QUrl>

namespace tf::ops {

// One synchronous HTTP GET with a deadline, for the operator tools (they run outside an event
// loop). status 0: no answer (error says why).
struct HttpProbe
{
    int status = 0;
    QByteArray body;
    QString error;
    qint64 elapsedMs = 0;
    QJsonObject json() const;
};
HttpProbe httpGet(const QUrl &url, int timeoutMs);

// The state of one part of the platform as `tfctl check` sees it.
struct ComponentHealth
{
    QString name;          // "gateway", "syncd", "database", "disk"
    QString status;        // "healthy", "warning" (disk only), "degraded", "down"
    QString where;         // URL, or the redacted database URL
    qint64 latencyMs = -1; // -1: no answer
    qint64 pid = 0;        // from the answer or the run file; 0 unknown
    QString detail;        // one line for people: how it runs, schema version...
    QString error;         // why it is not healthy
    QJsonObject toJson() const;
};

struct HealthReport
{
    QDateTime checkedAt;
    QList<ComponentHealth> components; // gateway, syncd, database, disk
    // healthy: all healthy (a disk "warning" included). down: the gateway does not answer or
    // the control database cannot be reached, so no request can succeed. degraded: anything in
    // between, a full data directory disk included.
    QString overall;
    // 0 healthy, 1 degraded, 2 down (the `tfctl check` exit code).
    int exitCode() const;
    const ComponentHealth *component(const QString &name) const;
    QJsonObject toJson() const;
};

// Probes the three parts over their open health routes and the database directly:
//   gateway  GET /health/ready  (200 healthy, 503 degraded with its reason, no answer down)
//   syncd    GET /health        (the same)
//   database a connection of its own: reachable and schema current; an SQLite file that does
//            not exist is reported down, never created.
//   disk     the file system of the data directory: used share against the runbook's alert
//            threshold ([alerts] disk_percent, 85): above it "warning" (the exit code stays
//            0: nothing fails yet); no byte left "degraded" (writes fail).
class HealthCheck final
{
public:
    struct Targets
    {
        QUrl gatewayUrl;       // base URL, e.g. http://127.0.0.1:5000
        QUrl syncUrl;          // base URL, e.g. http://127.0.0.1:8080
        QString databaseUrl;
        qint64 gatewayPid = 0; // from the run files, shown when the probe does not say
        qint64 syncPid = 0;
        QString gatewayMode;   // how it runs ("systemd unit tf-gateway.service", ...)
        QString syncMode;
        int timeoutMs = 3000;
        QString dataDir;            // empty: no disk row
        double diskPercent = 85;    // [alerts] disk_percent
    };

    static HealthReport run(const Targets &targets);
    static ComponentHealth probeGateway(const Targets &targets);
    static ComponentHealth probeSync(const Targets &targets);
    static ComponentHealth probeDatabase(const QString &databaseUrl);
    static ComponentHealth probeDisk(const QString &dataDir, double thresholdPercent);
};

} // namespace tf::ops
