#include "monitoringservice.h"

#include "alertengine.h"
#include "alertscontroller.h"
#include "cdclatency.h"
#include "metricscollector.h"
#include "webhooknotifier.h"

#include "common/databasestate.h"
#include "common/servicecontext.h"
#include "core/errors.h"

#include <QHostInfo>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcMonitoringService, "monitoring.service")

namespace tf::syncd {

MonitoringService::MonitoringService(const ServiceContext &context, DatabaseState &database,
                                     HostMetrics &hostMetrics, const http::RequestStats &requests,
                                     const SecretBox *secrets, QObject *parent)
    : QObject(parent)
    , m_settings(MonitoringSettings::fromConfig(context.config))
    , m_nodeId(context.nodeId)
    , m_database(database)
    , m_engine(std::make_unique<AlertEngine>(m_settings.thresholds, context.nodeId))
    , m_controller(std::make_unique<AlertsController>(database))
{
    m_thread.setObjectName(QStringLiteral("monitoring"));
    if (!m_settings.webhookUrl.isEmpty()) {
        m_webhook = new WebhookNotifier(m_settings.webhookUrl, m_settings.webhookTimeoutMs, m_nodeId);
        m_webhook->moveToThread(&m_thread);
        WebhookNotifier *webhook = m_webhook;
        m_engine->setNotifier([webhook](const QString &event, const db::AlertRecord &alert) { webhook->send(event, alert); });
    }
    // Host figures belong to the host: the alert source is its name, so a restarted node
    // (a new node id) resolves the alerts its predecessor raised.
    m_collector = new MetricsCollector(m_settings, m_nodeId, QHostInfo::localHostName(), database, hostMetrics,
                                       requests, *m_engine, [this](const MonitoringSnapshot &s) { publish(s); },
                                       secrets);
    m_collector->moveToThread(&m_thread);
}

MonitoringService::~MonitoringService()
{
    stop();
    delete m_collector; // the thread has ended: nothing else touches them
    delete m_webhook;
}

void MonitoringService::start()
{
    if (m_started)
        return;
    m_started = true;
    m_thread.start();
    QMetaObject::invokeMethod(m_collector, [collector = m_collector] { collector->start(); }, Qt::QueuedConnection);
    qCInfo(lcMonitoringService).noquote()
        << QStringLiteral("monitoring: a sample every %1 ms, raw samples kept %2 h, hourly averages %3 days; webhook %4")
               .arg(m_settings.sampleIntervalMs)
               .arg(m_settings.rawRetentionHours)
               .arg(m_settings.hourlyRetentionDays)
               .arg(m_settings.webhookUrl.isEmpty() ? QStringLiteral("none") : WebhookNotifier::displayUrl(m_settings.webhookUrl));
}

void MonitoringService::stop()
{
    if (!m_thread.isRunning())
        return;
    QMetaObject::invokeMethod(m_collector, [collector = m_collector] { collector->stop(); }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

std::function<void(const QString &, const QString &, const QJsonObject &)> MonitoringService::alertHook()
{
    return [this](const QString &rule, const QString &message, const QJsonObject &details) {
        try {
            m_engine->raiseEvent(m_database.database().database(), rule, message, details);
        } catch (const Error &error) {
            qCWarning(lcMonitoringService).noquote()
                << "alert" << rule << "not stored:" << error.message() << "-" << message;
        }
    };
}

void MonitoringService::pairDeleted(qint64 pairId)
{
    CdcLatency::instance().forget(pairId);
    try {
        m_engine->resolveDeletedPair(m_database.database().database(), pairId);
    } catch (const Error &error) {
        qCWarning(lcMonitoringService).noquote()
            << "the alerts of deleted sync pair" << pairId << "stay open until the next sample:"
            << error.message();
    }
}

void MonitoringService::registerRoutes(http::Router &router)
{
    m_controller->registerRoutes(router);
}

MonitoringSnapshot MonitoringService::snapshot() const
{
    QMutexLocker lock(&m_mutex);
    return m_snapshot;
}

void MonitoringService::publish(const MonitoringSnapshot &snapshot)
{
    QMutexLocker lock(&m_mutex);
    m_snapshot = snapshot;
}

} // namespace tf::syncd
