#pragma once

#include "changedecoder.h"
#include "sync/row.h"

#include <QList>
#include <QStringList>

namespace tf::sync::cdc {

// One source change as row-model values of the columns a pair reads, ready for mapping.
struct ChangeRow
{
    SourceChange::Kind kind = SourceChange::Kind::Insert;
    // In the read schema's order: the new values (Insert, Update) or the old identity's
    // (Delete: under REPLICA IDENTITY DEFAULT only the key columns hold values).
    Row row;
    // Per column: the server did not send the value (an unchanged TOASTed value). The target's
    // value must be left as it is: never written as NULL or a placeholder.
    QList<bool> unchanged;
    KeyValues key; // the row's source key (Delete: the deleted row's)
    KeyValues oldKey; // Update that changed the key: the key before; empty otherwise
    bool hasUnchanged() const { return unchanged.contains(true); }
};

// Converts an Insert, Update or Delete (not a Truncate) to the columns of readSchema, by name,
// values through valueFromOutputText(). keyColumns name the pair's source key (read columns).
// Throws tf::Error(Validation) when the table no longer has a column the pair reads (a schema
// change), or when a key value is missing (a key column NULL or not sent).
ChangeRow toChangeRow(const SourceChange &change, const Schema &readSchema,
                      const QStringList &keyColumns);

} // namespace tf::sync::cdc
