#pragma once

#include "settings/displaysettings.h"

#include <QObject>
#include <QSet>
#include <QString>

class QSystemTrayIcon;
class QWidget;

namespace tf::console {

class ChangePoller;
class GatewayClient;

// Tray notifications for a failed operation and a growing quarantine, while the console's
// window is hidden or minimised and the event's switch (Settings → Notifications) is on.
// Follows the change feed: a sync_operation change reads the newest failed operations
// (GET /api/sync-operations?status=failed), a quarantine_entry change the open total
// (GET /api/quarantine/summary); a feed reload reads both. The first read only learns what
// is there, so old failures never notify. notified() carries each notification sent; the
// tray shows it where a system tray exists.
class EventNotifier final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EventNotifier)

public:
    static constexpr int FailedPageSize = 50;

    EventNotifier(GatewayClient *client, ChangePoller *poller, QWidget *window,
                  QObject *parent = nullptr);

    // The open quarantine total last read; -1 before the first read.
    qint64 openQuarantine() const { return m_open; }
    // Both first reads answered: from now on a new failure or growth notifies.
    bool hasBaseline() const { return m_failedKnown && m_open >= 0; }
    // Whether this failed operation has been read (notified or not).
    bool knowsFailure(qint64 operationId) const { return m_failedSeen.contains(operationId); }

signals:
    void notified(tf::console::DisplaySettings::Event event, const QString &title,
                  const QString &text);

private:
    void readFailedOperations();
    void readQuarantine();
    void notify(DisplaySettings::Event event, const QString &title, const QString &text);

    GatewayClient *m_client;
    QWidget *m_window;
    QSystemTrayIcon *m_tray = nullptr;
    QSet<qint64> m_failedSeen;
    bool m_failedKnown = false; // the first read is the baseline
    bool m_failedReading = false;
    bool m_failedAgain = false;
    qint64 m_open = -1;
    bool m_quarantineReading = false;
    bool m_quarantineAgain = false;
};

} // namespace tf::console
