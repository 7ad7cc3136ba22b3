#include "maintenancerunstore.h"

#include "core/errors.h"
#include "db/connection.h"
#include "db/repositories/rowhelpers.h"

#include <QSqlQuery>

namespace tf::ops {

namespace {

const QString kColumns = QStringLiteral("id, kind, status, triggered_by, node_id, scheduled_for, "
                                        "started_at, finished_at, heartbeat_at, progress, "
                                        "message, report");

} // namespace

QJsonObject MaintenanceRunRecord::toJson(bool withReport) const
{
    QJsonObject object {
        { QStringLiteral("id"), id },
        { QStringLiteral("type"), kind },
        { QStringLiteral("status"), status },
        { QStringLiteral("triggered_by"), triggeredBy },
        { QStringLiteral("node_id"), nodeId },
        { QStringLiteral("scheduled_for"), db::rows::isoOrNull(scheduledFor) },
        { QStringLiteral("started_at"), db::rows::isoOrNull(startedAt) },
        { QStringLiteral("finished_at"), db::rows::isoOrNull(finishedAt) },
        { QStringLiteral("progress"), progress },
        { QStringLiteral("message"), message },
    };
    if (withReport) {
        object.insert(QStringLiteral("report"), report);
    } else if (!report.isEmpty()) {
        object.insert(QStringLiteral("finding_counts"),
                      report.value(QStringLiteral("finding_counts")));
        object.insert(QStringLiteral("markdown_path"),
                      report.value(QStringLiteral("markdown_path")));
    }
    return object;
}

MaintenanceRunRecord MaintenanceRunStore::read(const QSqlQuery &query) const
{
    const db::Dialect &dialect = m_database.dialect();
    MaintenanceRunRecord record;
    record.id = query.value(0).toLongLong();
    record.kind = query.value(1).toString();
    record.status = query.value(2).toString();
    record.triggeredBy = query.value(3).toString();
    record.nodeId = query.value(4).toString();
    record.scheduledFor = dialect.fromDb(query.value(5));
    record.startedAt = dialect.fromDb(query.value(6));
    record.finishedAt = dialect.fromDb(query.value(7));
    record.heartbeatAt = dialect.fromDb(query.value(8));
    record.progress = query.value(9).toDouble();
    record.message = query.value(10).toString();
    record.report = db::rows::jsonObject(query.value(11));
    return record;
}

qint64 MaintenanceRunStore::begin(MaintenanceKind kind, const QString &triggeredBy,
                                  const QString &nodeId, const QDateTime &scheduledFor)
{
    const db::Dialect &dialect = m_database.dialect();
    const QString kindName = maintenanceKindName(kind);
    abandonStale(kind);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QSqlQuery insert = m_database.prepare(
        QStringLiteral("INSERT INTO maintenance_runs (kind, status, triggered_by, node_id, "
                       "scheduled_for, started_at, heartbeat_at, "
                       "message) VALUES (?, 'running', ?, ?, ?, ?, ?, 'started') ON CONFLICT DO "
                       "NOTHING RETURNING id"));
    insert.addBindValue(kindName);
    insert.addBindValue(db::rows::nonNull(triggeredBy));
    insert.addBindValue(db::rows::nonNull(nodeId));
    insert.addBindValue(scheduledFor.isValid() ? dialect.toDb(scheduledFor.toUTC())
                                               : db::Dialect::nullOf(QMetaType::QDateTime));
    insert.addBindValue(dialect.toDb(now));
    insert.addBindValue(dialect.toDb(now));
    m_database.exec(insert, "claiming a maintenance run");
    if (insert.next()) {
        const qint64 id = insert.value(0).toLongLong();
        insert.finish();
        return id;
    }
    insert.finish();

    QSqlQuery running
        = m_database.prepare(QStringLiteral("SELECT id, started_at, node_id FROM maintenance_runs "
                                            "WHERE kind = ? AND status = 'running'"));
    running.addBindValue(kindName);
    m_database.exec(running, "reading the running maintenance run");
    if (running.next()) {
        const qint64 id = running.value(0).toLongLong();
        const QDateTime since = dialect.fromDb(running.value(1));
        const QString node = running.value(2).toString();
        running.finish();
        throw Error(
            Error::Kind::Conflict,
            QStringLiteral("a %1 maintenance run (id %2, on %3) is already running since %4")
                .arg(kindName)
                .arg(id)
                .arg(node.isEmpty() ? QStringLiteral("?") : node, since.toString(Qt::ISODate)),
            QJsonObject { { QStringLiteral("run_id"), id } });
    }
    throw Error(Error::Kind::Conflict,
                QStringLiteral("the %1 maintenance due at %2 has been run already")
                    .arg(kindName, isoWithOffset(scheduledFor)),
                QJsonObject { { QStringLiteral("slot_claimed"), true } });
}

bool MaintenanceRunStore::slotClaimed(MaintenanceKind kind, const QDateTime &slot) const
{
    QSqlQuery query = m_database.prepare(
        QStringLiteral("SELECT 1 FROM maintenance_runs WHERE kind = ? AND scheduled_for = ?"));
    query.addBindValue(maintenanceKindName(kind));
    query.addBindValue(m_database.dialect().toDb(slot.toUTC()));
    m_database.exec(query, "looking up a maintenance slot");
    const bool claimed = query.next();
    query.finish();
    return claimed;
}

void MaintenanceRunStore::heartbeat(qint64 id, double progress, const QString &message)
{
    QSqlQuery query = m_database.prepare(
        QStringLiteral("UPDATE maintenance_runs SET heartbeat_at = ?, progress = ?, message = ? "
                       "WHERE id = ? AND status = 'running'"));
    query.addBindValue(m_database.dialect().toDb(QDateTime::currentDateTimeUtc()));
    query.addBindValue(qBound(0.0, progress, 1.0));
    query.addBindValue(db::rows::nonNull(message.left(500)));
    query.addBindValue(id);
    m_database.exec(query, "recording maintenance progress");
}

void MaintenanceRunStore::finish(qint64 id, const QString &status, const QJsonObject &report,
                                 const QString &message)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QSqlQuery query
        = m_database.prepare(QStringLiteral("UPDATE maintenance_runs SET status = ?, finished_at = "
                                            "?, heartbeat_at = ?, progress = 1, report = ?, "
                                            "message = ? WHERE id = ?"));
    query.addBindValue(status);
    query.addBindValue(m_database.dialect().toDb(now));
    query.addBindValue(m_database.dialect().toDb(now));
    query.addBindValue(db::rows::jsonText(report));
    query.addBindValue(db::rows::nonNull(message.left(500)));
    query.addBindValue(id);
    m_database.exec(query, "finishing a maintenance run");
}

