#include "changepoller.h"

#include "gatewayclient.h"

#include <QJsonArray>
#include <QUrlQuery>

namespace tf::console {

ChangePoller::ChangePoller(GatewayClient *client, QObject *parent)
    : QObject(parent)
    , m_client(client)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &ChangePoller::poll);
}

void ChangePoller::setInterval(int ms)
{
    m_intervalMs = qMax(10, ms);
    if (m_running && m_failures == 0 && m_timer.isActive())
        m_timer.start(m_intervalMs); // not during a back-off: that waits for the gateway
}

void ChangePoller::setBackoff(int firstMs, int maxMs)
{
    m_firstBackoffMs = qMax(10, firstMs);
    m_maxBackoffMs = qMax(m_firstBackoffMs, maxMs);
}

QString ChangePoller::stateName(ConnectionState state)
{
    switch (state) {
    case ConnectionState::Connected:
        return tr("Connected");
    case ConnectionState::Reconnecting:
        return tr("Reconnecting");
    case ConnectionState::Offline:
        break;
    }
    return tr("Offline");
}

void ChangePoller::start()
{
    if (m_running)
        return;
    m_running = true;
    m_failures = 0;
    poll();
}

void ChangePoller::stop()
{
    m_running = false;
    m_inFlight = false;
    ++m_generation;
    m_timer.stop();
    setState(ConnectionState::Offline);
}

void ChangePoller::pollNow()
{
    if (m_running && !m_inFlight) {
        m_timer.stop();
        poll();
    }
}

void ChangePoller::poll()
{
    if (!m_running || m_inFlight)
        return;
    m_inFlight = true;
    QUrlQuery query;
    if (!m_cursor.isEmpty())
        query.addQueryItem(QStringLiteral("cursor"), m_cursor);
    const quint64 generation = m_generation;
    m_client->get(QStringLiteral("/api/changes"), query, this, [this, generation](const ApiResult &result) {
        if (generation != m_generation)
            return;
        m_inFlight = false;
        answered(result);
    });
}

int ChangePoller::backoffMs() const
{
    qint64 ms = m_firstBackoffMs;
    for (int i = 1; i < m_failures && ms < m_maxBackoffMs; ++i)
        ms *= 2;
    return int(qMin<qint64>(ms, m_maxBackoffMs));
}

void ChangePoller::answered(const ApiResult &result)
{
    if (!m_running)
        return;
    if (!result.ok()) {
        // A cursor the gateway no longer knows (a new database): start over with a reload.
        if (result.status == 400 && result.error.code == QLatin1String("invalid_parameter"))
            m_cursor.clear();
        ++m_failures;
        setState(m_failures >= OfflineAfterFailures ? ConnectionState::Offline : ConnectionState::Reconnecting);
        m_timer.start(backoffMs());
        return;
    }
    m_failures = 0;
    const QJsonObject page = result.object();
    const QJsonValue next = page.value(QStringLiteral("next_cursor"));
    if (next.isString())
        m_cursor = next.toString();
    m_lastUpdate = QDateTime::currentDateTimeUtc();
    setState(ConnectionState::Connected);
    for (const QJsonValue &value : page.value(QStringLiteral("items")).toArray()) {
        const QJsonObject item = value.toObject();
        const QString type = item.value(QStringLiteral("resource_type")).toString();
        const QString action = item.value(QStringLiteral("action")).toString();
        if (type == QLatin1String("*") && action == QLatin1String("reload")) {
            emit reloadAll();
            continue;
        }
        const QJsonValue id = item.value(QStringLiteral("resource_id"));
        emit changed(type, id.isDouble() ? QString::number(id.toInteger()) : id.toString(), action);
    }
    emit updated(m_lastUpdate);
    m_timer.start(m_intervalMs);
}

void ChangePoller::setState(ConnectionState state)
{
    if (m_state == state)
        return;
    m_state = state;
    emit connectionStateChanged(state);
}

} // namespace tf::console
