#include "cdcslotmonitor.h"

#include "core/errors.h"
#include "db/connection.h"
#include "db/databaseurl.h"
#include "db/repositories/syncpairrepository.h"
#include "sync/cdc/pgsourcecatalog.h"
#include "sync/connectors/postgresconnector.h"
#include "sync/engine/cdcexecutor.h"
#include "sync/systems/systemregistry.h"

#include <QSet>
#include <algorithm>
#include <optional>
#include <QSqlQuery>

namespace tf::syncd {

namespace {

// Seconds since the slot's walsender last answered, on the source's own clock; nullopt when
// no walsender holds the slot or it has not replied yet.
std::optional<double> replyAge(const db::Database &source, const QString &slot)
{
    QSqlQuery query = source.prepare(QStringLiteral(
        "SELECT extract(epoch FROM clock_timestamp() - r.reply_time)::float8 "
        "FROM pg_replication_slots s JOIN pg_stat_replication r ON r.pid = s.active_pid "
        "WHERE s.slot_name = ? AND r.reply_time IS NOT NULL"));
    query.addBindValue(slot);
    source.exec(query, "reading the replication slot's walsender");
    if (!query.next())
        return std::nullopt;
    return qMax(0.0, query.value(0).toDouble());
}

double secondsBetween(const QDateTime &from, const QDateTime &to)
{
    return qMax(0.0, double(from.msecsTo(to)) / 1000.0);
}

} // namespace

QJsonObject CdcPairFigures::toJson() const
{
    auto bytes = [](qint64 value) { return value < 0 ? QJsonValue() : QJsonValue(value); };
    QJsonObject json { { QStringLiteral("pair_id"), pairId },
                       { QStringLiteral("name"), name },
                       { QStringLiteral("slot"), slot },
                       { QStringLiteral("enabled"), enabled },
                       { QStringLiteral("source_reachable"), reachable },
                       { QStringLiteral("slot_exists"), slotExists },
                       { QStringLiteral("active"), active },
                       { QStringLiteral("lag_bytes"), bytes(lagBytes) },
                       { QStringLiteral("retained_wal_bytes"), bytes(retainedBytes) },
                       { QStringLiteral("wal_status"), walStatus.isEmpty() ? QJsonValue() : QJsonValue(walStatus) },
                       { QStringLiteral("seconds_since_feedback"),
                         secondsSinceFeedback < 0 ? QJsonValue() : QJsonValue(secondsSinceFeedback) },
                       { QStringLiteral("inactive_seconds"), inactiveSeconds } };
    if (!error.isEmpty())
        json.insert(QStringLiteral("error"), error);
    return json;
}

QList<CdcPairFigures> CdcSlotMonitor::collect(db::Database &control, const SecretBox &secrets, const QDateTime &now)
{
    QList<db::SyncPairRecord> pairs = db::SyncPairRepository(control).list();
    std::sort(pairs.begin(), pairs.end(),
              [](const db::SyncPairRecord &a, const db::SyncPairRecord &b) { return a.id < b.id; });
    const sync::SystemRegistry systems(control, secrets);
    QList<CdcPairFigures> figures;
    QSet<qint64> present;
    for (const db::SyncPairRecord &record : pairs) {
        if (record.definition.value(QStringLiteral("mode")).toString() != QLatin1String("cdc"))
            continue;
        present.insert(record.id);
        CdcPairFigures pair;
        pair.pairId = record.id;
        pair.name = record.name;
        pair.enabled = record.enabled;
        pair.slot = sync::CdcExecutor::slotName(QString::number(record.id));
        try {
            const auto source = systems.openSource(record.sourceSystemId);
            const auto *postgres = dynamic_cast<const sync::PostgresConnector *>(source.get());
            if (!postgres)
                throw Error(Error::Kind::Validation, QStringLiteral("the source system is not PostgreSQL"));
            pair = read(pair, postgres->url(), now);
        } catch (const Error &error) {
            pair.reachable = false;
            pair.error = error.message();
        }
        figures.append(pair);
    }
    for (auto it = m_seen.begin(); it != m_seen.end();)
        it = present.contains(it.key()) ? std::next(it) : m_seen.erase(it); // deleted pairs
    return figures;
}

CdcPairFigures CdcSlotMonitor::read(const CdcPairFigures &pair, const db::DatabaseUrl &source, const QDateTime &now)
{
    CdcPairFigures figures = pair;
    std::optional<sync::cdc::SlotState> slot;
    std::optional<double> reply;
    {
        db::Database database(source);
        try {
            slot = sync::cdc::PgSourceCatalog(database).slot(pair.slot);
            if (slot && slot->active)
                reply = replyAge(database, pair.slot);
        } catch (...) {
            database.closeThreadConnection();
            throw;
        }
        database.closeThreadConnection();
    }
    figures.reachable = true;
    figures.error.clear();
    Seen &seen = m_seen[pair.pairId];
    if (!slot) {
        seen = {};
        return figures;
    }
    figures.slotExists = true;
    figures.active = slot->active;
    figures.lagBytes = slot->lagBytes;
    figures.retainedBytes = slot->retainedBytes;
    figures.walStatus = slot->walStatus;
    if (slot->active) {
        // A walsender that has not replied yet has just started: it counts as feedback now.
        seen.inactiveSince = QDateTime();
        seen.lastFeedback = now.addMSecs(-qint64(reply.value_or(0.0) * 1000.0));
        figures.secondsSinceFeedback = reply.value_or(0.0);
        figures.inactiveSeconds = 0;
    } else {
        // Inactive since its last feedback, or (never seen active by this process) since now.
        if (!seen.inactiveSince.isValid())
            seen.inactiveSince = seen.lastFeedback.isValid() ? seen.lastFeedback : now;
        figures.inactiveSeconds = secondsBetween(seen.inactiveSince, now);
        figures.secondsSinceFeedback = figures.inactiveSeconds;
    }
    return figures;
}

} // namespace tf::syncd
