#include "noderegistration.h"

#include "common/databasestate.h"
#include "common/servicecontext.h"
#include "core/config.h"
#include "core/errors.h"
#include "tfversion.h"

#include <QCoreApplication>
#include <QHostInfo>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcNodes, "service.nodes")

namespace tf {

int NodeRegistration::heartbeatMsFromConfig(const Config &config)
{
    const QString key = QStringLiteral("node/heartbeat_ms");
    if (!config.contains(key) || config.string(key).trimmed().isEmpty())
        return 10000;
    return config.integer(key, 100, 3600000);
}

db::ServiceNodeRecord NodeRegistration::describe(const QString &service,
                                                 const ServiceContext &context, bool tls,
                                                 quint16 port)
{
    db::ServiceNodeRecord node;
    node.service = service;
    node.nodeId = context.nodeId;
    node.host = QHostInfo::localHostName();
    node.pid = QCoreApplication::applicationPid();
    node.version = QStringLiteral(TF_VERSION_STRING);
    node.supervisor = qEnvironmentVariable(kSupervisorVariable);
    node.heartbeatMs = heartbeatMsFromConfig(context.config);
    // Listening on every address: the host name is how the others reach it.
    const QHostAddress &bind = context.bindAddress;
    QString address = bind == QHostAddress::Any || bind == QHostAddress::AnyIPv4
            || bind == QHostAddress::AnyIPv6
        ? node.host
        : bind.toString();
    if (bind.protocol() == QAbstractSocket::IPv6Protocol && address == bind.toString())
        address = QLatin1Char('[') + address + QLatin1Char(']');
    node.url = QStringLiteral("%1://%2:%3")
                   .arg(tls ? QStringLiteral("https") : QStringLiteral("http"), address)
                   .arg(port);
    return node;
}

NodeRegistration::NodeRegistration(const DatabaseState &database, db::ServiceNodeRecord node,
                                   QObject *parent)
    : QObject(parent)
    , m_database(database)
    , m_node(std::move(node))
{
    if (!m_node.startedAt.isValid())
        m_node.startedAt = QDateTime::currentDateTimeUtc();
    m_timer.setInterval(m_node.heartbeatMs);
    connect(&m_timer, &QTimer::timeout, this, &NodeRegistration::tick);
    connect(&database, &DatabaseState::opened, this, &NodeRegistration::tick);
}

NodeRegistration::~NodeRegistration()
{
    stop();
}

void NodeRegistration::start()
{
    m_stopped = false;
    m_timer.start();
    tick();
}

void NodeRegistration::stop()
{
    if (m_stopped || !m_timer.isActive())
        return;
    m_stopped = true;
    m_timer.stop();
    if (!m_registered || !m_database.isOpen())
        return;
    try {
        db::ServiceNodeRepository(m_database.database().database())
            .markStopped(m_node.service, m_node.nodeId, QDateTime::currentDateTimeUtc());
        qCInfo(lcNodes).noquote() << m_node.service << "node" << m_node.nodeId << "stopped";
    } catch (const Error &error) {
        // It shows as stale after three intervals instead: still true, only less precise.
        qCWarning(lcNodes).noquote() << "node not marked stopped:" << error.message();
    }
}

void NodeRegistration::tick()
{
    if (m_stopped || !m_database.isOpen())
        return;
    try {
        db::ServiceNodeRepository nodes(m_database.database().database());
        if (m_registered
            && nodes.heartbeat(m_node.service, m_node.nodeId, QDateTime::currentDateTimeUtc())) {
            m_failing = false;
            return;
        }
        // First time, or the row went away (pruned while this node could not write).
        const QDateTime now = QDateTime::currentDateTimeUtc();
        const int pruned = nodes.prune(now.addDays(-kKeepDays));
        nodes.registerNode(m_node);
        if (!m_registered)
            qCInfo(lcNodes).noquote()
                << m_node.service << "node" << m_node.nodeId << "registered"
                << (pruned > 0 ? QStringLiteral("(%1 old nodes pruned)").arg(pruned) : QString());
        m_registered = true;
        m_failing = false;
    } catch (const Error &error) {
        failed(m_registered ? QStringLiteral("heartbeat") : QStringLiteral("registration"),
               error.message());
    }
}

void NodeRegistration::failed(const QString &what, const QString &message)
{
    // One warning per run of failures, not one every heartbeat while the database is away.
    if (!m_failing)
        qCWarning(lcNodes).noquote() << "node" << what << "not written, tried again in"
                                     << m_node.heartbeatMs << "ms:" << message;
    m_failing = true;
}

} // namespace tf
