#pragma once

#include "sync/connector.h"

namespace tf::sync::files {

// settings.settings of a CSV or JSON Lines system:
//   "path":      absolute path of one file, or of a folder whose files are the entities
//   "delimiter": CSV only; one ASCII character, "\t" (or the two characters \t) for tab
//   "columns":   optional [{"name": "...", "type": "decimal"}, ...]: the columns' types
//   "key":       optional column name or list of names
struct FileSettings
{
    QString path;
    char delimiter = ',';
    QList<Column> columns;
    QStringList keyColumns;

    // Throws tf::Error(Validation) with details {"field": ...} naming what is wrong.
    static FileSettings parse(const SystemSettings &settings, bool withDelimiter);

    // Declared type of a column; Text when none was declared.
    ValueType declaredType(const QString &column) const;
};

} // namespace tf::sync::files
