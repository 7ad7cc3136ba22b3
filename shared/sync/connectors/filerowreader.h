#pragma once

#include "sync/row.h"

namespace tf::sync::files {

// Streams the rows of one file in file order, typed by the entity's schema, one at a time:
// memory holds one row, never the file.
class FileRowReader
{
public:
    virtual ~FileRowReader() = default;

    // The next row, in schema order; false at the end. Throws tf::Error(Validation) naming
    // the file and the line for a line it cannot parse; a value it cannot read as its
    // column's type is an UnreadableValue (row.h) naming the file, the line and the reason.
    virtual bool next(Row *row) = 0;
};

} // namespace tf::sync::files
