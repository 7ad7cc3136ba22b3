#include "cdcpairview.h"

#include "db/repositories/operationrepository.h"
#include "db/repositories/syncpairrepository.h"

#include <QJsonObject>

namespace tf::syncd {

namespace {
// How far back to look for the streaming operation among the pair's newest operations (a
// verify run in between is not a stream).
constexpr int kLookBack = 20;
} // namespace

QJsonValue cdcPairView(const db::Database &control, const db::SyncPairRecord &pair)
{
    if (pair.definition.value(QStringLiteral("mode")).toString() != QLatin1String("cdc"))
        return QJsonValue();
    const QString lsnKey = QStringLiteral("cdc_applied_lsn");
    std::optional<db::OperationRecord> stream;
    for (const db::OperationRecord &operation : db::OperationRepository(control).listForPair(pair.id, kLookBack)) {
        if (operation.statistics.contains(lsnKey)) {
            stream = operation;
            break;
        }
    }
    QJsonObject view { { QStringLiteral("streaming"), stream && stream->status == QLatin1String("running") },
                       { QStringLiteral("operation_id"), stream ? QJsonValue(stream->id) : QJsonValue() },
                       { QStringLiteral("reported_at"),
                         stream && stream->heartbeatAt.isValid()
                             ? QJsonValue(stream->heartbeatAt.toUTC().toString(Qt::ISODateWithMs))
                             : QJsonValue() } };
    const QJsonObject statistics = stream ? stream->statistics : QJsonObject();
    auto figure = [&statistics](const char *key) {
        const QJsonValue value = statistics.value(QLatin1String(key));
        return value.isUndefined() ? QJsonValue() : value;
    };
    view.insert(QStringLiteral("applied_lsn"), figure("cdc_applied_lsn"));
    view.insert(QStringLiteral("transactions"), figure("cdc_transactions"));
    const QJsonValue lag = figure("cdc_lag_bytes");
    view.insert(QStringLiteral("lag_bytes"), lag.toDouble(-1) < 0 ? QJsonValue() : lag); // -1: not read yet
    const QJsonValue walStatus = figure("cdc_wal_status");
    view.insert(QStringLiteral("wal_status"), walStatus.toString().isEmpty() ? QJsonValue() : walStatus);
    view.insert(QStringLiteral("latency_last_ms"), figure("cdc_latency_last_ms"));
    view.insert(QStringLiteral("latency_p50_ms"), figure("cdc_latency_p50_ms"));
    view.insert(QStringLiteral("latency_p99_ms"), figure("cdc_latency_p99_ms"));
    view.insert(QStringLiteral("latency_max_ms"), figure("cdc_latency_max_ms"));
    return view;
}

} // namespace tf::syncd
