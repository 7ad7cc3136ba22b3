#include "alertrepository.h"

#include <QSqlError>

#include <algorithm>

#include "rowhelpers.h"

namespace tf::db {

namespace {
const QString kColumns = QStringLiteral(
    "id, rule, source, severity, message, status, details, raised_at, acknowledged_at, "
    "acknowledged_by, resolved_at");
} // namespace

QJsonObject AlertRecord::toJson() const
{
    return { { QStringLiteral("id"), id },
             { QStringLiteral("rule"), rule },
             { QStringLiteral("source"), source },
             { QStringLiteral("severity"), severity },
             { QStringLiteral("message"), message },
             { QStringLiteral("status"), status },
             { QStringLiteral("details"), details },
             { QStringLiteral("raised_at"), rows::isoOrNull(raisedAt) },
             { QStringLiteral("acknowledged_at"), rows::isoOrNull(acknowledgedAt) },
             { QStringLiteral("acknowledged_by"), acknowledgedBy.isEmpty() ? QJsonValue() : QJsonValue(acknowledgedBy) },
             { QStringLiteral("resolved_at"), rows::isoOrNull(resolvedAt) } };
}

AlertRecord AlertRepository::read(const QSqlQuery &query) const
{
    const Dialect &dialect = m_database.dialect();
    AlertRecord record;
    record.id = query.value(0).toLongLong();
    record.rule = query.value(1).toString();
    record.source = query.value(2).toString();
    record.severity = query.value(3).toString();
    record.message = query.value(4).toString();
    record.status = query.value(5).toString();
    record.details = rows::jsonObject(query.value(6));
    record.raisedAt = dialect.fromDb(query.value(7));
    record.acknowledgedAt = dialect.fromDb(query.value(8));
    record.acknowledgedBy = query.value(9).toString();
    record.resolvedAt = dialect.fromDb(query.value(10));
    return record;
}

std::optional<AlertRecord> AlertRepository::readOne(QSqlQuery &query) const
{
    if (!query.next()) {
        if (query.lastError().isValid())
            m_database.raise(query, "changing an alert");
        return std::nullopt;
    }
    AlertRecord record = read(query);
    // Completing the statement is what commits it outside a transaction (rows::returnedId).
    if (!query.next() && query.lastError().isValid())
        m_database.raise(query, "committing an alert");
    query.finish();
    return record;
}

std::optional<AlertRecord> AlertRepository::raise(const QString &rule, const QString &source,
                                                  const QString &severity, const QString &message,
                                                  const QJsonObject &details)
{
    // ON CONFLICT DO NOTHING: the partial unique index alerts_one_open_per_rule (0004) turns a
    // second raise of an open condition into no row, on both backends, without a race.
    QSqlQuery query = m_database.prepare(
        QStringLiteral("INSERT INTO alerts (rule, source, severity, message, status, details, raised_at) "
                       "VALUES (?, ?, ?, ?, 'raised', ?, ?) ON CONFLICT DO NOTHING RETURNING ")
        + kColumns);
    query.addBindValue(rule);
    query.addBindValue(rows::nonNull(source));
    query.addBindValue(severity);
    query.addBindValue(message);
    query.addBindValue(rows::jsonText(details));
    query.addBindValue(m_database.dialect().toDb(QDateTime::currentDateTimeUtc()));
    m_database.exec(query, "raising an alert");
    return readOne(query);
}

std::optional<AlertRecord> AlertRepository::resolve(const QString &rule, const QString &source)
{
    QSqlQuery query = m_database.prepare(
        QStringLiteral("UPDATE alerts SET status = 'resolved', resolved_at = ? "
                       "WHERE rule = ? AND source = ? AND status <> 'resolved' RETURNING ")
        + kColumns);
    query.addBindValue(m_database.dialect().toDb(QDateTime::currentDateTimeUtc()));
    query.addBindValue(rule);
    query.addBindValue(rows::nonNull(source));
    m_database.exec(query, "resolving an alert");
    return readOne(query);
}

qint64 AlertRepository::pairOf(const AlertRecord &alert)
{
    static const QString prefix = QStringLiteral("pair:");
    if (alert.source.startsWith(prefix))
        return QStringView(alert.source).mid(prefix.size()).toLongLong();
    return alert.details.value(QStringLiteral("pair_id")).toInteger();
}

QList<AlertRecord> AlertRepository::resolveForPair(qint64 pairId, const QString &note)
{
    QList<AlertRecord> resolved;
    for (const AlertRecord &alert : open()) {
        if (pairId <= 0 || pairOf(alert) != pairId)
            continue;
        QJsonObject details = alert.details;
        details.insert(QStringLiteral("resolution"), note);
        QSqlQuery query = m_database.prepare(
            QStringLiteral("UPDATE alerts SET status = 'resolved', resolved_at = ?, details = ? "
                           "WHERE id = ? AND status <> 'resolved' RETURNING ")
            + kColumns);
        query.addBindValue(m_database.dialect().toDb(QDateTime::currentDateTimeUtc()));
        query.addBindValue(rows::jsonText(details));
        query.addBindValue(alert.id);
        m_database.exec(query, "resolving a deleted pair's alert");
        if (std::optional<AlertRecord> done = readOne(query)) // nullopt: resolved meanwhile
            resolved.append(*done);
    }
    return resolved;
}

QList<qint64> AlertRepository::deletedPairsWithOpenAlerts() const
{
    QList<qint64> named;
    for (const AlertRecord &alert : open()) {
        if (const qint64 pair = pairOf(alert); pair > 0 && !named.contains(pair))
            named.append(pair);
    }
    std::sort(named.begin(), named.end());
    QList<qint64> gone;
    for (const qint64 pair : std::as_const(named)) {
        if (!pairExists(pair))
            gone.append(pair);
    }
    return gone;
}

bool AlertRepository::pairExists(qint64 pairId) const
{
    QSqlQuery query = m_database.prepare(QStringLiteral("SELECT count(*) FROM sync_pairs WHERE id = ?"));
    query.addBindValue(pairId);
    m_database.exec(query, "looking up the pair of an alert");
    const bool exists = query.next() && query.value(0).toLongLong() > 0;
    query.finish();
    return exists;
}

AlertRecord AlertRepository::acknowledge(qint64 id, const QString &by)
{
    QSqlQuery query = m_database.prepare(
        QStringLiteral("UPDATE alerts SET status = 'acknowledged', acknowledged_at = ?, acknowledged_by = ? "
                       "WHERE id = ? AND status = 'raised' RETURNING ")
        + kColumns);
    query.addBindValue(m_database.dialect().toDb(QDateTime::currentDateTimeUtc()));
    query.addBindValue(rows::textOrNull(by));
    query.addBindValue(id);
    m_database.exec(query, "acknowledging an alert");
    if (std::optional<AlertRecord> updated = readOne(query))
        return *updated;
    const AlertRecord current = get(id); // NotFound when there is no such alert
    if (current.status == QLatin1String("resolved"))
        throw Error(Error::Kind::Conflict,
                    QStringLiteral("alert %1 was resolved at %2; only open alerts can be acknowledged")
                        .arg(id)
                        .arg(current.resolvedAt.toUTC().toString(Qt::ISODate)),
                    QJsonObject { { QStringLiteral("id"), id }, { QStringLiteral("status"), current.status } });
    return current; // already acknowledged
}

AlertRecord AlertRepository::get(qint64 id) const
{
    QSqlQuery query = m_database.prepare(QStringLiteral("SELECT ") + kColumns + QStringLiteral(" FROM alerts WHERE id = ?"));
    query.addBindValue(id);
    m_database.exec(query, "reading an alert");
    if (!query.next())
        rows::notFound("alert", id);
    return read(query);
}

QList<AlertRecord> AlertRepository::open() const
{
    QSqlQuery query = m_database.prepare(QStringLiteral("SELECT ") + kColumns
                                         + QStringLiteral(" FROM alerts WHERE status <> 'resolved' ORDER BY id"));
    m_database.exec(query, "reading open alerts");
    QList<AlertRecord> records;
    while (query.next())
        records.append(read(query));
    return records;
}

QList<AlertRecord> AlertRepository::list(const ListFilter &filter) const
{
    const bool openOnly = filter.status == QLatin1String("open");
    const QString exact = (filter.status == QLatin1String("all") || openOnly) ? QString() : filter.status;
    // "? = ''" and "? = 0" keep one statement for every filter without building SQL from input.
    QSqlQuery query = m_database.prepare(
        QStringLiteral("SELECT ") + kColumns
        + QStringLiteral(" FROM alerts WHERE (? = '' OR status = ?) AND (? = 0 OR status <> 'resolved') "
                         "AND (? = 0 OR id < ?) ORDER BY id DESC LIMIT ?"));
    query.addBindValue(rows::nonNull(exact));
    query.addBindValue(rows::nonNull(exact));
    query.addBindValue(openOnly ? 1 : 0);
    query.addBindValue(filter.beforeId);
    query.addBindValue(filter.beforeId);
    query.addBindValue(qMax(0, filter.limit));
    m_database.exec(query, "listing alerts");
    QList<AlertRecord> records;
    while (query.next())
        records.append(read(query));
    return records;
}

} // namespace tf::db
