#pragma once

#include "postgrestypes.h"
#include "sync/connector.h"

#include <QVariantList>

namespace tf::sync::pg {

// The filter of a cursor read past a checkpoint: (cursor, key...) > checkpoint, so ties on
// the cursor are broken by key. Without a stored key, rows at the checkpoint's cursor are
// read again rather than skipped; without a checkpoint (or a NULL cursor in it) there is no
// filter. Shared by the read (PgReader::readSince) and its row estimate.
struct SinceFilter
{
    QString where; // " WHERE ...", or empty
    QVariantList binds;
};

// reads: the SQL expressions that stand for the bound values in order (a COPY read cannot
// bind: it reads them back with current_setting); empty means "?" placeholders.
SinceFilter sinceFilter(const PgColumn &cursor, const QList<PgColumn> &keys,
                        const std::optional<Checkpoint> &after, const QStringList &reads = {});

} // namespace tf::sync::pg
