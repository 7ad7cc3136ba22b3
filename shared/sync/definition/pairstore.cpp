#include "pairstore.h"

#include <QSqlQuery>

#include "core/errors.h"
#include "db/repositories/systemrepository.h"
#include "definitionerrors.h"
#include "pairrecord.h"
#include "sync/cdc/cdctarget.h"
#include "sync/queue/operationqueue.h"
#include "sync/schedule/cronschedule.h"
#include "syncpairdefinition.h"

namespace tf::sync {

namespace {

// kinds: the kinds the pair's mode can use there (empty: any); why: what the mode needs of
// that side, for the message naming the refused kind.
void requireSystem(db::SystemRepository &systems, qint64 id, const QString &field,
                   const QStringList &kinds, const QString &why, DefinitionErrors *errors)
{
    try {
        const db::SystemRecord system = systems.get(id);
        if (!kinds.isEmpty() && !kinds.contains(system.kind))
            errors->add(field, QStringLiteral("system %1 is of kind %2; mode cdc needs a %3 system "
                                              "here (%4)")
                                   .arg(id)
                                   .arg(system.kind, kinds.join(QStringLiteral(", ")), why));
    } catch (const Error &error) {
        if (error.kind() != Error::Kind::NotFound)
            throw;
        errors->add(field, QStringLiteral("system %1 does not exist").arg(id));
    }
}

// Cursor kind change_tracking reads SQL Server's CHANGETABLE: only a sqlserver source has it.
void requireChangeTrackingSource(db::SystemRepository &systems, const SyncPairDefinition &definition,
                                 DefinitionErrors *errors)
{
    QString kind;
    try {
        kind = systems.get(definition.sourceSystem).kind;
    } catch (const Error &error) {
        if (error.kind() != Error::Kind::NotFound)
            throw;
        return; // reported by requireSystem
    }
    if (kind == QLatin1String("sqlserver"))
        return;
    bool pairCursorUsed = false;
    for (int i = 0; i < definition.entities.size(); ++i) {
        const auto cursor = definition.cursorOf(i);
        if (definition.modeOf(i) != SyncMode::Cursor || !cursor || cursor->kind != CursorSettings::Kind::ChangeTracking)
            continue;
        if (definition.entities.at(i).cursor)
            errors->add(QStringLiteral("entities[%1].cursor.kind").arg(i),
                        QStringLiteral("change_tracking needs a sqlserver source; system %1 is of kind %2")
                            .arg(definition.sourceSystem)
                            .arg(kind));
        else
            pairCursorUsed = true;
    }
    if (pairCursorUsed)
        errors->add(QStringLiteral("cursor.kind"), QStringLiteral("change_tracking needs a sqlserver source; system %1 is of kind %2")
                                                       .arg(definition.sourceSystem)
                                                       .arg(kind));
}

// A friendlier Conflict than the unique index's, raised before the write; the index still
// decides a race between two writers.
void requireFreeName(db::SyncPairRepository &pairs, const QString &name, qint64 exceptId)
{
    for (const db::SyncPairRecord &pair : pairs.list()) {
        if (pair.name == name && pair.id != exceptId) {
            throw Error(Error::Kind::Conflict, QStringLiteral("name_taken"),
                        QStringLiteral("a sync pair named \"%1\" already exists (id %2)").arg(name).arg(pair.id),
                        QJsonObject { { QStringLiteral("field"), QStringLiteral("name") }, { QStringLiteral("id"), pair.id } });
        }
    }
}

} // namespace

PairStore::PairStore(db::Database &control)
    : m_control(control)
{ }

QDateTime PairStore::nextRunOf(const db::SyncPairRecord &record)
{
    if (!record.enabled || record.schedule.isEmpty())
        return {};
    return CronSchedule::parse(record.schedule).next(QDateTime::currentDateTime()).toUTC();
}

db::SyncPairRecord PairStore::validated(const QJsonObject &body, qint64 exceptId) const
{
    const SyncPairDefinition definition = SyncPairDefinition::parse(body);
    db::SystemRepository systems(m_control);
    DefinitionErrors errors;
    // cdc: the source streams through logical replication (PostgreSQL); the target applies each
    // source transaction with its position in one transaction (cdc::CdcTarget: PostgreSQL,
    // SQLite, MySQL/MariaDB, ODBC and SQL Server). A file target (csv, jsonl) is not
    // transactional; other kinds have no CdcTarget.
    const bool cdc = definition.mode == SyncMode::Cdc;
    requireSystem(systems, definition.sourceSystem,
                  SyncPairDefinition::systemKey(body, QStringLiteral("source_system_id")),
                  cdc ? QStringList { QStringLiteral("postgres") } : QStringList(),
                  QStringLiteral("it streams the source's changes through logical replication"),
                  &errors);
    requireSystem(systems, definition.targetSystem,
                  SyncPairDefinition::systemKey(body, QStringLiteral("target_system_id")),
                  cdc ? cdc::cdcTargetKinds() : QStringList(),
                  QStringLiteral("each source transaction is written with its position in one "
                                 "target transaction, which needs a transactional target cdc "
                                 "supports"),
                  &errors);
    requireChangeTrackingSource(systems, definition, &errors);
    errors.throwIfAny(QStringLiteral("sync pair definition is invalid"));
    db::SyncPairRepository pairs(m_control);
    requireFreeName(pairs, definition.name, exceptId);
    db::SyncPairRecord record = pairRecordFrom(definition);
    record.id = exceptId;
    return record;
}

db::SyncPairRecord PairStore::create(const QJsonObject &definition)
{
    db::SyncPairRecord record = validated(definition, 0);
    record.nextRunAt = nextRunOf(record);
    db::SyncPairRepository pairs(m_control);
    return pairs.get(pairs.insert(record));
}

PairStore::Change PairStore::replace(qint64 id, const QJsonObject &definition, qint64 expectedVersion)
{
    db::SyncPairRepository pairs(m_control);
    const db::SyncPairRecord old = pairs.get(id); // NotFound before Validation
    db::SyncPairRecord record = validated(definition, id);
    const bool sameTiming = record.schedule == old.schedule && record.enabled == old.enabled;
    record.nextRunAt = sameTiming ? old.nextRunAt : nextRunOf(record);
    pairs.update(record, expectedVersion);
    return Change { old, pairs.get(id) };
}

PairStore::Change PairStore::patch(qint64 id, const QJsonObject &mergePatch,
                                   const std::function<QJsonObject(const QJsonObject &, const QJsonObject &)> &merge,
                                   qint64 expectedVersion)
{
    db::SyncPairRepository pairs(m_control);
    const db::SyncPairRecord old = pairs.get(id);
    QJsonObject patchBody = mergePatch;
    // A patch may use the deprecated names; it then changes the fields of the new names.
    for (const QString &key : { QStringLiteral("source_system"), QStringLiteral("target_system") }) {
        if (patchBody.contains(key) && !patchBody.contains(key + QStringLiteral("_id"))) {
            patchBody.insert(key + QStringLiteral("_id"), patchBody.value(key));
            patchBody.remove(key);
        }
    }
    const QJsonObject merged = merge(definitionOf(old).toJson(), patchBody);
    // Without If-Match the version read here guards the write: a change made between the
    // read and the write is not silently overwritten.
    return replace(id, merged, expectedVersion != 0 ? expectedVersion : old.version);
}

db::SyncPairRecord PairStore::remove(qint64 id, qint64 expectedVersion, qint64 *quarantineDeleted)
{
    db::SyncPairRepository pairs(m_control);
    const db::SyncPairRecord record = pairs.get(id);
    // Checked and deleted in one transaction, so a claim cannot slip in between on SQLite
    // (BEGIN IMMEDIATE); on PostgreSQL a claim racing the delete loses its row to the cascade.
    db::Transaction transaction(m_control);
    OperationQueue::ListFilter filter;
    filter.pairId = id;
    filter.status = QStringLiteral("running");
    filter.limit = 1;
    const QList<db::OperationRecord> running = OperationQueue(m_control).list(filter);
    if (!running.isEmpty()) {
        throw Error(Error::Kind::Conflict, QStringLiteral("operation_running"),
                    QStringLiteral("sync pair %1 '%2' has a running operation (%3); cancel it or wait for it to finish")
                        .arg(id)
                        .arg(record.name)
                        .arg(running.first().id),
                    QJsonObject { { QStringLiteral("operation_id"), running.first().id } });
    }
    pairs.remove(id, expectedVersion);
    // quarantine.pair_id is text without a foreign key (the engine's stores key by any pair
    // id), so no cascade: deleted here, in the same transaction.
    QSqlQuery quarantine = m_control.prepare(QStringLiteral("DELETE FROM quarantine WHERE pair_id = ?"));
    quarantine.addBindValue(QString::number(id));
    m_control.exec(quarantine, "removing the quarantine entries of a sync pair");
    const qint64 deleted = quarantine.numRowsAffected();
    transaction.commit();
    if (quarantineDeleted)
        *quarantineDeleted = qMax<qint64>(0, deleted);
    return record;
}

std::optional<PairStore::Change> PairStore::setEnabled(qint64 id, bool enabled)
{
    db::SyncPairRepository pairs(m_control);
    db::SyncPairRecord record = pairs.get(id);
    if (record.enabled == enabled)
        return std::nullopt;
    const db::SyncPairRecord before = record;
    // The flag lives in the definition too (definitionOf reads it from there).
    record.enabled = enabled;
    record.definition.insert(QStringLiteral("enabled"), enabled);
    record.nextRunAt = nextRunOf(record);
    pairs.update(record);
    return Change { before, pairs.get(id) };
}

} // namespace tf::sync
