#include "paircounters.h"

#include "client/gatewayclient.h"
#include "resourcetablemodel.h"

#include <QJsonArray>
#include <QUrlQuery>

namespace tf::console {

PairCounters::PairCounters(GatewayClient *client, QObject *parent)
    : QObject(parent)
    , m_client(client)
{ }

void PairCounters::refresh()
{
    if (m_reading) {
        m_again = true;
        return;
    }
    m_reading = true;
    m_again = false;
    m_ok = true;
    m_pending = 3;
    m_nextOpen.clear();
    m_nextQueued.clear();
    m_nextRunning.clear();
    m_client->get(QStringLiteral("/api/quarantine/summary"), this, [this](const ApiResult &result) {
        if (result.ok()) {
            for (const QJsonValue &value : result.object().value(QLatin1String("pairs")).toArray())
                m_nextOpen.insert(value.toObject().value(QLatin1String("pair_id")).toInteger(),
                                  value.toObject().value(QLatin1String("open")).toInteger());
        } else {
            m_ok = false;
        }
        finishRead();
    });
    for (const QString &status : { QStringLiteral("queued"), QStringLiteral("running") }) {
        QUrlQuery query;
        query.addQueryItem(QStringLiteral("status"), status);
        query.addQueryItem(QStringLiteral("limit"), QStringLiteral("500"));
        QHash<qint64, int> *counts
            = status == QLatin1String("queued") ? &m_nextQueued : &m_nextRunning;
        m_client->list(
            QStringLiteral("/api/sync-operations"), query, this,
            [this, counts](const QJsonArray &items, const ApiResult &last) {
                if (last.ok()) {
                    for (const QJsonValue &value : items)
                        ++(*counts)[value.toObject().value(QLatin1String("pair_id")).toInteger()];
                } else {
                    m_ok = false;
                }
                finishRead();
            });
    }
}

void PairCounters::finishRead()
{
    if (--m_pending > 0)
        return;
    m_reading = false;
    if (m_ok) { // a failed read keeps the last counts rather than showing zeros
        m_open = m_nextOpen;
        m_queued = m_nextQueued;
        m_running = m_nextRunning;
        m_read = true;
    }
    emit updated(m_ok);
    if (m_again)
        refresh();
}

QJsonObject PairCounters::decorate(QJsonObject pair, const QDateTime &now) const
{
    if (!m_read)
        return pair;
    const qint64 id = pair.value(QLatin1String("id")).toInteger();
    const int queued = m_queued.value(id);
    const int running = m_running.value(id);
    const QDateTime next = ResourceTableModel::parseTime(pair.value(QLatin1String("next_run_at")));
    const bool overdue = pair.value(QLatin1String("enabled")).toBool() && queued == 0
        && running == 0 && next.isValid() && next.secsTo(now) > OverdueGraceSeconds;
    pair.insert(QStringLiteral("open_quarantine"), m_open.value(id));
    pair.insert(QStringLiteral("backlog"),
                QJsonObject { { QStringLiteral("queued"), queued },
                              { QStringLiteral("running"), running },
                              { QStringLiteral("overdue"), overdue } });
    return pair;
}

} // namespace tf::console
