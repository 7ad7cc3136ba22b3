#pragma once

#include "pgoutputmessages.h"

#include <QHash>
#include <memory>

namespace tf::sync::cdc {

using RelationPtr = std::shared_ptr<const RelationMessage>;

// One row change of a source transaction, its table resolved from the Relation messages.
struct SourceChange
{
    enum class Kind { Insert, Update, Delete, Truncate };
    Kind kind = Kind::Insert;
    RelationPtr relation; // Insert, Update, Delete
    // Update: the old identity when the key changed ('K') or the whole old row under
    // REPLICA IDENTITY FULL ('O'); empty otherwise (the new tuple's key is the row's key).
    // Delete: 'K' only the identity columns hold values, the others are NULL.
    char oldKind = '\0';
    Tuple oldTuple;
    Tuple newTuple; // Insert, Update; Unchanged values stay untouched
    QList<RelationPtr> truncated; // Truncate
    quint8 truncateOptions = 0;
    Lsn walStart = 0;
};

// What the decoder hands on, in stream order.
class SourceChangeSink
{
public:
    virtual ~SourceChangeSink() = default;
    virtual void beginTransaction(const BeginMessage &begin) = 0;
    virtual void change(const SourceChange &change) = 0;
    virtual void commitTransaction(const CommitMessage &commit) = 0;
    // A table already known came back with other columns (names, types or key): the pair
    // must hold its changes until the new mapping is approved.
    virtual void relationChanged(const RelationPtr &before, const RelationPtr &after) = 0;
};

// Turns a pgoutput stream into whole source transactions for a consumer that has already
// applied everything up to `appliedEnd` (the end LSN of the last transaction it committed):
// a transaction whose commit lies before that was applied and is skipped whole, so a restart
// from an older position never applies a transaction twice. Relation messages are kept even
// from skipped transactions (the server sends each table once per session).
//
// Throws tf::Error(Internal) on a stream that breaks the protocol: a change outside a
// transaction, a Begin inside one, a change to a table never described, a tuple whose column
// count differs from its table's.
class ChangeDecoder final
{
public:
    ChangeDecoder(SourceChangeSink &sink, Lsn appliedEnd);

    void decode(const PgOutputMessage &message, Lsn walStart);

    bool inTransaction() const { return m_inTransaction; }
    Lsn appliedEnd() const { return m_appliedEnd; }
    qint64 skippedTransactions() const { return m_skipped; }
    RelationPtr relation(quint32 relationId) const { return m_relations.value(relationId); }

private:
    RelationPtr known(quint32 relationId) const;
    void checkWidth(const RelationPtr &relation, const Tuple &tuple) const;
    void requireTransaction(const char *what) const;
    void onRelation(const RelationMessage &relation);

    SourceChangeSink &m_sink;
    QHash<quint32, RelationPtr> m_relations;
    Lsn m_appliedEnd = 0;
    bool m_inTransaction = false;
    bool m_skipping = false;
    qint64 m_skipped = 0;
};

// Whether two descriptions of a table differ in what a mapping depends on: column names,
// types, type modifiers, identity flags or replica identity.
bool sameShape(const RelationMessage &a, const RelationMessage &b);

} // namespace tf::sync::cdc
