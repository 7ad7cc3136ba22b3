#pragma once

#include "db/repositories/servicenoderepository.h"

#include <QDateTime>
#include <QObject>
#include <QTimer>

namespace tf {

class Config;
class DatabaseState;
struct ServiceContext;

// Keeps this process's row in the node registry (service_nodes) that GET /api/services lists:
// written when the control database is there, heartbeat_at refreshed every [node] heartbeat_ms,
// stopped_at set by stop(). A failed write is a warning and is tried again on the next tick,
// never fatal: the registry is for people looking at the Services page, not for the sync itself.
class NodeRegistration final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NodeRegistration)

public:
    // The environment variable a supervising gateway hands its tf-syncd: the gateway's node id.
    static constexpr const char *kSupervisorVariable = "TF_SUPERVISOR_NODE";
    // Rows stopped (or silent) for longer than this are pruned when a node registers.
    static constexpr int kKeepDays = 7;

    // [node] heartbeat_ms (default 10000); throws tf::Error(Validation) when out of range.
    static int heartbeatMsFromConfig(const Config &config);
    // This process as a registry row: the context's node id, the host name, pid, version,
    // [node] heartbeat_ms, the URL it listens on and the supervising gateway (from
    // kSupervisorVariable). Throws tf::Error(Validation) for a bad heartbeat_ms.
    static db::ServiceNodeRecord describe(const QString &service, const ServiceContext &context,
                                          bool tls, quint16 port);

    // node: service, nodeId, host, pid, url, version, supervisor and heartbeatMs filled in.
    NodeRegistration(const DatabaseState &database, db::ServiceNodeRecord node,
                     QObject *parent = nullptr);
    ~NodeRegistration() override;

    void start(); // registers at once if the database is open, else when it opens
    void stop(); // marks the row stopped (once); the timer stops

    const db::ServiceNodeRecord &node() const { return m_node; }

private:
    void tick();
    void failed(const QString &what, const QString &message);

    const DatabaseState &m_database;
    db::ServiceNodeRecord m_node;
    QTimer m_timer;
    bool m_registered = false;
    bool m_stopped = false;
    bool m_failing = false;
};

} // namespace tf
