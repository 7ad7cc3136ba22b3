#include "cdcentitywriter.h"

#include "core/errors.h"
#include "quarantinestore.h"

namespace tf::sync {

using cdc::ChangeRow;
using cdc::SourceChange;

CdcEntityWriter::CdcEntityWriter(const PairSpec &pair, EntityPlan plan, TargetConnector &target,
                                 ResilientCall &targetCalls, cdc::CdcTarget &cdcTarget,
                                 QuarantineStore &quarantine)
    : m_pair(pair)
    , m_plan(std::move(plan))
    , m_quarantine(quarantine)
    , m_transformer(m_plan, target, targetCalls)
    , m_table(cdcTarget.tableWriter(m_plan.spec.targetEntity, m_plan.targetSchema,
                                    m_plan.spec.targetKey))
{
    // A target column is left untouched when the source column it is mapped from was not sent
    // (an unchanged TOAST value).
    const QList<MappingPlan::MappedValue> values
        = MappingPlan::mappedValues(m_plan.spec.mapping, *m_plan.readSchema);
    for (const Column &column : m_plan.targetSchema->columns()) {
        int from = -1;
        for (const MappingPlan::MappedValue &value : values) {
            if (value.target == column.name && !value.source.isEmpty())
                from = m_plan.readSchema->indexOf(value.source);
        }
        m_sourceOfTarget << from;
    }
}

QList<bool> CdcEntityWriter::targetUnchanged(const QList<bool> &sourceUnchanged) const
{
    QList<bool> unchanged;
    for (const int from : m_sourceOfTarget)
        unchanged << (from >= 0 && sourceUnchanged.value(from));
    return unchanged;
}

std::optional<KeyValues> CdcEntityWriter::targetKeyOf(const Row &keyOnlyRow) const
{
    // Only the key columns are mapped for this: the other fields' errors do not matter here.
    const RowTransformer::Mapped mapped = m_transformer.apply({ keyOnlyRow }).value(0);
    const KeyValues key = m_plan.targetKey(mapped.row);
    for (const QVariant &value : key) {
        if (!value.isValid() || value.isNull())
            return std::nullopt;
    }
    return key;
}

void CdcEntityWriter::quarantine(const Row &sourceRow, const RowTransformer::Mapped &mapped,
                                 qint64 operationId, EntityStats &stats)
{
    if (m_pair.invalidRows == InvalidRowPolicy::Fail)
        throw Error(Error::Kind::Validation,
                    QStringLiteral("%1 %2: %3 (invalid_rows is fail)")
                        .arg(m_plan.spec.name, mapped.sourceKey,
                             mapped.errors.value(0).message));
    m_quarantine.record(quarantineRecord(m_plan, m_pair.pairId, operationId, sourceRow, mapped));
    ++stats.quarantined;
}

void CdcEntityWriter::removeTarget(const Row &keyOnlyRow, const QString &sourceKey,
                                   qint64 operationId, EntityStats &stats)
{
    if (m_plan.spec.deleteAction == DeleteAction::Ignore)
        return;
    const std::optional<KeyValues> key = targetKeyOf(keyOnlyRow);
    if (!key) {
        RowTransformer::Mapped mapped;
        mapped.sourceKey = sourceKey;
        mapped.row = Row(m_plan.targetSchema->size());
        mapped.errors << FieldError { m_plan.spec.targetKey.value(0), QStringLiteral("delete"),
                                      QStringLiteral("a streamed delete whose source key maps to no "
                                                     "target key: the target row was not deleted") };
        quarantine(keyOnlyRow, mapped, operationId, stats);
        return;
    }
    hold(m_plan.spec.deleteAction == DeleteAction::SoftDelete ? RunKind::SoftDelete
                                                              : RunKind::Delete,
         {}, stats);
    m_runRows << keyRow(*key);
}

void CdcEntityWriter::apply(const SourceChange &change, qint64 operationId, EntityStats &stats)
{
    const ChangeRow row = cdc::toChangeRow(change, *m_plan.readSchema, m_plan.spec.sourceKey);
    const QString sourceKey = m_plan.sourceKeyText(row.row);
    ++stats.read;
    if (row.kind == SourceChange::Kind::Delete) {
        removeTarget(row.row, sourceKey, operationId, stats);
        return;
    }
    // The key changed: the row under the old key goes (its target key from the old source key).
    std::optional<KeyValues> oldTarget;
    if (!row.oldKey.isEmpty() && m_plan.spec.deleteAction != DeleteAction::Ignore) {
        Row old(m_plan.readSchema->size());
        for (qsizetype i = 0; i < row.oldKey.size(); ++i)
            old[i] = row.oldKey.at(i);
        oldTarget = targetKeyOf(old);
    }
    RowTransformer::Mapped mapped = m_transformer.apply({ row.row }).value(0);
    const QList<bool> unchanged = targetUnchanged(row.unchanged);
    // A value the server did not send cannot be checked: its column keeps what it holds.
    mapped.errors.removeIf([&](const FieldError &error) {
        const int index = m_plan.targetSchema->indexOf(error.field);
        return index >= 0 && unchanged.value(index);
    });
    // A key change that did not send some values (an unchanged TOAST value: the new tuple has
    // 'u' under DEFAULT and FULL alike) moves the target row to its new key in place, keeping
    // them; dropping the old row would lose them.
    const bool moveInPlace = oldTarget && unchanged.contains(true) && mapped.errors.isEmpty()
        && m_plan.spec.deleteAction == DeleteAction::Propagate;
    if (oldTarget && !moveInPlace) {
        hold(RunKind::DropOldKey, {}, stats);
        m_runRows << keyRow(*oldTarget);
    }
    if (!mapped.errors.isEmpty()) {
        quarantine(row.row, mapped, operationId, stats);
        return;
    }
    if (moveInPlace) {
        flush(stats); // in stream order
        const HeldUpdate held { row.row, std::move(mapped), operationId };
        if (m_table->updateAt(held.mapped.row, unchanged, *oldTarget))
            ++stats.updated;
        else
            quarantineUnchangedToast(held, unchanged, stats);
        return;
    }
    if (unchanged.contains(true)) {
        // Counted when written: a row the target does not hold is quarantined instead.
        hold(RunKind::Update, unchanged, stats);
        m_runUpdates << HeldUpdate { row.row, std::move(mapped), operationId };
        return;
    }
    hold(RunKind::Upsert, {}, stats);
    m_runRows << mapped.row;
    if (row.kind == SourceChange::Kind::Insert)
        ++stats.inserted;
    else
        ++stats.updated;
}

void CdcEntityWriter::truncate(EntityStats &stats)
{
    flush(stats);
    switch (m_plan.spec.deleteAction) {
    case DeleteAction::Propagate:
        stats.deleted += m_table->removeAll();
        return;
    case DeleteAction::SoftDelete:
        stats.deleted += m_table->markAllDeleted(m_plan.spec.softDeleteColumn);
        return;
    case DeleteAction::Ignore:
        return;
    }
}

Row CdcEntityWriter::keyRow(const KeyValues &key) const
{
    Row row(m_plan.targetSchema->size());
    for (qsizetype i = 0; i < m_plan.targetKeyIndexes.size(); ++i)
        row[m_plan.targetKeyIndexes.at(i)] = key.value(i);
    return row;
}

void CdcEntityWriter::hold(RunKind kind, const QList<bool> &unchanged, EntityStats &stats)
{
    const qsizetype held = m_runRows.size() + m_runUpdates.size();
    if (m_run != kind || (kind == RunKind::Update && m_runUnchanged != unchanged)
        || held >= kMaxRunRows)
        flush(stats);
    m_run = kind;
    m_runUnchanged = unchanged;
}

void CdcEntityWriter::flush(EntityStats &stats)
{
    switch (m_run) {
    case RunKind::None:
        break;
    case RunKind::Upsert:
        m_table->upsert(m_runRows);
        break;
    case RunKind::Update:
        flushUpdates(stats);
        break;
    case RunKind::Delete:
    case RunKind::SoftDelete:
    case RunKind::DropOldKey:
        flushDeletes(stats);
        break;
    }
    m_run = RunKind::None;
    m_runRows.clear();
    m_runUpdates.clear();
    m_runUnchanged.clear();
}

void CdcEntityWriter::flushDeletes(EntityStats &stats)
{
    const QString softColumn
        = m_run == RunKind::SoftDelete ? m_plan.spec.softDeleteColumn : QString();
    const qint64 found = m_table->remove(m_runRows, softColumn);
    if (m_run != RunKind::DropOldKey) // the old row of a key change is not a delete
        stats.deleted += found;
}

void CdcEntityWriter::flushUpdates(EntityStats &stats)
{
    QList<Row> rows;
    rows.reserve(m_runUpdates.size());
    for (const HeldUpdate &held : std::as_const(m_runUpdates))
        rows << held.mapped.row;
    const QSet<qsizetype> missing = m_table->update(rows, m_runUnchanged);
    for (qsizetype i = 0; i < m_runUpdates.size(); ++i) {
        if (missing.contains(i))
            quarantineUnchangedToast(m_runUpdates.at(i), m_runUnchanged, stats);
        else
            ++stats.updated;
    }
}

void CdcEntityWriter::quarantineUnchangedToast(const HeldUpdate &held, const QList<bool> &unchanged,
                                               EntityStats &stats)
{
    QStringList columns;
    for (int i = 0; i < unchanged.size(); ++i) {
        if (unchanged.at(i))
            columns << m_plan.targetSchema->at(i).name;
    }
    RowTransformer::Mapped mapped = held.mapped;
    mapped.errors << FieldError { columns.value(0), QStringLiteral("unchanged_toast"),
                                  QStringLiteral("an update that did not send %1 (unchanged large "
                                                 "values) for a row the target does not hold: "
                                                 "it cannot be written whole")
                                      .arg(columns.join(QStringLiteral(", "))) };
    quarantine(held.source, mapped, held.operationId, stats);
}

} // namespace tf::sync
