#pragma once

#include "demobreakage.h"

#include <QVariantList>

namespace tf::sync::demo {

// Where PacsParcelBuilder puts the rows it makes: the SQLite file (PacsDemoWriter) or a
// PostgreSQL database (PacsDemoPgWriter). Values come in PacsDemoWriter::columns(table) order.
class PacsRowSink
{
public:
    virtual ~PacsRowSink() = default;
    virtual void insert(PacsTable table, const QVariantList &values) = 0;
};

} // namespace tf::sync::demo
