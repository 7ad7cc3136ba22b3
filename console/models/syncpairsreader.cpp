#include "syncpairsreader.h"

#include "client/gatewayclient.h"
#include "models/paircounters.h"
#include "models/syncpairsmodel.h"

#include <QJsonArray>

namespace tf::console {

namespace {

// The pair detail's last_operation carries no duration_ms: derive it from its times.
QJsonObject withDuration(QJsonObject pair)
{
    QJsonObject operation = pair.value(QLatin1String("last_operation")).toObject();
    if (operation.isEmpty() || operation.value(QLatin1String("duration_ms")).isDouble())
        return pair;
    const QDateTime started = ResourceTableModel::parseTime(operation.value(QLatin1String("started_at")));
    const QDateTime finished = ResourceTableModel::parseTime(operation.value(QLatin1String("finished_at")));
    if (started.isValid() && finished.isValid()) {
        operation.insert(QStringLiteral("duration_ms"), started.msecsTo(finished));
        pair.insert(QStringLiteral("last_operation"), operation);
    }
    return pair;
}

} // namespace

SyncPairsReader::SyncPairsReader(GatewayClient *client, SyncPairsModel *model, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_model(model)
    , m_counters(new PairCounters(client, this))
{
    // Open quarantine and backlog of every pair in three reads, not one per pair.
    connect(m_counters, &PairCounters::updated, this, [this](bool ok) {
        if (!ok)
            return;
        for (int row = 0; row < m_model->rowCount(); ++row)
            m_model->upsert(m_counters->decorate(m_model->itemAt(row)));
        emit countersApplied();
    });
}

void SyncPairsReader::refresh()
{
    m_listing = true;
    m_counters->refresh();
    m_client->list(QStringLiteral("/api/sync-pairs"), {}, this, [this](const QJsonArray &items, const ApiResult &last) {
        m_listing = false;
        if (!last.ok()) {
            emit listFailed(last.error.message());
            return;
        }
        applyList(items);
        for (const QJsonValue &value : items)
            fetchDetail(value.toObject().value(QLatin1String("id")).toInteger());
        emit listed();
    });
}

void SyncPairsReader::applyList(const QJsonArray &items)
{
    // The list carries no last operation or quarantine count: keep the ones last read.
    QJsonArray merged;
    for (const QJsonValue &value : items) {
        QJsonObject pair = value.toObject();
        const QJsonObject detail = m_details.value(pair.value(QLatin1String("id")).toInteger());
        for (const QString &key : { QStringLiteral("last_operation"), QStringLiteral("open_quarantine"),
                                    QStringLiteral("cdc") }) {
            if (!pair.contains(key) && detail.contains(key))
                pair.insert(key, detail.value(key));
        }
        merged.append(m_counters->decorate(pair));
    }
    m_model->applyItems(merged);
}

void SyncPairsReader::fetchDetail(qint64 id)
{
    if (id <= 0)
        return;
    m_client->get(QStringLiteral("/api/sync-pairs/%1").arg(id), this, [this, id](const ApiResult &result) {
        if (result.status == 404) {
            remove(id);
            return;
        }
        if (!result.ok())
            return;
        const QJsonObject pair = withDuration(result.object());
        m_details.insert(id, pair);
        m_model->upsert(m_counters->decorate(pair));
        emit detailRead(id);
    });
}

void SyncPairsReader::store(const QJsonObject &answer)
{
    const QJsonObject pair = withDuration(answer);
    m_details.insert(pair.value(QLatin1String("id")).toInteger(), pair);
    m_model->upsert(pair);
}

void SyncPairsReader::remove(qint64 id)
{
    m_details.remove(id);
    m_model->removeId(id);
}

} // namespace tf::console
