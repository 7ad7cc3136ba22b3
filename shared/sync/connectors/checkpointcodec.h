#pragma once

#include "sync/connector.h"

#include <QString>
#include <QVariant>

namespace tf::sync {

// A checkpoint as three texts, for state stores that keep it in a table: the cursor's
// canonical text (NULL for a NULL cursor), the type names ("timestamptz;text,integer": the
// cursor's, then the key values'), and the key's keyText. Typed values come back although
// the StateStore API passes no types. Used by ControlDbStateStore and the MySQL store.
struct CheckpointText
{
    QVariant cursorValue; // QString, or a null QString
    QString types;
    QString keyText;
};

CheckpointText encodeCheckpoint(const Checkpoint &checkpoint);
Checkpoint decodeCheckpoint(const QVariant &cursorValue, const QString &types, const QString &keyText);

} // namespace tf::sync
