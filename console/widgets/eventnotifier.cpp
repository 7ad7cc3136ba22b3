#include "eventnotifier.h"

#include "client/apierror.h"
#include "client/changepoller.h"
#include "client/gatewayclient.h"

#include <QApplication>
#include <QJsonArray>
#include <QJsonObject>
#include <QStyle>
#include <QSystemTrayIcon>
#include <QUrlQuery>
#include <QWidget>

namespace tf::console {

EventNotifier::EventNotifier(GatewayClient *client, ChangePoller *poller, QWidget *window,
                             QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_window(window)
{
    connect(poller, &ChangePoller::changed, this,
            [this](const QString &type, const QString &, const QString &) {
                if (type == QLatin1String("sync_operation"))
                    readFailedOperations();
                else if (type == QLatin1String("quarantine_entry"))
                    readQuarantine();
            });
    connect(poller, &ChangePoller::reloadAll, this, [this] {
        readFailedOperations();
        readQuarantine();
    });
    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        m_tray = new QSystemTrayIcon(
            QApplication::windowIcon().isNull()
                ? QApplication::style()->standardIcon(QStyle::SP_MessageBoxWarning)
                : QApplication::windowIcon(),
            this);
        m_tray->setToolTip(tr("TerraFusion"));
    }
}

void EventNotifier::readFailedOperations()
{
    if (m_failedReading) {
        m_failedAgain = true; // one more after this answer: the change may be newer than it
        return;
    }
    m_failedReading = true;
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("status"), QStringLiteral("failed"));
    query.addQueryItem(QStringLiteral("limit"), QString::number(FailedPageSize));
    m_client->list(
        QStringLiteral("/api/sync-operations"), query, this,
        [this](const QJsonArray &items, const ApiResult &last) {
            m_failedReading = false;
            if (last.ok()) {
                QStringList fresh;
                for (const QJsonValue &value : items) {
                    const QJsonObject operation = value.toObject();
                    const qint64 id = operation.value(QLatin1String("id")).toInteger(-1);
                    if (m_failedSeen.contains(id))
                        continue;
                    m_failedSeen.insert(id);
                    if (!m_failedKnown)
                        continue;
                    const QString error = operation.value(QLatin1String("error"))
                                              .toObject()
                                              .value(QLatin1String("message"))
                                              .toString();
                    fresh << (error.isEmpty()
                                  ? tr("Operation %1 of pair %2")
                                        .arg(id)
                                        .arg(operation.value(QLatin1String("pair_id")).toInteger())
                                  : tr("Operation %1 of pair %2: %3")
                                        .arg(id)
                                        .arg(operation.value(QLatin1String("pair_id")).toInteger())
                                        .arg(error));
                }
                m_failedKnown = true;
                if (!fresh.isEmpty())
                    notify(DisplaySettings::Event::OperationFailed,
                           tr("%n operation(s) failed", nullptr, int(fresh.size())),
                           fresh.join(QLatin1Char('\n')));
            }
            if (m_failedAgain) {
                m_failedAgain = false;
                readFailedOperations();
            }
        },
        1);
}

void EventNotifier::readQuarantine()
{
    if (m_quarantineReading) {
        m_quarantineAgain = true;
        return;
    }
    m_quarantineReading = true;
    m_client->get(QStringLiteral("/api/quarantine/summary"), this, [this](const ApiResult &result) {
        m_quarantineReading = false;
        if (result.ok()) {
            const qint64 open = result.object().value(QLatin1String("open")).toInteger();
            // Only growth notifies: replays and discards shrink the total.
            if (m_open >= 0 && open > m_open)
                notify(DisplaySettings::Event::QuarantineGrew,
                       tr("%n more row(s) quarantined", nullptr, int(open - m_open)),
                       tr("%n open quarantined row(s) in all.", nullptr, int(open)));
            m_open = open;
        }
        if (m_quarantineAgain) {
            m_quarantineAgain = false;
            readQuarantine();
        }
    });
}

void EventNotifier::notify(DisplaySettings::Event event, const QString &title, const QString &text)
{
    // The events are still read while the window shows, so that a later hide does not
    // report what the user has already seen.
    if (!m_window->isHidden() && !m_window->isMinimized())
        return;
    if (!DisplaySettings::instance()->notifies(event))
        return;
    emit notified(event, title, text);
    if (m_tray) {
        m_tray->show();
        m_tray->showMessage(title, text, QSystemTrayIcon::Warning);
    }
}

} // namespace tf::console
