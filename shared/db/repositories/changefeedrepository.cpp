#include "changefeedrepository.h"

#include "rowhelpers.h"

#include <QHash>
#include <QJsonArray>

#include <algorithm>

namespace tf::db {

namespace {

constexpr qint64 kPruneLock = 0x7466666565640000; // "tffeed"
constexpr int kBackwardPage = 500;

struct FeedRow
{
    qint64 id = 0;
    QDateTime createdAt;
};

} // namespace

QJsonObject ResourceChange::toJson() const
{
    return { { QStringLiteral("resource_type"), resourceType },
             { QStringLiteral("resource_id"), resourceId },
             { QStringLiteral("action"), action } };
}

QJsonObject ChangeSet::toJson() const
{
    QJsonObject json { { QStringLiteral("cursor"), cursor }, { QStringLiteral("full"), full } };
    if (!full) {
        QJsonArray list;
        for (const ResourceChange &change : changes)
            list.append(change.toJson());
        json.insert(QStringLiteral("changes"), list);
    }
    return json;
}

ChangeFeedRepository::Head ChangeFeedRepository::head() const
{
    QSqlQuery query = m_database.prepare(
        QStringLiteral("SELECT (SELECT pruned_through FROM change_feed_state WHERE id = 1), "
                       "(SELECT MAX(id) FROM change_feed)"));
    m_database.exec(query, "reading the change feed head");
    Head head;
    if (query.next()) {
        head.prunedThrough = query.value(0).toLongLong();
        head.newestId = query.value(1).toLongLong();
    }
    return head;
}

bool ChangeFeedRepository::nothingInFlight() const
{
    if (!m_database.dialect().isPostgres())
        return true;
    // No transaction open anywhere on the server: every id handed out is committed or gone.
    QSqlQuery query = m_database.prepare(QStringLiteral(
        "SELECT pg_snapshot_xmin(pg_current_snapshot()) = pg_snapshot_xmax(pg_current_snapshot())"));
    m_database.exec(query, "checking for open transactions");
    return query.next() && query.value(0).toBool();
}

QDateTime ChangeFeedRepository::databaseNow() const
{
    QSqlQuery query = m_database.prepare(m_database.dialect().isPostgres()
                                             ? QStringLiteral("SELECT clock_timestamp()")
                                             : QStringLiteral("SELECT ") + m_database.dialect().currentTimestampSql());
    m_database.exec(query, "reading the database clock");
    return query.next() ? m_database.dialect().fromDb(query.value(0)) : QDateTime::currentDateTimeUtc();
}

ChangeSet ChangeFeedRepository::since(qint64 since, int maxChanges) const
{
    const Head feed = head();
    if (since < feed.prunedThrough || since > feed.head())
        return current();

    struct Latest
    {
        qint64 id = 0;
        QString action;
    };
    QHash<QPair<QString, QString>, Latest> latest;
    ChangeSet set;
    set.cursor = since;
    qint64 expected = since + 1;
    bool frozen = false;
    int inFlight = -1; // -1: not asked yet
    QDateTime unsettledAfter;
    {
        QSqlQuery query(m_database.connection());
        query.setForwardOnly(true);
        if (!query.prepare(QStringLiteral("SELECT id, created_at, resource_type, resource_id, action "
                                          "FROM change_feed WHERE id > ? ORDER BY id")))
            m_database.raise(query, "preparing the change feed query");
        query.addBindValue(since);
        m_database.exec(query, "reading the change feed");
        while (query.next()) {
            const qint64 id = query.value(0).toLongLong();
            if (!frozen) {
                if (id != expected) {
                    if (inFlight < 0) {
                        inFlight = nothingInFlight() ? 0 : 1;
                        unsettledAfter = databaseNow().addSecs(-kSettleSeconds);
                    }
                    const QDateTime written = m_database.dialect().fromDb(query.value(1));
                    frozen = inFlight == 1 && written > unsettledAfter;
                }
                if (!frozen)
                    set.cursor = id;
            }
            expected = id + 1;
            const auto key = qMakePair(query.value(2).toString(), query.value(3).toString());
            Latest &entry = latest[key];
            entry.id = id;
            entry.action = query.value(4).toString();
            if (latest.size() > maxChanges) {
                query.finish();
                return current();
            }
        }
        query.finish();
    }

    QList<QPair<qint64, ResourceChange>> ordered;
    ordered.reserve(latest.size());
    for (auto it = latest.constBegin(); it != latest.constEnd(); ++it)
        ordered.append({ it.value().id, ResourceChange { it.key().first, it.key().second, it.value().action } });
    std::sort(ordered.begin(), ordered.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
    for (const auto &item : std::as_const(ordered))
        set.changes.append(item.second);
    return set;
}

ChangeFeedRepository::Version ChangeFeedRepository::version() const
{
    if (!m_database.dialect().isPostgres())
        return { head().head(), true };
    // One snapshot for both: the newest visible id and whether any writer was still open.
    QSqlQuery query = m_database.prepare(QStringLiteral(
        "SELECT (SELECT pruned_through FROM change_feed_state WHERE id = 1), (SELECT MAX(id) FROM change_feed), "
        "pg_snapshot_xmin(pg_current_snapshot()) = pg_snapshot_xmax(pg_current_snapshot())"));
    m_database.exec(query, "reading the change feed version");
    Version version;
    if (query.next()) {
        version.head = qMax(query.value(0).toLongLong(), query.value(1).toLongLong());
        version.settled = query.value(2).toBool();
    }
    return version;
}

ChangeSet ChangeFeedRepository::current() const
{
    const Head feed = head();
    ChangeSet set;
    set.full = true;
    set.cursor = feed.head();
    if (feed.newestId <= feed.prunedThrough || nothingInFlight())
        return set;
    set.cursor = safeCursor(feed.prunedThrough, feed.newestId);
    return set;
}

qint64 ChangeFeedRepository::safeCursor(qint64 from, qint64 upTo) const
{
    // Rows written within the settle time, newest first, down to the first older row: every
    // missing id below that row is settled.
    const QDateTime unsettledAfter = databaseNow().addSecs(-kSettleSeconds);
    QList<FeedRow> young;
    qint64 base = from;
    qint64 before = upTo + 1;
    bool done = false;
    while (!done) {
        QSqlQuery query = m_database.prepare(QStringLiteral(
            "SELECT id, created_at FROM change_feed WHERE id < ? AND id > ? ORDER BY id DESC LIMIT ?"));
        query.addBindValue(before);
        query.addBindValue(from);
        query.addBindValue(kBackwardPage);
        m_database.exec(query, "reading the newest change feed rows");
        int rows = 0;
        while (query.next()) {
            ++rows;
            FeedRow row { query.value(0).toLongLong(), m_database.dialect().fromDb(query.value(1)) };
            before = row.id;
            if (row.createdAt <= unsettledAfter) {
                base = row.id;
                done = true;
                break;
            }
            young.append(row);
        }
        query.finish();
        if (rows < kBackwardPage)
            done = true;
    }
    qint64 cursor = base;
    qint64 expected = base + 1;
    for (auto it = young.crbegin(); it != young.crend(); ++it) {
        if (it->id != expected)
            break; // a missing id that may still commit: stop below it
        cursor = it->id;
        expected = it->id + 1;
    }
    return cursor;
}

ChangeFeedRepository::PruneResult ChangeFeedRepository::prune(const QDateTime &olderThan, qint64 keepRows)
{
    PruneResult result;
    Transaction transaction(m_database);
    transaction.lock(kPruneLock);
    const Head feed = head();
    qint64 horizon = qMax<qint64>(0, feed.newestId - qMax<qint64>(0, keepRows));
    {
        QSqlQuery aged = m_database.prepare(QStringLiteral("SELECT MAX(id) FROM change_feed WHERE created_at < ?"));
        aged.addBindValue(m_database.dialect().toDb(olderThan));
        m_database.exec(aged, "finding expired change feed rows");
        if (aged.next())
            horizon = qMax(horizon, aged.value(0).toLongLong());
        aged.finish();
    }
    result.prunedThrough = feed.prunedThrough;
    if (horizon <= feed.prunedThrough) {
        transaction.commit();
        return result;
    }
    QSqlQuery remove = m_database.prepare(QStringLiteral("DELETE FROM change_feed WHERE id <= ?"));
    remove.addBindValue(horizon);
    m_database.exec(remove, "pruning the change feed");
    result.removed = remove.numRowsAffected();
    QSqlQuery record = m_database.prepare(QStringLiteral("UPDATE change_feed_state SET pruned_through = ? WHERE id = 1"));
    record.addBindValue(horizon);
    m_database.exec(record, "recording the change feed horizon");
    transaction.commit();
    result.prunedThrough = horizon;
    return result;
}

} // namespace tf::db
