#include "cdcexecutor.h"

#include "cdcschemagate.h"
#include "core/errors.h"

// CdcExecutor's side of held schema changes (CdcSchemaGate): a Relation message compared with
// the shape the pair accepted, an approved change switching a table to its new definition.
namespace tf::sync {

using namespace cdc;

// A streamed table's Relation message, before the decoder sees it. The approved shape of a held
// change switches the table to the current definition (the change is applied once the target
// committed past it). The first one of a session is compared with the shape the pair last
// accepted: a table altered while the pair was stopped is held too. Later ones in the session
// reach relationChanged() through the decoder.
void CdcExecutor::checkRelation(const RelationMessage &relation)
{
    const bool first = !m_seenRelations.contains(relation.relationId);
    m_seenRelations.insert(relation.relationId);
    if (const auto change = m_gate->approvedFor(relation)) {
        m_previousWriters.remove(relation.name);
        m_gate->accept(relation);
        if (!m_passedChanges.contains(change->id)) {
            m_passedChanges << change->id;
            log(QStringLiteral("schema change %1 on %2.%3 (approved) streamed past at %4")
                    .arg(change->id)
                    .arg(relation.schema, relation.name, formatLsn(m_messageLsn)));
        }
        return;
    }
    if (!first)
        return;
    const std::optional<QJsonObject> accepted = m_gate->acceptedShape(relation);
    if (!accepted)
        m_gate->accept(relation);
    else if (*accepted != CdcSchemaGate::shapeOf(relation))
        holdChange(*accepted, relation);
}

void CdcExecutor::relationChanged(const RelationPtr &before, const RelationPtr &after)
{
    if (!writerFor(*after))
        return;
    if (m_gate && m_gate->approvedFor(*after))
        return; // approved: checkRelation() switched the table to the current definition
    holdChange(CdcSchemaGate::shapeOf(*before), *after);
}

void CdcExecutor::holdChange(const QJsonObject &before, const RelationMessage &after)
{
    QString held;
    if (m_gate) {
        // The source transactions before this one are kept (the next run starts after them);
        // this one is rolled back unless it wrote nothing yet, and streamed again after the
        // decision.
        if (m_transaction && !m_changesInTransaction && m_pendingTransactions > 0)
            commitTarget();
        const db::CdcSchemaChangeRecord change = m_gate->hold(before, after, m_messageLsn);
        held = QStringLiteral(" (schema change %1; approve or reject it: "
                              "/api/sync-pairs/%2/schema-changes/%1)")
                   .arg(change.id)
                   .arg(m_pair.pairId);
    }
    const QString message
        = QStringLiteral("Schema change on %1.%2 held for approval: its columns, types or identity "
                         "changed while sync pair %3 streamed; the pair stopped before applying "
                         "the change%4")
              .arg(after.schema, after.name, m_pair.pairId, held);
    if (m_options.alert)
        m_options.alert(QStringLiteral("cdc_schema_change"), message);
    throw Error(Error::Kind::Conflict, message);
}

} // namespace tf::sync
