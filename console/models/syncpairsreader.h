#pragma once

#include <QHash>
#include <QJsonObject>
#include <QObject>

class QJsonArray;

namespace tf::console {

class GatewayClient;
class PairCounters;
class SyncPairsModel;

// Fills a SyncPairsModel without resetting it: the list (GET /api/sync-pairs), then each
// pair's detail (its last operation and open quarantine, which the list does not carry, kept
// across lists), decorated with PairCounters' backlog and quarantine (three reads for all).
class SyncPairsReader final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SyncPairsReader)

public:
    SyncPairsReader(GatewayClient *client, SyncPairsModel *model, QObject *parent = nullptr);

    bool isListing() const { return m_listing; }
    // Reads the counters and the list, then every listed pair's detail.
    void refresh();
    void fetchDetail(qint64 id);
    // An answer carrying the whole pair (enable, disable).
    void store(const QJsonObject &pair);
    void remove(qint64 id);

signals:
    void listed();
    void listFailed(const QString &message);
    // A pair's detail was read into the model.
    void detailRead(qint64 id);
    // The counters were put on every row.
    void countersApplied();

private:
    void applyList(const QJsonArray &items);

    GatewayClient *m_client;
    SyncPairsModel *m_model;
    PairCounters *m_counters;
    QHash<qint64, QJsonObject> m_details; // last_operation and open_quarantine by pair
    bool m_listing = false;
};

} // namespace tf::console
