#include "changedecoder.h"

#include "core/errors.h"

namespace tf::sync::cdc {

namespace {

[[noreturn]] void protocolError(const QString &problem)
{
    throw Error(Error::Kind::Internal, QStringLiteral("replication stream: ") + problem);
}

} // namespace

bool sameShape(const RelationMessage &a, const RelationMessage &b)
{
    if (a.schema != b.schema || a.name != b.name || a.replicaIdentity != b.replicaIdentity
        || a.columns.size() != b.columns.size())
        return false;
    for (qsizetype i = 0; i < a.columns.size(); ++i) {
        const RelationColumn &x = a.columns.at(i);
        const RelationColumn &y = b.columns.at(i);
        if (x.name != y.name || x.typeOid != y.typeOid || x.typeModifier != y.typeModifier
            || x.isKey != y.isKey)
            return false;
    }
    return true;
}

ChangeDecoder::ChangeDecoder(SourceChangeSink &sink, Lsn appliedEnd)
    : m_sink(sink)
    , m_appliedEnd(appliedEnd)
{ }

RelationPtr ChangeDecoder::known(quint32 relationId) const
{
    RelationPtr relation = m_relations.value(relationId);
    if (!relation)
        protocolError(
            QStringLiteral("a change to relation %1, which was never described").arg(relationId));
    return relation;
}

void ChangeDecoder::checkWidth(const RelationPtr &relation, const Tuple &tuple) const
{
    if (tuple.size() != relation->columns.size())
        protocolError(QStringLiteral("a tuple of %1 columns for %2.%3, which has %4")
                          .arg(tuple.size())
                          .arg(relation->schema, relation->name)
                          .arg(relation->columns.size()));
}

void ChangeDecoder::requireTransaction(const char *what) const
{
    if (!m_inTransaction)
        protocolError(QStringLiteral("%1 outside a transaction").arg(QLatin1String(what)));
}

void ChangeDecoder::onRelation(const RelationMessage &relation)
{
    auto next = std::make_shared<const RelationMessage>(relation);
    const RelationPtr before = m_relations.value(relation.relationId);
    m_relations.insert(relation.relationId, next);
    if (before && !sameShape(*before, *next))
        m_sink.relationChanged(before, next);
}

void ChangeDecoder::decode(const PgOutputMessage &message, Lsn walStart)
{
    if (const auto *begin = std::get_if<BeginMessage>(&message)) {
        if (m_inTransaction)
            protocolError(QStringLiteral("Begin inside a transaction"));
        m_inTransaction = true;
        // The commit record starts at finalLsn and ends after it: a transaction whose commit
        // starts before what we applied ended at or before it.
        m_skipping = begin->finalLsn < m_appliedEnd;
        if (!m_skipping)
            m_sink.beginTransaction(*begin);
        return;
    }
    if (const auto *commit = std::get_if<CommitMessage>(&message)) {
        requireTransaction("Commit");
        m_inTransaction = false;
        if (m_skipping) {
            ++m_skipped;
            m_skipping = false;
            return;
        }
        m_sink.commitTransaction(*commit);
        if (commit->endLsn > m_appliedEnd)
            m_appliedEnd = commit->endLsn;
        return;
    }
    if (const auto *relation = std::get_if<RelationMessage>(&message)) {
        onRelation(*relation);
        return;
    }
    if (std::holds_alternative<TypeMessage>(message)
        || std::holds_alternative<OriginMessage>(message)
        || std::holds_alternative<LogicalMessage>(message))
        return; // types arrive by OID in Relation messages; origins and messages are not ours

    SourceChange change;
    change.walStart = walStart;
    if (const auto *insert = std::get_if<InsertMessage>(&message)) {
        requireTransaction("Insert");
        change.kind = SourceChange::Kind::Insert;
        change.relation = known(insert->relationId);
        change.newTuple = insert->newTuple;
        checkWidth(change.relation, change.newTuple);
    } else if (const auto *update = std::get_if<UpdateMessage>(&message)) {
        requireTransaction("Update");
        change.kind = SourceChange::Kind::Update;
        change.relation = known(update->relationId);
        change.oldKind = update->oldKind;
        change.oldTuple = update->oldTuple;
        change.newTuple = update->newTuple;
        checkWidth(change.relation, change.newTuple);
        if (change.oldKind != '\0')
            checkWidth(change.relation, change.oldTuple);
    } else if (const auto *removal = std::get_if<DeleteMessage>(&message)) {
        requireTransaction("Delete");
        change.kind = SourceChange::Kind::Delete;
        change.relation = known(removal->relationId);
        change.oldKind = removal->oldKind;
        change.oldTuple = removal->oldTuple;
        checkWidth(change.relation, change.oldTuple);
    } else if (const auto *truncate = std::get_if<TruncateMessage>(&message)) {
        requireTransaction("Truncate");
        change.kind = SourceChange::Kind::Truncate;
        change.truncateOptions = truncate->options;
        for (const quint32 id : truncate->relationIds)
            change.truncated.append(known(id));
    }
    if (!m_skipping)
        m_sink.change(change);
}

} // namespace tf::sync::cdc
