#pragma once

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QObject>

namespace tf::console {

class GatewayClient;

// The counters of the sync pairs list, read for every pair at once instead of one request per
// pair: the open quarantine (GET /api/quarantine/summary) and the backlog, the queued and the
// running operations (GET /api/sync-operations?status=queued / running). decorate() puts them
// into a pair's JSON as open_quarantine and backlog {queued, running, overdue}, where overdue
// means an enabled pair whose next_run_at passed more than a minute ago without a run queued
// or running. A read starts only when the previous one has answered.
class PairCounters final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PairCounters)

public:
    static constexpr qint64 OverdueGraceSeconds = 60;

    explicit PairCounters(GatewayClient *client, QObject *parent = nullptr);

    // Reads the three lists; `updated` once all have answered (ok false when one failed).
    void refresh();
    bool hasRead() const { return m_read; }
    QJsonObject decorate(QJsonObject pair,
                         const QDateTime &now = QDateTime::currentDateTimeUtc()) const;

signals:
    void updated(bool ok);

private:
    void finishRead();

    GatewayClient *m_client;
    bool m_reading = false;
    bool m_again = false; // a refresh was asked while reading
    bool m_read = false;
    int m_pending = 0;
    bool m_ok = true;
    QHash<qint64, qint64> m_open;
    QHash<qint64, int> m_queued;
    QHash<qint64, int> m_running;
    QHash<qint64, qint64> m_nextOpen;
    QHash<qint64, int> m_nextQueued;
    QHash<qint64, int> m_nextRunning;
};

} // namespace tf::console