int MaintenanceRunStore::abandonStale(MaintenanceKind kind)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QSqlQuery query = m_database.prepare(QStringLiteral(
        "UPDATE maintenance_runs SET status = 'abandoned', finished_at = ?, "
        "message = 'abandoned: no heartbeat from its node' "
        "WHERE kind = ? AND status = 'running' AND (heartbeat_at IS NULL OR heartbeat_at < ?)"));
    query.addBindValue(m_database.dialect().toDb(now));
    query.addBindValue(maintenanceKindName(kind));
    query.addBindValue(m_database.dialect().toDb(now.addSecs(-kStaleAfterSeconds)));
    m_database.exec(query, "abandoning dead maintenance runs");
    return query.numRowsAffected();
}

std::optional<MaintenanceRunRecord> MaintenanceRunStore::get(qint64 id) const
{
    QSqlQuery query = m_database.prepare(
        QStringLiteral("SELECT %1 FROM maintenance_runs WHERE id = ?").arg(kColumns));
    query.addBindValue(id);
    m_database.exec(query, "reading a maintenance run");
    if (!query.next())
        return std::nullopt;
    MaintenanceRunRecord record = read(query);
    query.finish();
    return record;
}

QList<MaintenanceRunRecord> MaintenanceRunStore::list(int limit, const QString &kind, qint64 beforeId) const
{
    QSqlQuery query = m_database.prepare(
        QStringLiteral(
            "SELECT %1 FROM maintenance_runs WHERE (? = '' OR kind = ?) AND (? = 0 OR id < ?) ORDER BY id DESC LIMIT ?")
            .arg(kColumns));
    query.addBindValue(db::rows::nonNull(kind));
    query.addBindValue(db::rows::nonNull(kind));
    query.addBindValue(beforeId);
    query.addBindValue(beforeId);
    query.addBindValue(qBound(1, limit, 1001));
    m_database.exec(query, "listing maintenance runs");
    QList<MaintenanceRunRecord> records;
    while (query.next())
        records << read(query);
    return records;
}

std::optional<MaintenanceRunRecord> MaintenanceRunStore::lastFinished(MaintenanceKind kind) const
{
    QSqlQuery query
        = m_database.prepare(QStringLiteral("SELECT %1 FROM maintenance_runs WHERE kind = ? AND "
                                            "status <> 'running' ORDER BY id DESC LIMIT 1")
                                 .arg(kColumns));
    query.addBindValue(maintenanceKindName(kind));
    m_database.exec(query, "reading the last maintenance run");
    if (!query.next())
        return std::nullopt;
    MaintenanceRunRecord record = read(query);
    query.finish();
    return record;
}

} // namespace tf::ops
